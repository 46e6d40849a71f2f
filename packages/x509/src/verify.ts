// verifyChain: the entry point the TLS core calls (synchronously, inside the handshake). It throws
// an X509Error on any failure and returns the validated path otherwise.

import { type Certificate, parseCertificate } from './certificate.js';
import { type Purpose, PURPOSE_OID } from './checks/ext-key-usage.js';
import { type Crl, parseCrl } from './crl.js';
import { defaultTrustStore } from './default-anchors.js';
import { X509Error } from './errors.js';
import type { KeyUsageBit } from './extensions.js';
import { type PeerIdentity, parseReferenceIdentity } from './hostname.js';
import { parseIp } from './ip.js';
import type { OcspCheckOptions } from './ocsp.js';
import { DEFAULT_LIMITS, buildPath } from './path.js';
import { decodePemBlocks } from './pem.js';
import type { RevocationPolicy } from './revocation.js';
import { type AnchorsInput, type TrustStore, toTrustStore } from './trust-store.js';
import { validatePath } from './validate.js';
import { cachedResult, cacheKey, remember } from './verify-cache.js';

export interface VerifyChainOptions {
  /** DER certificates as the peer sent them, leaf first; the rest may be in any order. */
  readonly chain: readonly Uint8Array[];
  /** Trust anchors: a TrustStore, or PEM / DER certificates (default: defaultTrustStore(), Mozilla's roots). */
  readonly anchors?: AnchorsInput;
  /** Further untrusted certificates that may help build a path (cached intermediates, say). */
  readonly intermediates?: readonly Uint8Array[];
  /** Expected DNS name (or IP literal) of the server. */
  readonly host?: string;
  /** Expected IP address of the server, when connecting by address. */
  readonly ip?: string;
  readonly purpose: Purpose;
  /** Validation time (default: now). */
  readonly time?: Date;
  /** Maximum intermediates between leaf and anchor, self-issued ones not counted (default 8). */
  readonly maxDepth?: number;
  /** Key usages the leaf must assert when it carries a keyUsage extension. */
  readonly keyUsage?: readonly KeyUsageBit[];
  /** CRLs (DER or PEM) to check the path against. */
  readonly crls?: readonly (Uint8Array | string)[];
  /** A stapled OCSPResponse (DER) for the leaf. */
  readonly ocspResponse?: Uint8Array;
  /** Whether missing revocation information fails ('hard') or not ('soft', default). */
  readonly revocation?: RevocationPolicy;
  readonly ocsp?: OcspCheckOptions;
  /** Work bounds for hostile inputs. */
  readonly limits?: { readonly maxSignatureChecks?: number; readonly maxCandidates?: number };
}

export interface VerifiedChain {
  readonly ok: true;
  /** The validated path: leaf first, trust anchor last. */
  readonly path: readonly Certificate[];
  readonly leaf: Certificate;
}

function parseCrls(list: readonly (Uint8Array | string)[]): Crl[] {
  return list.flatMap((x) =>
    typeof x === 'string' ? decodePemBlocks(x).filter((b) => b.label === 'X509 CRL').map((b) => parseCrl(b.der)) : [parseCrl(x)],
  );
}

function identityOf(opts: VerifyChainOptions): PeerIdentity | undefined {
  if (opts.ip !== undefined) {
    const bytes = parseIp(opts.ip);
    if (!bytes) throw new X509Error('INVALID_CALL', `not an IP address: ${opts.ip}`);
    return { kind: 'ip', bytes };
  }
  if (opts.host !== undefined) return parseReferenceIdentity(opts.host);
  return undefined;
}

export function verifyChain(opts: VerifyChainOptions): VerifiedChain {
  const first = opts.chain[0];
  if (first === undefined) throw new X509Error('INVALID_CALL', 'empty certificate chain');
  const timeMs = (opts.time ?? new Date()).getTime();
  if (Number.isNaN(timeMs)) throw new X509Error('INVALID_CALL', 'invalid validation time');
  const maxDepth = opts.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new X509Error('INVALID_CALL', 'maxDepth must be a non-negative integer');
  const identity = identityOf(opts);
  const anchors = opts.anchors === undefined ? defaultTrustStore() : toTrustStore(opts.anchors);
  // A plain call already answered for these bytes, this name and this trust store (see verify-cache.ts).
  const key = cacheKey(opts);
  const hit = key === undefined ? undefined : cachedResult(anchors, key, timeMs);
  if (hit) return hit;
  const result = verifyUncached(opts, first, timeMs, maxDepth, identity, anchors);
  if (key !== undefined) remember(anchors, key, result, timeMs);
  return result;
}

function verifyUncached(
  opts: VerifyChainOptions,
  first: Uint8Array,
  timeMs: number,
  maxDepth: number,
  identity: PeerIdentity | undefined,
  anchors: TrustStore,
): VerifiedChain {
  const leaf = parseCertificate(first);
  const extra: Certificate[] = [];
  const unparsable: string[] = [];
  // Stray certificates that do not parse cannot be on any path we accept; they are dropped.
  for (const der of [...opts.chain.slice(1), ...(opts.intermediates ?? [])]) {
    try {
      extra.push(parseCertificate(der));
    } catch (e) {
      unparsable.push((e as Error).message);
    }
  }
  unparsable.push(...anchors.rejected.map((r) => `trust anchor ${r.index}: ${r.reason}`));
  const crls = parseCrls(opts.crls ?? []);
  const path = buildPath({
    leaf,
    intermediates: extra,
    anchors,
    timeMs,
    unparsable,
    limits: {
      maxDepth,
      maxSignatureChecks: opts.limits?.maxSignatureChecks ?? DEFAULT_LIMITS.maxSignatureChecks,
      maxCandidates: opts.limits?.maxCandidates ?? DEFAULT_LIMITS.maxCandidates,
    },
    validate: (p) =>
      validatePath(p, {
        purposeOid: PURPOSE_OID[opts.purpose],
        identity,
        leafKeyUsage: opts.keyUsage ?? [],
        maxDepth,
        revocation: {
          crls,
          ocspResponse: opts.ocspResponse,
          policy: opts.revocation ?? 'soft',
          timeMs,
          ...(opts.ocsp ? { ocsp: opts.ocsp } : {}),
        },
      }),
  });
  return { ok: true, path, leaf: path[0]! };
}
