// Per-certificate profile checks: the parts of RFC 5280 §4 and the CA/Browser Forum Baseline
// Requirements §7.1 a certificate must satisfy in a given role, independent of the rest of the path.

import type { Certificate } from '../certificate.js';
import { bytesEqual } from '../bytes.js';
import { X509Error } from '../errors.js';

/** Where a certificate sits in a candidate path. `self` = the peer's certificate is itself a trust anchor. */
export type Role = 'leaf' | 'intermediate' | 'anchor' | 'self';

const MIN_RSA_BITS = 2048;

function fail(message: string): never {
  throw new X509Error('CERT_PROFILE_VIOLATION', message);
}

function checkKey(cert: Certificate, role: Role): void {
  const key = cert.spki.key;
  const isCa = role === 'intermediate' || role === 'anchor';
  if (key.kind === 'unsupported') throw new X509Error('UNSUPPORTED_PUBLIC_KEY', key.reason);
  if (key.kind === 'rsa') {
    // CA/B BR §6.1.5: RSA modulus ≥ 2048 bits and a multiple of 8.
    if (key.bits < MIN_RSA_BITS) {
      throw new X509Error(isCa ? 'CA_KEY_TOO_SMALL' : 'EE_KEY_TOO_SMALL', `RSA key of ${key.bits} bits is too small`);
    }
    if (key.bits % 8 !== 0) throw new X509Error('UNSUPPORTED_PUBLIC_KEY', `RSA modulus of ${key.bits} bits is not a multiple of 8`);
  }
}

/** Checks that do not depend on the role. */
function checkCommon(cert: Certificate, role: Role): void {
  const ext = cert.ext;
  if (cert.extensions.unhandledCritical.length > 0) {
    throw new X509Error('UNHANDLED_CRITICAL_EXTENSION', `unhandled critical extension ${cert.extensions.unhandledCritical.join(', ')}`);
  }
  // RFC 5280 §4.1.2.2: positive, at most 20 octets. Trust anchors are exempt: an anchor is only a
  // name and a key (§6.1.1 (d)), and long-trusted roots with serial 0 exist.
  if (role !== 'anchor') {
    if (cert.serial <= 0n) fail('serial number must be positive');
    if (cert.serialBytes.length > 20) fail('serial number longer than 20 octets');
  }
  // §4.1.2.4: the issuer MUST be a non-empty distinguished name.
  if (cert.issuer.rdns.length === 0) fail('empty issuer name');
  // §4.2.1.1 / §4.2.1.2: AKI and SKI MUST NOT be critical.
  const aki = ext.authorityKeyIdentifier;
  if (aki?.critical) fail('authorityKeyIdentifier must not be critical');
  if (ext.subjectKeyIdentifier?.critical) fail('subjectKeyIdentifier must not be critical');
  if (aki) {
    // CA/B BR §7.1.2.11.1: keyIdentifier present; authorityCertIssuer/SerialNumber absent.
    if (aki.value.keyId === undefined) fail('authorityKeyIdentifier without keyIdentifier');
    if (aki.value.hasIssuer || aki.value.hasSerial) fail('authorityKeyIdentifier with issuer and serial');
  } else if (cert.version === 3 && !cert.selfIssued && role !== 'anchor') {
    // §4.2.1.1: keyIdentifier MUST be present in all certificates except self-signed ones.
    fail('missing authorityKeyIdentifier');
  }
  // §4.2.2.1: authorityInfoAccess MUST be non-critical.
  if (ext.authorityInfoAccess?.critical) fail('authorityInfoAccess must not be critical');
  // §4.2.1.11: policyConstraints MUST be critical.
  if (ext.policyConstraints && !ext.policyConstraints.critical) fail('policyConstraints must be critical');
  // §4.2.1.6: with an empty subject the SAN MUST be present and critical; CA/B BR §7.1.2.7.12: otherwise not critical.
  const san = ext.subjectAltName;
  if (cert.subject.rdns.length === 0) {
    if (!san || !san.critical) fail('empty subject requires a critical subjectAltName');
  } else if (san?.critical) {
    fail('subjectAltName must not be critical when the subject is not empty');
  }
  // §4.2.1.3 / §4.2.1.9: keyCertSign requires cA; pathLenConstraint requires cA and keyCertSign.
  const bc = ext.basicConstraints?.value;
  const ku = ext.keyUsage?.value;
  if (ku?.has('keyCertSign') && !bc?.ca) fail('keyCertSign asserted without cA');
  // The converse is not spelled out, but cA without keyCertSign in a present keyUsage is a
  // contradiction (the key may not sign certificates); refuse it in any position.
  if (bc?.ca && ku !== undefined && !ku.has('keyCertSign')) fail('cA asserted but keyUsage lacks keyCertSign');
  if (bc?.pathLen !== undefined && (!bc.ca || (ku !== undefined && !ku.has('keyCertSign')))) {
    fail('pathLenConstraint without cA and keyCertSign');
  }
  checkKey(cert, role);
}

/** A CA certificate (intermediate or anchor): RFC 5280 §4.2.1.9 / §6.1.4 (k), (n). */
function checkCa(cert: Certificate, role: 'intermediate' | 'anchor'): void {
  // Version 1 certificates carry no basicConstraints; they are accepted only as trust anchors.
  if (cert.version === 1 && role === 'anchor') return;
  if (cert.version !== 3) throw new X509Error('INVALID_CA', 'version 1/2 certificate used as a CA');
  const bc = cert.ext.basicConstraints;
  if (!bc || !bc.value.ca) throw new X509Error('INVALID_CA', 'issuer is not a CA (basicConstraints cA not set)');
  if (!bc.critical) throw new X509Error('INVALID_CA', 'CA basicConstraints must be critical');
  const ku = cert.ext.keyUsage?.value;
  if (ku !== undefined && !ku.has('keyCertSign')) throw new X509Error('KEYUSAGE_NO_CERTSIGN', 'CA key usage lacks keyCertSign');
  if (cert.subject.rdns.length === 0) fail('CA with an empty subject'); // §4.1.2.6
  if (!cert.ext.subjectKeyIdentifier) fail('CA certificate without subjectKeyIdentifier'); // §4.2.1.2
  const aki = cert.ext.authorityKeyIdentifier?.value.keyId;
  const ski = cert.ext.subjectKeyIdentifier.value;
  if (role === 'anchor' && cert.selfIssued && aki !== undefined && !bytesEqual(aki, ski)) {
    fail('self-issued root with authorityKeyIdentifier different from its subjectKeyIdentifier');
  }
}

/**
 * An end-entity certificate. RFC 5280 §4.2.1.10: nameConstraints only in CA certificates. A CA
 * certificate in the leaf position is accepted (RFC 5280 sets no rule; OpenSSL and browsers accept
 * it), and its pathLenConstraint is irrelevant there (§4.2.1.9).
 */
function checkLeaf(cert: Certificate): void {
  if (cert.ext.nameConstraints && !cert.ext.basicConstraints?.value.ca) fail('nameConstraints in an end-entity certificate');
}

export function checkProfile(cert: Certificate, role: Role): void {
  checkCommon(cert, role);
  if (role === 'intermediate' || role === 'anchor') checkCa(cert, role);
  else if (role === 'leaf') checkLeaf(cert);
}
