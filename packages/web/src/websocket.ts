// A WebSocket as a byte stream pair, and connectWebSocket(): TLS through a WebSocket-to-TCP relay.
//
// Every binary message is a chunk of the byte stream, in order. A browser WebSocket cannot be paused, so
// what the server sends is queued in the readable until the TLS layer takes it; a WebSocket that can be
// paused (the `ws` package in Node) is paused while the readable is full. Sending waits while the socket's
// bufferedAmount is above the high-water mark (browsers have no event for it: it is polled).
import { connect } from './connect.js';
import { ConnectionError } from './errors.js';
import { targetFromUrl } from './target.js';
import type { ByteStreamPair, ConnectOptions, TlsStreams } from './types.js';

/** What is used of a WebSocket: the browser's, Deno's, or the `ws` package's in Node. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  /** Optional (the `ws` package): stop / restart reading the socket. */
  pause?(): void;
  resume?(): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketStreamOptions {
  /** Writes wait while more than this many bytes are queued in the socket (default 1 MiB). */
  readonly sendHighWaterMark?: number;
  /** Largest binary message sent; bigger writes are split (default 64 KiB). */
  readonly maxMessageSize?: number;
  /** Received bytes queued before a pausable socket is paused (default 256 KiB). */
  readonly receiveHighWaterMark?: number;
}

const OPEN = 1;
const CLOSING = 2;
const POLL_MS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function closeError(code: number, reason: string, detail: string | undefined): ConnectionError {
  const why = [detail, reason].filter((s) => s).join(': ');
  return new ConnectionError('TRANSPORT_ERROR', `WebSocket closed with code ${code}${why ? ` (${why})` : ''}`);
}

/**
 * Wraps an open or opening WebSocket as { readable, writable }. The readable ends when the socket closes
 * normally (code 1000 or 1005) and errors on any other close; closing the writable closes the socket.
 */
export function webSocketStreams(ws: WebSocketLike, options: WebSocketStreamOptions = {}): ByteStreamPair {
  const sendHwm = options.sendHighWaterMark ?? 1024 * 1024;
  const maxMessage = options.maxMessageSize ?? 64 * 1024;
  ws.binaryType = 'arraybuffer';
  let inbound!: ReadableStreamDefaultController<Uint8Array>;
  let outbound!: WritableStreamDefaultController;
  let inboundOpen = true;
  let paused = false;
  let closed = ws.readyState > OPEN;
  let errorDetail: string | undefined;
  let opened: Promise<void>;
  let openSettle: { resolve(): void; reject(e: Error): void } | undefined;
  if (ws.readyState === OPEN) opened = Promise.resolve();
  else if (closed) opened = Promise.reject(new ConnectionError('TRANSPORT_ERROR', 'the WebSocket is closed'));
  else opened = new Promise<void>((resolve, reject) => (openSettle = { resolve, reject }));
  opened.catch(() => {});

  const shutInbound = (err?: Error) => {
    if (!inboundOpen) return;
    inboundOpen = false;
    if (err) inbound.error(err);
    else inbound.close();
  };
  const closeSocket = (code: number, reason: string) => {
    if (ws.readyState < CLOSING) ws.close(code, reason);
  };

  ws.addEventListener('open', () => openSettle?.resolve());
  ws.addEventListener('error', (ev: { message?: unknown; error?: unknown }) => {
    // Browsers say nothing about the cause; `ws` does. The close event that follows ends the streams.
    if (typeof ev?.message === 'string') errorDetail = ev.message;
  });
  ws.addEventListener('message', (ev: { data: unknown }) => {
    if (!inboundOpen) return;
    const d = ev.data;
    let bytes: Uint8Array;
    if (d instanceof ArrayBuffer) bytes = new Uint8Array(d);
    else if (ArrayBuffer.isView(d)) bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    else {
      const err = new ConnectionError('TRANSPORT_ERROR', 'the WebSocket received a text message; a byte stream carries binary messages only');
      shutInbound(err);
      outbound.error(err);
      closeSocket(1003, 'binary messages only');
      return;
    }
    inbound.enqueue(bytes);
    if (ws.pause && !paused && (inbound.desiredSize ?? 0) <= 0) {
      paused = true;
      ws.pause();
    }
  });
  ws.addEventListener('close', (ev: { code: number; reason: string }) => {
    closed = true;
    const clean = ev.code === 1000 || ev.code === 1005;
    const err = clean ? undefined : closeError(ev.code, ev.reason, errorDetail);
    openSettle?.reject(err ?? new ConnectionError('TRANSPORT_ERROR', 'the WebSocket closed before it opened'));
    shutInbound(err);
    outbound.error(err ?? new ConnectionError('TRANSPORT_ERROR', 'the WebSocket is closed'));
  });

  const readable = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        inbound = c;
      },
      pull: () => {
        if (paused && !closed) {
          paused = false;
          ws.resume?.();
        }
      },
      cancel: () => {
        inboundOpen = false;
        if (paused && !closed) ws.resume?.();
      },
    },
    { highWaterMark: options.receiveHighWaterMark ?? 256 * 1024, size: (chunk) => chunk.byteLength },
  );

  const writable = new WritableStream<Uint8Array>({
    start: (c) => {
      outbound = c;
      return opened;
    },
    write: async (chunk) => {
      for (let at = 0; at < chunk.length; at += maxMessage) {
        if (ws.readyState !== OPEN) throw new ConnectionError('TRANSPORT_ERROR', 'the WebSocket is not open');
        ws.send(chunk.subarray(at, at + maxMessage));
        while (ws.bufferedAmount > sendHwm && ws.readyState === OPEN) await sleep(POLL_MS);
      }
    },
    close: () => closeSocket(1000, ''),
    abort: () => closeSocket(4000, 'aborted'),
  });

  // A socket that was already closed fires no more events: its streams end here.
  if (closed) shutInbound(new ConnectionError('TRANSPORT_ERROR', 'the WebSocket is closed'));

  return { readable, writable };
}

export interface ConnectWebSocketOptions extends ConnectOptions, WebSocketStreamOptions {
  /** The WebSocket class (default: globalThis.WebSocket; in Node 20 pass the `ws` package's). */
  readonly WebSocket?: WebSocketConstructor;
  /** WebSocket subprotocols to ask the relay for. */
  readonly protocols?: string | string[];
}

/**
 * TLS through a WebSocket-to-TCP relay such as `startRelay` from `@sanstls/web/relay`: `url` names the relay
 * and the target (ws://relay/host:port or ws://relay/?target=host:port). The certificate is checked against
 * `serverName`, which defaults to the target's host.
 */
export function connectWebSocket(url: string | URL, options: ConnectWebSocketOptions): TlsStreams {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) throw new TypeError('no WebSocket in this runtime: pass options.WebSocket');
  const serverName = options.serverName ?? targetFromUrl(url)?.host;
  const ws = new Ctor(String(url), options.protocols);
  return connect(webSocketStreams(ws, options), { ...options, ...(serverName !== undefined ? { serverName } : {}) });
}
