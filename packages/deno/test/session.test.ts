// The Session (src/session.ts) in Node, over an in-memory transport with a raw core ServerConnection as
// the peer: what the Deno tests cannot observe from outside. Reading is pulled (no reader, no transport
// reads), a request coalesced with close_notify can still be answered, and write() waits for the transport.
import { readFileSync } from 'node:fs';
import { ServerConnection, loadCredential, type ConnectionEvent } from '@sanstls/core';
import { ClientConnection } from '@sanstls/core';
import { describe, expect, it } from 'vitest';
import type { DenoConn, NetAddr } from '../src/deno-types.js';
import { Session } from '../src/session.js';
import { pki, testData } from './helpers.js';

const addr: NetAddr = { transport: 'tcp', hostname: '127.0.0.1', port: 1 };

/** A transport whose far end is the test: bytes for the session go in with deliver(), its writes come out in `sent`. */
class MemoryTransport implements DenoConn {
  readonly localAddr = addr;
  readonly remoteAddr = addr;
  private inbound: Uint8Array[] = [];
  private eof = false;
  private waiting: (() => void) | undefined;
  /** Bytes the session has read so far. */
  bytesRead = 0;
  reads = 0;
  sent: Uint8Array[] = [];
  closed = false;
  /** When set, write() waits for it. */
  gate: Promise<void> | undefined;

  deliver(bytes: Uint8Array): void {
    if (bytes.length > 0) this.inbound.push(bytes);
    this.waiting?.();
  }

  end(): void {
    this.eof = true;
    this.waiting?.();
  }

  async read(p: Uint8Array): Promise<number | null> {
    while (this.inbound.length === 0 && !this.eof) await new Promise<void>((r) => (this.waiting = r));
    const head = this.inbound[0];
    if (head === undefined) return null;
    const n = Math.min(p.length, head.length);
    p.set(head.subarray(0, n));
    if (n === head.length) this.inbound.shift();
    else this.inbound[0] = head.subarray(n);
    this.bytesRead += n;
    this.reads++;
    return n;
  }

  async write(p: Uint8Array): Promise<number> {
    if (this.gate) await this.gate;
    this.sent.push(p.slice());
    return p.length;
  }

  takeSent(): Uint8Array {
    const all = Buffer.concat(this.sent);
    this.sent = [];
    return all;
  }

  close(): void {
    this.closed = true;
  }

  async closeWrite(): Promise<void> {}
  ref(): void {}
  unref(): void {}
}

/** Lets every pending promise and I/O callback run (generously: a greedy reader would drain everything here). */
async function settle(rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

function pair() {
  const p = pki();
  const peer = new ServerConnection({ credentials: [loadCredential(readFileSync(p.ec.cert, 'utf8'), readFileSync(p.ec.key, 'utf8'))] });
  const transport = new MemoryTransport();
  const session = new Session(transport, new ClientConnection({ serverName: 'localhost', ca: readFileSync(p.ca, 'utf8') }));
  const peerEvents: ConnectionEvent[] = [];
  /** Moves the session's bytes to the peer and the peer's answer back. */
  const exchange = () => {
    const out = transport.takeSent();
    if (out.length > 0) peer.receive(out);
    peerEvents.push(...peer.events());
    transport.deliver(peer.takeOutgoing());
  };
  return { peer, transport, session, peerEvents, exchange };
}

async function handshake(t: ReturnType<typeof pair>): Promise<void> {
  t.session.start();
  const done = t.session.handshake();
  for (let i = 0; i < 4; i++) {
    await settle(5);
    t.exchange();
  }
  await done;
  await settle(5);
  t.exchange();
  expect(t.peerEvents.map((e) => e.type)).toContain('handshake');
}

describe('Session over an in-memory transport', () => {
  it('reads the transport only when a reader asks (backpressure)', async () => {
    const t = pair();
    await handshake(t);
    const before = t.transport.bytesRead;
    const data = testData(2 * 1024 * 1024, 21);
    t.peer.write(data);
    t.transport.deliver(t.peer.takeOutgoing());
    await settle();
    expect(t.transport.bytesRead).toBe(before); // nobody reads: nothing is taken from the transport

    const first = await t.session.readChunk();
    expect(first!.length).toBeGreaterThan(0);
    await settle();
    // One read of at most 64 KiB served it; the rest of the 2 MiB is still in the transport.
    expect(t.transport.bytesRead - before).toBeLessThanOrEqual(64 * 1024);

    let got = first!.length;
    const parts = [first!];
    while (got < data.length) {
      const c = await t.session.readChunk();
      parts.push(c!);
      got += c!.length;
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it('answers a request that arrived together with close_notify, then reads the end', async () => {
    const t = pair();
    await handshake(t);
    t.peer.write(new TextEncoder().encode('request'));
    t.peer.close();
    t.transport.deliver(t.peer.takeOutgoing()); // data and close_notify in one transport chunk
    const req = await t.session.readChunk();
    expect(new TextDecoder().decode(req!)).toBe('request');
    await t.session.write(new TextEncoder().encode('response'));
    expect(await t.session.readChunk()).toBeNull(); // now the close_notify
    await settle(5);
    t.exchange();
    const types = t.peerEvents.map((e) => e.type);
    const data = t.peerEvents.filter((e): e is Extract<ConnectionEvent, { type: 'data' }> => e.type === 'data');
    expect(new TextDecoder().decode(Buffer.concat(data.map((d) => d.data)))).toBe('response');
    expect(types.indexOf('close')).toBeGreaterThan(types.indexOf('data')); // our close_notify after the response
    expect(t.transport.closed).toBe(true); // both close_notify exchanged: the transport was released
  });

  it('write() resolves only once the transport took the records', async () => {
    const t = pair();
    await handshake(t);
    let release!: () => void;
    t.transport.gate = new Promise((r) => (release = r));
    let resolved = false;
    const w = t.session.write(testData(100_000, 22)).then(() => (resolved = true));
    await settle();
    expect(resolved).toBe(false);
    release();
    await w;
    expect(resolved).toBe(true);
  });

  it('a transport that ends without close_notify fails reads with TRUNCATED', async () => {
    const t = pair();
    await handshake(t);
    t.peer.write(new TextEncoder().encode('partial'));
    t.transport.deliver(t.peer.takeOutgoing());
    t.transport.end();
    expect(new TextDecoder().decode((await t.session.readChunk())!)).toBe('partial');
    await expect(t.session.readChunk()).rejects.toMatchObject({ name: 'TlsError', code: 'TRUNCATED' });
    await expect(t.session.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'TRUNCATED' });
  });
});
