// Handshake messages with an empty body: HelloRequest (RFC 5246 §7.4.1.1, `struct { } HelloRequest`)
// and ServerHelloDone (RFC 5246 §7.4.5, `struct { } ServerHelloDone`). Any body is decode_error.

import { decodeError } from '../../errors.js';

export function decodeEmptyBody(name: string, body: Uint8Array): void {
  if (body.length !== 0) throw decodeError(`${name}: body must be empty, got ${body.length} bytes`);
}

export const EMPTY_BODY: Uint8Array = new Uint8Array(0);
