// TLSSocket: a stream.Duplex running a sans-IO core connection over a transport (a net.Socket or any
// Duplex). Transport bytes go to conn.receive(); whatever the core has to send goes out as one transport
// write per flight; application writes go through conn.write().
//
// Backpressure, both ways:
// - reading: when push() says the readable buffer is full, the transport is paused; _read() resumes it.
//   What is buffered is at most highWaterMark plus the plaintext of one transport chunk.
// - writing: a _write() is called back only once the transport took its records without asking to wait
//   (write() returned true) or after its 'drain'. Large chunks are encrypted a slice at a time, so the
//   ciphertext waiting in the transport stays around its own highWaterMark plus one slice.
//
// Closing: end() sends close_notify, then ends the transport's writable side; the readable side ends on the
// peer's close_notify. The core answers the peer's close_notify with its own at once (RFC 5246 §7.2.1), so
// after the peer closed, writing fails (EPIPE). EOF without close_notify is a TRUNCATED error unless we
// closed first or allowTruncation is set.
import { Duplex } from 'node:stream';
import {
  ClientConnection,
  ServerConnection,
  TlsError,
  encodeSession,
  type CertificateVerifier,
  type HandshakeInfo,
  type ServerOptions as CoreServerOptions,
  type TlsSession,
} from '@sanstls/core';
import {
  asCodedError,
  codedError,
  disconnectedBeforeSecure,
  handshakeTimeout,
  streamDestroyed,
  writeAfterPeerClose,
  type CodedError,
} from './errors.js';
import {
  clientAnchors,
  coreClientOptions,
  prepareServer,
  providerOf,
  sessionInput,
  type PreparedServer,
  type ClientTlsOptions,
  type ServerTlsOptions,
} from './options.js';
import { peerCertificate, type NodePeerCertificate } from './peer-certificate.js';
import { nodeVerifier, type VerifyOutcome } from './verify.js';

/** Plaintext encrypted per step of a large write (four full records). */
const WRITE_SLICE = 4 * 16384;
/** How long a fatal alert or close_notify may take to leave before the transport is destroyed anyway. */
const LINGER_MS = 2000;

export interface TLSSocketOptions extends ClientTlsOptions, ServerTlsOptions {
  /** Server side of the handshake (default false). */
  isServer?: boolean;
}

/** Internal: the state a Server shares between its connections (see PreparedServer). */
export const kPreparedServer = Symbol('sanstls.preparedServer');

/** Options of TLSSocket.renegotiate, as node:tls's. */
export interface RenegotiateOptions {
  /** Server side: ask for a client certificate in the new handshake (default: as the socket was made). */
  requestCert?: boolean;
  /** Server side, with requestCert: refuse a client whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
}

/** Byte counts of the adapter's buffers (for tests and monitoring). */
export interface BufferStats {
  /** Decrypted bytes waiting to be read. */
  readonly readable: number;
  /** Application bytes written but not yet encrypted. */
  readonly writable: number;
  /** Encrypted bytes the transport has not sent yet. */
  readonly transportWritable: number;
  /** Received bytes the transport holds while paused. */
  readonly transportReadable: number;
}

type Callback = (err?: Error | null) => void;

interface NetLike {
  connecting?: boolean;
  setNoDelay?(v?: boolean): unknown;
  setKeepAlive?(enable?: boolean, delay?: number): unknown;
  ref?(): unknown;
  unref?(): unknown;
  address?(): unknown;
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
}

export class TLSSocket extends Duplex {
  /** Always true, as node:tls's TLSSocket. */
  readonly encrypted = true;
  /** The peer's certificate verified (client side); false until the handshake and on the server side. */
  authorized = false;
  /** Why the certificate did not verify (rejectUnauthorized: false), as an error code. */
  authorizationError: string | undefined = undefined;
  /** The negotiated ALPN protocol, or false. */
  alpnProtocol: string | false = false;
  /** SNI: the name sent (client) or received (server). */
  servername: string | false | undefined;

