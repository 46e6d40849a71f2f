// A strict DER reader (X.690 §10 and §11). Certificates are signed over their DER bytes, so any
// alternative encoding (BER indefinite lengths, non-minimal lengths or integers, constructed strings,
// trailing bytes) is refused rather than normalised: accepting it would let two parsers disagree
// about what was signed.

import { malformed } from './errors.js';

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag byte: [n] primitive (IMPLICIT) or constructed (EXPLICIT / IMPLICIT SEQUENCE). */
export const ctx = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** One tag-length-value element. `der` is the whole element, `value` its contents. */
export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
  readonly der: Uint8Array;
}

function readTlv(buf: Uint8Array, pos: number): Tlv {
  const tag = buf[pos];
  if (tag === undefined) throw malformed('DER: truncated tag');
  // High tag numbers (X.690 §8.1.2.4) never occur in the PKIX structures we read.
  if ((tag & 0x1f) === 0x1f) throw malformed('DER: high tag number');
  let p = pos + 1;
  const first = buf[p++];
  if (first === undefined) throw malformed('DER: truncated length');
  let len: number;
  if (first < 0x80) {
    len = first;
  } else if (first === 0x80) {
    throw malformed('DER: indefinite length'); // X.690 §10.1: definite form only
  } else {
    const n = first & 0x7f;
    if (n > 4) throw malformed('DER: length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[p++];
      if (b === undefined) throw malformed('DER: truncated length');
      if (i === 0 && b === 0) throw malformed('DER: non-minimal length');
      len = len * 256 + b;
    }
    if (len < 0x80) throw malformed('DER: non-minimal length'); // X.690 §10.1: shortest form
  }
  const end = p + len;
  if (end > buf.length) throw malformed('DER: truncated value');
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    value: buf.subarray(p, end),
    der: buf.subarray(pos, end),
  };
}

/** Parses exactly one element occupying all of `bytes`. */
export function parseDer(bytes: Uint8Array): Tlv {
  const t = readTlv(bytes, 0);
  if (t.der.length !== bytes.length) throw malformed('DER: trailing data');
  return t;
}

/** Sequential reader over the contents of a constructed element. */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  static of(t: Tlv, tag: number = Tag.SEQUENCE): DerReader {
    if (t.tag !== tag) throw malformed(`DER: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
    if (!t.constructed) throw malformed('DER: expected constructed element');
    return new DerReader(t.value);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  peekTag(): number | undefined {
    return this.buf[this.pos];
  }

  next(): Tlv {
    const t = readTlv(this.buf, this.pos);
    this.pos += t.der.length;
    return t;
  }

  expect(tag: number): Tlv {
    const t = this.next();
    if (t.tag !== tag) throw malformed(`DER: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
    return t;
  }

  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** Enters a constructed element of the given tag. */
  enter(tag: number = Tag.SEQUENCE): DerReader {
    return DerReader.of(this.expect(tag), tag);
  }

  end(): void {
    if (!this.done) throw malformed('DER: unexpected trailing element');
  }
}

export function readSequenceOf(t: Tlv, tag: number = Tag.SEQUENCE): Tlv[] {
  const r = DerReader.of(t, tag);
  const out: Tlv[] = [];
  while (!r.done) out.push(r.next());
  return out;
}

function primitive(t: Tlv, tag: number, what: string): Uint8Array {
  if (t.tag !== tag) throw malformed(`DER: expected ${what}`);
  return t.value;
}

/** INTEGER contents, checked minimal (X.690 §8.3.2). Returned as the two's complement bytes. */
export function integerBytes(t: Tlv, tag: number = Tag.INTEGER): Uint8Array {
  const v = primitive(t, tag, 'INTEGER');
  if (v.length === 0) throw malformed('DER: empty INTEGER');
  if (v.length > 1) {
    const a = v[0]!;
    const b = v[1]!;
    if ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80)) throw malformed('DER: non-minimal INTEGER');
  }
  return v;
}

export function bytesToBigInt(v: Uint8Array): bigint {
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n;
}

/** Signed value of an INTEGER. */
export function readBigInt(t: Tlv, tag: number = Tag.INTEGER): bigint {
  const v = integerBytes(t, tag);
  const n = bytesToBigInt(v);
  return (v[0]! & 0x80) !== 0 ? n - (1n << BigInt(v.length * 8)) : n;
}

export function readSmallInt(t: Tlv, tag: number = Tag.INTEGER): number {
  const n = readBigInt(t, tag);
  if (n > 0x7fffffffn || n < -0x80000000n) throw malformed('DER: integer out of range');
  return Number(n);
}

/** Non-negative integer as unsigned big-endian bytes without the sign octet. */
export function readUnsignedBytes(t: Tlv): Uint8Array {
  const v = integerBytes(t);
  if ((v[0]! & 0x80) !== 0) throw malformed('DER: negative integer');
  return v[0] === 0 && v.length > 1 ? v.subarray(1) : v;
}

export function readBoolean(t: Tlv): boolean {
  const v = primitive(t, Tag.BOOLEAN, 'BOOLEAN');
  if (v.length !== 1) throw malformed('DER: bad BOOLEAN length');
  if (v[0] === 0xff) return true;
  if (v[0] === 0x00) return false;
  throw malformed('DER: BOOLEAN must be 0x00 or 0xFF'); // X.690 §11.1
}

