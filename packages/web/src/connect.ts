// connect(): TLS over any Web Streams byte transport.
import { Session } from './session.js';
import type { ByteStreamPair, ConnectOptions, TlsStreams } from './types.js';

/**
 * Starts a TLS client connection over `transport` (which it locks and owns from now on: its writable is
 * closed and its readable cancelled when the connection ends). `options` are the core's ClientOptions
 * (`serverName`, `ca` or `verifier`, `cipherSuites`, `groups`, `alpn`, ...) plus the adapter's own.
 */
export function connect(transport: ByteStreamPair, options: ConnectOptions): TlsStreams {
  return new Session(transport, options).streams;
}
