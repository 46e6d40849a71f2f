// CertificateVerify (RFC 5246 §7.4.8): a DigitallySigned over the handshake messages so far.

import { Reader } from '../reader.js';
import { encode } from '../writer.js';
import { readDigitallySigned, writeDigitallySigned, type DigitallySigned } from './digitally-signed.js';

export type CertificateVerify = DigitallySigned;

export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  return encode((w) => writeDigitallySigned(w, cv));
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body, 'certificate_verify');
  const ds = readDigitallySigned(r);
  r.end();
  return ds;
}
