// RFC 5280 §4.1.2.5 / §6.1.3 (a)(2): the validation time must fall within [notBefore, notAfter],
// both inclusive. Certificate times have whole-second precision, so the validation time is floored
// to the second before comparing.

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';

export function checkValidity(cert: Certificate, timeMs: number): void {
  const t = Math.floor(timeMs / 1000) * 1000;
  if (t < cert.notBefore) throw new X509Error('CERT_NOT_YET_VALID', 'certificate is not yet valid');
  if (t > cert.notAfter) throw new X509Error('CERT_HAS_EXPIRED', 'certificate has expired');
}
