// Errors that do not come from the TLS protocol itself: the transport failed, the caller gave up, the
// options were wrong. They carry a `code` like the core's TlsError does, so callers can branch on
// `err.code` whatever the source.

export type ConnectionErrorCode =
  /** The byte transport failed (a socket reset, a WebSocket closed abnormally, a write that failed). */
  | 'TRANSPORT_ERROR'
  /** The handshake did not complete within `handshakeTimeout`. */
  | 'HANDSHAKE_TIMEOUT'
  /** The caller aborted: `signal`, or `abort()` on the writable. */
  | 'ABORTED'
  /** The options were refused by the core (no trust anchors, an unknown cipher suite, ...). */
  | 'INVALID_OPTIONS';

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';

  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

const hasCode = (e: unknown): e is Error & { code: string } =>
  e instanceof Error && typeof (e as { code?: unknown }).code === 'string';

/** The reason as an error with a code: errors that have one are kept, anything else is wrapped. */
export function transportError(reason: unknown): Error {
  if (hasCode(reason)) return reason;
  const detail = reason instanceof Error ? reason.message : String(reason);
  return new ConnectionError('TRANSPORT_ERROR', `transport failed: ${detail}`, { cause: reason });
}

/** What the ClientConnection constructor threw: coded errors as they are, the rest as INVALID_OPTIONS. */
export function setupError(reason: unknown): Error {
  if (hasCode(reason)) return reason;
  const detail = reason instanceof Error ? reason.message : String(reason);
  return new ConnectionError('INVALID_OPTIONS', detail, { cause: reason });
}
