// Drop-ins where Node code expects node:tls: an https.Agent whose connections are sanstls, a
// createConnection for https.request / ws, and a connect function for undici's Agent (so fetch runs over
// sanstls). None of them imports undici or ws. Each keeps TLS sessions for resumption, as https.Agent and
// undici do (maxCachedSessions, default 100; 0: none).
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { decodeSession, MemoryClientSessionStore, TlsError } from '@sanstls/core';
import { connect } from './connect.js';
import type { ClientTlsOptions, ConnectOptions } from './options.js';
import type { TLSSocket } from './socket.js';

/** The options http passes to createConnection that matter here (everything else is ignored). */
interface HttpConnectionOptions {
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string;
  path?: string | null;
  socketPath?: string;
  [other: string]: unknown;
}

/** Options of the drop-ins besides the TLS ones. */
export interface SessionCacheOptions {
  /** Sessions kept for resumption, least recently used out first (default 100, as node; 0: none). */
  maxCachedSessions?: number;
}

const DEFAULT_MAX_CACHED_SESSIONS = 100;

/** Sessions by connection key, filled from 'session' events and offered to the next connection. */
class SessionCache {
  readonly #store: MemoryClientSessionStore | undefined;

  constructor(max: number | undefined) {
    const n = max ?? DEFAULT_MAX_CACHED_SESSIONS;
    this.#store = n > 0 ? new MemoryClientSessionStore({ maxEntries: Math.floor(n) }) : undefined;
  }

  /** The options with the cached session for `key` (unless the caller gave one). */
  offer(key: string, o: ConnectOptions): ConnectOptions {
    if (!this.#store || o.session !== undefined) return o;
    const s = this.#store.get(key);
    return s ? { ...o, session: s } : o;
  }

  /**
   * Keeps the socket's new sessions under `key`. A connection that fails in its handshake or with a TLS
   * error drops it (as node's agent and undici do); errors of the HTTP client after a good handshake (undici
   * destroys sockets the server closed with an informational error) do not.
   */
  watch(key: string, socket: TLSSocket): void {
    const store = this.#store;
    if (!store) return;
    let secure = false;
    socket.once('secureConnect', () => (secure = true));
    socket.on('session', (bytes: Buffer) => {
      try {
        store.set(key, decodeSession(bytes));
      } catch {
        // not resumable
      }
    });
    socket.once('close', () => {
      const err = socket.errored;
      if (err && (!secure || err instanceof TlsError)) store.delete(key);
    });
  }
}

const cacheKey = (o: ConnectOptions): string => `${o.servername ?? o.host ?? ''}:${o.port ?? ''}:${o.path ?? ''}`;

/** connect() with a session from `cache` and its new sessions kept. */
function connectCached(cache: SessionCache, key: string, o: ConnectOptions): TLSSocket {
  const socket = connect(cache.offer(key, o));
  cache.watch(key, socket);
  return socket;
}

function fromHttp(o: HttpConnectionOptions, defaults: ClientTlsOptions): ConnectOptions {
  const host = (o.host ?? o.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
  const out: ConnectOptions = { ...defaults, host };
  for (const k of ['ca', 'cert', 'key', 'rejectUnauthorized', 'checkServerIdentity', 'ALPNProtocols', 'ciphers', 'ecdhCurve', 'minVersion', 'maxVersion'] as const) {
    if (o[k] !== undefined && (defaults as Record<string, unknown>)[k] === undefined) (out as Record<string, unknown>)[k] = o[k];
  }
  if (o.port !== undefined && o.port !== null && o.port !== '') out.port = Number(o.port);
  else out.port = 443;
  if (o.servername) out.servername = o.servername;
  if (o.socketPath) out.path = o.socketPath;
  if (typeof o.timeout === 'number') out.timeout = o.timeout;
  return out;
}

/**
 * A createConnection for `https.request({ createConnection })` and the `ws` client: opens a sanstls
 * connection with `defaults` (ca, crypto, ...) merged under the request's own TLS options.
 */
export function createConnection(defaults: ClientTlsOptions & SessionCacheOptions = {}): (options: HttpConnectionOptions, oncreate?: (err: Error | null, socket?: Duplex) => void) => TLSSocket {
  const cache = new SessionCache(defaults.maxCachedSessions);
  return (options) => {
    const o = fromHttp(options, defaults);
    return connectCached(cache, cacheKey(o), o);
  };
}

/** An https.Agent whose sockets are sanstls TLSSockets (pooling and keep-alive as https.Agent). */
export class Agent extends https.Agent {
  readonly tlsDefaults: ClientTlsOptions;
  readonly #sessions: SessionCache;

  constructor(options: https.AgentOptions & ClientTlsOptions = {}) {
    super(options);
    this.tlsDefaults = options;
    this.#sessions = new SessionCache(options.maxCachedSessions);
  }

  override createConnection(options: HttpConnectionOptions): Duplex {
    const o = fromHttp(options, this.tlsDefaults);
    // http names each pool by host, port and TLS options (https.Agent.getName): sessions follow that key.
    const key = typeof options._agentKey === 'string' ? options._agentKey : cacheKey(o);
    return connectCached(this.#sessions, key, o);
  }
}

/** What undici hands its connector. */
export interface UndiciConnectOptions {
  hostname: string;
  host?: string;
  protocol: string;
  port: string | number;
  servername?: string | null;
  localAddress?: string | null;
  httpSocket?: Duplex;
}

/**
 * A connector for undici: `new Agent({ connect: undiciConnect({ ca }) })`, then `fetch(url, { dispatcher })`.
 * Calls back with the socket once the handshake completed (undici then reads alpnProtocol).
 */
export function undiciConnect(defaults: ClientTlsOptions & SessionCacheOptions = {}): (opts: UndiciConnectOptions, callback: (err: Error | null, socket: Duplex | null) => void) => void {
  const cache = new SessionCache(defaults.maxCachedSessions);
  return (opts, callback) => {
    const port = opts.port === '' || opts.port === undefined ? (opts.protocol === 'https:' ? 443 : 80) : Number(opts.port);
    const host = opts.hostname.replace(/^\[(.*)\]$/, '$1');
    // undici keys its session cache by server name; the port matters as much here.
    const key = `${opts.servername || host}:${port}`;
    const socket = connectCached(cache, key, {
      ...defaults,
      host,
      port,
      ...(opts.httpSocket ? { socket: opts.httpSocket } : {}),
      ...(opts.servername ? { servername: opts.servername } : opts.httpSocket ? { servername: host } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    let done = false;
    const onError = (err: Error) => {
      if (done) return;
      done = true;
      callback(err, null);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      if (done) return;
      done = true;
      socket.off('error', onError);
      socket.setNoDelay(true);
      callback(null, socket);
    });
  };
}
