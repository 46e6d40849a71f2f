// Trust anchors with Deno's semantics: caCerts are trusted in addition to the default roots (Mozilla's
// list, from @sanstls/roots through @sanstls/x509); `ca` replaces the defaults altogether.
import { defaultTrustStore, pemToDer, TrustStore, type AnchorsInput } from '@sanstls/x509';

/** Merged stores by caCerts content: parsing the default roots again per connection would be wasteful. */
const merged = new Map<string, TrustStore>();
const MERGED_MAX = 16;

export function trustAnchors(ca: AnchorsInput | undefined, caCerts: readonly string[] | undefined): AnchorsInput {
  if (ca !== undefined) return ca;
  const defaults = defaultTrustStore();
  if (caCerts === undefined || caCerts.length === 0) return defaults;
  const key = caCerts.join('\n');
  let store = merged.get(key);
  if (store === undefined) {
    const extra = caCerts.flatMap((pem) => pemToDer(pem));
    if (extra.length === 0) throw new TypeError('caCerts holds no PEM certificate');
    const base = defaults.anchors.map((c) => c.der);
    store = new TrustStore([...base, ...extra]);
    const bad = store.rejected.find((r) => r.index >= base.length);
    if (bad) throw new TypeError(`caCerts: certificate ${bad.index - base.length} cannot be parsed: ${bad.reason}`);
    if (merged.size >= MERGED_MAX) merged.delete(merged.keys().next().value!);
    merged.set(key, store);
  }
  return store;
}
