// The Deno.TlsConn shape over a Session: readable/writable streams, read/write, handshake(), close(),
// closeWrite(), the addresses, ref/unref and `using` support.
import type { HandshakeInfo } from '@sanstls/core';
import type { DenoConn, NetAddr } from './deno-types.js';
import type { Session } from './session.js';

/** What handshake() resolves to: Deno's field, plus everything sanstls negotiated. */
export interface TlsHandshakeInfo {
  /** The ALPN protocol selected, or null (as in Deno.TlsHandshakeInfo). */
  readonly alpnProtocol: string | null;
  /** Version, cipher suite, group, the server's certificates, ... */
  readonly info: HandshakeInfo;
}

/** A TLS connection, shaped like Deno.TlsConn. */
export interface TlsConn {
  /** Runs the handshake to completion if it has not completed yet (it starts on its own; calling this is optional). */
  handshake(): Promise<TlsHandshakeInfo>;
  /** Application data from the peer, pulled from the transport as it is read; ends at the peer's close_notify. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Application data to the peer; each write resolves once the transport took it. Closing it closes the connection (as in Deno). */
  readonly writable: WritableStream<Uint8Array>;
  /** Reads into `p`: the number of bytes, or null at the end. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes all of `p` (resolves to p.length). */
  write(p: Uint8Array): Promise<number>;
  /** Sends close_notify and closes the transport. */
  close(): void;
  /** Sends close_notify and shuts down the transport's write side; the read side stays open. */
  closeWrite(): Promise<void>;
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
  ref(): void;
  unref(): void;
  /** The negotiated parameters, once the handshake completed (sanstls extension). */
  readonly handshakeInfo: HandshakeInfo | undefined;
  [Symbol.dispose](): void;
}

export class SansTlsConn implements TlsConn {
  private streamIn: ReadableStream<Uint8Array> | undefined;
  private streamOut: WritableStream<Uint8Array> | undefined;

  constructor(private readonly session: Session) {}

  /** The plain transport underneath (a Deno.TcpConn for connect() and listen()). */
  get transport(): DenoConn {
    return this.session.transport;
  }

  get localAddr(): NetAddr {
    return this.session.transport.localAddr;
  }

  get remoteAddr(): NetAddr {
    return this.session.transport.remoteAddr;
  }

  get handshakeInfo(): HandshakeInfo | undefined {
    return this.session.handshakeInfo;
  }

  async handshake(): Promise<TlsHandshakeInfo> {
    const info = await this.session.handshake();
    return { alpnProtocol: info.alpn ?? null, info };
  }

  get readable(): ReadableStream<Uint8Array> {
    const session = this.session;
    // highWaterMark 0: the transport is read only when a reader is waiting, never ahead of it.
    this.streamIn ??= new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const chunk = await session.readChunk();
          if (chunk === null) controller.close();
          else controller.enqueue(chunk);
        },
        // As with Deno's own conns, giving up on the readable gives up on the connection.
        cancel() {
          void session.close();
        },
      },
      { highWaterMark: 0 },
    );
    return this.streamIn;
  }

  get writable(): WritableStream<Uint8Array> {
    const session = this.session;
    this.streamOut ??= new WritableStream<Uint8Array>({
      write(chunk) {
        return session.write(chunk);
      },
      // As with Deno's own conns, closing the writable closes the connection (close_notify first, and
      // the promise resolves once it went out). For a half-close, use conn.closeWrite().
      close() {
        return session.close();
      },
      abort() {
        void session.close();
      },
    });
    return this.streamOut;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.session.readInto(p);
  }

  async write(p: Uint8Array): Promise<number> {
    await this.session.write(p);
    return p.length;
  }

  close(): void {
    void this.session.close();
  }

  closeWrite(): Promise<void> {
    return this.session.closeWrite();
  }

  ref(): void {
    this.session.transport.ref();
  }

  unref(): void {
    this.session.transport.unref();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
