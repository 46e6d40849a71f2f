// RFC 5246 §7.2 alert levels and descriptions (plus RFC 7301 no_application_protocol, RFC 6066
// unrecognized_name / bad_certificate_status_response, RFC 7507 inappropriate_fallback).

export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  no_application_protocol: 120,
} as const;
export type AlertName = keyof typeof AlertDescription;
export type AlertCode = (typeof AlertDescription)[AlertName];

const byCode = new Map<number, AlertName>(
  Object.entries(AlertDescription).map(([k, v]) => [v, k as AlertName]),
);

/** The name of an alert description byte, or undefined for a value RFC 5246 does not define. */
export function alertName(code: number): AlertName | undefined {
  return byCode.get(code);
}
