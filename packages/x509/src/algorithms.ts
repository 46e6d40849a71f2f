// AlgorithmIdentifier for signatures (RFC 5280 §4.1.1.2; RFC 4055 §3.1 and §5 for RSA and PSS;
// RFC 5758 §3.2 for ECDSA; RFC 8410 §3 for Ed25519). Weak and unknown algorithms parse to an
// `unsupported` value so that an unused certificate carrying one does not break path building.

import { type Block, Reader, Tag, ctx, readNull, readOid, readSmallInt, tagOf } from './asn1/index.js';
import { malformed } from './errors.js';
import { OID } from './oids.js';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

export type SignatureAlgorithm =
  | { readonly kind: 'rsa-pkcs1'; readonly hash: SignatureHash }
  | { readonly kind: 'rsa-pss'; readonly hash: SignatureHash; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: SignatureHash }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'unsupported'; readonly oid: string; readonly weak: boolean; readonly reason: string };

const RSA_PKCS1: Readonly<Record<string, SignatureHash>> = {
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};
const ECDSA: Readonly<Record<string, SignatureHash>> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};
const HASHES: Readonly<Record<string, SignatureHash>> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};
const WEAK = new Set<string>([OID.md5WithRSA, OID.sha1WithRSA, OID.ecdsaWithSha1, OID.dsaWithSha1]);

/** A hash AlgorithmIdentifier whose parameters are NULL or absent (RFC 4055 §2.1). */
function readHashAlgorithm(t: Block): SignatureHash | string {
  const r = Reader.of(t);
  const oid = readOid(r.next());
  if (!r.done) readNull(r.next());
  r.end();
  return HASHES[oid] ?? oid;
}

function parsePssParams(t: Block | undefined): SignatureAlgorithm {
  const unsupported = (reason: string): SignatureAlgorithm => ({ kind: 'unsupported', oid: OID.rsassaPss, weak: true, reason });
  // Absent parameters mean SHA-1 everywhere (RFC 4055 §3.1), which we refuse.
  if (t === undefined) return unsupported('RSA-PSS with default (SHA-1) parameters');
  const r = Reader.of(t);
  const h = r.optional(ctx(0, true));
  const m = r.optional(ctx(1, true));
  const s = r.optional(ctx(2, true));
  const tr = r.optional(ctx(3, true));
  r.end();
  if (h === undefined || m === undefined) return unsupported('RSA-PSS with SHA-1 hash or MGF');
  const hr = Reader.of(h, ctx(0, true));
  const hash = readHashAlgorithm(hr.next());
  hr.end();
  const mr = Reader.of(m, ctx(1, true));
  const mgf = Reader.of(mr.next());
  mr.end();
  const mgfOid = readOid(mgf.next());
  const mgfHash = readHashAlgorithm(mgf.next());
  mgf.end();
  if (mgfOid !== OID.mgf1) return unsupported(`RSA-PSS with mask generation ${mgfOid}`);
  let saltLength = 20;
  if (s !== undefined) {
    const sr = Reader.of(s, ctx(2, true));
    saltLength = readSmallInt(sr.next());
    sr.end();
  }
  if (tr !== undefined) {
    const trr = Reader.of(tr, ctx(3, true));
    if (readSmallInt(trr.next()) !== 1) throw malformed('RSA-PSS: trailerField must be 1');
    trr.end();
  }
  if (hash !== 'sha256' && hash !== 'sha384' && hash !== 'sha512') return unsupported(`RSA-PSS with hash ${hash}`);
  if (mgfHash !== hash) return unsupported('RSA-PSS with MGF1 hash different from the message hash');
  if (saltLength < 0) throw malformed('RSA-PSS: negative salt length');
  return { kind: 'rsa-pss', hash, saltLength };
}

export function parseSignatureAlgorithm(t: Block): SignatureAlgorithm {
  const r = Reader.of(t);
  const oid = readOid(r.next());
  const params = r.done ? undefined : r.next();
  r.end();
  const pkcs1 = RSA_PKCS1[oid];
  if (pkcs1 !== undefined) {
    if (params !== undefined) readNull(params); // RFC 4055 §5: NULL (absent tolerated)
    return { kind: 'rsa-pkcs1', hash: pkcs1 };
  }
  const ecdsa = ECDSA[oid];
  if (ecdsa !== undefined) {
    if (params !== undefined) throw malformed('ECDSA AlgorithmIdentifier must omit parameters'); // RFC 5758 §3.2
    return { kind: 'ecdsa', hash: ecdsa };
  }
  if (oid === OID.ed25519) {
    if (params !== undefined) throw malformed('Ed25519 AlgorithmIdentifier must omit parameters'); // RFC 8410 §3
    return { kind: 'ed25519' };
  }
  if (oid === OID.rsassaPss) {
    if (params === undefined) return parsePssParams(undefined);
    if (tagOf(params) !== Tag.SEQUENCE) throw malformed('RSA-PSS: bad parameters');
    return parsePssParams(params);
  }
  if (WEAK.has(oid)) return { kind: 'unsupported', oid, weak: true, reason: `weak signature algorithm ${oid} (MD5/SHA-1)` };
  return { kind: 'unsupported', oid, weak: false, reason: `unsupported signature algorithm ${oid}` };
}
