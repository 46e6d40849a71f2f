// Certification path building (RFC 4158 in spirit; what browsers do): a depth-first search from
// the leaf towards any trust anchor, over the certificates the peer sent (in any order, with
// duplicates and strays) plus any extra intermediates. Each candidate issuer must match by name
// and, where both sides carry them, by AKI/SKI; it must pass its own per-certificate checks and
// must have signed the certificate below. A complete path is handed to the path validator; if it
// fails, the search backtracks and tries the next candidate. Loops are cut by refusing a
// certificate whose subject and key already appear on the path, and a budget bounds the work.

import type { Certificate } from './certificate.js';
import { countedIntermediates } from './checks/basic-constraints.js';
import { type Role, checkProfile } from './checks/profile.js';
import { checkValidity } from './checks/validity.js';
import { bytesEqual } from './bytes.js';
import { X509Error } from './errors.js';
import { verifySignature } from './signature.js';
import type { TrustStore } from './trust-store.js';

export interface PathLimits {
  /** Maximum number of intermediates between leaf and anchor, not counting self-issued ones. */
  readonly maxDepth: number;
  /** Signature verifications allowed for one build (hostile inputs). */
  readonly maxSignatureChecks: number;
  /** Issuer candidates considered for one build. */
  readonly maxCandidates: number;
}

export const DEFAULT_LIMITS: PathLimits = { maxDepth: 8, maxSignatureChecks: 64, maxCandidates: 512 };

/** Absolute cap on certificates in a path, self-issued ones included. */
const MAX_RAW_LENGTH = 24;

export interface BuildInput {
  readonly leaf: Certificate;
  readonly intermediates: readonly Certificate[];
  readonly anchors: TrustStore;
  readonly timeMs: number;
  readonly limits: PathLimits;
  /** Path-level validation of a complete path (leaf first, anchor last); throws X509Error. */
  readonly validate: (path: readonly Certificate[]) => void;
  /** Reasons supplied certificates (intermediates, anchors) were unusable, for error messages. */
  readonly unparsable?: readonly string[];
}

/** Lower rank = less informative. The most informative failure is reported. */
const enum Rank {
  NoIssuer = 0,
  BadSignature = 1,
  BadCandidate = 2,
  BadPath = 3,
}

