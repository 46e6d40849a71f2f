// A tiny strict DER reader (X.690 §10) for the few structures RSA keys use: definite minimal lengths,
// minimal non-negative INTEGERs, every constructed value consumed exactly. Anything else throws.

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

function fail(what: string): never {
  throw new Error(`rsa key: malformed DER (${what})`);
}

/** Reads the TLVs of one constructed value (or a whole document) in order. */
export class DerReader {
  #buf: Uint8Array;
  #pos: number;
  #end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#pos === this.#end;
  }

  /** Tag of the next value, or -1 at the end. */
  peek(): number {
    return this.done ? -1 : this.#buf[this.#pos]!;
  }

  /** Reads a value with the given tag (single-byte tags only) and returns its contents. */
  read(tag: number): Uint8Array {
    const b = this.#buf;
    if (this.#pos + 2 > this.#end) fail('truncated');
    if (b[this.#pos] !== tag) fail(`expected tag 0x${tag.toString(16)}`);
    let p = this.#pos + 1;
    let len = b[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3) fail('length form'); // indefinite (BER) or absurdly long
      if (p + n > this.#end) fail('truncated length');
      if (b[p] === 0) fail('non-minimal length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
      if (len < 0x80) fail('non-minimal length');
    }
    if (p + len > this.#end) fail('truncated contents');
    this.#pos = p + len;
    return b.subarray(p, p + len);
  }

  /** A reader over the contents of the next SEQUENCE. */
  sequence(): DerReader {
    const c = this.read(TAG_SEQUENCE);
    return new DerReader(c);
  }

  /** A non-negative INTEGER as its minimal big-endian magnitude (no sign byte; zero is empty). */
  uint(): Uint8Array {
    const c = this.read(TAG_INTEGER);
    if (c.length === 0) fail('empty INTEGER');
    if (c[0]! & 0x80) fail('negative INTEGER');
    if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) fail('non-minimal INTEGER');
    return c[0] === 0 ? c.subarray(1) : c;
  }

  /** A small non-negative INTEGER (version fields). */
  small(): number {
    const v = this.uint();
    if (v.length > 2) fail('version out of range');
    let x = 0;
    for (const b of v) x = x * 256 + b;
    return x;
  }

  end(): void {
    if (!this.done) fail('trailing data');
  }
}

/** DER of OID 1.2.840.113549.1.1.1 (rsaEncryption, RFC 8017 Appendix A.1). */
const RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

/** Reads AlgorithmIdentifier { rsaEncryption, NULL } (RFC 3279 §2.3.1: parameters MUST be NULL). */
export function readRsaAlgorithm(r: DerReader): void {
  const alg = r.sequence();
  const oid = alg.read(TAG_OID);
  if (oid.length !== RSA_ENCRYPTION.length || !oid.every((b, i) => b === RSA_ENCRYPTION[i])) {
    throw new Error('rsa key: algorithm is not rsaEncryption');
  }
  if (alg.read(TAG_NULL).length !== 0) fail('NULL with contents');
  alg.end();
}
