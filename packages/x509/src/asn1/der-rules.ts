// DER on top of asn1js (X.690 §10 and §11). asn1js decodes BER: it accepts indefinite and
// non-minimal lengths, constructed strings, non-canonical BOOLEANs and INTEGERs, an end-of-contents
// marker inside a definite length, and even an element running past the end of its parent. Each
// of these only leaves a flag or a warning behind, so every decoded element is checked here.
//
// Certificates are signed over their DER bytes: an alternative encoding is refused rather than
// normalised, since accepting it would let two parsers disagree about what was signed. Comparing
// with asn1js' own re-encoding is no substitute: toBER() writes back the length forms, string
// forms and contents it decoded (test/der.test.ts shows it).

import { malformed } from '../errors.js';
import { type Block, childrenOf, contents } from './block.js';

const UNIVERSAL = 1;
const SEQUENCE = 16;
const SET = 17;

/** Octets a definite length takes in its shortest form (X.690 §10.1, §8.1.3.5 note 2). */
function minimalLengthOctets(length: number): number {
  if (length <= 0x7f) return 1; // short form
  let n = 1;
  for (let l = length; l > 0; l = Math.floor(l / 256)) n++;
  return n;
}

/** X.690 §8.3.2: the first nine bits of an INTEGER are not all zeros or all ones. */
export function assertMinimalInteger(v: Uint8Array): void {
  if (v.length === 0) throw malformed('DER: empty INTEGER');
  if (v.length > 1) {
    const a = v[0]!;
    const b = v[1]!;
    if ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80)) throw malformed('DER: non-minimal INTEGER');
  }
}

/** X.690 §8.6.2 and §11.2: the unused-bits octet is 0..7, 0 when empty, and padding bits are zero. */
function assertBitString(v: Uint8Array): void {
  if (v.length === 0) throw malformed('DER: empty BIT STRING');
  const unused = v[0]!;
  if (unused > 7 || (v.length === 1 && unused !== 0)) throw malformed('DER: bad BIT STRING padding');
  if (unused > 0 && (v[v.length - 1]! & ((1 << unused) - 1)) !== 0) {
    throw malformed('DER: BIT STRING padding bits not zero'); // X.690 §11.2.1
  }
}

/** X.690 §8.19.2: subidentifiers use the fewest octets (no leading 0x80) and the last one ends. */
function assertOid(v: Uint8Array): void {
  if (v.length === 0) throw malformed('DER: empty OID');
  let start = true;
  for (const b of v) {
    if (start && b === 0x80) throw malformed('DER: non-minimal OID arc');
    start = (b & 0x80) === 0;
  }
  if (!start) throw malformed('DER: truncated OID');
}

/** Canonical contents of the universal primitive types whose encoding DER restricts. */
function assertPrimitive(tagNumber: number, v: Uint8Array): void {
  switch (tagNumber) {
    case 0:
      throw malformed('DER: end-of-contents outside an indefinite length'); // X.690 §8.1.5
    case 1: // BOOLEAN: one octet, FALSE 0x00, TRUE 0xFF (X.690 §8.2.1, §11.1)
      if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) throw malformed('DER: BOOLEAN must be 0x00 or 0xFF');
      return;
    case 2: // INTEGER
    case 10: // ENUMERATED (X.690 §8.4)
      assertMinimalInteger(v);
      return;
    case 3:
      assertBitString(v);
      return;
    case 5: // NULL: no contents (X.690 §8.8.2)
      if (v.length !== 0) throw malformed('DER: bad NULL');
      return;
    case 6:
      assertOid(v);
      return;
  }
}

/** Throws CERT_MALFORMED unless `b` and everything inside it is DER. */
export function assertDer(b: Block): void {
  const error = b.error || b.idBlock.error || b.lenBlock.error || b.valueBlock.error;
  if (error) throw malformed(`DER: ${error}`);
  const id = b.idBlock;
  const len = b.lenBlock;
  // High tag numbers (X.690 §8.1.2.4) never occur in the PKIX structures we read.
  if (id.blockLength !== 1 || id.isHexOnly) throw malformed('DER: high tag number');
  if (len.isIndefiniteForm) throw malformed('DER: indefinite length'); // X.690 §10.1: definite form only
  if (len.blockLength !== minimalLengthOctets(len.length)) throw malformed('DER: non-minimal length'); // §10.1
  // asn1js lets a child claim more octets than its parent has left; the spans must add up exactly.
  if (b.valueBeforeDecodeView.length !== id.blockLength + len.blockLength + len.length) {
    throw malformed('DER: element length inconsistent with its contents');
  }
  if (!id.isConstructed) {
    if (id.tagClass === UNIVERSAL) assertPrimitive(id.tagNumber, contents(b));
    return;
  }
  // X.690 §10.2: strings use the primitive form; of the universal types only SEQUENCE and SET are constructed here.
  if (id.tagClass === UNIVERSAL && id.tagNumber !== SEQUENCE && id.tagNumber !== SET) {
    throw malformed('DER: constructed encoding of a primitive type');
  }
  let total = 0;
  for (const child of childrenOf(b)) {
    assertDer(child);
    total += child.valueBeforeDecodeView.length;
  }
  if (total !== len.length) throw malformed('DER: element length inconsistent with its contents');
}
