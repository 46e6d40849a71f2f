// One TLS connection over one Deno transport: moves bytes between the transport and a sans-IO
// ClientConnection / ServerConnection, and turns the core's events into promises.
//
// Reading is pulled: the transport is read only while the handshake runs or when a reader asks for data
// and none is queued, and the core is fed one record at a time until plaintext comes out (see
// record-splitter.ts). So a slow reader leaves the bytes in the kernel, and TCP flow control reaches the
// peer. Writing is awaited: write() resolves once the records are handed to the transport. Everything the
// core emits goes through one promise chain, so bytes leave in the order the core produced them.
import { TlsError, type ConnectionEvent, type HandshakeInfo } from '@sanstls/core';
import { isClosedResourceError, type DenoConn } from './deno-types.js';
import { RecordQueue } from './record-splitter.js';

/** What the session needs from ClientConnection / ServerConnection. */
export interface SansIoConnection {
  receive(bytes: Uint8Array): void;
  receiveEof(): void;
  events(): ConnectionEvent[];
  takeOutgoing(): Uint8Array;
  write(data: Uint8Array): void;
  close(): void;
}

/** Bytes asked of the transport per read (a TLS record is at most 16 KiB + 2 KiB). */
const READ_SIZE = 64 * 1024;
/** Application writes are encrypted and sent in slices of this size, so memory stays bounded per write. */
const WRITE_SLICE = 64 * 1024;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const closedError = (message: string): TlsError => new TlsError('CLOSED', 'close_notify', message);

