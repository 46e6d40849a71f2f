// Errors the adapter raises itself, with node-style `code`s. TLS failures keep the core's TlsError (its
// `code` is a TlsErrorCode or, for certificates, the OpenSSL-style code Node uses).

export interface CodedError extends Error {
  code: string;
}

export function codedError(code: string, message: string, cause?: unknown): CodedError {
  const e = new Error(message, cause === undefined ? undefined : { cause }) as CodedError;
  e.code = code;
  return e;
}

export const handshakeTimeout = (ms: number): CodedError =>
  codedError('ERR_TLS_HANDSHAKE_TIMEOUT', `TLS handshake timeout (${ms} ms)`);

/** node:tls's wording for a transport that ends during the handshake. */
export const disconnectedBeforeSecure = (): CodedError =>
  codedError('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established');

export const streamDestroyed = (): CodedError => codedError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed');

export const writeAfterPeerClose = (cause: unknown): CodedError =>
  codedError('EPIPE', "write after the peer's close_notify", cause);

/** Any thrown value as an Error with a `code`. */
export function asCodedError(e: unknown): CodedError {
  if (e instanceof Error) {
    const c = (e as Partial<CodedError>).code;
    if (typeof c === 'string') return e as CodedError;
    return Object.assign(e, { code: 'ERR_TLS_INTERNAL' }) as CodedError;
  }
  return codedError('ERR_TLS_INTERNAL', String(e));
}
