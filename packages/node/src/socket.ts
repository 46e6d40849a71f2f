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
  type HandshakeInfo,
  type ServerOptions as CoreServerOptions,
} from '@sanstls/core';
import {
  asCodedError,
  disconnectedBeforeSecure,
  handshakeTimeout,
  streamDestroyed,
  writeAfterPeerClose,
  type CodedError,
} from './errors.js';
import { observeMasterSecret } from './keylog.js';
import {
  clientAnchors,
  coreClientOptions,
  coreServerOptions,
  providerOf,
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

/** The negotiated session, once the core can export one (see getSession). */
interface SessionExport {
  exportSession?(): Uint8Array | undefined;
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
  #info: HandshakeInfo | undefined;
  #secure = false;
  #transportPaused = false;
  #pendingWrite: { data: Buffer; cb: Callback } | undefined;
  #pendingFinal: Callback | undefined;
  #drainWaiters: Callback[] = [];
  #keylog: string[] = [];
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
    const crypto = observeMasterSecret(providerOf(options.crypto), (line) => this.#keylog.push(line));
    // Requested core option (see the package README): on the peer's close_notify, report 'close' but do
    // not answer yet, so that the application may still write (node:tls half-close). A core without it
    // ignores the field and answers at once; writes after the peer's close then fail with EPIPE.
    const halfClose = { halfClose: true } as object;
    if (this.#isServer) {
      const o: CoreServerOptions = { ...coreServerOptions(options), ...halfClose, crypto };
      this.#conn = new ServerConnection(o);
      this.servername = false;
    } else {
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
      this.#conn = new ClientConnection({ ...coreClientOptions(options, name), ...halfClose, crypto, verifier });
    }

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
    if (this.#keylog.length > 0) {
      const lines = this.#keylog;
      this.#keylog = [];
      for (const l of lines) this.emit('keylog', Buffer.from(l, 'latin1'));
    }
    for (const ev of this.#conn.events()) {
      if (this.destroyed) return;
      switch (ev.type) {
        case 'handshake':
          this.#onSecure(ev.info);
          break;
        case 'data':
          if (!this.#readDone && !this.push(Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.length))) this.#pauseTransport();
          break;
        case 'alert':
          this.emit('tlsAlert', ev.alert);
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
    this.#failDrainWaiters(streamDestroyed());
  }

  #onSecure(info: HandshakeInfo): void {
    this.#secure = true;
    this.#info = info;
    if (this.#hsTimer) clearTimeout(this.#hsTimer);
    this.#hsTimer = undefined;
    this.alpnProtocol = info.alpn ?? false;
    if (this.#isServer) {
      this.servername = info.serverName ?? false;
    } else {
      this.authorized = this.#verify.error === undefined;
      this.authorizationError = this.#verify.error?.code ?? (this.#verify.error ? this.#verify.error.message : undefined);
    }
    this.emit(this.#isServer ? 'secure' : 'secureConnect');
    if (this.destroyed) return;
    const session = this.getSession();
    if (session) this.emit('session', session);
    if (this.destroyed) return;
    const p = this.#pendingWrite;
    this.#pendingWrite = undefined;
    if (p) this.#writeNow(p.data, p.cb);
    else this.#runPendingFinal();
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
    const gone = err ?? streamDestroyed();
    const p = this.#pendingWrite;
    this.#pendingWrite = undefined;
    p?.cb(gone);
    const f = this.#pendingFinal;
    this.#pendingFinal = undefined;
    f?.(gone);
    this.#failDrainWaiters(gone);
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
   * The session for resumption. The core cannot export sessions yet: undefined unless it grows an
   * exportSession() (then its bytes are returned and 'session' is emitted after the handshake).
   */
  getSession(): Buffer | undefined {
    const s = (this.#conn as unknown as SessionExport).exportSession?.();
    return s ? Buffer.from(s) : undefined;
  }

  isSessionReused(): boolean {
    return false;
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

  /** Renegotiation is refused by the core. */
  renegotiate(_options: unknown, callback?: (err: Error | null) => void): boolean {
    const err = asCodedError(Object.assign(new Error('renegotiation is not supported'), { code: 'ERR_TLS_RENEGOTIATION_DISABLED' }));
    if (callback) process.nextTick(callback, err);
    return false;
  }
}

export type { CodedError };
