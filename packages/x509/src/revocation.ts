// Revocation checking over a validated path (RFC 5280 §6.3 for CRLs, RFC 6960 for a stapled OCSP
// response on the leaf). Under the 'soft' policy, certificates without revocation information pass;
// under 'hard', every certificate below the anchor needs a CRL from its issuer or (leaf only) a
// 'good' OCSP response. Information that is present but unusable (bad signature, stale, malformed)
// always fails: a forged "good" answer must not be treated like a missing one.

import type { Certificate } from './certificate.js';
import { type Crl, crlIsFor, crlLists, verifyCrl } from './crl.js';
import { X509Error } from './errors.js';
import { type OcspCheckOptions, checkOcspResponse } from './ocsp.js';

export type RevocationPolicy = 'soft' | 'hard';

export interface RevocationInput {
  readonly crls: readonly Crl[];
  readonly ocspResponse: Uint8Array | undefined;
  readonly policy: RevocationPolicy;
  readonly timeMs: number;
  readonly ocsp?: OcspCheckOptions;
}

export function checkRevocation(path: readonly Certificate[], input: RevocationInput): void {
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    let known = false;
    for (const crl of input.crls) {
      if (!crlIsFor(crl, issuer)) continue;
      try {
        verifyCrl(crl, issuer, input.timeMs);
      } catch (e) {
        throw e instanceof X509Error ? e.at(i) : e;
      }
      if (crlLists(crl, cert)) throw new X509Error('CERT_REVOKED', 'certificate revoked (CRL)', { depth: i });
      known = true;
    }
    if (i === 0 && input.ocspResponse !== undefined) {
      let status;
      try {
        status = checkOcspResponse(input.ocspResponse, cert, issuer, input.timeMs, input.ocsp);
      } catch (e) {
        throw e instanceof X509Error ? e.at(0) : e;
      }
      if (status === 'revoked') throw new X509Error('CERT_REVOKED', 'certificate revoked (OCSP)', { depth: 0 });
      if (status === 'good') known = true;
      else if (input.policy === 'hard') throw new X509Error('OCSP_CERT_UNKNOWN', 'OCSP status unknown', { depth: 0 });
    }
    if (!known && input.policy === 'hard') {
      throw new X509Error(
        i === 0 ? 'REVOCATION_STATUS_UNKNOWN' : 'UNABLE_TO_GET_CRL',
        'no revocation information for certificate',
        { depth: i },
      );
    }
  }
}

export type { Crl };
