// @sanstls/deno: TLS connections and listeners for Deno, shaped like Deno.TlsConn / Deno.TlsListener,
// with the TLS done by @sanstls/core over Deno.connect / Deno.listen.
export { connect, startTls } from './connect.js';
export { listen, startTlsServer, type TlsListener } from './listen.js';
export type { TlsConn, TlsHandshakeInfo } from './conn.js';
export type { ConnectOptions, ListenOptions, ServerTlsOptions, StartTlsOptions } from './options.js';
export type { DenoConn, NetAddr } from './deno-types.js';
export { TlsError, loadCredential, type HandshakeInfo, type ServerCredential, type TlsErrorCode } from '@sanstls/core';
