// Certificate (RFC 5246 §7.4.2, §7.4.6).
//   opaque ASN.1Cert<1..2^24-1>;  struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
// An empty list is legal (a client without a suitable certificate); each entry is non-empty DER.
// DER contents are not looked at here (that is the X.509 module's job).

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export interface Certificate {
  /** DER certificates, sender's first (leaf first). */
  readonly certificates: readonly Uint8Array[];
}

export function encodeCertificate(c: Certificate): Uint8Array {
  let size = 3;
  for (const der of c.certificates) size += 3 + der.length;
  return encode((w) =>
    w.vec24((l) => { for (const der of c.certificates) l.opaque(3, der, 1, 0xffffff, 'ASN.1Cert'); }, 0, 0xffffff, 'certificate_list'),
  size);
}

export function decodeCertificate(body: Uint8Array): Certificate {
  const r = new Reader(body, 'certificate');
  const list = r.sub(3, 'certificate_list');
  r.end();
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) certificates.push(list.vec24('ASN.1Cert', 1));
  return { certificates };
}
