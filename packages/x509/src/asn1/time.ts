// UTCTime and GeneralizedTime as RFC 5280 §4.1.2.5 profiles them (also used for CRLs, §5.1.2.4,
// and OCSP, RFC 6960 §4.2.2.1): Zulu, seconds present, no fractional seconds. This is stricter
// than DER (X.690 §11.7, §11.8), which allows fractions in GeneralizedTime. asn1js parses the
// fields; the shape of the string and the range of each field are checked here.

import * as asn1js from 'asn1js';
import { latin1 } from '../bytes.js';
import { malformed } from '../errors.js';
import { type Block, contents } from './block.js';

const UTC_TIME = /^\d{12}Z$/; // YYMMDDHHMMSSZ (§4.1.2.5.1)
const GENERALIZED_TIME = /^\d{14}Z$/; // YYYYMMDDHHMMSSZ (§4.1.2.5.2)

/** Milliseconds since the epoch (always a whole second). */
export function readTime(b: Block): number {
  const s = latin1(contents(b));
  // GeneralizedTime extends UTCTime in asn1js, so test it first.
  if (b instanceof asn1js.GeneralizedTime) {
    if (!GENERALIZED_TIME.test(s)) throw malformed('DER: GeneralizedTime must be YYYYMMDDHHMMSSZ');
  } else if (b instanceof asn1js.UTCTime) {
    // asn1js maps YY to 1950..2049 as §4.1.2.5.1 says.
    if (!UTC_TIME.test(s)) throw malformed('DER: UTCTime must be YYMMDDHHMMSSZ');
  } else {
    throw malformed('DER: expected a time');
  }
  if (b.error) throw malformed(`DER: ${b.error}`);
  const { year, month, day, hour, minute, second } = b;
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
