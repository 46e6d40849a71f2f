// Decoding with asn1js, then holding the result to DER (der-rules.ts). asn1js is told not to look
// for encodings nested inside OCTET and BIT STRINGs: those (extension values, keys, OCSP bodies)
// are decoded on their own, by the code that knows what they hold.

import * as asn1js from 'asn1js';
import { malformed } from '../errors.js';
import type { Block } from './block.js';
import { assertDer } from './der-rules.js';

export interface DecodeLimits {
  /** Most elements to decode (asn1js' default is 10,000); a bound on the work a hostile input causes. */
  readonly maxNodes?: number;
}

/** Decodes exactly one DER element occupying all of `bytes`. Throws CERT_MALFORMED otherwise. */
export function decodeDer(bytes: Uint8Array, limits: DecodeLimits = {}): Block {
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(bytes, { parseEmbedded: false, copyInput: false, ...limits });
  } catch (e) {
    throw malformed(`DER: ${(e as Error).message}`); // asn1js throws on some malformed time strings
  }
  const { offset, result } = decoded;
  if (offset === -1 || result.error) throw malformed(`DER: ${result.error || 'cannot decode'}`);
  if (offset !== bytes.length) throw malformed('DER: trailing data');
  assertDer(result);
  return result;
}