  readonly #transport: Duplex;
  readonly #conn: ClientConnection | ServerConnection;
  readonly #isServer: boolean;
  readonly #verify: VerifyOutcome = { path: undefined, error: undefined };
  readonly #allowTruncation: boolean;
  /** Client side: the verifier in use (run again on a resumed session's chain). */
  readonly #verifier: CertificateVerifier | undefined;
  /** Client side: the session offered for resumption. */
  readonly #offered: TlsSession | undefined;
  /** Server side: what renegotiate() builds its client-certificate policy from. */
  readonly #server: PreparedServer | undefined;
  #requestCert = false;
  #rejectUnauthorized = true;
  /** The latest resumable session, encoded (getSession). */
  #session: Buffer | undefined;
  /** renegotiate() callbacks waiting for the new handshake. */
  #renegotiateCallbacks: ((err: Error | null) => void)[] = [];
  /** Client side: we sent a ClientHello for a renegotiation of our own. */
  #renegotiatingSelf = false;
  #info: HandshakeInfo | undefined;
  #secure = false;
  #transportPaused = false;
  #pendingWrite: { data: Buffer; cb: Callback } | undefined;
  #pendingFinal: Callback | undefined;
  #drainWaiters: Callback[] = [];
  /** Writes held while a renegotiation handshake runs (see #holdForRenegotiation). */
  #renegotiationWaiters: Callback[] = [];
  /** Key-log lines from the core, emitted as 'keylog' after the bytes that carried them are handled. */
  #keylog: string[] | undefined;
  #readDone = false;
  #sentCloseNotify = false;
  #lingerAlert = false;
  #hsTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #idleMs = 0;
  readonly #listeners: [string, (...a: any[]) => void][] = [];

