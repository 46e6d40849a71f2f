// CertificateRequest (RFC 5246 §7.4.4).
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//   DistinguishedName certificate_authorities<0..2^16-1>;  opaque DistinguishedName<1..2^16-1>;

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** DER-encoded X.501 Names of acceptable CAs (possibly none). */
  readonly certificateAuthorities: readonly Uint8Array[];
}

export function encodeCertificateRequest(cr: CertificateRequest): Uint8Array {
  return encode((w) => {
    w.u8List(cr.certificateTypes, 1, 0xff, 'certificate_types');
    w.u16List(2, cr.signatureAlgorithms, 2, 0xfffe, 'supported_signature_algorithms');
    w.vec16((l) => { for (const dn of cr.certificateAuthorities) l.opaque(2, dn, 1, 0xffff, 'DistinguishedName'); }, 0, 0xffff, 'certificate_authorities');
  });
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new Reader(body, 'certificate_request');
  const certificateTypes = r.u8List('certificate_types', 1, 0xff);
  const signatureAlgorithms = r.u16List(2, 'supported_signature_algorithms', 2, 0xfffe);
  const cas = r.sub(2, 'certificate_authorities');
  r.end();
  const certificateAuthorities: Uint8Array[] = [];
  while (cas.remaining > 0) certificateAuthorities.push(cas.vec16('DistinguishedName', 1));
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}
