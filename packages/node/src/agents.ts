// Drop-ins where Node code expects node:tls: an https.Agent whose connections are sanstls, a
// createConnection for https.request / ws, and a connect function for undici's Agent (so fetch runs over
// sanstls). None of them imports undici or ws.
import https from 'node:https';
import type { Duplex } from 'node:stream';
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

function fromHttp(o: HttpConnectionOptions, defaults: ClientTlsOptions): ConnectOptions {
  const host = (o.host ?? o.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
  const out: ConnectOptions = { ...defaults, host };
  for (const k of ['ca', 'rejectUnauthorized', 'checkServerIdentity', 'ALPNProtocols', 'ciphers', 'ecdhCurve', 'minVersion', 'maxVersion'] as const) {
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
export function createConnection(defaults: ClientTlsOptions = {}): (options: HttpConnectionOptions, oncreate?: (err: Error | null, socket?: Duplex) => void) => TLSSocket {
  return (options) => connect(fromHttp(options, defaults));
}

/** An https.Agent whose sockets are sanstls TLSSockets (pooling and keep-alive as https.Agent). */
export class Agent extends https.Agent {
  readonly tlsDefaults: ClientTlsOptions;

  constructor(options: https.AgentOptions & ClientTlsOptions = {}) {
    super(options);
    this.tlsDefaults = options;
  }

  override createConnection(options: HttpConnectionOptions): Duplex {
    return connect(fromHttp(options, this.tlsDefaults));
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
export function undiciConnect(defaults: ClientTlsOptions = {}): (opts: UndiciConnectOptions, callback: (err: Error | null, socket: Duplex | null) => void) => void {
  return (opts, callback) => {
    const port = opts.port === '' || opts.port === undefined ? (opts.protocol === 'https:' ? 443 : 80) : Number(opts.port);
    const host = opts.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = connect({
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