  constructor(transport: Duplex, options: TLSSocketOptions = {}) {
    super({
      allowHalfOpen: options.allowHalfOpen ?? false,
      ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
    });
    this.#transport = transport;
    this.#isServer = options.isServer ?? false;
    this.#allowTruncation = options.allowTruncation ?? false;
    // halfClose: on the peer's close_notify, report 'close' but do not answer yet, so that the application
    // may still write (node:tls half-close).
    if (this.#isServer) {
      const prepared = (options as { [kPreparedServer]?: PreparedServer })[kPreparedServer] ?? prepareServer(options);
      this.#server = prepared;
      this.#requestCert = options.requestCert ?? false;
      this.#rejectUnauthorized = options.rejectUnauthorized !== false;
      // One options object for every connection of the server: the core resolves it once.
      this.#conn = new ServerConnection(prepared.connectionOptions(providerOf(options.crypto)));
      this.servername = false;
      this.#verifier = undefined;
      this.#offered = undefined;
    } else {
      this.#server = undefined;
      const name = options.servername;
      this.servername = name;
      const verifier =
        options.verifier ??
        nodeVerifier(
          {
            ca: clientAnchors(options),
            rejectUnauthorized: options.rejectUnauthorized ?? true,
            checkServerIdentity: options.checkServerIdentity,
          },
          this.#verify,
        );
      this.#verifier = verifier;
      this.#offered = sessionInput(options.session);
      this.#conn = new ClientConnection({ ...coreClientOptions(options, name, this.#offered), halfClose: true, crypto: providerOf(options.crypto), verifier });
    }
    // node:tls reports key-log lines only to 'keylog' listeners present when the secret is made.
    this.#conn.keyLog = (line) => {
      if (this.listenerCount('keylog') > 0) (this.#keylog ??= []).push(line);
    };

    const on = (ev: string, fn: (...a: any[]) => void) => {
      transport.on(ev, fn);
      this.#listeners.push([ev, fn]);
    };
    on('data', (chunk: Buffer) => this.#onTransportData(chunk));
    on('end', () => this.#onTransportEnd());
    on('error', (err: Error) => {
      if (!this.destroyed) this.destroy(err);
    });
    on('close', () => this.#onTransportClose());
    on('drain', () => this.#onDrain());
    if ((transport as NetLike).connecting) {
      transport.once('connect', () => {
        if (!this.destroyed) this.emit('connect');
      });
    }

    const ms = options.handshakeTimeout ?? 0;
    if (ms > 0) {
      this.#hsTimer = setTimeout(() => {
        if (!this.#secure && !this.destroyed) this.destroy(handshakeTimeout(ms));
      }, ms);
      this.#hsTimer.unref();
    }

    this.#flush(); // the ClientHello
    transport.resume();
  }

  // ---- transport → core → readable -------------------------------------------------------------

  #onTransportData(chunk: Buffer): void {
    if (this.destroyed) return;
    this.#touch();
    this.#conn.receive(chunk);
    this.#flush();
    this.#dispatch();
  }

  #dispatch(): void {
    if (this.#keylog) {
      const lines = this.#keylog;
      this.#keylog = undefined;
      for (const l of lines) this.emit('keylog', Buffer.from(l, 'latin1'));
    }
    for (const ev of this.#conn.events()) {
      if (this.destroyed) return;
      switch (ev.type) {
        case 'handshake':
          this.#onSecure(ev.info);
          break;
        case 'renegotiated':
          this.#onRenegotiated(ev.info);
          break;
        case 'session':
          this.#onSession(ev.session);
          break;
        case 'data':
          if (!this.#readDone && !this.push(Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.length))) this.#pauseTransport();
          break;
        case 'alert':
          this.emit('tlsAlert', ev.alert);
          if (ev.alert === 'no_renegotiation' && this.#renegotiatingSelf) this.#onRenegotiationRefused();
          break;
        case 'close':
          this.#endReadable();
          break;
        case 'error':
          this.#onTlsError(ev.error);
          return;
      }
    }
  }

  #pauseTransport(): void {
    if (this.#transportPaused) return;
    // During a renegotiation our writes wait for its end, and its end must be read: a reader that waits
    // for those writes (an echo through pipe()) would otherwise deadlock. What the peer sends meanwhile is
    // bounded by the handshake (peers hold their own data during it, as this adapter does).
    if (this.#holdForRenegotiation()) return;
    this.#transportPaused = true;
    this.#transport.pause();
  }

  override _read(): void {
    if (this.#transportPaused && !this.destroyed) {
      this.#transportPaused = false;
      this.#transport.resume();
    }
  }

  #endReadable(): void {
    if (this.#readDone) return;
    this.#readDone = true;
    this.push(null);
  }

  #onTransportEnd(): void {
    if (this.destroyed || this.#readDone) return;
    if (!this.#secure) {
      this.destroy(disconnectedBeforeSecure());
      return;
    }
    if (this.#sentCloseNotify || this.#allowTruncation) {
      // We closed first (the peer need not answer, RFC 5246 §7.2.1), or truncation is accepted.
      this.#endReadable();
      return;
    }
    this.#conn.receiveEof();
    this.#dispatch();
  }

  #onTransportClose(): void {
    if (this.destroyed) return;
    if (!this.#readDone) this.#onTransportEnd();
    // Writes can no longer go anywhere.
    if (this.#drainWaiters.length > 0) this.#failDrainWaiters(streamDestroyed());
  }

  #onSecure(info: HandshakeInfo): void {
    this.#secure = true;
    this.#info = info;
    if (this.#hsTimer) clearTimeout(this.#hsTimer);
    this.#hsTimer = undefined;
    this.alpnProtocol = info.alpn ?? false;
    if (this.#isServer) {
      this.servername = info.serverName ?? false;
    } else if (info.resumed && !this.#recheckResumed(info)) {
      return;
    }
    this.#updateAuthorization(info);
    this.emit(this.#isServer ? 'secure' : 'secureConnect');
    if (this.destroyed) return;
    const p = this.#pendingWrite;
    this.#pendingWrite = undefined;
    if (p) this.#writeNow(p.data, p.cb);
    else this.#runPendingFinal();
  }

  /** authorized / authorizationError from the latest handshake. */
  #updateAuthorization(info: HandshakeInfo): void {
    if (this.#isServer) {
      // node:tls: only a server that asked for a certificate judges it.
      const asked = this.#requestCert || info.peerCertificates.length > 0;
      this.authorized = asked && info.peerAuthorized;
      this.authorizationError = asked && !info.peerAuthorized ? info.peerAuthorizationError ?? 'UNSPECIFIED' : undefined;
    } else {
      this.authorized = this.#verify.error === undefined;
      this.authorizationError = this.#verify.error?.code ?? (this.#verify.error ? this.#verify.error.message : undefined);
    }
  }

  /**
   * A resumed session brings no certificate to verify: the core reports the original chain. Check it again
   * with this connection's verifier (its `ca`, name check and rejectUnauthorized), so that authorized means
   * the same as after a full handshake (OpenSSL keeps the verify result in the session for node:tls).
   * False when the socket was destroyed.
   */
  #recheckResumed(info: HandshakeInfo): boolean {
    const v = this.#verifier;
    if (!v) return true;
    try {
      v.verify({ chain: info.peerCertificates, serverName: this.servername || undefined });
    } catch (e) {
      this.destroy(asCodedError(e));
      return false;
    }
    // The session is still the one in use.
    if (this.#offered && this.#session === undefined) this.#session = Buffer.from(encodeSession(this.#offered));
    return true;
  }

  #onRenegotiated(info: HandshakeInfo): void {
    this.#info = info;
    this.#renegotiatingSelf = false;
    queueMicrotask(() => this.#releaseRenegotiationWaiters());
    this.alpnProtocol = info.alpn ?? false;
    this.#updateAuthorization(info);
    if (this.#isServer && this.#rejectUnauthorized && this.#requestCert && !this.authorized) {
      // The core refused the handshake already when it was asked to; this covers a policy changed since.
      this.destroy(codedError(this.authorizationError ?? 'UNSPECIFIED', 'client certificate not authorized'));
      return;
    }
    this.emit('renegotiated', info);
    const cbs = this.#renegotiateCallbacks;
    this.#renegotiateCallbacks = [];
    for (const cb of cbs) {
      if (this.destroyed) return;
      cb(null);
    }
  }

  #onSession(session: TlsSession): void {
    let bytes: Buffer;
    try {
      bytes = Buffer.from(encodeSession(session));
    } catch {
      return; // a session that cannot be written down cannot be resumed either
    }
    this.#session = bytes;
    if (this.#secure) this.emit('session', bytes);
  }

  /**
   * The server answered our renegotiation with no_renegotiation. OpenSSL makes this fatal; here (as in the
   * core) the connection goes on with its current keys, and the callback gets the refusal.
   */
  #onRenegotiationRefused(): void {
    this.#renegotiatingSelf = false;
    queueMicrotask(() => this.#releaseRenegotiationWaiters());
    const err = codedError('ERR_TLS_RENEGOTIATION_REFUSED', 'the server declined the renegotiation (no_renegotiation)');
    const cbs = this.#renegotiateCallbacks;
    this.#renegotiateCallbacks = [];
    for (const cb of cbs) cb(err);
  }

  #onTlsError(err: TlsError): void {
    // The fatal alert (if any) went out in #flush; let it leave before the transport goes.
    this.#lingerAlert = true;
    this.destroy(err);
  }

  // ---- writable → core → transport -------------------------------------------------------------

  /** Sends what the core has pending as one transport write; false when the transport asks to wait. */
  #flush(): boolean {
    const out = this.#conn.takeOutgoing();
    const t = this.#transport;
    if (out.length === 0 || t.destroyed || t.writableEnded) return true;
    this.#touch();
    return t.write(out);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: Callback): void {
    this.#accept(chunk, cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: Callback): void {
    this.#accept(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  #accept(chunk: Buffer, cb: Callback): void {
    if (!this.#secure) {
      this.#pendingWrite = { data: chunk, cb };
      return;
    }
    this.#writeNow(chunk, cb);
  }

  #writeNow(data: Buffer, cb: Callback): void {
    let off = 0;
    const step = (err?: Error | null): void => {
      if (err) return cb(err);
      if (this.destroyed) return cb(streamDestroyed());
      while (off < data.length) {
        if (this.#holdForRenegotiation()) {
          this.#renegotiationWaiters.push(step);
          return;
        }
        const part = data.subarray(off, off + WRITE_SLICE);
        off += part.length;
        try {
          this.#conn.write(part);
        } catch (e) {
          this.#flush();
          const closed = e instanceof TlsError && e.code === 'CLOSED';
          cb(closed ? writeAfterPeerClose(e) : asCodedError(e));
          this.#dispatch();
          return;
        }
        const t = this.#transport;
        if (t.destroyed || t.writableEnded) return cb(streamDestroyed());
        if (!this.#flush()) {
          this.#drainWaiters.push(step);
          return;
        }
      }
      cb();
    };
    step();
  }

  /**
   * True while a renegotiation handshake is under way. RFC 5246 lets application data interleave with it,
   * but OpenSSL (node:tls, nginx, ...) accepts the peer's application data inside a renegotiation only
   * until the ServerHello, and only from SSL_read (ossl_statem_app_data_allowed); otherwise it fails the
   * connection with "unexpected record". So, as OpenSSL itself does, our writes wait for the handshake to
   * complete ('renegotiated'); received data keeps flowing. A server that only sent HelloRequest is not
   * renegotiating yet: the client may ignore the request, and data written until its ClientHello arrives
   * precedes our ServerHello. (The core queues what write() gets meanwhile too, without a bound; holding
   * the writes here keeps the stream's backpressure.)
   */
  #holdForRenegotiation(): boolean {
    return this.#conn.renegotiating;
  }

  /** A renegotiation started while the readable side was full: read on (see #pauseTransport). */
  #resumeForRenegotiation(): void {
    if (this.#transportPaused && this.#holdForRenegotiation() && !this.destroyed) {
      this.#transportPaused = false;
      this.#transport.resume();
    }
  }

