// The glue between a net.Socket and a sans-IO connection: socket bytes go to receive(), the events that
// come out are handed to the caller, and what the connection has to send leaves in one socket write per
// socket read (so a whole flight is one write). A tap sees the bytes in both directions (-trace, -www).
//
// The bytes of one socket read are fed to the connection one TLS record at a time, with the events of each
// record handled before the next is read, as a server that reads record by record (OpenSSL) behaves. It
// matters when a client sends its request and close_notify back to back: the request is answered before
// the close_notify is read (after it, RFC 5246 §7.2.1 has the receiver discard pending writes).
import type { Socket } from 'node:net';
import type { ConnectionEvent, TlsError } from '@sanstls/core';
import type { Direction } from './wire.js';

/** What the pump needs from ClientConnection / ServerConnection. */
export interface SansIoConnection {
  receive(bytes: Uint8Array): void;
  receiveEof(): void;
  events(): ConnectionEvent[];
  takeOutgoing(): Uint8Array;
  write(data: Uint8Array): void;
  close(): void;
}

export interface PumpOptions {
  /** Each connection event, in order. It may call link.write() / link.close(). */
  readonly onEvent: (event: ConnectionEvent, link: Link) => void;
  /** Sees every byte, received (before it is processed) and sent, in wire order. */
  readonly tap?: (direction: Direction, bytes: Uint8Array) => void;
}

export type LinkEnd =
  /** close_notify was exchanged (or we sent ours and the peer then closed the transport). */
  | { readonly kind: 'closed' }
  /** The connection failed: ours or the peer's fatal alert, truncation, a transport error. */
  | { readonly kind: 'failed'; readonly error: TlsError; readonly transportError: Error | undefined };

/** How long a finished connection waits for the peer to close the transport. */
const LINGER_MS = 2000;

export class Link {
  private finished = false;
  private sentClose = false;
  private busy = false;
  private endRequested = false;
  private outgoing: Uint8Array[] = [];
  private transportError: Error | undefined;
  private failure: TlsError | undefined;
  private endResolve!: (end: LinkEnd) => void;
  /** Settles when the socket has closed. */
  readonly done: Promise<LinkEnd>;

  constructor(
    readonly socket: Socket,
    readonly conn: SansIoConnection,
    private readonly opts: PumpOptions,
  ) {
    this.done = new Promise((resolve) => (this.endResolve = resolve));
    socket.on('data', (d: Buffer) => {
      const bytes = new Uint8Array(d.buffer, d.byteOffset, d.length);
      this.opts.tap?.('received', bytes);
      this.run(() => this.conn.receive(bytes));
    });
    socket.on('end', () => {
      this.run(() => this.conn.receiveEof());
      if (!socket.destroyed) socket.end();
    });
    socket.on('error', (e) => {
      this.transportError = e;
    });
    socket.on('close', () => {
      // A reset or a destroy without 'end': the transport is gone all the same.
      this.run(() => this.conn.receiveEof());
      this.endResolve(this.failure ? { kind: 'failed', error: this.failure, transportError: this.transportError } : { kind: 'closed' });
    });
  }

  /** Sends what the connection has pending (a client's ClientHello). Call once the socket is connected. */
  start(): void {
    this.run(() => {});
  }

  /** True once close_notify was received, or the connection failed. */
  get ended(): boolean {
    return this.finished;
  }

  /** Application data; returns false when the socket buffer is full (wait for 'drain'). */
  write(data: Uint8Array): boolean {
    if (this.finished || this.sentClose) return true;
    try {
      this.conn.write(data);
    } catch {
      // The connection failed: its 'error' event carries the reason.
    }
    return this.busy ? true : this.run(() => {});
  }

  /**
   * Sends close_notify. With `endTransport`, the socket's write side is closed after it (a server done
   * with a connection); without, the peer's close_notify or end of stream is awaited.
   */
  close(endTransport = false): void {
    if (endTransport) this.endRequested = true;
    if (!this.sentClose && !this.finished) {
      this.sentClose = true;
      this.conn.close();
    }
    if (!this.busy) this.run(() => {});
  }

  /**
   * Runs `action` against the connection (a renegotiation), then handles the events it caused and sends
   * what it produced. Returns what `action` threw, if anything (the connection's own failure, if it
   * failed, also arrives as its 'error' event).
   */
  perform(action: () => void): unknown {
    let thrown: unknown;
    this.run(() => {
      try {
        action();
      } catch (e) {
        thrown = e;
      }
    });
    return thrown;
  }

  /** Runs `feed` (which moves bytes into the connection), handles what follows, and writes once. */
  private run(feed: () => void): boolean {
    if (this.busy) {
      feed();
      return true;
    }
    this.busy = true;
    try {
      feed();
      this.step();
    } finally {
      this.busy = false;
    }
    let ok = true;
    if (this.outgoing.length > 0 && !this.socket.destroyed && this.socket.writable) ok = this.socket.write(concat(this.outgoing));
    this.outgoing = [];
    if ((this.finished || this.endRequested) && !this.socket.destroyed && this.socket.writable) {
      this.socket.end();
      // Nothing more will be read: a peer that keeps its end open must not keep us waiting.
      if (this.finished) setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    }
    return ok;
  }

  /** The protocol's own output first (it precedes what handlers write), then the events, then theirs. */
  private step(): void {
    this.collect();
    for (const e of this.conn.events()) {
      if (e.type === 'close') this.finished = true;
      if (e.type === 'error') {
        this.finished = true;
        // Truncation after our own close_notify is how many peers end: not a failure of this connection.
        if (e.error.code === 'TRUNCATED' && this.sentClose) continue;
        this.failure = e.error;
      }
      this.opts.onEvent(e, this);
    }
    // The connections run with halfClose: the peer's close_notify is answered here, after the handlers
    // had their say (a request that arrived with the close_notify still gets its answer).
    if (this.finished && !this.sentClose && !this.failure) {
      this.sentClose = true;
      this.conn.close();
    }
    this.collect();
  }

  private collect(): void {
    const out = this.conn.takeOutgoing();
    if (out.length === 0) return;
    this.opts.tap?.('sent', out);
    this.outgoing.push(out);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
