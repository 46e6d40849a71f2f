// The server side: listen() accepts TCP connections with Deno.listen and runs a TLS server on each;
// startTlsServer() does the same over one connection the caller already has.
import { ServerConnection, type ServerOptions } from '@sanstls/core';
import { SansTlsConn, type TlsConn } from './conn.js';
import { denoApi, isClosedResourceError, type DenoConn, type DenoListener, type NetAddr } from './deno-types.js';
import { serverOptions, type ListenOptions, type ServerTlsOptions } from './options.js';
import { Session } from './session.js';

/** A TLS listener, shaped like Deno.TlsListener. */
export interface TlsListener extends AsyncIterable<TlsConn> {
  /** The next connection; its handshake starts at once (await conn.handshake() to see it complete). */
  accept(): Promise<TlsConn>;
  /** Stops listening; a pending accept() rejects, and iteration ends. Accepted connections stay open. */
  close(): void;
  readonly addr: NetAddr;
  ref(): void;
  unref(): void;
  [Symbol.asyncIterator](): AsyncIterableIterator<TlsConn>;
  [Symbol.dispose](): void;
}

class SansTlsListener implements TlsListener {
  constructor(
    private readonly inner: DenoListener,
    private readonly options: ServerOptions,
  ) {}

  get addr(): NetAddr {
    return this.inner.addr;
  }

  async accept(): Promise<TlsConn> {
    const transport = await this.inner.accept();
    try {
      return serverOver(transport, this.options);
    } catch (e) {
      transport.close();
      throw e;
    }
  }

  close(): void {
    this.inner.close();
  }

  ref(): void {
    this.inner.ref();
  }

  unref(): void {
    this.inner.unref();
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<TlsConn> {
    for (;;) {
      let conn: TlsConn;
      try {
        conn = await this.accept();
      } catch (e) {
        // The listener was closed: the end of the iteration, as with Deno's own listeners.
        if (isClosedResourceError(e)) return;
        throw e;
      }
      yield conn;
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Listens on `hostname:port` (default 0.0.0.0, port 0 = any free one) and runs a TLS server on every
 * accepted connection. The certificate and key are loaded here, once. Needs --allow-net.
 */
export function listen(options: ListenOptions): TlsListener {
  const opts = serverOptions(options);
  const inner = denoApi().listen({
    hostname: options.hostname ?? '0.0.0.0',
    port: options.port ?? 0,
    transport: 'tcp',
  });
  return new SansTlsListener(inner, opts);
}

/** Runs a TLS server over `conn`, which from now on belongs to the returned connection. */
export function startTlsServer(conn: DenoConn, options: ServerTlsOptions): TlsConn {
  return serverOver(conn, serverOptions(options));
}

function serverOver(transport: DenoConn, opts: ServerOptions): TlsConn {
  const session = new Session(transport, new ServerConnection(opts));
  session.start();
  return new SansTlsConn(session);
}
