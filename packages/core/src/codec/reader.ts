// A bounds-checked big-endian reader for the TLS presentation language (RFC 5246 §4).
// Every shortfall, overrun or out-of-range vector length is a TlsError with alert decode_error
// (RFC 5246 §7.2.2: "some field was out of the specified range or the length of the message was
// incorrect"). Reads return subarrays of the input: nothing is copied.

import { decodeError } from '../errors.js';

/**
 * The same bytes as a plain Uint8Array (no copy). A subclass such as Node's Buffer changes what slice()
 * means (a view, not a copy), so a secret "copied" out of it and wiped later would wipe the caller's bytes.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export class Reader {
  private pos = 0;
  private readonly buf: Uint8Array;

  /** `what` names the structure in error messages, e.g. "client_hello". */
  constructor(
    buf: Uint8Array,
    readonly what = 'message',
  ) {
    this.buf = plainBytes(buf);
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Bytes already read. */
  get offset(): number {
    return this.pos;
  }

  private need(n: number, field: string): number {
    if (n > this.buf.length - this.pos) {
      throw decodeError(`${this.what}: truncated ${field} (need ${n} bytes, ${this.remaining} left)`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(field = 'u8'): number {
    return this.buf[this.need(1, field)]!;
  }

  u16(field = 'u16'): number {
    const i = this.need(2, field);
    return (this.buf[i]! << 8) | this.buf[i + 1]!;
  }

  u24(field = 'u24'): number {
    const i = this.need(3, field);
    return (this.buf[i]! << 16) | (this.buf[i + 1]! << 8) | this.buf[i + 2]!;
  }

  u32(field = 'u32'): number {
    const i = this.need(4, field);
    return ((this.buf[i]! << 24) >>> 0) + ((this.buf[i + 1]! << 16) | (this.buf[i + 2]! << 8) | this.buf[i + 3]!);
  }

  /** A fixed-length opaque field (RFC 5246 §4.3 `opaque x[n]`). */
  bytes(n: number, field = 'bytes'): Uint8Array {
    const i = this.need(n, field);
    return this.buf.subarray(i, i + n);
  }

  /** Everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /**
   * A variable-length vector `T field<floor..ceiling>` with a `prefix`-byte length (RFC 5246 §4.3).
   * The length must lie in [floor, ceiling] and be a multiple of `unit` (the element size).
   */
  vector(prefix: 1 | 2 | 3, field: string, floor: number, ceiling: number, unit = 1): Uint8Array {
    const len = prefix === 1 ? this.u8(`${field} length`) : prefix === 2 ? this.u16(`${field} length`) : this.u24(`${field} length`);
    if (len < floor || len > ceiling) {
      throw decodeError(`${this.what}: ${field} length ${len} outside <${floor}..${ceiling}>`);
    }
    if (len % unit !== 0) {
      throw decodeError(`${this.what}: ${field} length ${len} is not a multiple of ${unit}`);
    }
    return this.bytes(len, field);
  }

  vec8(field: string, floor = 0, ceiling = 0xff, unit = 1): Uint8Array {
    return this.vector(1, field, floor, ceiling, unit);
  }

  vec16(field: string, floor = 0, ceiling = 0xffff, unit = 1): Uint8Array {
    return this.vector(2, field, floor, ceiling, unit);
  }

  vec24(field: string, floor = 0, ceiling = 0xffffff, unit = 1): Uint8Array {
    return this.vector(3, field, floor, ceiling, unit);
  }

  /** A sub-reader over a vector's contents; call `end()` on it when done. */
  sub(prefix: 1 | 2 | 3, field: string, floor = 0, ceiling = prefix === 1 ? 0xff : prefix === 2 ? 0xffff : 0xffffff): Reader {
    return new Reader(this.vector(prefix, field, floor, ceiling), `${this.what}.${field}`);
  }

  /** A vector of u16 values (cipher suites, groups, signature schemes). */
  u16List(prefix: 1 | 2, field: string, floor: number, ceiling: number): number[] {
    const v = this.vector(prefix, field, floor, ceiling, 2);
    const out: number[] = new Array(v.length >> 1);
    for (let i = 0; i < v.length; i += 2) out[i >> 1] = (v[i]! << 8) | v[i + 1]!;
    return out;
  }

  /** A vector of u8 values (compression methods, point formats, certificate types). */
  u8List(field: string, floor: number, ceiling: number): number[] {
    return Array.from(this.vector(1, field, floor, ceiling));
  }

  /** Fails with decode_error if any byte is left: structures have no slack (RFC 5246 §7.4). */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw decodeError(`${this.what}: ${this.remaining} trailing bytes`);
    }
  }
}
