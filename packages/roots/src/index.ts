// @sanstls/roots: Mozilla's CA root list for runtimes without one of their own (Deno, browsers).
// The list is copied at build time from Node's tls.rootCertificates (scripts/generate.ts), which
// Node itself takes from Mozilla's NSS root store; on Node, @sanstls/x509 reads tls.rootCertificates
// directly, so both come from the same list.

import { GENERATED_FROM, PEMS } from './mozilla-roots.js';

/** The roots as PEM strings, in the order and form of Node's tls.rootCertificates. */
export const rootCertificates: readonly string[] = PEMS;

/** Where the list came from, e.g. "node v20.20.2". */
export const source: string = GENERATED_FROM;

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The roots as DER, decoded on each call (callers that keep them should keep the result). */
export function rootCertificatesDer(): Uint8Array[] {
  return PEMS.map((pem) => base64ToBytes(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')));
}
