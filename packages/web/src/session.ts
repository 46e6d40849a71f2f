// One TLS client connection over a Web Streams byte transport: moves bytes between the transport and the
// sans-IO ClientConnection, and turns its events into the application's readable / writable streams.
//
// Reading: the transport is read in a loop. During the handshake it is read freely; afterwards only while
// the application's readable wants more (desiredSize > 0), so a slow reader stops the transport instead of
// growing a buffer. Writing: application writes wait for the handshake, are encrypted at once and resolve
// when the transport has taken the records (its own backpressure). Every event of a received chunk is
// handled in order, so data that arrives in the same chunk as the server's close_notify is delivered
// before the readable closes. The server's close_notify ends the readable; the connection is over once
// ours is out too (at once, or when the writable closes with the core's halfClose).
import { ClientConnection, TlsError, type ConnectionEvent, type HandshakeInfo } from '@sanstls/core';
import { initCrypto } from '@sanstls/crypto';
import { deferred } from './deferred.js';
import { ConnectionError, setupError, transportError } from './errors.js';
import type { ByteStreamPair, ConnectOptions, TlsStreams } from './types.js';

const DEFAULT_READABLE_HWM = 64 * 1024;

/** How a failed connection leaves its transport. */
type Teardown =
  /** Send what the core has queued (its fatal alert), then close the transport. */
  | 'close'
  /** Drop the transport now (it failed, or the caller gave up). */
  | 'abort';

export class Session {
  readonly streams: TlsStreams;
  private conn: ClientConnection | undefined;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly hs = deferred<HandshakeInfo>();
  private readonly done = deferred<void>();
  private inbound!: ReadableStreamDefaultController<Uint8Array>;
  private outbound!: WritableStreamDefaultController;
  private state: 'open' | 'finished' | 'failed' = 'open';
  private failure: Error | undefined;
  /** The application's readable can still take data (not closed, errored or cancelled). */
  private inboundOpen = true;
  private sentClose = false;
  /** The server's close_notify arrived: nothing more is read. */
  private receivedClose = false;
  /** The transport's writable was closed or aborted: nothing more goes to it. */
  private transportDone = false;
  /** Settles when the transport has taken everything written so far (never rejects). */
  private lastWrite: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = () => this.fail(new ConnectionError('ABORTED', 'the connection was aborted', { cause: this.options.signal?.reason }), 'abort');

