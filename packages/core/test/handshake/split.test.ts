// Splitting: a whole handshake plus application data both ways, recorded live against a real peer, then
// replayed into fresh connections with the same seed (so they send the very same bytes) in one piece and
// one byte at a time: the same events and the same outgoing bytes as the live run, byte for byte.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ClientConnection, loadCredential, ServerConnection, TicketKeys } from '../../src/index.js';
import { connect, listenOnce, startOpensslServer, testData } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, recordSession, replay, seededProvider, splitMessages, splitRecords, summarize } from './helpers.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

const N = 100_000;

function check(live: { ours: Uint8Array; events: unknown[] }, peer: Uint8Array, fresh: () => ClientConnection | ServerConnection) {
  for (const size of [Infinity, 1, 7, 1000]) {
    const r = replay(fresh(), peer, size);
    expect(Buffer.from(r.ours).equals(Buffer.from(live.ours)), `outgoing bytes, pieces of ${size}`).toBe(true);
    expect(summarize(r.events), `events, pieces of ${size}`).toEqual(live.events);
  }
}

describe('feeding bytes one at a time gives the same result as one piece', () => {
  it('client ↔ openssl s_server -rev (ECDHE-ECDSA, P-256 certificate, x25519)', async () => {
    const leaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-rev']);
    const lines = testData(N, 21).map((b, i) => (i % 100 === 99 ? 10 : 97 + (b % 26)));
    const fresh = () => {
      const c = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: seededProvider('client-split') });
      c.write(lines); // queued until the handshake completes
      return c;
    };
    try {
      const live = await recordSession(fresh(), await connect(srv.port), (n) => n >= N);
      expect(live.events.filter((e) => e.type === 'handshake')).toHaveLength(1);
      expect(live.events.some((e) => e.type === 'error')).toBe(false);
      expect(live.events.filter((e) => e.type === 'data').reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0)).toBe(N);
      check({ ours: live.ours, events: summarize(live.events) }, concat(live.peerChunks), fresh);
    } finally {
      srv.stop();
    }
  });

  it('server ↔ node:tls client (ECDHE-ECDSA-CHACHA20-POLY1305, P-256 certificate)', async () => {
    const cred = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
    const fromServer = testData(N, 22);
    // The NewSessionTicket we send node:tls seals the session (with its creation time) under a ticket key with
    // a random nonce: a fixed key, seeded nonces and a stopped clock make it the same bytes in every run.
    const key = new Uint8Array(48).fill(7);
    const fresh = () => {
      const ticketKeys = new TicketKeys({ keys: [key], random: seededProvider('server-split-tickets').randomBytes });
      const s = new ServerConnection({ credentials: [cred], crypto: seededProvider('server-split'), ticketKeys });
      s.write(fromServer);
      return s;
    };
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const l = await listenOnce();
    const client = tls.connect({
      host: '127.0.0.1', port: l.port, servername: 'localhost', ca: pki.caPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    });
    let got = 0;
    const clientDone = new Promise<void>((resolve) => {
      client.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= N) resolve();
      });
    });
    client.on('secureConnect', () => client.write(testData(N, 23)));
    client.on('error', () => {});
    const live = await recordSession(fresh(), await l.accepted, (n) => n >= N);
    await clientDone;
    client.destroy();
    expect(live.events.filter((e) => e.type === 'handshake')).toHaveLength(1);
    expect(live.events.some((e) => e.type === 'error')).toBe(false);
    // Our last flight of the handshake carried a NewSessionTicket (node:tls offers session_ticket).
    const records = splitRecords(live.ours);
    const plain = records.slice(0, records.findIndex((r) => r.type === 20)).filter((r) => r.type === 22);
    expect(splitMessages(concat(plain.map((r) => r.payload))).map((m) => m[0])).toEqual([2, 11, 12, 14, 4]);
    check({ ours: live.ours, events: summarize(live.events) }, concat(live.peerChunks), fresh);
  });
});
