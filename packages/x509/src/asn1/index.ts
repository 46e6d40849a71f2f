// ASN.1 for the X.509 parsers: asn1js decodes, der-rules.ts holds the result to DER, and the
// readers turn asn1js blocks into values.

export { type Block, Reader, Tag, childrenOf, contents, ctx, encoding, isConstructed, readSequenceOf, tagOf } from './block.js';
export { type DecodeLimits, decodeDer } from './decode.js';
export {
  type BitString,
  integerBytes,
  readBigInt,
  readBitString,
  readBoolean,
  readNull,
  readOctetAlignedBits,
  readOctetString,
  readOid,
  readSmallInt,
  readUnsignedBytes,
} from './values.js';
export { readIA5, readString } from './strings.js';
export { readTime } from './time.js';
