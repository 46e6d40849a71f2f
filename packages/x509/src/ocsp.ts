// Stapled OCSP responses (RFC 6960). A response counts only if it is a successful BasicOCSPResponse
// signed by the certificate's issuer, or by a delegated responder the issuer certified with
// id-kp-OCSPSigning (§4.2.2.2), is fresh (§4.2.2.1 / §3.2 items 5-6), and its CertID names exactly
// this certificate and issuer (§4.1.1).

import { type SignatureAlgorithm, parseSignatureAlgorithm } from './algorithms.js';
import { type Certificate, parseCertificate } from './certificate.js';
import { checkProfile } from './checks/profile.js';
import { checkValidity } from './checks/validity.js';
import {
  Reader,
  Tag,
  contents,
  ctx,
  decodeDer,
  encoding,
  integerBytes,
  readNull,
  readOctetAlignedBits,
  readOctetString,
  readOid,
  readSmallInt,
  readTime,
  tagOf,
} from './asn1/index.js';
import { bytesEqual } from './bytes.js';
import { X509Error } from './errors.js';
import { type Extension, parseExtensionList } from './extensions.js';
import { type HashName, digest } from './hash.js';
import { type Name, nameEquals, parseName } from './name.js';
import { OID } from './oids.js';
import { verifySignature } from './signature.js';

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface CertId {
  readonly hash: HashName | undefined; // undefined: an algorithm we do not know
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serialBytes: Uint8Array;
}

export interface SingleResponse {
  readonly certId: CertId;
  readonly status: OcspCertStatus;
  readonly revocationTime: number | undefined;
  readonly thisUpdate: number;
  readonly nextUpdate: number | undefined;
  readonly extensions: readonly Extension[];
}

export type ResponderId = { readonly byName: Name } | { readonly byKey: Uint8Array };

export interface BasicOcspResponse {
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly responderId: ResponderId;
  readonly producedAt: number;
  readonly responses: readonly SingleResponse[];
  readonly extensions: readonly Extension[];
  readonly certs: readonly Uint8Array[];
}

