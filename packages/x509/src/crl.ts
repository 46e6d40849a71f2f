// Certificate revocation lists (RFC 5280 §5) supplied by the caller, checked as §6.3 describes for
// complete, direct CRLs: the CRL must come from the certificate's issuer (same name, signature by
// the issuer's key, cRLSign if the issuer has keyUsage), be current, and be well-formed. Delta CRLs,
// indirect CRLs and partitioned scopes are not processed: such a CRL is refused rather than trusted.

import { type SignatureAlgorithm, parseSignatureAlgorithm } from './algorithms.js';
import type { Certificate } from './certificate.js';
import { checkCrlSigner } from './checks/key-usage.js';
import {
  Reader,
  Tag,
  ctx,
  decodeDer,
  encoding,
  integerBytes,
  readOctetAlignedBits,
  readOctetString,
  readSmallInt,
  readTime,
} from './asn1/index.js';
import { bytesEqual } from './bytes.js';
import { X509Error } from './errors.js';
import { type Extension, parseExtensionList } from './extensions.js';
import { type Name, nameEquals, parseName } from './name.js';
import { OID } from './oids.js';
import { verifySignature } from './signature.js';

export interface RevokedEntry {
  readonly serialBytes: Uint8Array;
  readonly revocationDate: number;
  readonly extensions: readonly Extension[];
}

export interface Crl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: 1 | 2;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly thisUpdate: number;
  readonly nextUpdate: number | undefined;
  readonly revoked: readonly RevokedEntry[];
  readonly extensions: readonly Extension[];
}

const invalid = (what: string) => new X509Error('CRL_INVALID', `CRL: ${what}`);

export function parseCrl(der: Uint8Array): Crl {
  try {
    return parse(der);
  } catch (e) {
    if (e instanceof X509Error && e.code === 'CRL_INVALID') throw e;
    throw invalid((e as Error).message);
  }
}

function parse(der: Uint8Array): Crl {
  // A CRL may list many certificates: allow as many elements as it has octets to encode them.
  const outer = Reader.of(decodeDer(der, { maxNodes: Math.max(10_000, der.length) }));
  const tbsEl = outer.expect(Tag.SEQUENCE);
  const outerAlg = outer.expect(Tag.SEQUENCE);
  const signature = readOctetAlignedBits(outer.expect(Tag.BIT_STRING));
  outer.end();
  const r = Reader.of(tbsEl);
  let version: 1 | 2 = 1;
  const v = r.optional(Tag.INTEGER);
  if (v !== undefined) {
    if (readSmallInt(v) !== 1) throw invalid('bad version'); // §5.1.2.1: only v2 may be explicit
    version = 2;
  }
  const innerAlg = r.expect(Tag.SEQUENCE);
  if (!bytesEqual(encoding(innerAlg), encoding(outerAlg))) throw invalid('signature algorithms differ'); // §5.1.1.2
  const issuer = parseName(r.expect(Tag.SEQUENCE));
  const thisUpdate = readTime(r.next());
  let nextUpdate: number | undefined;
  const p = r.peekTag();
  if (p === Tag.UTCTime || p === Tag.GeneralizedTime) nextUpdate = readTime(r.next());
  const revoked: RevokedEntry[] = [];
  const list = r.optional(Tag.SEQUENCE);
  if (list !== undefined) {
    const lr = Reader.of(list);
    while (!lr.done) {
      const er = lr.enter();
      const serialBytes = integerBytes(er.expect(Tag.INTEGER));
      const revocationDate = readTime(er.next());
      const exts = er.done ? [] : parseExtensionList(er.expect(Tag.SEQUENCE));
      er.end();
      revoked.push({ serialBytes, revocationDate, extensions: exts });
    }
  }
  let extensions: Extension[] = [];
  const extEl = r.optional(ctx(0, true));
  if (extEl !== undefined) {
    const er = Reader.of(extEl, ctx(0, true));
    extensions = parseExtensionList(er.expect(Tag.SEQUENCE));
    er.end();
  }
  r.end();
  if (version === 1 && (extensions.length > 0 || revoked.some((e) => e.extensions.length > 0))) {
    throw invalid('extensions in a v1 CRL');
  }
  return {
    der,
    tbs: encoding(tbsEl),
    version,
    signatureAlgorithm: parseSignatureAlgorithm(outerAlg),
    signature,
    issuer,
    thisUpdate,
    nextUpdate,
    revoked,
    extensions,
  };
}

