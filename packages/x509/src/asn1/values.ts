// Values of the universal primitive types, read from asn1js blocks. The encodings were already
// checked canonical by der-rules.ts for universal tags; IMPLICIT-tagged values (which asn1js sees
// as opaque context-specific primitives) are checked here with the same rules.

import * as asn1js from 'asn1js';
import { malformed } from '../errors.js';
import { type Block, Tag, contents, tagOf } from './block.js';
import { assertMinimalInteger } from './der-rules.js';

function expectTag(b: Block, tag: number, what: string): void {
  if (tagOf(b) !== tag) throw malformed(`DER: expected ${what}`);
}

/** INTEGER contents, checked minimal (X.690 §8.3.2). Returned as the two's complement bytes. */
export function integerBytes(b: Block, tag: number = Tag.INTEGER): Uint8Array {
  expectTag(b, tag, 'INTEGER');
  const v = contents(b);
  assertMinimalInteger(v);
  return v;
}

/** Signed value of an INTEGER (or ENUMERATED, or an IMPLICIT INTEGER when `tag` says so). */
export function readBigInt(b: Block, tag: number = Tag.INTEGER): bigint {
  const v = integerBytes(b, tag);
  const int = b instanceof asn1js.Integer ? b : new asn1js.Integer({ valueHex: v });
  return int.toBigInt();
}

export function readSmallInt(b: Block, tag: number = Tag.INTEGER): number {
  const n = readBigInt(b, tag);
  if (n > 0x7fffffffn || n < -0x80000000n) throw malformed('DER: integer out of range');
  return Number(n);
}

/** Non-negative integer as unsigned big-endian bytes without the sign octet. */
export function readUnsignedBytes(b: Block): Uint8Array {
  const v = integerBytes(b);
  if ((v[0]! & 0x80) !== 0) throw malformed('DER: negative integer');
  return v[0] === 0 && v.length > 1 ? v.subarray(1) : v;
}

/** BOOLEAN (0x00 or 0xFF only: X.690 §11.1, enforced for every element by der-rules.ts). */
export function readBoolean(b: Block): boolean {
  if (!(b instanceof asn1js.Boolean)) throw malformed('DER: expected BOOLEAN');
  return b.getValue();
}

export function readNull(b: Block): void {
  if (!(b instanceof asn1js.Null) || contents(b).length !== 0) throw malformed('DER: bad NULL');
}

/** OCTET STRING contents (or an IMPLICIT OCTET STRING when `tag` says so). */
export function readOctetString(b: Block, tag: number = Tag.OCTET_STRING): Uint8Array {
  expectTag(b, tag, 'OCTET STRING');
  return contents(b);
}

export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/** BIT STRING; der-rules.ts has checked the unused-bits octet and zero padding (X.690 §11.2). */
export function readBitString(b: Block): BitString {
  if (!(b instanceof asn1js.BitString)) throw malformed('DER: expected BIT STRING');
  return { bytes: b.valueBlock.valueHexView, unusedBits: b.valueBlock.unusedBits };
}

/** A BIT STRING that must hold whole octets (keys, signatures). */
export function readOctetAlignedBits(b: Block): Uint8Array {
  const bits = readBitString(b);
  if (bits.unusedBits !== 0) throw malformed('DER: BIT STRING not octet-aligned');
  return bits.bytes;
}

/** Dotted form of an OBJECT IDENTIFIER, as asn1js prints it. */
export function readOid(b: Block): string {
  if (!(b instanceof asn1js.ObjectIdentifier)) throw malformed('DER: expected OBJECT IDENTIFIER');
  const oid = b.getValue();
  if (oid === '') throw malformed('DER: empty OID');
  return oid;
}