export function readNull(t: Tlv): void {
  if (t.tag !== Tag.NULL || t.value.length !== 0) throw malformed('DER: bad NULL');
}

export function readOctetString(t: Tlv, tag: number = Tag.OCTET_STRING): Uint8Array {
  return primitive(t, tag, 'OCTET STRING');
}

export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

export function readBitString(t: Tlv, tag: number = Tag.BIT_STRING): BitString {
  const v = primitive(t, tag, 'BIT STRING');
  if (v.length === 0) throw malformed('DER: empty BIT STRING');
  const unused = v[0]!;
  if (unused > 7 || (v.length === 1 && unused !== 0)) throw malformed('DER: bad BIT STRING padding');
  const bytes = v.subarray(1);
  if (unused > 0 && (bytes[bytes.length - 1]! & ((1 << unused) - 1)) !== 0) {
    throw malformed('DER: BIT STRING padding bits not zero'); // X.690 §11.2.1
  }
  return { bytes, unusedBits: unused };
}

/** A BIT STRING that must hold whole octets (keys, signatures). */
export function readOctetAlignedBits(t: Tlv): Uint8Array {
  const b = readBitString(t);
  if (b.unusedBits !== 0) throw malformed('DER: BIT STRING not octet-aligned');
  return b.bytes;
}

export function readOid(t: Tlv): string {
  const v = primitive(t, Tag.OID, 'OBJECT IDENTIFIER');
  if (v.length === 0) throw malformed('DER: empty OID');
  const arcs: bigint[] = [];
  let cur = 0n;
  let start = true;
  for (const b of v) {
    if (start && b === 0x80) throw malformed('DER: non-minimal OID arc'); // X.690 §8.19.2
    cur = (cur << 7n) | BigInt(b & 0x7f);
    start = false;
    if ((b & 0x80) === 0) {
      arcs.push(cur);
      cur = 0n;
      start = true;
    }
  }
  if (!start) throw malformed('DER: truncated OID');
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16be', { fatal: true });

/** Decodes the directory string types used in names (RFC 5280 §4.1.2.4) and IA5String. */
export function readString(t: Tlv): string {
  const v = t.value;
  switch (t.tag) {
    case Tag.UTF8String:
      try {
        return utf8.decode(v);
      } catch {
        throw malformed('DER: invalid UTF8String');
      }
    case Tag.PrintableString: {
      const s = latin1(v);
      if (!PRINTABLE.test(s)) throw malformed('DER: invalid PrintableString');
      return s;
    }
    case Tag.IA5String:
    case Tag.VisibleString: {
      for (const b of v) if (b > 0x7f) throw malformed('DER: invalid IA5String');
      return latin1(v);
    }
    case Tag.TeletexString:
      return latin1(v); // T.61 in theory; Latin-1 in practice.
    case Tag.BMPString:
      if (v.length % 2 !== 0) throw malformed('DER: invalid BMPString');
      try {
        return utf16.decode(v);
      } catch {
        throw malformed('DER: invalid BMPString');
      }
    case Tag.UniversalString: {
      if (v.length % 4 !== 0) throw malformed('DER: invalid UniversalString');
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw malformed('DER: invalid UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      throw malformed(`DER: unsupported string tag 0x${t.tag.toString(16)}`);
  }
}

export function readIA5(t: Tlv): string {
  if (t.tag !== Tag.IA5String && (t.tag & 0xc0) !== 0x80) throw malformed('DER: expected IA5String');
  for (const b of t.value) if (b > 0x7f) throw malformed('DER: invalid IA5String');
  return latin1(t.value);
}

export function latin1(v: Uint8Array): string {
  let s = '';
  for (const b of v) s += String.fromCharCode(b);
  return s;
}

function digits(s: string, from: number, n: number): number {
  let x = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) throw malformed('DER: bad time digit');
    x = x * 10 + c;
  }
  return x;
}

/**
 * UTCTime / GeneralizedTime as RFC 5280 §4.1.2.5 profiles them: Zulu, seconds present, no fractional
 * seconds. Returns milliseconds since the epoch (always a whole second).
 */
export function readTime(t: Tlv): number {
  if (t.constructed) throw malformed('DER: constructed time');
  const s = latin1(t.value);
  let year: number;
  let rest: number;
  if (t.tag === Tag.UTCTime) {
    if (s.length !== 13) throw malformed('DER: UTCTime must be YYMMDDHHMMSSZ');
    const yy = digits(s, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    rest = 2;
  } else if (t.tag === Tag.GeneralizedTime) {
    if (s.length !== 15) throw malformed('DER: GeneralizedTime must be YYYYMMDDHHMMSSZ');
    year = digits(s, 0, 4);
    rest = 4;
  } else {
    throw malformed('DER: expected a time');
  }
  if (s[s.length - 1] !== 'Z') throw malformed('DER: time must be in UTC (Z)');
  const month = digits(s, rest, 2);
  const day = digits(s, rest + 2, 2);
  const hour = digits(s, rest + 4, 2);
  const minute = digits(s, rest + 6, 2);
  const second = digits(s, rest + 8, 2);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Reject out-of-range fields (month 13, Feb 30, 24:00, leap seconds) rather than letting Date roll over.
  if (
    month < 1 ||
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    throw malformed('DER: time field out of range');
  }
  return ms;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
