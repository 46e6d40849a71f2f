// The protection applied to records in one direction under one set of keys (RFC 5246 §6.2.3).
import { TlsError } from '../../errors.js';

/**
 * Protects or unprotects records for one direction and one key set. The record layer supplies the
 * sequence number; the protector holds keys and scratch buffers only.
 */
export interface RecordProtector {
  /** 'null' before the first ChangeCipherSpec (TLS_NULL_WITH_NULL_NULL). */
  readonly kind: 'null' | 'aead' | 'cbc' | 'cbc-etm';
  /** Bytes the fragment holds before the plaintext (explicit nonce or IV). */
  readonly prefixLength: number;
  /** Most bytes the fragment may hold after the plaintext (tag, MAC, padding). */
  readonly maxSuffixLength: number;

  /**
   * Protects in place: the plaintext is at buf[offset + prefixLength, + length); the fragment is written
   * at buf[offset, offset + returned length). buf must have room for prefixLength + length +
   * maxSuffixLength bytes from offset. `seq` is the 8-byte big-endian sequence number.
   */
  sealInPlace(buf: Uint8Array, offset: number, length: number, type: number, version: number, seq: Uint8Array): number;

  /**
   * As sealInPlace with the plaintext read from `plaintext` instead of buf. Optional: only where the
   * cipher reads and writes different buffers anyway (Aead.sealInto); the writer copies otherwise.
   */
  sealInto?(buf: Uint8Array, offset: number, plaintext: Uint8Array, type: number, version: number, seq: Uint8Array): number;

  /**
   * Verifies and decrypts one fragment. Returns a plaintext the caller owns (never aliasing `fragment`,
   * which is not modified). Every failure throws the same BAD_RECORD_MAC error.
   */
  unprotect(fragment: Uint8Array, type: number, version: number, seq: Uint8Array): Uint8Array;

  /** Wipes keys; the protector is unusable afterwards. */
  dispose(): void;
}

/** The only error unprotection ever throws: RFC 5246 §6.2.3.2 (and §7.2.2) forbid telling failures apart. */
export function badRecordMac(): TlsError {
  return new TlsError('BAD_RECORD_MAC', 'bad_record_mac', 'bad record MAC');
}

/** Writes the MAC/AAD pseudo-header seq_num(8) + type(1) + version(2) + length(2) into out[0..13). */
export function writePseudoHeader(out: Uint8Array, seq: Uint8Array, type: number, version: number, length: number): void {
  out.set(seq, 0);
  out[8] = type;
  out[9] = version >>> 8;
  out[10] = version & 0xff;
  out[11] = (length >>> 8) & 0xff;
  out[12] = length & 0xff;
}

/** Source of unpredictable bytes (CBC IVs). Defaults to the Web Crypto API, present in every runtime. */
export type RandomSource = (out: Uint8Array) => void;

export const defaultRandom: RandomSource = (out) => {
  globalThis.crypto.getRandomValues(out);
};
