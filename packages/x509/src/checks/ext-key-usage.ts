// Extended key usage (RFC 5280 §4.2.1.12). The leaf must allow the purpose (serverAuth for a TLS
// server, clientAuth for a client). As browsers do, an EKU on a CA constrains everything below it:
// a CA whose EKU does not include the purpose (or anyExtendedKeyUsage) cannot vouch for it.
// An absent EKU means no restriction.

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';
import { OID } from '../oids.js';

export type Purpose = 'server' | 'client';

export const PURPOSE_OID: Readonly<Record<Purpose, string>> = {
  server: OID.serverAuth,
  client: OID.clientAuth,
};

export function allowsPurpose(cert: Certificate, purposeOid: string): boolean {
  const eku = cert.ext.extKeyUsage?.value;
  if (eku === undefined) return true;
  return eku.includes(purposeOid) || eku.includes(OID.anyExtendedKeyUsage);
}

export function checkExtendedKeyUsage(path: readonly Certificate[], purposeOid: string): void {
  path.forEach((cert, i) => {
    if (!allowsPurpose(cert, purposeOid)) {
      throw new X509Error('INVALID_PURPOSE', `extended key usage does not allow ${purposeOid}`, { depth: i });
    }
  });
}
