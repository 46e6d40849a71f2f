// A test-only driver for the optional flows: runs a connection over a socket, records every event, and
// lets a test wait for one (the first handshake, a renegotiation, some received text, the end).
import type { Socket } from 'node:net';
import type { ClientConnection, ConnectionEvent, ServerConnection } from '../../src/index.js';

export interface Driven {
  readonly conn: ClientConnection | ServerConnection;
  readonly events: ConnectionEvent[];
  /** Everything received so far, as latin1 text. */
  text(): string;
  /** Resolves when `pred` holds (checked after every event batch); rejects after `ms`. */
  until(pred: () => boolean, what: string, ms?: number): Promise<void>;
  /** Sends what the connection has pending (call after write/renegotiate/close). */
  flush(): void;
  /** Resolves when the connection is over (closed, failed or EOF). */
  readonly done: Promise<void>;
}

export function drive(conn: ClientConnection | ServerConnection, socket: Socket): Driven {
  const events: ConnectionEvent[] = [];
  let received = '';
  const waiters = new Set<() => void>();
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const flush = () => {
    const out = conn.takeOutgoing();
    if (out.length > 0 && !socket.destroyed) socket.write(out);
  };
  const handle = () => {
    for (const ev of conn.events()) {
      events.push(ev);
      if (ev.type === 'data') received += Buffer.from(ev.data).toString('latin1');
    }
    flush();
    if (conn.state === 'failed' || conn.state === 'closed') {
      socket.end();
      finish();
    }
    for (const w of [...waiters]) w();
  };
  socket.on('data', (b: Buffer) => {
    conn.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
    handle();
  });
  socket.on('end', () => {
    conn.receiveEof();
    handle();
    finish();
  });
  socket.on('error', () => finish());
  socket.on('close', () => {
    finish();
    for (const w of [...waiters]) w();
  });
  flush();
  return {
    conn,
    events,
    text: () => received,
    flush,
    done,
    until(pred, what, ms = 10_000) {
      return new Promise((resolve, reject) => {
        if (pred()) return resolve();
        // Polled too: the condition may depend on something else than this socket (a peer's stdout).
        const poll = setInterval(() => check(), 25);
        const timer = setTimeout(() => {
          waiters.delete(check);
          clearInterval(poll);
          reject(new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.type).join(',')}; text: ${received.slice(-300)}`));
        }, ms);
        const check = () => {
          if (!pred()) return;
          clearTimeout(timer);
          clearInterval(poll);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}

export const eventsOf = <T extends ConnectionEvent['type']>(d: Driven, type: T) =>
  d.events.filter((e): e is Extract<ConnectionEvent, { type: T }> => e.type === type);
