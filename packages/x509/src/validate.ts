// Path validation for one complete candidate path (RFC 5280 §6.1), after path building has already
// checked names, signatures, per-certificate profiles and validity periods link by link.

import type { Certificate } from './certificate.js';
import { checkPathLength, countedIntermediates } from './checks/basic-constraints.js';
import { checkExtendedKeyUsage } from './checks/ext-key-usage.js';
import { checkLeafKeyUsage } from './checks/key-usage.js';
import { checkNameConstraints } from './checks/name-constraints.js';
import { checkPolicies } from './checks/policies.js';
import { X509Error } from './errors.js';
import type { KeyUsageBit } from './extensions.js';
import { type PeerIdentity, certificateMatchesIdentity } from './hostname.js';
import { type RevocationInput, checkRevocation } from './revocation.js';

export interface PathPolicy {
  readonly purposeOid: string;
  readonly identity: PeerIdentity | undefined;
  readonly leafKeyUsage: readonly KeyUsageBit[];
  readonly maxDepth: number;
  readonly revocation: RevocationInput;
}

/** `path[0]` is the leaf, the last element the trust anchor. Throws X509Error. */
export function validatePath(path: readonly Certificate[], policy: PathPolicy): void {
  if (countedIntermediates(path) > policy.maxDepth) {
    throw new X509Error('CERT_CHAIN_TOO_LONG', 'certificate chain too long');
  }
  checkPathLength(path);
  checkNameConstraints(path);
  checkPolicies(path);
  checkExtendedKeyUsage(path, policy.purposeOid);
  checkLeafKeyUsage(path[0]!, policy.leafKeyUsage);
  checkRevocation(path, policy.revocation);
  if (policy.identity && !certificateMatchesIdentity(path[0]!, policy.identity)) {
    throw new X509Error('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", { depth: 0 });
  }
}
