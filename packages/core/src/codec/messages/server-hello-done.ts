// ServerHelloDone (RFC 5246 §7.4.5): empty.

import { decodeEmptyBody, EMPTY_BODY } from './empty.js';

export interface ServerHelloDone {}

export function encodeServerHelloDone(): Uint8Array {
  return EMPTY_BODY;
}

export function decodeServerHelloDone(body: Uint8Array): ServerHelloDone {
  decodeEmptyBody('server_hello_done', body);
  return {};
}
