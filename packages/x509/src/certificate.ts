// Certificate structure (RFC 5280 §4.1), decoded with asn1js and held to DER (asn1/der-rules.ts).

import { type SignatureAlgorithm, parseSignatureAlgorithm } from './algorithms.js';
import {
  Reader,
  Tag,
  ctx,
  decodeDer,
  encoding,
  integerBytes,
  readBigInt,
  readOctetAlignedBits,
  readSmallInt,
  readTime,
} from './asn1/index.js';
import { bytesEqual, toHex } from './bytes.js';
import { X509Error, malformed } from './errors.js';
import { type KnownExtensions, type ParsedExtensions, decodeExtensions, parseExtensionList } from './extensions.js';
import { digest } from './hash.js';
import { type Name, nameEquals, parseName } from './name.js';
import { type SubjectPublicKeyInfo, parseSpki } from './public-key.js';

export interface Certificate {
  readonly der: Uint8Array;
  /** DER of tbsCertificate: the signed bytes. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** serialNumber INTEGER contents (two's complement, as encoded). */
  readonly serialBytes: Uint8Array;
  readonly serial: bigint;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  /** Milliseconds since the epoch, whole seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly spki: SubjectPublicKeyInfo;
  readonly extensions: ParsedExtensions;
  readonly ext: KnownExtensions;
  /** Subject and issuer are the same name (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** Lowercase hex SHA-256 of the DER: identity for de-duplication. */
  readonly id: string;
}

export function parseCertificate(der: Uint8Array): Certificate {
  try {
    return parse(der);
  } catch (e) {
    if (e instanceof X509Error) throw e;
    throw malformed(`certificate: ${(e as Error).message}`);
  }
}

function parse(der: Uint8Array): Certificate {
  const outer = Reader.of(decodeDer(der));
  const tbsEl = outer.expect(Tag.SEQUENCE);
  const outerAlg = outer.expect(Tag.SEQUENCE);
  const signature = readOctetAlignedBits(outer.expect(Tag.BIT_STRING));
  outer.end();

  const r = Reader.of(tbsEl);
  let version: 1 | 2 | 3 = 1;
  const versionEl = r.optional(ctx(0, true));
  if (versionEl !== undefined) {
    const vr = Reader.of(versionEl, ctx(0, true));
    const v = readSmallInt(vr.next());
    vr.end();
    // DEFAULT v1 must be omitted in DER (X.690 §11.5); only v2 (1) and v3 (2) may be explicit.
    if (v !== 1 && v !== 2) throw malformed('certificate: bad version');
    version = v === 1 ? 2 : 3;
  }
  const serialEl = r.expect(Tag.INTEGER);
  const serialBytes = integerBytes(serialEl);
  const serial = readBigInt(serialEl);
  const innerAlg = r.expect(Tag.SEQUENCE);
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
  if (!bytesEqual(encoding(innerAlg), encoding(outerAlg))) {
    throw new X509Error('SIGNATURE_ALGORITHM_MISMATCH', 'certificate: signature algorithms differ');
  }
  const issuer = parseName(r.expect(Tag.SEQUENCE));
  const validity = r.enter();
  const notBefore = readTime(validity.next());
  const notAfter = readTime(validity.next());
  validity.end();
  const subject = parseName(r.expect(Tag.SEQUENCE));
  const spki = parseSpki(r.expect(Tag.SEQUENCE));
  // issuerUniqueID [1] / subjectUniqueID [2]: v2 or v3 only (§4.1.2.8); tolerated and ignored.
  for (const n of [1, 2]) {
    if (r.optional(ctx(n, false)) !== undefined && version === 1) throw malformed('certificate: unique ID in v1');
  }
  const extEl = r.optional(ctx(3, true));
  r.end();
  let extensions: ParsedExtensions = { list: [], known: {}, unhandledCritical: [] };
  if (extEl !== undefined) {
    if (version !== 3) throw malformed('certificate: extensions require v3'); // §4.1.2.9
    const er = Reader.of(extEl, ctx(3, true));
    const list = parseExtensionList(er.expect(Tag.SEQUENCE));
    er.end();
    extensions = decodeExtensions(list);
  }
  return {
    der,
    tbs: encoding(tbsEl),
    version,
    serialBytes,
    serial,
    signatureAlgorithm: parseSignatureAlgorithm(outerAlg),
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki,
    extensions,
    ext: extensions.known,
    selfIssued: nameEquals(issuer, subject),
    id: toHex(digest('sha256', der)),
  };
}
