// Default trust anchors, used when the caller gives none. On Node they are Node's own copy of
// Mozilla's root list (tls.rootCertificates), so they follow the Node release in use; on Deno and
// in browsers they are @sanstls/roots, generated at build time from that same list. Node's module
// is reached through process.getBuiltinModule (Node ≥ 20.16), not an import, so that nothing
// named node:* appears to bundlers and the package still bundles for browsers.

import { rootCertificates as bundledRoots } from '@sanstls/roots';
import { TrustStore } from './trust-store.js';

export type DefaultAnchorsSource = 'node:tls' | '@sanstls/roots';

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly getBuiltinModule?: (id: string) => unknown;
}

/** tls.rootCertificates when running on Node; undefined on Deno (which also sets process.versions.node) and elsewhere. */
function nodeRootCertificates(): readonly string[] | undefined {
  const g = globalThis as { readonly Deno?: unknown; readonly process?: NodeProcess };
  if (g.Deno !== undefined || typeof g.process?.versions?.node !== 'string') return undefined;
  const tls = g.process.getBuiltinModule?.('node:tls') as { readonly rootCertificates?: readonly string[] } | undefined;
  return tls?.rootCertificates;
}

let cached: { readonly store: TrustStore; readonly source: DefaultAnchorsSource } | undefined;

function load(): { readonly store: TrustStore; readonly source: DefaultAnchorsSource } {
  if (cached === undefined) {
    const node = nodeRootCertificates();
    cached = node
      ? { store: new TrustStore(node), source: 'node:tls' }
      : { store: new TrustStore(bundledRoots), source: '@sanstls/roots' };
  }
  return cached;
}

/** The runtime's default roots (Mozilla's list), parsed once and shared. */
export function defaultTrustStore(): TrustStore {
  return load().store;
}

/** Which list defaultTrustStore() holds on this runtime. */
export function defaultTrustStoreSource(): DefaultAnchorsSource {
  return load().source;
}
