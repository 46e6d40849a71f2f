// Verified chains, remembered per trust store. A TLS client that connects to the same server again (or
// resumes and re-checks) presents the same bytes for the same name: parsing and checking every signature
// again gives the same answer. Like Chromium's caching verifier, only plain calls are cached (no CRLs, OCSP
// response, explicit time, extra intermediates or custom limits), failures never are, and an entry lives
// until the earliest notAfter on its path or TTL_MS, whichever comes first: a certificate that expires, or
// a trust store that changes (another TrustStore object), is never answered from the cache.
import { sha256 } from '@noble/hashes/sha2.js';
import type { TrustStore } from './trust-store.js';
import type { VerifiedChain, VerifyChainOptions } from './verify.js';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 256;

interface Entry {
  readonly result: VerifiedChain;
  readonly expiresMs: number;
}

const caches = new WeakMap<TrustStore, Map<string, Entry>>();

/** The cache key of a call that may be cached, or undefined. */
export function cacheKey(opts: VerifyChainOptions): string | undefined {
  if (opts.time || opts.crls?.length || opts.ocspResponse || opts.intermediates?.length || opts.limits || opts.ocsp) return undefined;
  const h = sha256.create();
  const enc = new TextEncoder();
  h.update(enc.encode(`${opts.purpose}\0${opts.host ?? ''}\0${opts.ip ?? ''}\0${opts.maxDepth ?? ''}\0${(opts.keyUsage ?? []).join(',')}\0${opts.revocation ?? 'soft'}\0`));
  for (const der of opts.chain) {
    h.update(Uint8Array.of(der.length >>> 24, (der.length >>> 16) & 0xff, (der.length >>> 8) & 0xff, der.length & 0xff));
    h.update(der);
  }
  let key = '';
  for (const b of h.digest()) key += String.fromCharCode(b);
  return key;
}

export function cachedResult(store: TrustStore, key: string, nowMs: number): VerifiedChain | undefined {
  const m = caches.get(store);
  const e = m?.get(key);
  if (!e) return undefined;
  if (nowMs >= e.expiresMs) {
    m!.delete(key);
    return undefined;
  }
  return e.result;
}

export function remember(store: TrustStore, key: string, result: VerifiedChain, nowMs: number): void {
  let m = caches.get(store);
  if (!m) caches.set(store, (m = new Map()));
  let notAfter = Infinity;
  for (const c of result.path) notAfter = Math.min(notAfter, c.notAfter);
  const expiresMs = Math.min(nowMs + TTL_MS, notAfter);
  if (m.size >= MAX_ENTRIES) m.delete(m.keys().next().value!); // oldest first
  m.set(key, { result, expiresMs });
}
