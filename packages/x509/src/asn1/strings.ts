// Character strings: the DirectoryString choices of RFC 5280 §4.1.2.4 (plus IA5String and
// VisibleString) and the IA5String of GeneralName (§4.2.1.6). asn1js decodes the text; it does not
// check PrintableString or IA5String repertoires, and reports undecodable UTF-8 or UniversalString
// contents only as warnings, so those checks are made here.

import * as asn1js from 'asn1js';
import { latin1 } from '../bytes.js';
import { malformed } from '../errors.js';
import { type Block, Tag, contents, tagOf } from './block.js';

/** X.680 §41.4 (Table 10). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const SURROGATE = /\p{Cs}/u;

function ascii(v: Uint8Array, what: string): string {
  for (const x of v) if (x > 0x7f) throw malformed(`DER: invalid ${what}`);
  return latin1(v);
}

/** Decodes the directory string types used in names (RFC 5280 §4.1.2.4) and IA5String. */
export function readString(b: Block): string {
  const tag = tagOf(b);
  const v = contents(b);
  switch (tag) {
    case Tag.UTF8String:
    case Tag.UniversalString: {
      if (!(b instanceof asn1js.Utf8String || b instanceof asn1js.UniversalString) || b.warnings.length > 0) {
        throw malformed(tag === Tag.UTF8String ? 'DER: invalid UTF8String' : 'DER: invalid UniversalString');
      }
      const s = b.getValue();
      // asn1js joins UTF-16 surrogate pairs written as two UCS-4 characters; those are invalid too.
      if (tag === Tag.UniversalString && [...s].length * 4 !== v.length) throw malformed('DER: invalid UniversalString');
      return s;
    }
    case Tag.PrintableString: {
      const s = latin1(v);
      if (!PRINTABLE.test(s)) throw malformed('DER: invalid PrintableString');
      return s;
    }
    case Tag.IA5String:
      return ascii(v, 'IA5String');
    case Tag.VisibleString:
      return ascii(v, 'VisibleString');
    case Tag.TeletexString:
      return latin1(v); // T.61 in theory; Latin-1 in practice.
    case Tag.BMPString: {
      // UCS-2 big-endian (X.690 §8.23.8); asn1js refuses odd lengths and decodes as UTF-16.
      if (!(b instanceof asn1js.BmpString)) throw malformed('DER: invalid BMPString');
      const s = b.getValue();
      if (SURROGATE.test(s)) throw malformed('DER: invalid BMPString'); // lone surrogate halves
      return s;
    }
    default:
      throw malformed(`DER: unsupported string tag 0x${tag.toString(16)}`);
  }
}

/** IA5String, or an IMPLICIT one in a GeneralName (rfc822Name, dNSName, URI: RFC 5280 §4.2.1.6). */
export function readIA5(b: Block): string {
  const tag = tagOf(b);
  if (tag !== Tag.IA5String && (tag & 0xe0) !== 0x80) throw malformed('DER: expected IA5String');
  return ascii(contents(b), 'IA5String');
}
