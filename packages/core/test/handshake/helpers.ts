// Shared helpers for the handshake tests: a seeded crypto provider (reproducible handshakes), a record
// splitter and builder for scripted peers, and a recorder of real sessions.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
import type { ClientConnection, ConnectionEvent, ServerConnection } from '../../src/index.js';

/** The WASM provider with randomBytes from a SHA-256 counter: same seed, same handshake bytes. */
export function seededProvider(seed: string): CryptoProvider {
  let counter = 0;
  return {
    ...wasmProvider,
    name: `seeded(${seed})`,
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 32) {
        const h = createHash('sha256').update(`${seed}:${counter++}`).digest();
        out.set(h.subarray(0, Math.min(32, n - i)), i);
      }
      return out;
    },
  };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
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

export interface WireRecord {
  readonly type: number;
  readonly version: number;
  readonly payload: Uint8Array;
}

/** Splits a byte stream into records (no decryption). */
export function splitRecords(bytes: Uint8Array): WireRecord[] {
  const out: WireRecord[] = [];
  for (let off = 0; off + 5 <= bytes.length; ) {
    const len = (bytes[off + 3]! << 8) | bytes[off + 4]!;
    out.push({ type: bytes[off]!, version: (bytes[off + 1]! << 8) | bytes[off + 2]!, payload: bytes.slice(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return out;
}

export function record(type: number, payload: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = payload.length >> 8;
  out[4] = payload.length & 0xff;
  out.set(payload, 5);
  return out;
}

/** Splits concatenated handshake messages (plaintext) into whole messages, headers included. */
export function splitMessages(payload: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off + 4 <= payload.length; ) {
    const len = (payload[off + 1]! << 16) | (payload[off + 2]! << 8) | payload[off + 3]!;
    out.push(payload.slice(off, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

/** Handshake messages as one handshake record each. */
export const handshakeRecords = (msgs: readonly Uint8Array[]): Uint8Array => concat(msgs.map((m) => record(22, m)));

export function message(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = body.length >> 16;
  out[2] = (body.length >> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** A comparable summary of events: type plus payload (a session without its creation time). */
export function summarize(events: readonly ConnectionEvent[]): unknown[] {
  return events.map((e) => {
    switch (e.type) {
      case 'data':
        return { type: 'data', hex: Buffer.from(e.data).toString('hex') };
      case 'handshake':
        return { type: 'handshake', info: { ...e.info, peerCertificates: e.info.peerCertificates.map((c) => Buffer.from(c).toString('base64')) } };
      case 'error':
        return { type: 'error', code: e.error.code, alert: e.error.alert };
      case 'session':
        // createdAt is the clock when the session was made, not anything received: left out.
        return { type: 'session', session: { ...e.session, createdAt: '(clock)' } };
      default:
        return e;
    }
  });
}

export interface Recording {
  /** The peer's bytes, as they arrived. */
  readonly peerChunks: Uint8Array[];
  /** Our outgoing bytes, concatenated. */
  readonly ours: Uint8Array;
  readonly events: ConnectionEvent[];
}

/**
 * Runs `conn` over a live socket, recording both directions, until `stop` says so (or the connection
 * ends). The application side is non-reactive (whatever it writes, it wrote before), so that a replay of
 * the peer's bytes, split in any way, must give exactly the same events and outgoing bytes.
 */
export function recordSession(conn: ClientConnection | ServerConnection, socket: Socket, stop: (received: number, conn: ClientConnection | ServerConnection) => boolean): Promise<Recording> {
  return new Promise((resolve) => {
    const peerChunks: Uint8Array[] = [];
    const outs: Uint8Array[] = [];
    const events: ConnectionEvent[] = [];
    let received = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ peerChunks, ours: concat(outs), events });
    };
    const step = () => {
      for (const ev of conn.events()) {
        events.push(ev);
        if (ev.type === 'data') received += ev.data.length;
      }
      const out = conn.takeOutgoing();
      outs.push(out);
      if (out.length) socket.write(out);
      if (conn.state === 'closed' || conn.state === 'failed' || stop(received, conn)) finish();
    };
    socket.on('data', (b: Buffer) => {
      if (done) return;
      const c = new Uint8Array(b);
      peerChunks.push(c);
      conn.receive(c);
      step();
    });
    socket.on('close', finish);
    step();
  });
}

/** Feeds recorded peer bytes into a fresh connection in pieces of `size` bytes (Infinity: one piece). */
export function replay(conn: ClientConnection | ServerConnection, peer: Uint8Array, size: number): { ours: Uint8Array; events: ConnectionEvent[] } {
  const outs: Uint8Array[] = [conn.takeOutgoing()];
  const events: ConnectionEvent[] = [...conn.events()];
  const n = Math.min(size, peer.length);
  for (let off = 0; off < peer.length; off += n) {
    conn.receive(peer.subarray(off, Math.min(peer.length, off + n)));
    events.push(...conn.events());
    outs.push(conn.takeOutgoing());
  }
  return { ours: concat(outs), events };
}
