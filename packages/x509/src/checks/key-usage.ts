// Key usage for the end-entity certificate (RFC 5280 §4.2.1.3). When the extension is present the
// key may only be used for the asserted purposes; when absent, any use is allowed.

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';
import type { KeyUsageBit } from '../extensions.js';

/** Every usage in `required` must be asserted by the leaf when it has a keyUsage extension. */
export function checkLeafKeyUsage(cert: Certificate, required: readonly KeyUsageBit[]): void {
  const ku = cert.ext.keyUsage?.value;
  if (ku === undefined) return;
  for (const bit of required) {
    if (!ku.has(bit)) throw new X509Error('INVALID_PURPOSE', `key usage does not allow ${bit}`);
  }
}

/** RFC 5280 §6.3.3 (f): a CRL issuer with a keyUsage extension must assert cRLSign. */
export function checkCrlSigner(cert: Certificate): void {
  const ku = cert.ext.keyUsage?.value;
  if (ku !== undefined && !ku.has('cRLSign')) throw new X509Error('KEYUSAGE_NO_CRL_SIGN', 'CRL issuer lacks cRLSign');
}
