import { AlertDescription, type AlertName } from './alerts.js';

/**
 * Stable error codes. A code names what went wrong; the alert is what went on the wire (sent by us,
 * or received from the peer when `remote` is true).
 */
export type TlsErrorCode =
  | 'DECODE_ERROR'
  | 'ENCODE_ERROR'
  | 'ILLEGAL_PARAMETER'
  | 'UNEXPECTED_MESSAGE'
  | 'BAD_RECORD_MAC'
  | 'RECORD_OVERFLOW'
  | 'PROTOCOL_VERSION'
  | 'HANDSHAKE_FAILURE'
  | 'INSUFFICIENT_SECURITY'
  | 'UNSUPPORTED_EXTENSION'
  | 'DECRYPT_ERROR'
  | 'INAPPROPRIATE_FALLBACK'
  | 'NO_APPLICATION_PROTOCOL'
  | 'UNRECOGNIZED_NAME'
  | 'BAD_CERTIFICATE'
  | 'TOO_MANY_EMPTY_RECORDS'
  | 'TOO_MANY_WARNING_ALERTS'
  | 'HANDSHAKE_MESSAGE_TOO_LARGE'
  | 'RENEGOTIATION_REFUSED'
  | 'SEQUENCE_OVERFLOW'
  | 'UNKNOWN_CONTENT_TYPE'
  | 'UNSUPPORTED_SSLV2_HELLO'
  | 'BAD_CHANGE_CIPHER_SPEC'
  | 'TRUNCATED'
  | 'PEER_ALERT'
  | 'CLOSED'
  | 'INTERNAL_ERROR'
  | (string & {}); // certificate codes come from @sanstls/x509 (CERT_HAS_EXPIRED, ...)

export class TlsError extends Error {
  override readonly name = 'TlsError';
  /** Alert description sent (or received, when remote). */
  readonly alert: AlertName;
  /** True when the peer sent this alert to us. */
  readonly remote: boolean;

  constructor(
    readonly code: TlsErrorCode,
    alert: AlertName,
    message: string,
    options: { remote?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.alert = alert;
    this.remote = options.remote ?? false;
  }

  /** The alert description byte. */
  get alertCode(): number {
    return AlertDescription[this.alert];
  }
}

/**
 * A TlsError created without a stack trace, for the end of the transport noticed from its callback: the
 * stack would show nothing but the event loop, and Node's stream destroy() formats it (source maps
 * included when they are on) for every connection whose peer leaves without close_notify.
 */
export function stacklessError(code: TlsErrorCode, alert: AlertName, message: string): TlsError {
  const v8 = Error as { stackTraceLimit?: number }; // V8's (Node, Deno, Chromium); elsewhere a no-op
  const limit = v8.stackTraceLimit;
  v8.stackTraceLimit = 0;
  try {
    return new TlsError(code, alert, message);
  } finally {
    v8.stackTraceLimit = limit;
  }
}

/** Shorthands for the most common failures, so call sites read as the RFC does. */
export const decodeError = (msg: string): TlsError => new TlsError('DECODE_ERROR', 'decode_error', msg);
export const illegalParameter = (msg: string): TlsError =>
  new TlsError('ILLEGAL_PARAMETER', 'illegal_parameter', msg);
export const unexpectedMessage = (msg: string): TlsError =>
  new TlsError('UNEXPECTED_MESSAGE', 'unexpected_message', msg);
