// A growable big-endian writer for the TLS presentation language (RFC 5246 §4). Length prefixes
// are reserved, the contents written, then the prefix back-patched, so nested vectors cost no copies.
// Out-of-range values are our own bug (or bad configuration that should have been checked earlier):
// TlsError ENCODE_ERROR with alert internal_error.

import { TlsError } from '../errors.js';

export const encodeError = (msg: string): TlsError => new TlsError('ENCODE_ERROR', 'internal_error', msg);

export class Writer {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  private checkInt(v: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw encodeError(`${what} ${v} out of range`);
  }

  u8(v: number): this {
    this.checkInt(v, 0xff, 'u8');
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.checkInt(v, 0xffff, 'u16');
    this.ensure(2);
    this.buf[this.pos++] = v >>> 8;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.checkInt(v, 0xffffff, 'u24');
    this.ensure(3);
    this.buf[this.pos++] = v >>> 16;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.checkInt(v, 0xffffffff, 'u32');
    this.ensure(4);
    this.buf[this.pos++] = v >>> 24;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  /** Raw bytes, no prefix (`opaque x[n]`). */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * A vector `<floor..ceiling>` with a `prefix`-byte length (RFC 5246 §4.3): reserves the prefix,
   * runs `body`, then back-patches the length and checks the bounds.
   */
  vector(prefix: 1 | 2 | 3, body: (w: this) => void, floor = 0, ceiling = 2 ** (8 * prefix) - 1, what = 'vector'): this {
    this.ensure(prefix);
    const at = this.pos;
    this.pos += prefix;
    body(this);
    const len = this.pos - at - prefix;
    if (len < floor || len > ceiling) throw encodeError(`${what}: length ${len} outside <${floor}..${ceiling}>`);
    for (let i = prefix - 1, v = len; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }

  vec8(body: (w: this) => void, floor?: number, ceiling?: number, what?: string): this {
    return this.vector(1, body, floor, ceiling, what);
  }

  vec16(body: (w: this) => void, floor?: number, ceiling?: number, what?: string): this {
    return this.vector(2, body, floor, ceiling, what);
  }

  vec24(body: (w: this) => void, floor?: number, ceiling?: number, what?: string): this {
    return this.vector(3, body, floor, ceiling, what);
  }

  /** Opaque bytes with a length prefix, e.g. `opaque point<1..2^8-1>`. */
  opaque(prefix: 1 | 2 | 3, b: Uint8Array, floor = 0, ceiling?: number, what?: string): this {
    return this.vector(prefix, (w) => w.bytes(b), floor, ceiling, what);
  }

  /** A u16 list with a `prefix`-byte length (cipher suites, groups, signature schemes). */
  u16List(prefix: 1 | 2, values: readonly number[], floor = 0, ceiling?: number, what?: string): this {
    return this.vector(prefix, (w) => { for (const v of values) w.u16(v); }, floor, ceiling, what);
  }

  /** A u8 list with a 1-byte length. */
  u8List(values: readonly number[], floor = 0, ceiling?: number, what?: string): this {
    return this.vector(1, (w) => { for (const v of values) w.u8(v); }, floor, ceiling, what);
  }

  /** The bytes written: a view of the internal buffer (no copy). Do not write after calling. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Run `body` against a fresh writer and return the bytes. */
export function encode(body: (w: Writer) => void, capacity?: number): Uint8Array {
  const w = new Writer(capacity);
  body(w);
  return w.finish();
}