/** CRL extensions we process. The AKI is used for matching; CRLNumber is required (§5.2.3). */
const UNDERSTOOD_CRL_EXTENSIONS = new Set<string>([OID.authorityKeyIdentifier, OID.crlNumber, OID.issuerAltName]);
/** Entry extensions we understand; certificateIssuer (§5.3.3) would make it an indirect CRL. */
const UNDERSTOOD_ENTRY_EXTENSIONS = new Set<string>([OID.crlReason, OID.invalidityDate]);

/** The AKI key identifier of a CRL, if any. */
export function crlAuthorityKeyId(crl: Crl): Uint8Array | undefined {
  const e = crl.extensions.find((x) => x.oid === OID.authorityKeyIdentifier);
  if (!e) return undefined;
  const r = Reader.of(decodeDer(e.value));
  const k = r.optional(ctx(0, false));
  return k === undefined ? undefined : readOctetString(k, ctx(0, false));
}

/** Whether a CRL claims to cover certificates issued by `issuer` (name, and key id when both have one). */
export function crlIsFor(crl: Crl, issuer: Certificate): boolean {
  if (!nameEquals(crl.issuer, issuer.subject)) return false;
  const akid = crlAuthorityKeyId(crl);
  const skid = issuer.ext.subjectKeyIdentifier?.value;
  return akid === undefined || skid === undefined || bytesEqual(akid, skid);
}

/** §6.3.3: checks a CRL from `issuer` for use at `timeMs`; throws when it cannot be trusted. */
export function verifyCrl(crl: Crl, issuer: Certificate, timeMs: number): void {
  checkCrlSigner(issuer);
  let ok: boolean;
  try {
    ok = verifySignature(crl.signatureAlgorithm, issuer.spki.key, crl.tbs, crl.signature);
  } catch (e) {
    throw new X509Error('CRL_SIGNATURE_FAILURE', `CRL signature: ${(e as Error).message}`);
  }
  if (!ok) throw new X509Error('CRL_SIGNATURE_FAILURE', 'CRL signature does not verify');
  const t = Math.floor(timeMs / 1000) * 1000;
  if (crl.thisUpdate > t) throw invalid('not yet valid');
  if (crl.nextUpdate !== undefined && crl.nextUpdate < t) throw invalid('expired (nextUpdate has passed)');
  if (crl.version !== 2) throw invalid('v1 CRLs are not supported'); // §5: conforming CRLs are v2
  const number = crl.extensions.find((e) => e.oid === OID.crlNumber);
  if (!number) throw invalid('missing CRLNumber'); // §5.2.3: MUST include
  if (number.critical) throw invalid('CRLNumber must not be critical'); // §5.2.3
  let n: Uint8Array;
  try {
    n = integerBytes(decodeDer(number.value));
  } catch {
    throw invalid('bad CRLNumber');
  }
  if (n.length > 20 || (n[0]! & 0x80) !== 0) throw invalid('bad CRLNumber'); // §5.2.3: non-negative, ≤ 20 octets
  for (const e of crl.extensions) {
    // Delta CRLs, issuing distribution points and unknown critical extensions: out of scope.
    if (!UNDERSTOOD_CRL_EXTENSIONS.has(e.oid) && (e.critical || e.oid === OID.deltaCrlIndicator || e.oid === OID.issuingDistributionPoint)) {
      throw invalid(`unsupported CRL extension ${e.oid}`);
    }
  }
  for (const entry of crl.revoked) {
    for (const e of entry.extensions) {
      if (!UNDERSTOOD_ENTRY_EXTENSIONS.has(e.oid) && (e.critical || e.oid === OID.certificateIssuer)) {
        throw invalid(`unsupported CRL entry extension ${e.oid}`);
      }
    }
  }
}

export function crlLists(crl: Crl, cert: Certificate): boolean {
  return crl.revoked.some((e) => bytesEqual(e.serialBytes, cert.serialBytes));
}
