// @sanstls/web: TLS over Web Streams and WebSockets, for browsers, workers and any runtime with Web APIs.
export { connect } from './connect.js';
export {
  connectWebSocket,
  webSocketStreams,
  type ConnectWebSocketOptions,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketStreamOptions,
} from './websocket.js';
export { ConnectionError, type ConnectionErrorCode } from './errors.js';
export { formatTarget, parseTarget, relayUrl, targetFromUrl, type Target } from './target.js';
export type { ByteStreamPair, ConnectOptions, HandshakeInfo, TlsStreams } from './types.js';
export { TlsError, type TlsErrorCode } from '@sanstls/core';
export { initCrypto } from '@sanstls/crypto';