export type OcspResponse =
  | { readonly status: 'successful'; readonly basic: BasicOcspResponse }
  | { readonly status: 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized' };

const failed = (what: string) => new X509Error('OCSP_VERIFY_FAILED', `OCSP: ${what}`);

const STATUS = ['successful', 'malformedRequest', 'internalError', undefined, 'tryLater', 'sigRequired', 'unauthorized'] as const;
const HASH_OIDS: Readonly<Record<string, HashName>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export function parseOcspResponse(der: Uint8Array): OcspResponse {
  try {
    const r = Reader.of(decodeDer(der));
    const code = readSmallInt(r.expect(Tag.ENUMERATED), Tag.ENUMERATED);
    const status = STATUS[code];
    if (status === undefined) throw failed('bad responseStatus');
    const rb = r.optional(ctx(0, true));
    r.end();
    if (status !== 'successful') {
      if (rb !== undefined) throw failed('responseBytes in an unsuccessful response');
      return { status };
    }
    if (rb === undefined) throw failed('successful response without responseBytes');
    const rbr = Reader.of(rb, ctx(0, true));
    const inner = rbr.enter();
    rbr.end();
    const type = readOid(inner.next());
    const body = readOctetString(inner.next());
    inner.end();
    if (type !== OID.ocspBasic) throw failed(`unsupported response type ${type}`);
    return { status, basic: parseBasic(body) };
  } catch (e) {
    if (e instanceof X509Error && e.code === 'OCSP_VERIFY_FAILED') throw e;
    throw failed((e as Error).message);
  }
}

function parseCertId(r: Reader): CertId {
  const alg = r.enter();
  const hashOid = readOid(alg.next());
  if (!alg.done) readNull(alg.next());
  alg.end();
  const issuerNameHash = readOctetString(r.next());
  const issuerKeyHash = readOctetString(r.next());
  const serialBytes = integerBytes(r.expect(Tag.INTEGER));
  r.end();
  return { hash: HASH_OIDS[hashOid], issuerNameHash, issuerKeyHash, serialBytes };
}

function parseSingle(r: Reader): SingleResponse {
  const certId = parseCertId(r.enter());
  const st = r.next();
  const stTag = tagOf(st);
  let status: OcspCertStatus;
  let revocationTime: number | undefined;
  // CertStatus (RFC 6960 §4.2.1): good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL.
  if (stTag === ctx(0, false) && contents(st).length === 0) status = 'good';
  else if (stTag === ctx(2, false) && contents(st).length === 0) status = 'unknown';
  else if (stTag === ctx(1, true)) {
    status = 'revoked';
    const rr = Reader.of(st, stTag);
    revocationTime = readTime(rr.expect(Tag.GeneralizedTime));
    rr.optional(ctx(0, true)); // revocationReason: informational
    rr.end();
  } else throw failed('bad certStatus');
  const thisUpdate = readTime(r.expect(Tag.GeneralizedTime));
  let nextUpdate: number | undefined;
  const nu = r.optional(ctx(0, true));
  if (nu !== undefined) {
    const nr = Reader.of(nu, ctx(0, true));
    nextUpdate = readTime(nr.expect(Tag.GeneralizedTime));
    nr.end();
  }
  let extensions: Extension[] = [];
  const ex = r.optional(ctx(1, true));
  if (ex !== undefined) {
    const er = Reader.of(ex, ctx(1, true));
    extensions = parseExtensionList(er.expect(Tag.SEQUENCE));
    er.end();
  }
  r.end();
  return { certId, status, revocationTime, thisUpdate, nextUpdate, extensions };
}

function parseBasic(bytes: Uint8Array): BasicOcspResponse {
  const r = Reader.of(decodeDer(bytes));
  const tbsEl = r.expect(Tag.SEQUENCE);
  const sigAlg = parseSignatureAlgorithm(r.expect(Tag.SEQUENCE));
  const signature = readOctetAlignedBits(r.expect(Tag.BIT_STRING));
  const certs: Uint8Array[] = [];
  const c = r.optional(ctx(0, true));
  if (c !== undefined) {
    const cr = Reader.of(c, ctx(0, true));
    const list = cr.enter();
    cr.end();
    while (!list.done) certs.push(encoding(list.expect(Tag.SEQUENCE)));
  }
  r.end();

  const t = Reader.of(tbsEl);
  const v = t.optional(ctx(0, true));
  if (v !== undefined) {
    // DEFAULT v1 must be omitted in DER; no other version exists.
    throw failed('unexpected explicit ResponseData version');
  }
  const rid = t.next();
  let responderId: ResponderId;
  if (tagOf(rid) === ctx(1, true)) {
    const rr = Reader.of(rid, ctx(1, true));
    responderId = { byName: parseName(rr.expect(Tag.SEQUENCE)) };
    rr.end();
  } else if (tagOf(rid) === ctx(2, true)) {
    const rr = Reader.of(rid, ctx(2, true));
    responderId = { byKey: readOctetString(rr.next()) };
    rr.end();
  } else throw failed('bad responderID');
  const producedAt = readTime(t.expect(Tag.GeneralizedTime));
  const responses: SingleResponse[] = [];
  const list = t.enter();
  while (!list.done) responses.push(parseSingle(list.enter()));
  let extensions: Extension[] = [];
  const ex = t.optional(ctx(1, true));
  if (ex !== undefined) {
    const er = Reader.of(ex, ctx(1, true));
    extensions = parseExtensionList(er.expect(Tag.SEQUENCE));
    er.end();
  }
  t.end();
  return { tbs: encoding(tbsEl), signatureAlgorithm: sigAlg, signature, responderId, producedAt, responses, extensions, certs };
}

function responderMatches(id: ResponderId, cert: Certificate): boolean {
  if ('byName' in id) return nameEquals(id.byName, cert.subject);
  // KeyHash: SHA-1 of the subjectPublicKey BIT STRING value (RFC 6960 §4.2.1).
  return bytesEqual(id.byKey, digest('sha1', cert.spki.keyBytes));
}

/** Finds the key that must have signed the response: the issuer itself or its delegated responder. */
function findSigner(basic: BasicOcspResponse, issuer: Certificate, timeMs: number): Certificate {
  if (responderMatches(basic.responderId, issuer)) return issuer;
  for (const der of basic.certs) {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch {
      continue;
    }
    if (!responderMatches(basic.responderId, cert)) continue;
    // §4.2.2.2: issued directly by the CA that issued the certificate in question, with id-kp-OCSPSigning.
    if (!nameEquals(cert.issuer, issuer.subject)) throw failed('delegated responder not issued by the issuer');
    let ok = false;
    try {
      ok = verifySignature(cert.signatureAlgorithm, issuer.spki.key, cert.tbs, cert.signature);
    } catch (e) {
      throw failed(`delegated responder: ${(e as Error).message}`);
    }
    if (!ok) throw failed('delegated responder certificate signature does not verify');
    if (!(cert.ext.extKeyUsage?.value ?? []).includes(OID.ocspSigning)) {
      throw failed('delegated responder lacks id-kp-OCSPSigning');
    }
    try {
      checkValidity(cert, timeMs);
      checkProfile(cert, 'leaf');
    } catch (e) {
      throw failed(`delegated responder: ${(e as Error).message}`);
    }
    return cert;
  }
  throw failed('response not signed by the issuer or an authorised responder');
}

export interface OcspCheckOptions {
  /** Accepted clock difference, in milliseconds (default 5 minutes). */
  readonly clockSkewMs?: number;
  /** When a response has no nextUpdate, how old thisUpdate may be (default 7 days). */
  readonly maxAgeWithoutNextUpdateMs?: number;
}

/**
 * Checks a stapled OCSP response for `cert` issued by `issuer`. Returns the certificate status;
 * 'unknown' also covers unsuccessful responses. Throws OCSP_VERIFY_FAILED for a response that is
 * malformed, badly signed, stale or about another certificate.
 */
export function checkOcspResponse(
  der: Uint8Array,
  cert: Certificate,
  issuer: Certificate,
  timeMs: number,
  options: OcspCheckOptions = {},
): OcspCertStatus {
  const skew = options.clockSkewMs ?? 5 * 60_000;
  const maxAge = options.maxAgeWithoutNextUpdateMs ?? 7 * 86_400_000;
  const resp = parseOcspResponse(der);
  if (resp.status !== 'successful') return 'unknown';
  const basic = resp.basic;
  const signer = findSigner(basic, issuer, timeMs);
  let ok = false;
  try {
    ok = verifySignature(basic.signatureAlgorithm, signer.spki.key, basic.tbs, basic.signature);
  } catch (e) {
    throw failed(`signature: ${(e as Error).message}`);
  }
  if (!ok) throw failed('signature does not verify');
  for (const e of basic.extensions) {
    if (e.critical && e.oid !== OID.ocspNonce) throw failed(`unhandled critical extension ${e.oid}`);
  }
  const single = basic.responses.find((s) => {
    const h = s.certId.hash;
    if (h === undefined) return false;
    return (
      bytesEqual(s.certId.serialBytes, cert.serialBytes) &&
      bytesEqual(s.certId.issuerNameHash, digest(h, issuer.subject.der)) &&
      bytesEqual(s.certId.issuerKeyHash, digest(h, issuer.spki.keyBytes))
    );
  });
  if (!single) throw failed('no response for this certificate');
  for (const e of single.extensions) if (e.critical) throw failed(`unhandled critical extension ${e.oid}`);
  if (single.thisUpdate > timeMs + skew) throw failed('response is not yet valid (thisUpdate in the future)');
  if (single.nextUpdate !== undefined) {
    if (single.nextUpdate < single.thisUpdate) throw failed('nextUpdate before thisUpdate');
    if (timeMs - skew > single.nextUpdate) throw failed('response is stale (nextUpdate has passed)');
  } else if (timeMs - single.thisUpdate > maxAge) {
    throw failed('response without nextUpdate is too old');
  }
  return single.status;
}