  constructor(
    transport: ByteStreamPair,
    private readonly options: ConnectOptions,
  ) {
    // Locking both ends first: a transport someone else is reading or writing is refused right here.
    this.reader = transport.readable.getReader();
    this.writer = transport.writable.getWriter();
    const readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.inbound = c;
        },
        pull: () => this.wakeUp(),
        cancel: () => {
          // Incoming data is discarded from now on; the connection stays up for writing.
          this.inboundOpen = false;
          this.wakeUp();
        },
      },
      { highWaterMark: options.readableHighWaterMark ?? DEFAULT_READABLE_HWM, size: (chunk) => chunk.byteLength },
    );
    const writable = new WritableStream<Uint8Array>({
      start: (c) => {
        this.outbound = c;
      },
      write: (chunk) => this.send(chunk),
      close: () => this.end(),
      abort: (reason) => this.fail(new ConnectionError('ABORTED', 'the writable was aborted', { cause: reason }), 'abort'),
    });
    this.streams = { readable, writable, handshake: this.hs.promise, closed: this.done.promise };
    const signal = options.signal;
    if (signal?.aborted) {
      this.onAbort();
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.handshakeTimeout !== undefined) {
      this.timer = setTimeout(
        () => this.fail(new ConnectionError('HANDSHAKE_TIMEOUT', `no handshake after ${options.handshakeTimeout} ms`), 'abort'),
        options.handshakeTimeout,
      );
    }
    void this.run();
  }

  /** The read loop: creates the connection, then feeds it the transport's bytes until it is over. */
  private async run(): Promise<void> {
    try {
      // In a browser's main thread the WASM module may only be compiled asynchronously.
      await initCrypto();
      if (this.state !== 'open') return;
      this.conn = new ClientConnection(this.options);
    } catch (e) {
      this.fail(setupError(e), 'abort');
      return;
    }
    this.pump(); // the ClientHello
    while (this.state === 'open' && !this.receivedClose) {
      if (this.hs.settled && this.inboundOpen && (this.inbound.desiredSize ?? 0) <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch (e) {
        this.fail(transportError(e), 'abort');
        return;
      }
      if (this.state !== 'open') return;
      if (chunk.done) this.conn.receiveEof();
      else this.conn.receive(chunk.value);
      this.pump();
      // End of stream always ends the connection (cleanly after close_notify, else as TRUNCATED).
      if (chunk.done) return;
    }
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Sends what the core has to send, handles its events, and sends what they caused. */
  private pump(): void {
    const conn = this.conn;
    if (!conn) return;
    this.flush();
    for (const ev of conn.events()) this.onEvent(ev);
    this.flush();
    if (this.state === 'finished') this.closeTransport();
  }

  private onEvent(ev: ConnectionEvent): void {
    switch (ev.type) {
      case 'handshake':
        this.clearTimer();
        this.hs.resolve(ev.info);
        break;
      case 'data':
        if (this.inboundOpen && this.state === 'open') this.inbound.enqueue(ev.data);
        break;
      case 'alert':
        // A warning alert other than close_notify: nothing to do (the core bounds how many it accepts).
        break;
      case 'close':
        if (!this.hs.settled) {
          this.fail(new TlsError('CLOSED', 'close_notify', 'the server closed the connection during the handshake', { remote: true }), 'close');
          break;
        }
        this.receivedClose = true;
        if (this.inboundOpen) {
          this.inboundOpen = false;
          this.inbound.close();
        }
        // Without halfClose the core has answered with our close_notify; with it, close() will.
        if (this.sentClose || !this.options.halfClose) this.finish();
        break;
      case 'error':
        this.fail(ev.error, 'close');
        break;
    }
  }

  /** Hands the pending records to the transport, in order. */
  private flush(): void {
    if (!this.conn || this.transportDone) return;
    const out = this.conn.takeOutgoing();
    if (out.length === 0) return;
    this.lastWrite = this.writer.write(out).then(
      () => {},
      (e) => this.fail(transportError(e), 'abort'),
    );
  }

  /** Both close_notify alerts are out: a clean end. */
  private finish(): void {
    if (this.state !== 'open') return;
    this.state = 'finished';
    this.sentClose = true;
    this.clearTimer();
    if (this.inboundOpen) {
      this.inboundOpen = false;
      this.inbound.close();
    }
    this.done.resolve();
  }

  /** Ends the connection with `err`: every pending and later operation fails with it. */
  private fail(err: Error, teardown: Teardown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = err;
    this.clearTimer();
    this.hs.reject(err);
    if (this.inboundOpen) {
      this.inboundOpen = false;
      this.inbound.error(err);
    }
    this.outbound.error(err);
    this.done.reject(err);
    this.wakeUp();
    if (teardown === 'close') {
      this.flush(); // the fatal alert, if the core queued one
      this.closeTransport();
    } else {
      this.abortTransport(err);
    }
  }

  /** Closes the transport after everything written, then stops reading it. */
  private closeTransport(): void {
    if (this.transportDone) return;
    this.transportDone = true;
    this.release();
    void this.writer
      .close()
      .catch(() => {})
      .then(() => this.reader.cancel())
      .catch(() => {});
  }

  private abortTransport(reason: Error): void {
    if (this.transportDone) return;
    this.transportDone = true;
    this.release();
    this.writer.abort(reason).catch(() => {});
    this.reader.cancel(reason).catch(() => {});
  }

  private release(): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The writable's write: encrypt after the handshake, resolve once the transport took it. */
  private async send(chunk: Uint8Array): Promise<void> {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('write a Uint8Array');
    await this.hs.promise;
    const conn = this.live();
    try {
      conn.write(chunk);
    } finally {
      this.pump();
    }
    await this.lastWrite;
    if (this.failure) throw this.failure;
  }

  /** The writable's close: close_notify after the handshake; the readable stays open for the reply. */
  private async end(): Promise<void> {
    await this.hs.promise;
    if (this.state === 'finished' || this.sentClose) return;
    const conn = this.live();
    this.sentClose = true;
    conn.close();
    if (this.receivedClose) this.finish();
    this.pump();
    await this.lastWrite;
    if (this.failure) throw this.failure;
  }

  /** The connection, or the reason it can no longer be used. */
  private live(): ClientConnection {
    if (this.failure) throw this.failure;
    if (!this.conn) throw new ConnectionError('INVALID_OPTIONS', 'the connection was never created');
    return this.conn;
  }
}
