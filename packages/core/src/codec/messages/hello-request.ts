// HelloRequest (RFC 5246 §7.4.1.1): empty. Not part of the transcript (RFC 5246 §7.4.1.1:
// "This message MUST NOT be included in the message hashes").

import { decodeEmptyBody, EMPTY_BODY } from './empty.js';

export interface HelloRequest {}

export function encodeHelloRequest(): Uint8Array {
  return EMPTY_BODY;
}

export function decodeHelloRequest(body: Uint8Array): HelloRequest {
  decodeEmptyBody('hello_request', body);
  return {};
}
