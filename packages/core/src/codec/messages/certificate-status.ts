// CertificateStatus (RFC 6066 §8).
//   struct { CertificateStatusType status_type; select (status_type) { case ocsp: OCSPResponse; } response; }
//   opaque OCSPResponse<1..2^24-1>;
// We only ever ask for ocsp, so another status_type cannot be decoded: decode_error (as OpenSSL).

import { decodeError } from '../../errors.js';
import { CertificateStatusType } from '../constants.js';
import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export interface CertificateStatus {
  readonly statusType: typeof CertificateStatusType.ocsp;
  /** DER OCSPResponse (RFC 6960). */
  readonly ocspResponse: Uint8Array;
}

export function encodeCertificateStatus(cs: Pick<CertificateStatus, 'ocspResponse'>): Uint8Array {
  return encode((w) => w.u8(CertificateStatusType.ocsp).opaque(3, cs.ocspResponse, 1, 0xffffff, 'ocsp_response'));
}

export function decodeCertificateStatus(body: Uint8Array): CertificateStatus {
  const r = new Reader(body, 'certificate_status');
  const type = r.u8('status_type');
  if (type !== CertificateStatusType.ocsp) throw decodeError(`certificate_status: unsupported status_type ${type}`);
  const ocspResponse = r.vec24('ocsp_response', 1);
  r.end();
  return { statusType: CertificateStatusType.ocsp, ocspResponse };
}
