// Shared pieces of the extension codecs (RFC 5246 §7.4.1.4).

import { decodeError } from '../../errors.js';
import { encodeError } from '../writer.js';

/** One extension as it appeared on the wire: `Extension { extension_type; extension_data<0..2^16-1> }`. */
export interface RawExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** extension_data of an extension whose body is empty (EMS, encrypt_then_mac, server acks). */
export function encodeEmpty(): Uint8Array {
  return EMPTY;
}

/** Checks that extension_data is empty, as the RFC defining `name` requires. */
export function decodeEmpty(name: string, data: Uint8Array): void {
  if (data.length !== 0) throw decodeError(`${name}: extension_data must be empty, got ${data.length} bytes`);
}

/**
 * Byte strings such as ALPN protocol names are carried as JS strings with one char per byte
 * (latin1), so any byte sequence round-trips and ASCII names read naturally.
 */
export function bytesToBinaryString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function binaryStringToBytes(s: string, what: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw encodeError(`${what}: character U+${c.toString(16)} is not a byte`);
    out[i] = c;
  }
  return out;
}
