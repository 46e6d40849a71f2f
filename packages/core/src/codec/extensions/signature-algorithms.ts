// signature_algorithms (RFC 5246 §7.4.1.4.1; codepoints as RFC 8446 §4.2.3 SignatureScheme).
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
// Unknown pairs are kept: the handshake intersects with what it can verify.

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export function encodeSignatureAlgorithms(schemes: readonly number[]): Uint8Array {
  return encode((w) => w.u16List(2, schemes, 2, 0xfffe, 'supported_signature_algorithms'));
}

export function decodeSignatureAlgorithms(data: Uint8Array): number[] {
  const r = new Reader(data, 'signature_algorithms');
  const schemes = r.u16List(2, 'supported_signature_algorithms', 2, 0xfffe);
  r.end();
  return schemes;
}
