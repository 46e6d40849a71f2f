// DigitallySigned in TLS 1.2 (RFC 5246 §4.7, §7.4.1.4.1):
//   struct { SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>; } DigitallySigned;
// `scheme` is the two algorithm bytes read as an RFC 8446 SignatureScheme.

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DigitallySigned {
  readonly scheme: number;
  readonly signature: Uint8Array;
}

export function readDigitallySigned(r: Reader): DigitallySigned {
  const scheme = r.u16('signature algorithm');
  const signature = r.vec16('signature');
  return { scheme, signature };
}

export function writeDigitallySigned(w: Writer, ds: DigitallySigned): void {
  w.u16(ds.scheme).opaque(2, ds.signature, 0, 0xffff, 'signature');
}
