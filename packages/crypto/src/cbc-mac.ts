// The constant-time check of a decrypted TLS MAC-then-encrypt CBC record (RFC 5246 §6.2.3.2) on
// asm/cbc_mac.ts: padding check, HMAC over a number of compression blocks fixed by the record length,
// extraction of the received MAC from its secret position, comparison; one WASM call per record
// (the Lucky Thirteen countermeasure of OpenSSL's ssl3_cbc_digest_record, done in WASM).
import { hashSpec } from './hash-spec.js';
import type { Hmac } from './hmac.js';
import type { Mac } from './types.js';
import { SCRATCH_SIZE, aux, heap, scratch, wasm } from './wasm.js';

/**
 * Internal (index.ts does not re-export it): the method through which a WASM `Hmac` hands out its context
 * pointer. A symbol of this module instance: an Hmac of another copy of the package (another WASM
 * instance) does not have it.
 */
export const HMAC_CONTEXT: unique symbol = Symbol('sanstls.hmacContext');

type WithContext = { [HMAC_CONTEXT]?: () => number };

/** True when `mac` is an `Hmac` of this package (SHA-1/SHA-2 HMAC in the WASM module), which cbcRecordOpen needs. */
export function canOpenCbcRecord(mac: Mac): mac is Hmac {
  return typeof (mac as WithContext)[HMAC_CONTEXT] === 'function';
}

/**
 * Checks the decrypted body of a MAC-then-encrypt CBC record, record[offset, offset + length) = content ‖
 * MAC ‖ padding ‖ padding_length, against the HMAC key of `mac` and the pseudo-header seq ‖ type ‖ version ‖
 * content length. Returns the content length when the padding and the MAC are right, else -1; the caller
 * answers every -1 with the same bad_record_mac. `record` is not modified.
 *
 * Constant time in the WASM part: the work depends on `length` and the hash only, not on the padding
 * length, the MAC position or whether the record is good (see asm/README.md, "Constant-time CBC record
 * MAC"). Only the key of `mac` is used: a MAC in progress on it is left as it was. Lengths over 64 KiB
 * (far above any TLS record) return -1.
 */
export function cbcRecordOpen(
  mac: Hmac, seq: Uint8Array, type: number, version: number, record: Uint8Array, offset: number, length: number,
): number {
  const ctxOf = (mac as WithContext)[HMAC_CONTEXT];
  if (typeof ctxOf !== 'function') throw new TypeError('cbcRecordOpen: mac must be an Hmac of @sanstls/crypto');
  if (seq.length !== 8) throw new RangeError('cbcRecordOpen: seq must be 8 bytes');
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > record.length) {
    throw new RangeError('cbcRecordOpen: offset/length out of range');
  }
  if (length > SCRATCH_SIZE) return -1;
  const id = hashSpec(mac.algorithm).id;
  const ctx = ctxOf.call(mac);
  const e = wasm();
  const m = heap();
  const sp = scratch();
  const ap = aux(); // seq at ap, the content length (u32 LE) at ap + 8
  m.set(seq, ap);
  m.set(offset === 0 && length === record.length ? record : record.subarray(offset, offset + length), sp);
  const ok = e.tls_cbc_mte_open(id, ctx, ap, type & 0xff, version & 0xffff, sp, length, ap + 8) as number;
  const n = m[ap + 8]! | (m[ap + 9]! << 8) | (m[ap + 10]! << 16) | (m[ap + 11]! << 24);
  m.fill(0, sp, sp + length);
  m.fill(0, ap, ap + 12);
  return ok === 1 ? n : -1;
}
