// connect() and upgrade(): the client entry points, shaped like node:tls.connect.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { prepareServer, type ConnectOptions, type PreparedServer } from './options.js';
import { kPreparedServer, TLSSocket, type TLSSocketOptions } from './socket.js';

type SecureConnectListener = () => void;

function normalize(args: unknown[]): { options: ConnectOptions; callback: SecureConnectListener | undefined } {
  let options: ConnectOptions = {};
  let callback: SecureConnectListener | undefined;
  let i = 0;
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    options.port = Number(args[0]);
    i = 1;
    if (typeof args[1] === 'string') {
      options.host = args[1];
      i = 2;
    }
  }
  for (; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'function') callback = a as SecureConnectListener;
    else if (a && typeof a === 'object') options = { ...a, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}) };
  }
  return { options, callback };
}

/**
 * Opens a TLS client connection: over a new TCP connection to host:port (or `path`), or over
 * `options.socket`. The name checked against the certificate is `servername`, else `host`; SNI carries
 * it unless it is an IP literal.
 */
export function connect(options: ConnectOptions, callback?: SecureConnectListener): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectOptions, callback?: SecureConnectListener): TLSSocket;
export function connect(port: number, options?: ConnectOptions, callback?: SecureConnectListener): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const { options, callback } = normalize(args);
  const host = options.host ?? 'localhost';
  let transport: Duplex;
  if (options.socket) {
    transport = options.socket;
  } else if (options.path !== undefined) {
    transport = net.connect({ path: options.path });
  } else {
    if (options.port === undefined) throw Object.assign(new TypeError('connect: port or socket required'), { code: 'ERR_MISSING_ARGS' });
    transport = net.connect({
      host,
      port: options.port,
      ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
      ...(options.family !== undefined ? { family: options.family } : {}),
    });
  }
  // Over a given socket or IPC path there is no host to default to unless the caller named one.
  const named = options.host !== undefined || (options.socket === undefined && options.path === undefined);
  const servername = options.servername || (named ? host.replace(/^\[(.*)\]$/, '$1') : undefined);
  let socket: TLSSocket;
  try {
    socket = new TLSSocket(transport, { ...(options as TLSSocketOptions), isServer: false, ...(servername ? { servername } : {}) });
  } catch (e) {
    if (!options.socket) transport.destroy();
    throw e;
  }
  if (callback) socket.once('secureConnect', callback);
  if (typeof options.timeout === 'number') socket.setTimeout(options.timeout);
  return socket;
}

export interface UpgradeOptions extends TLSSocketOptions {
  /** Take the server side (default false: client). */
  isServer?: boolean;
}

/**
 * STARTTLS: runs TLS over an existing plain connection (nothing of the handshake may have been read from
 * it yet). The TLS stream owns the socket from now on: its end and destroy end and destroy the socket.
 */
export function upgrade(socket: Duplex, options: UpgradeOptions = {}): TLSSocket {
  if (options.isServer) {
    // Connections upgraded with one options object share its session cache and ticket keys.
    const o: TLSSocketOptions & { [kPreparedServer]: PreparedServer } = { ...options, isServer: true, [kPreparedServer]: prepareServer(options) };
    return new TLSSocket(socket, o);
  }
  return connect({ ...options, socket } as ConnectOptions);
}