export function buildPath(input: BuildInput): Certificate[] {
  const { leaf, anchors, timeMs, limits } = input;
  const pool = new Map<string, Certificate[]>();
  const seen = new Set<string>([leaf.id]);
  for (const c of input.intermediates) {
    if (seen.has(c.id) || anchors.has(c)) continue;
    seen.add(c.id);
    const list = pool.get(c.subject.key);
    if (list) list.push(c);
    else pool.set(c.subject.key, [c]);
  }

  let best: { err: X509Error; rank: Rank; len: number } | undefined;
  const record = (err: X509Error, rank: Rank, len: number) => {
    if (!best || rank > best.rank || (rank === best.rank && len > best.len)) best = { err, rank, len };
  };
  let signatureChecks = 0;
  let candidates = 0;
  const sigCache = new Map<string, X509Error | null>();
  const staticCache = new Map<string, X509Error | null>();

  const staticCheck = (cert: Certificate, role: Role): X509Error | null => {
    const key = `${cert.id}/${role}`;
    let r = staticCache.get(key);
    if (r === undefined) {
      try {
        checkProfile(cert, role);
        checkValidity(cert, timeMs);
        r = null;
      } catch (e) {
        if (!(e instanceof X509Error)) throw e;
        r = e;
      }
      staticCache.set(key, r);
    }
    return r;
  };

  const signedBy = (child: Certificate, issuer: Certificate): X509Error | null => {
    const key = `${child.id}>${issuer.id}`;
    let r = sigCache.get(key);
    if (r === undefined) {
      if (++signatureChecks > limits.maxSignatureChecks) {
        throw new X509Error('PATH_BUILDING_LIMIT_EXCEEDED', 'too many signature checks while building the path');
      }
      try {
        r = verifySignature(child.signatureAlgorithm, issuer.spki.key, child.tbs, child.signature)
          ? null
          : new X509Error('CERT_SIGNATURE_FAILURE', 'certificate signature failure');
      } catch (e) {
        if (!(e instanceof X509Error)) throw e;
        r = e;
      }
      sigCache.set(key, r);
    }
    return r;
  };

  const complete = (path: Certificate[]): Certificate[] | undefined => {
    // The leaf's own checks belong to every path; they are reported only once a trusted path exists,
    // so an untrusted chain reports the trust problem first (as OpenSSL does).
    const leafProblem = path.length > 1 ? staticCheck(path[0]!, 'leaf') : null;
    if (leafProblem) {
      record(leafProblem.at(0), Rank.BadPath, path.length);
      return undefined;
    }
    try {
      input.validate(path);
      return path;
    } catch (e) {
      if (!(e instanceof X509Error)) throw e;
      record(e, Rank.BadPath, path.length);
      return undefined;
    }
  };

  // The peer's certificate may itself be trusted (a pinned self-signed certificate, say).
  if (anchors.has(leaf)) {
    const r = staticCheck(leaf, 'self');
    if (r) throw r.at(0);
    const p = complete([leaf]);
    if (p) return p;
    throw best!.err;
  }

  const noIssuer = (depth: number, why: string) => {
    const detail = input.unparsable && input.unparsable.length > 0 ? `; ${input.unparsable.length} supplied certificate(s) could not be parsed: ${input.unparsable[0]}` : '';
    return depth === 1
      ? new X509Error('UNABLE_TO_VERIFY_LEAF_SIGNATURE', `unable to verify the first certificate (${why}${detail})`, { depth: 0 })
      : new X509Error('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', `unable to get local issuer certificate (${why}${detail})`, { depth: depth - 1 });
  };

  const search = (path: Certificate[]): Certificate[] | undefined => {
    const cur = path[path.length - 1]!;
    const depth = path.length;
    const fromAnchors = anchors.bySubjectKey(cur.issuer.key);
    const fromPool = pool.get(cur.issuer.key) ?? [];
    if (fromAnchors.length === 0 && fromPool.length === 0) {
      const code =
        cur.selfIssued && depth === 1
          ? 'DEPTH_ZERO_SELF_SIGNED_CERT'
          : cur.selfIssued
            ? 'SELF_SIGNED_CERT_IN_CHAIN'
            : depth === 1
              ? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
              : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
      const err =
        code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
          ? new X509Error(code, 'self-signed certificate', { depth: 0 })
          : code === 'SELF_SIGNED_CERT_IN_CHAIN'
            ? new X509Error(code, 'self-signed certificate in certificate chain', { depth: depth - 1 })
            : noIssuer(depth, 'issuer not found');
      record(err, Rank.NoIssuer, depth);
      return undefined;
    }
    const aki = cur.ext.authorityKeyIdentifier?.value.keyId;
    const tried: [Certificate, boolean][] = [
      ...fromAnchors.map((c): [Certificate, boolean] => [c, true]),
      ...fromPool.map((c): [Certificate, boolean] => [c, false]),
    ];
    for (const [cand, isAnchor] of tried) {
      if (++candidates > limits.maxCandidates) {
        throw new X509Error('PATH_BUILDING_LIMIT_EXCEEDED', 'too many candidate issuers while building the path');
      }
      // RFC 5280 §4.2.1.1: the AKI key identifier names the issuer's SKI.
      const ski = cand.ext.subjectKeyIdentifier?.value;
      if (aki && ski && !bytesEqual(aki, ski)) {
        record(noIssuer(depth, 'no issuer with a matching key identifier'), Rank.NoIssuer, depth);
        continue;
      }
      // Loop: the same CA (subject and key) is already on the path.
      if (path.some((p) => p.subject.key === cand.subject.key && bytesEqual(p.spki.der, cand.spki.der))) {
        const err =
          cand.id !== cur.id
            ? noIssuer(depth, 'issuer only reachable through a loop')
            : depth === 1
              ? new X509Error('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', { depth: 0 })
              : new X509Error('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain', { depth: depth - 1 });
        record(err, Rank.NoIssuer, depth);
        continue;
      }
      const next = [...path, cand];
      if (!isAnchor) {
        if (next.length + 1 > MAX_RAW_LENGTH || countedIntermediates([...next, cand]) > limits.maxDepth) {
          record(new X509Error('CERT_CHAIN_TOO_LONG', 'certificate chain too long', { depth }), Rank.BadCandidate, depth);
          continue;
        }
      } else if (countedIntermediates(next) > limits.maxDepth) {
        record(new X509Error('CERT_CHAIN_TOO_LONG', 'certificate chain too long', { depth }), Rank.BadCandidate, depth);
        continue;
      }
      const bad = staticCheck(cand, isAnchor ? 'anchor' : 'intermediate');
      if (bad) {
        record(bad.at(depth), Rank.BadCandidate, depth + 1);
        continue;
      }
      const sig = signedBy(cur, cand);
      if (sig) {
        record(sig.at(depth - 1), Rank.BadSignature, depth);
        continue;
      }
      const found = isAnchor ? complete(next) : search(next);
      if (found) return found;
    }
    return undefined;
  };

  const found = search([leaf]);
  if (found) return found;
  throw best?.err ?? noIssuer(1, 'no path to a trust anchor');
}
