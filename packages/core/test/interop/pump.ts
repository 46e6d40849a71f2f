// A tiny test-only socket pump: socket bytes → conn.receive, conn.takeOutgoing() → one socket write.
import type { Socket } from 'node:net';
import type { ClientConnection, ConnectionEvent, HandshakeInfo, ServerConnection, TlsError } from '../../src/index.js';

export interface PumpResult {
  readonly info: HandshakeInfo | undefined;
  readonly received: Uint8Array;
  readonly error: TlsError | undefined;
  readonly events: readonly ConnectionEvent['type'][];
  /** The peer sent close_notify. */
  readonly closed: boolean;
}

export interface PumpHooks {
  /** Called on the handshake event (write here); return nothing. */
  onHandshake?(conn: ClientConnection | ServerConnection, info: HandshakeInfo): void;
  /** Called with the running total of received bytes after each data event. */
  onData?(conn: ClientConnection | ServerConnection, data: Uint8Array, total: number): void;
  /** Close the transport after a close_notify exchange (default true). */
  endOnClose?: boolean;
}

/** Runs a connection over a socket until close_notify, error or EOF. */
export function pump(conn: ClientConnection | ServerConnection, socket: Socket, hooks: PumpHooks = {}): Promise<PumpResult> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let info: HandshakeInfo | undefined;
    let error: TlsError | undefined;
    let closed = false;
    let done = false;
    const types: ConnectionEvent['type'][] = [];
    const finish = () => {
      if (done) return;
      done = true;
      const received = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) {
        received.set(c, off);
        off += c.length;
      }
      resolve({ info, received, error, events: types, closed });
    };
    const flush = () => {
      const out = conn.takeOutgoing();
      if (out.length > 0 && !socket.destroyed) socket.write(out);
    };
    const handle = () => {
      for (const ev of conn.events()) {
        types.push(ev.type);
        switch (ev.type) {
          case 'handshake':
            info = ev.info;
            hooks.onHandshake?.(conn, ev.info);
            break;
          case 'data':
            chunks.push(ev.data);
            total += ev.data.length;
            hooks.onData?.(conn, ev.data, total);
            break;
          case 'close':
            closed = true;
            break;
          case 'error':
            error = ev.error;
            break;
        }
      }
      flush();
      if (error || (closed && conn.state === 'closed')) {
        if (hooks.endOnClose !== false || error) socket.end();
        finish();
      }
    };
    socket.on('data', (b: Buffer) => {
      conn.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
      handle();
    });
    socket.on('end', () => {
      conn.receiveEof();
      handle();
      socket.end();
      finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    flush();
  });
}