  #releaseRenegotiationWaiters(err?: Error): void {
    const w = this.#renegotiationWaiters;
    this.#renegotiationWaiters = [];
    for (const f of w) f(err);
  }

  #onDrain(): void {
    const w = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const f of w) f();
  }

  #failDrainWaiters(err: Error): void {
    const w = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const f of w) f(err);
  }

  override _final(cb: Callback): void {
    this.#pendingFinal = cb;
    if (this.#secure) this.#runPendingFinal();
  }

  #runPendingFinal(): void {
    const cb = this.#pendingFinal;
    if (!cb) return;
    this.#pendingFinal = undefined;
    if (this.destroyed) return cb(streamDestroyed());
    if (this.#holdForRenegotiation()) {
      // close_notify after the renegotiation, behind the writes it held.
      this.#pendingFinal = cb;
      this.#renegotiationWaiters.push(() => this.#runPendingFinal());
      return;
    }
    if (!this.#sentCloseNotify) {
      this.#sentCloseNotify = true;
      this.#conn.close();
      this.#flush();
    }
    const t = this.#transport;
    if (!t.destroyed && !t.writableEnded) t.end();
    cb();
  }

  // ---- teardown ---------------------------------------------------------------------------------

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.#hsTimer) clearTimeout(this.#hsTimer);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#hsTimer = this.#idleTimer = undefined;
    // Made only when a callback is waiting: most sockets end with none, and an Error captures a stack.
    let made = err ?? undefined;
    const gone = () => (made ??= streamDestroyed());
    const p = this.#pendingWrite;
    this.#pendingWrite = undefined;
    p?.cb(gone());
    const f = this.#pendingFinal;
    this.#pendingFinal = undefined;
    f?.(gone());
    if (this.#drainWaiters.length > 0) this.#failDrainWaiters(gone());
    if (this.#renegotiationWaiters.length > 0) this.#releaseRenegotiationWaiters(gone());
    const rc = this.#renegotiateCallbacks;
    this.#renegotiateCallbacks = [];
    for (const f of rc) process.nextTick(f, gone());
    const t = this.#transport;
    for (const [ev, fn] of this.#listeners) t.off(ev, fn);
    t.on('error', () => {}); // late transport errors have nowhere to go
    if (!t.destroyed) {
      if (this.#lingerAlert && !t.writableEnded) {
        const timer = setTimeout(() => t.destroy(), LINGER_MS);
        timer.unref();
        t.end(() => {
          clearTimeout(timer);
          t.destroy();
        });
        t.resume();
      } else {
        t.destroy();
      }
    }
    cb(err);
  }

  // ---- node:tls surface -------------------------------------------------------------------------

  /** 'TLSv1.2' once connected, null before. */
  getProtocol(): string | null {
    return this.#info ? this.#info.version : null;
  }

  /** The negotiated suite as node:tls reports it. */
  getCipher(): { name: string; standardName: string; version: string } | undefined {
    const i = this.#info;
    return i ? { name: i.cipherSuiteOpenssl, standardName: i.cipherSuite, version: i.version } : undefined;
  }

  /** The ECDHE group (client side, as node:tls). */
  getEphemeralKeyInfo(): { type: 'ECDH'; name: string; size: number } | { type: 'DH'; size: number } | Record<string, never> | null {
    const i = this.#info;
    if (!i) return null;
    if (this.#isServer || i.keyExchange === 'RSA') return {};
    if (i.keyExchange === 'DHE') return { type: 'DH', size: i.dhBits ?? 0 };
    const names: Record<string, readonly [string, number]> = { x25519: ['X25519', 253], secp256r1: ['prime256v1', 256], secp384r1: ['secp384r1', 384] };
    const known = i.group === undefined ? undefined : names[i.group];
    return known ? { type: 'ECDH', name: known[0], size: known[1] } : {};
  }

  /** The peer's certificate; `detailed` adds the issuerCertificate chain. {} when the peer sent none. */
  getPeerCertificate(detailed = false): NodePeerCertificate | Record<string, never> | null {
    const i = this.#info;
    if (!i) return null;
    return peerCertificate(i.peerCertificates, this.#verify.path, detailed);
  }

  /** Our own certificate: not tracked; node:tls returns {} when there is none. */
  getCertificate(): Record<string, never> {
    return {};
  }

  /**
   * Client side: the latest resumable session (the 'session' event's Buffer; on a resumed connection the
   * session in use), for the `session` option of a later connect(). It holds the master secret: keep it
   * as secret as a key. undefined on the server side and when the handshake left nothing to resume (no
   * extended master secret, or a server that neither caches nor issues tickets).
   */
  getSession(): Buffer | undefined {
    return this.#session;
  }

  /** The last handshake resumed an earlier session (abbreviated handshake). */
  isSessionReused(): boolean {
    return this.#info?.resumed ?? false;
  }

  /** The negotiated parameters as the core reports them (sanstls extension). */
  get handshakeInfo(): HandshakeInfo | undefined {
    return this.#info;
  }

  /** The core connection (sanstls extension; for tracing). */
  get tlsConnection(): ClientConnection | ServerConnection {
    return this.#conn;
  }

  /** The transport TLS runs over. */
  get transport(): Duplex {
    return this.#transport;
  }

  bufferStats(): BufferStats {
    const t = this.#transport;
    return {
      readable: this.readableLength,
      writable: this.writableLength + (this.#pendingWrite?.data.length ?? 0),
      transportWritable: t.writableLength,
      transportReadable: t.readableLength,
    };
  }

  // ---- net.Socket-like helpers (http, undici and ws call these) ----------------------------------

  get connecting(): boolean {
    return (this.#transport as NetLike).connecting ?? false;
  }

  get pending(): boolean {
    return this.connecting;
  }

  get readyState(): string {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }

  get remoteAddress(): string | undefined {
    return (this.#transport as NetLike).remoteAddress;
  }
  get remotePort(): number | undefined {
    return (this.#transport as NetLike).remotePort;
  }
  get remoteFamily(): string | undefined {
    return (this.#transport as NetLike).remoteFamily;
  }
  get localAddress(): string | undefined {
    return (this.#transport as NetLike).localAddress;
  }
  get localPort(): number | undefined {
    return (this.#transport as NetLike).localPort;
  }

  address(): unknown {
    return (this.#transport as NetLike).address?.() ?? {};
  }

  setNoDelay(noDelay = true): this {
    (this.#transport as NetLike).setNoDelay?.(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    (this.#transport as NetLike).setKeepAlive?.(enable, initialDelay);
    return this;
  }

  ref(): this {
    (this.#transport as NetLike).ref?.();
    return this;
  }

  unref(): this {
    (this.#transport as NetLike).unref?.();
    return this;
  }

  /** Emits 'timeout' after `ms` without traffic either way (0 disables), as net.Socket. */
  setTimeout(ms: number, callback?: () => void): this {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#idleMs = ms;
    if (ms > 0) {
      this.#idleTimer = setTimeout(() => this.emit('timeout'), ms);
      this.#idleTimer.unref();
    }
    if (callback) {
      if (ms > 0) this.once('timeout', callback);
      else this.off('timeout', callback);
    }
    return this;
  }

  #touch(): void {
    if (this.#idleTimer && this.#idleMs > 0) this.#idleTimer.refresh();
  }

  /**
   * Renegotiates (RFC 5746 secure renegotiation only), as node:tls: a client sends a new ClientHello, a
   * server a HelloRequest (optionally asking for a client certificate this time: `requestCert`,
   * `rejectUnauthorized`). Received data keeps flowing meanwhile; writes wait for the end of the new
   * handshake (see #holdForRenegotiation). `callback(null)` once it completed ('renegotiated' is emitted
   * with its parameters), `callback(err)` when it cannot start, the peer refuses it, or the connection
   * fails. Returns false when it could not start. A server's callback waits for the client, which may
   * ignore the HelloRequest.
   */
  renegotiate(options: RenegotiateOptions, callback?: (err: Error | null) => void): boolean {
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object');
    }
    if (callback !== undefined && typeof callback !== 'function') {
      throw codedError('ERR_INVALID_ARG_TYPE', 'The "callback" argument must be of type function');
    }
    if (this.destroyed) return false;
    try {
      if (this.#conn instanceof ServerConnection) {
        const requestCert = options.requestCert ?? this.#requestCert;
        const reject = options.rejectUnauthorized ?? this.#rejectUnauthorized;
        this.#conn.renegotiate(requestCert ? { clientAuth: this.#server!.clientAuth(reject) } : {});
        this.#requestCert = requestCert;
        this.#rejectUnauthorized = reject;
      } else {
        this.#conn.renegotiate();
        this.#renegotiatingSelf = true;
      }
    } catch (e) {
      const err = asCodedError(e);
      if (callback) process.nextTick(callback, err);
      this.#flush();
      this.#dispatch();
      return false;
    }
    if (callback) this.#renegotiateCallbacks.push(callback);
    this.#flush();
    this.#resumeForRenegotiation();
    return true;
  }
}

export type { CodedError };
