import { TlsError } from '../errors.js';

/**
 * A record sequence number (RFC 5246 §6.1): one per direction, starting at 0 and reset to 0 by each
 * ChangeCipherSpec. It "MUST NOT exceed 2^64-1": once the record numbered 2^64-1 has been protected,
 * the next attempt is a fatal SEQUENCE_OVERFLOW, never a wrap to 0 (which would reuse AEAD nonces).
 *
 * Kept as two uint32 halves so counting allocates nothing (no bigint per record).
 */
export class SequenceNumber {
  private hi = 0;
  private lo = 0;
  private exhausted = false;
  private readonly out = new Uint8Array(8);

  /**
   * The big-endian uint64 for the next record, then advances. The returned view is reused: it is valid
   * until the next call.
   */
  next(): Uint8Array {
    if (this.exhausted) {
      throw new TlsError('SEQUENCE_OVERFLOW', 'internal_error', 'record sequence number would exceed 2^64-1');
    }
    const o = this.out;
    const hi = this.hi;
    const lo = this.lo;
    o[0] = hi >>> 24; o[1] = hi >>> 16; o[2] = hi >>> 8; o[3] = hi;
    o[4] = lo >>> 24; o[5] = lo >>> 16; o[6] = lo >>> 8; o[7] = lo;
    if (lo === 0xffffffff) {
      this.lo = 0;
      if (hi === 0xffffffff) this.exhausted = true;
      else this.hi = hi + 1;
    } else {
      this.lo = lo + 1;
    }
    return o;
  }

  /** The number the next record will get (2^64 once exhausted). */
  get value(): bigint {
    if (this.exhausted) return 1n << 64n;
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Back to 0: on ChangeCipherSpec (RFC 5246 §6.1). */
  reset(): void {
    this.set(0n);
  }

  /** Sets the next number (0 ≤ v < 2^64). For tests and diagnostics. */
  set(v: bigint): void {
    if (v < 0n || v >= 1n << 64n) throw new RangeError('sequence number out of range');
    this.hi = Number(v >> 32n);
    this.lo = Number(v & 0xffffffffn);
    this.exhausted = false;
  }
}
