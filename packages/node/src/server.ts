// createServer(): a net.Server whose connections run the TLS server handshake, emitting 'secureConnection'
// like tls.Server ('tlsClientError' for connections that fail before it, 'keylog' with the socket).
import net from 'node:net';
import type { ServerCredential } from '@sanstls/core';
import { coreServerOptions, serverCredentials, type KeyCertPair, type ServerTlsOptions } from './options.js';
import { TLSSocket } from './socket.js';

export interface ServerOptions extends ServerTlsOptions {
  /** Pause the raw socket until TLS takes it (node's net option; TLS resumes it). */
  pauseOnConnect?: boolean;
}

type SecureConnectionListener = (socket: TLSSocket) => void;

const DEFAULT_HANDSHAKE_TIMEOUT = 120_000;

/** Wildcard-aware SNI lookup: exact name first, then *.parent. */
function lookup(contexts: Map<string, ServerCredential[]>, name: string | undefined): ServerCredential[] | undefined {
  if (name === undefined) return undefined;
  const n = name.toLowerCase();
  const exact = contexts.get(n);
  if (exact) return exact;
  const dot = n.indexOf('.');
  return dot > 0 ? contexts.get(`*${n.slice(dot)}`) : undefined;
}

export class Server extends net.Server {
  readonly #options: ServerOptions;
  readonly #contexts = new Map<string, ServerCredential[]>();

  constructor(options: ServerOptions, listener?: SecureConnectionListener) {
    super({ allowHalfOpen: true, pauseOnConnect: options.pauseOnConnect ?? false });
    const user = options.selectCredentials;
    const select = (name: string | undefined) => user?.(name) ?? lookup(this.#contexts, name);
    // Keys are parsed once here, not per connection; the core options are validated now.
    this.#options = { ...options, credentials: serverCredentials(options), selectCredentials: select };
    coreServerOptions(this.#options);
    if (listener) this.on('secureConnection', listener);
    this.on('connection', (raw: net.Socket) => this.#onConnection(raw));
  }

  #onConnection(raw: net.Socket): void {
    let socket: TLSSocket;
    try {
      socket = new TLSSocket(raw, {
        ...this.#options,
        isServer: true,
        handshakeTimeout: this.#options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
      });
    } catch (e) {
      raw.destroy();
      this.emit('tlsClientError', e, undefined);
      return;
    }
    let secure = false;
    socket.on('keylog', (line: Buffer) => this.emit('keylog', line, socket));
    socket.once('secure', () => {
      secure = true;
      this.emit('secureConnection', socket);
    });
    socket.on('error', (err: Error) => {
      // Before the handshake the failure is the server's to report; after it, the application's.
      if (!secure) this.emit('tlsClientError', err, socket);
    });
  }

  /** SNI: credentials for `hostname` (exact or '*.example.com'). */
  addContext(hostname: string, context: KeyCertPair | { credentials: readonly ServerCredential[] }): void {
    const creds = 'credentials' in context ? [...context.credentials] : serverCredentials({ key: context.key, cert: context.cert });
    this.#contexts.set(hostname.toLowerCase(), creds);
  }
}

/** A TLS server; `listener` gets each connection once its handshake completed. */
export function createServer(options: ServerOptions, listener?: SecureConnectionListener): Server {
  return new Server(options, listener);
}
