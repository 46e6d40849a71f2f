// Error codes follow OpenSSL's X509_V_ERR_* names as Node exposes them (err.code), plus Node's
// ERR_TLS_CERT_ALTNAME_INVALID. Each maps to the TLS alert to send (RFC 5246 §7.2, RFC 6066 §8).

/** TLS alert names with their RFC 5246 §7.2 / RFC 6066 numbers. */
export const CertAlert = {
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  unknown_ca: 48,
  bad_certificate_status_response: 113,
} as const;
export type CertAlertName = keyof typeof CertAlert;

const ALERTS = {
  // Parsing / encoding.
  CERT_MALFORMED: 'bad_certificate',
  INVALID_EXTENSION: 'bad_certificate',
  UNHANDLED_CRITICAL_EXTENSION: 'unsupported_certificate',
  // Time.
  CERT_HAS_EXPIRED: 'certificate_expired',
  CERT_NOT_YET_VALID: 'certificate_expired',
  // Trust.
  UNABLE_TO_GET_ISSUER_CERT: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown_ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown_ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown_ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown_ca',
  CERT_CHAIN_TOO_LONG: 'bad_certificate',
  PATH_BUILDING_LIMIT_EXCEEDED: 'bad_certificate',
  // Signatures and keys.
  CERT_SIGNATURE_FAILURE: 'bad_certificate',
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'unsupported_certificate',
  SIGNATURE_ALGORITHM_MISMATCH: 'bad_certificate',
  CA_MD_TOO_WEAK: 'unsupported_certificate',
  EE_KEY_TOO_SMALL: 'unsupported_certificate',
  CA_KEY_TOO_SMALL: 'unsupported_certificate',
  UNSUPPORTED_PUBLIC_KEY: 'unsupported_certificate',
  // RFC 5280 §6.1 checks.
  INVALID_CA: 'bad_certificate',
  INVALID_NON_CA: 'bad_certificate',
  PATH_LENGTH_EXCEEDED: 'bad_certificate',
  KEYUSAGE_NO_CERTSIGN: 'bad_certificate',
  INVALID_PURPOSE: 'unsupported_certificate',
  PERMITTED_VIOLATION: 'bad_certificate',
  EXCLUDED_VIOLATION: 'bad_certificate',
  UNSUPPORTED_CONSTRAINT_TYPE: 'bad_certificate',
  UNSUPPORTED_NAME_SYNTAX: 'bad_certificate',
  INVALID_POLICY_EXTENSION: 'bad_certificate',
  NO_EXPLICIT_POLICY: 'bad_certificate',
  CERT_PROFILE_VIOLATION: 'bad_certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'bad_certificate',
  // Revocation.
  CERT_REVOKED: 'certificate_revoked',
  UNABLE_TO_GET_CRL: 'certificate_unknown',
  CRL_SIGNATURE_FAILURE: 'bad_certificate',
  CRL_INVALID: 'bad_certificate',
  KEYUSAGE_NO_CRL_SIGN: 'bad_certificate',
  OCSP_VERIFY_FAILED: 'bad_certificate_status_response',
  OCSP_CERT_UNKNOWN: 'certificate_unknown',
  REVOCATION_STATUS_UNKNOWN: 'certificate_unknown',
  // Misuse of the API.
  INVALID_CALL: 'certificate_unknown',
} as const satisfies Record<string, CertAlertName>;

export type X509ErrorCode = keyof typeof ALERTS;

export function alertFor(code: X509ErrorCode): CertAlertName {
  return ALERTS[code];
}

export class X509Error extends Error {
  override readonly name = 'X509Error';
  /** TLS alert description for this failure. */
  readonly alert: CertAlertName;
  /** Its number on the wire. */
  readonly alertCode: number;
  /** Index in the validated path (0 = leaf) of the certificate at fault, when known. */
  readonly depth: number | undefined;

  constructor(
    readonly code: X509ErrorCode,
    message: string,
    options: { depth?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.alert = ALERTS[code];
    this.alertCode = CertAlert[this.alert];
    this.depth = options.depth;
  }

  /** The same error attributed to a position in a path. */
  at(depth: number): X509Error {
    if (this.depth === depth) return this;
    return new X509Error(this.code, this.message, { depth, cause: this.cause });
  }
}

export function malformed(what: string): X509Error {
  return new X509Error('CERT_MALFORMED', what);
}
