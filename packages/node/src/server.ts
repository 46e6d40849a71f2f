// createServer(): a net.Server whose connections run the TLS server handshake, emitting 'secureConnection'
// like tls.Server ('tlsClientError' for connections that fail before it, 'keylog' with the socket).
import net from 'node:net';
import type { ServerCredential } from '@sanstls/core';
import { PreparedServer, serverCredentials, type KeyCertPair, type ServerTlsOptions } from './options.js';
import { kPreparedServer, TLSSocket, type TLSSocketOptions } from './socket.js';

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
  /** Shared by every connection: session cache, ticket keys, client-certificate policy. */
  readonly #prepared: PreparedServer;
  #ticketKeyMaterial: Buffer | undefined;
  readonly #contexts = new Map<string, ServerCredential[]>();

  constructor(options: ServerOptions, listener?: SecureConnectionListener) {
    super({ allowHalfOpen: true, pauseOnConnect: options.pauseOnConnect ?? false });
    const user = options.selectCredentials;
    const select = (name: string | undefined) => user?.(name) ?? lookup(this.#contexts, name);
    // Keys are parsed once here, not per connection; the core options are validated now.
    this.#options = { ...options, credentials: serverCredentials(options), selectCredentials: select };
    this.#prepared = new PreparedServer(this.#options);
    if (options.ticketKeys instanceof Uint8Array) this.#ticketKeyMaterial = Buffer.from(options.ticketKeys);
    if (listener) this.on('secureConnection', listener);
    this.on('connection', (raw: net.Socket) => this.#onConnection(raw));
  }

  #onConnection(raw: net.Socket): void {
    let socket: TLSSocket;
    try {
      const options: TLSSocketOptions & { [kPreparedServer]: PreparedServer } = {
        ...this.#options,
        isServer: true,
        [kPreparedServer]: this.#prepared,
        handshakeTimeout: this.#options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
      };
      socket = new TLSSocket(raw, options);
    } catch (e) {
      raw.destroy();
      this.emit('tlsClientError', e, undefined);
      return;
    }
    let secure = false;
    // As node:tls: key-log lines of a connection reach the server if it had 'keylog' listeners when the
    // connection came.
    if (this.listenerCount('keylog') > 0) socket.on('keylog', (line: Buffer) => this.emit('keylog', line, socket));
    socket.once('secure', () => {
      secure = true;
      this.emit('secureConnection', socket);
    });
    socket.on('error', (err: Error) => {
      // Before the handshake the failure is the server's to report; after it, the application's.
      if (!secure) this.emit('tlsClientError', err, socket);
    });
  }

  /**
   * The 48 bytes of ticket key material given with `ticketKeys` or setTicketKeys(). The default keys are
   * random, rotate, and never leave the core: then undefined (node:tls would return its random keys).
   */
  getTicketKeys(): Buffer | undefined {
    return this.#ticketKeyMaterial ? Buffer.from(this.#ticketKeyMaterial) : undefined;
  }

  /**
   * Replaces the ticket keys with 48 bytes of key material (16-byte name, 32-byte AES-256-GCM key), for
   * servers that share tickets. Tickets under the old keys are no longer accepted (their sessions do a
   * full handshake), as with node:tls.
   */
  setTicketKeys(keys: Uint8Array): void {
    const tk = this.#prepared.ticketKeysOf(keys);
    this.#ticketKeyMaterial = Buffer.from(keys);
    this.#prepared.replaceTicketKeys(tk);
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
