// @sanstls/node: sanstls as a stream.Duplex with the node:tls surface.
export { TLSSocket, type TLSSocketOptions, type BufferStats, type RenegotiateOptions } from './socket.js';
export { connect, upgrade, type UpgradeOptions } from './connect.js';
export { createServer, Server, type ServerOptions } from './server.js';
export { Agent, createConnection, undiciConnect, type SessionCacheOptions, type UndiciConnectOptions } from './agents.js';
export { nodeCryptoProvider } from './native-provider.js';
export { keylogLine } from './keylog.js';
export type { NodePeerCertificate } from './peer-certificate.js';
export type { CodedError } from './errors.js';
export type {
  CommonTlsOptions,
  ClientTlsOptions,
  ConnectOptions,
  ServerTlsOptions,
  KeyCertPair,
  PemOrDer,
} from './options.js';
export { loadCredential, TlsError, type ServerCredential } from '@sanstls/core';
export {
  decodeSession,
  encodeSession,
  LruSessionCache,
  MemoryClientSessionStore,
  sessionFromPem,
  sessionToPem,
  TicketKeys,
  type HandshakeInfo,
  type RenegotiationPolicy,
  type SessionCache,
  type TlsSession,
} from '@sanstls/core';
