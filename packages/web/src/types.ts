// The shapes connect() takes and returns.
import type { ClientOptions, HandshakeInfo } from '@sanstls/core';

/** Any bidirectional byte transport as a pair of Web Streams: a TCP socket, a WebSocket, a WebTransport stream. */
export interface ByteStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

export interface ConnectOptions extends ClientOptions {
  /**
   * Half-close: when the server's close_notify arrives the readable ends but the writable stays open, and
   * our close_notify goes out when the writable is closed. Default false: the close_notify is answered at
   * once (RFC 5246 §7.2.1) and later writes fail with CLOSED.
   */
  readonly halfClose?: boolean;
  /**
   * Bytes of received application data held in `readable` before the transport stops being read
   * (default 64 KiB). The bound is on what waits for the reader; a TLS record in flight may add 16 KiB.
   */
  readonly readableHighWaterMark?: number;
  /** Fail with HANDSHAKE_TIMEOUT if the handshake has not completed after this many milliseconds. */
  readonly handshakeTimeout?: number;
  /** Tears the connection down (code ABORTED) when aborted. */
  readonly signal?: AbortSignal;
}

/** A TLS connection over a byte transport. */
export interface TlsStreams {
  /** Application data from the server. Ends when the server sends close_notify; errors on any failure. */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * Application data to the server. Writes wait for the handshake, then for the transport (backpressure).
   * close() sends close_notify (the readable stays open until the server's close_notify); abort() drops
   * the transport at once.
   */
  readonly writable: WritableStream<Uint8Array>;
  /** The negotiated parameters once both Finished messages are verified; rejects if the handshake fails. */
  readonly handshake: Promise<HandshakeInfo>;
  /** Settles when the connection is over: resolves after the close_notify exchange, rejects with the failure. */
  readonly closed: Promise<void>;
}

export type { HandshakeInfo };