export class Session {
  private readonly records = new RecordQueue();
  /** Decrypted application data not yet handed to a reader. */
  private readonly plain: Uint8Array[] = [];
  private readonly handshakeDone = deferred<HandshakeInfo>();
  private info: HandshakeInfo | undefined;
  /** The error that ended the connection: a TlsError from the core, or the transport's own error. */
  private failure: unknown;
  private failed = false;
  /** The peer's close_notify was read (or the transport ended after ours): no more data will come. */
  private readEnded = false;
  /** Our close_notify is out (sent by close/closeWrite, or the core's answer to the peer's). */
  private writeEnded = false;
  private transportEof = false;
  private userClosed = false;
  private transportClosing = false;
  /** A transport read or write failed: nothing more is written to it. */
  private transportBroken = false;
  private reading: Promise<void> | undefined;
  private driving: Promise<void> | undefined;
  private sendChain: Promise<void> = Promise.resolve();
  /** Settles when the transport was closed (set by settle()). */
  private transportClosed: Promise<void> = Promise.resolve();
  private readChain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transport: DenoConn,
    private readonly conn: SansIoConnection,
  ) {
    // A handshake that fails while nobody awaits it is reported by handshake(), read() and write().
    this.handshakeDone.promise.catch(() => {});
  }

  /** Sends what the connection has ready (a client's ClientHello) and runs the handshake in the background. */
  start(): void {
    this.flush();
    this.driveHandshake();
  }

  /** The negotiated parameters, once the handshake completed. */
  get handshakeInfo(): HandshakeInfo | undefined {
    return this.info;
  }

  /** Resolves when the handshake completed; rejects with the error that ended the connection before it. */
  handshake(): Promise<HandshakeInfo> {
    this.driveHandshake();
    return this.handshakeDone.promise;
  }

  /** The next piece of application data, or null at the end (close_notify, or close()). */
  readChunk(): Promise<Uint8Array | null> {
    return this.serialRead(() => this.nextChunk());
  }

  /** Copies application data into `p`: the number of bytes, or null at the end. */
  readInto(p: Uint8Array): Promise<number | null> {
    return this.serialRead(async () => {
      if (p.length === 0) return 0;
      const chunk = await this.nextChunk();
      if (chunk === null) return null;
      const n = Math.min(p.length, chunk.length);
      p.set(chunk.subarray(0, n));
      if (n < chunk.length) this.plain.unshift(chunk.subarray(n));
      return n;
    });
  }

  /** Encrypts and sends `data`; resolves once the transport took the records. Waits for the handshake. */
  async write(data: Uint8Array): Promise<void> {
    await this.handshake();
    let off = 0;
    do {
      if (this.failed) throw this.failure;
      if (this.writeEnded || this.userClosed) throw closedError('write after close');
      const slice = data.subarray(off, off + WRITE_SLICE);
      off += slice.length;
      if (slice.length > 0) {
        try {
          this.conn.write(slice);
        } catch {
          // The core failed; its 'error' event (drained below) carries the reason.
        }
        this.process();
        await this.flush();
      }
    } while (off < data.length);
    if (this.failed) throw this.failure;
  }

  /** Sends close_notify, then shuts down the transport's write side; reading goes on until the peer's. */
  async closeWrite(): Promise<void> {
    if (!this.writeEnded && !this.failed && !this.userClosed) {
      // A close_notify in the middle of the handshake would end it: let it complete (or fail) first.
      await this.handshake().catch(() => {});
    }
    if (!this.writeEnded && !this.failed && !this.userClosed) {
      this.writeEnded = true;
      this.conn.close();
      this.process();
      await this.flush();
      if (!this.transportClosing) await this.transport.closeWrite().catch(() => {});
    }
    this.settle();
  }

  /**
   * Sends close_notify (when the connection is healthy) and closes the transport. Reads then end.
   * Resolves once the transport is closed (what was queued for it went out first).
   */
  close(): Promise<void> {
    if (this.userClosed) return this.transportClosed;
    this.userClosed = true;
    if (!this.writeEnded && !this.failed) {
      this.writeEnded = true;
      this.conn.close();
      this.process();
    }
    if (this.info === undefined && !this.failed) this.handshakeDone.reject(closedError('closed before the handshake completed'));
    this.flush();
    this.settle();
    return this.transportClosed;
  }

  // ---- reading -------------------------------------------------------------------------------------

  /** One reader at a time: read(p) and a reader of `readable` take turns instead of interleaving. */
  private serialRead<T>(op: () => Promise<T>): Promise<T> {
    const p = this.readChain.then(op);
    this.readChain = p.catch(() => {});
    return p;
  }

  private async nextChunk(): Promise<Uint8Array | null> {
    for (;;) {
      this.feed();
      const chunk = this.plain.shift();
      if (chunk !== undefined) return chunk;
      if (this.userClosed) return null;
      if (this.failed) throw this.failure;
      if (this.readEnded) return null;
      await this.fill();
    }
  }

  private driveHandshake(): void {
    if (this.driving || this.info || this.failed || this.userClosed) return;
    this.driving = (async () => {
      while (this.info === undefined && !this.failed && !this.userClosed && !this.readEnded) {
        this.feed();
        if (this.info !== undefined || this.failed || this.readEnded) break;
        await this.fill();
      }
    })().finally(() => (this.driving = undefined));
  }

  /** Feeds queued records to the core until plaintext comes out, the queue runs dry, or the read side ends. */
  private feed(): void {
    let fed = false;
    while (this.plain.length === 0 && !this.readEnded && !this.failed && !this.userClosed) {
      const piece = this.records.shift();
      if (piece !== undefined) {
        this.conn.receive(piece);
      } else if (this.transportEof) {
        // Only once every byte before the end of stream was processed.
        this.conn.receiveEof();
      } else {
        break;
      }
      fed = true;
      this.process();
    }
    // Whatever the records called for (a flight, an alert, the answer to close_notify) leaves in one write.
    if (fed) this.flush();
  }

  /** One transport read at a time, shared by whoever needs bytes. Never rejects: failures are recorded. */
  private fill(): Promise<void> {
    this.reading ??= this.readTransport().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readTransport(): Promise<void> {
    if (this.transportClosing) {
      this.transportEof = true;
      return;
    }
    // A fresh buffer each time: the core keeps views into what it was given until the record is complete.
    const buf = new Uint8Array(READ_SIZE);
    let n: number | null;
    try {
      n = await this.transport.read(buf);
    } catch (e) {
      if (this.transportClosing && isClosedResourceError(e)) {
        this.transportEof = true;
        return;
      }
      this.transportFailed(e);
      return;
    }
    if (n === null) this.transportEof = true;
    else if (n > 0) this.records.push(buf.subarray(0, n));
  }

  // ---- events and output --------------------------------------------------------------------------

  private process(): void {
    for (const e of this.conn.events()) {
      switch (e.type) {
        case 'handshake':
          this.info = e.info;
          this.handshakeDone.resolve(e.info);
          break;
        case 'data':
          this.plain.push(e.data);
          break;
        case 'alert':
          // A warning other than close_notify: nothing to do (the core bounds how many it accepts).
          break;
        case 'close':
          // The core answered with its own close_notify (RFC 5246 §7.2.1): both directions are over.
          this.readEnded = true;
          this.writeEnded = true;
          if (this.info === undefined) this.handshakeDone.reject(closedError('the peer closed the connection during the handshake'));
          break;
        case 'error':
          if (e.error.code === 'TRUNCATED' && this.writeEnded && this.info !== undefined) {
            // The transport ended after our close_notify without the peer's: how many peers end a
            // connection we closed. What was read before is complete as far as we asked for it.
            this.readEnded = true;
            break;
          }
          this.fail(e.error);
          break;
      }
    }
    this.settle();
  }

  /** Queues what the core has to send; resolves once the transport took it. */
  private flush(): Promise<void> {
    const out = this.conn.takeOutgoing();
    if (out.length > 0) {
      const sent = this.sendChain.then(() => this.writeAll(out));
      this.sendChain = sent.catch(() => {});
    }
    return this.sendChain;
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    if (this.transportBroken) return;
    let off = 0;
    try {
      while (off < bytes.length) off += await this.transport.write(bytes.subarray(off));
    } catch (e) {
      this.transportFailed(e);
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    this.handshakeDone.reject(error);
  }

  /** The transport broke under us: that error ends the connection, and the core is told (it wipes its keys). */
  private transportFailed(e: unknown): void {
    this.transportBroken = true;
    this.fail(e);
    this.conn.receiveEof();
    this.conn.events();
    this.settle();
  }

  /** Closes the transport once nothing more can go over it, after what is queued has been sent. */
  private settle(): void {
    if (this.transportClosing) return;
    if (!(this.failed || this.userClosed || (this.readEnded && this.writeEnded))) return;
    this.transportClosing = true;
    // The core's last words (a fatal alert, a close_notify) are in the chain already.
    this.transportClosed = this.flush().then(() => {
      try {
        this.transport.close();
      } catch {
        // Already closed by Deno (a reset peer): nothing to release.
      }
    });
  }
}
