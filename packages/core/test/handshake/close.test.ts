// Closing: close_notify both ways with a node:tls peer, truncation, and closing during the handshake.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { connect } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { pump } from '../interop/pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

function nodeServer(onSocket: (s: tls.TLSSocket) => void): Promise<{ port: number; server: tls.Server }> {
  return new Promise((resolve) => {
    const server = tls.createServer({ cert: pki.leaves.p256.certPem, key: pki.leaves.p256.keyPem, maxVersion: 'TLSv1.2' }, (s) => {
      s.on('error', () => {});
      onSocket(s);
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

describe('closing', () => {
  it('the peer closes first: close event, our close_notify answers, state closed', async () => {
    const { port, server } = await nodeServer((s) => s.end('bye'));
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const res = await pump(conn, await connect(port));
      expect(res.error).toBeUndefined();
      expect(new TextDecoder().decode(res.received)).toBe('bye');
      // node:tls issues a session ticket (our client offers session_ticket by default): 'session' follows 'handshake'.
      expect(res.events).toEqual(['handshake', 'session', 'data', 'close']);
      expect(conn.state).toBe('closed');
      expect(() => conn.write(Uint8Array.of(1))).toThrow(/close/);
    } finally {
      server.close();
    }
  });

  it('the transport ends without close_notify: TRUNCATED', async () => {
    const { port, server } = await nodeServer((s) => {
      s.write('partial', () => setTimeout(() => s.destroy(), 50));
    });
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const res = await pump(conn, await connect(port));
      expect(new TextDecoder().decode(res.received)).toBe('partial');
      expect(res.error?.code).toBe('TRUNCATED');
      // No stack frames: they would show only the transport's callback, and Node formats them on destroy().
      expect(res.error?.stack).toBe(`TlsError: ${res.error?.message}`);
      expect(conn.state).toBe('failed');
    } finally {
      server.close();
    }
  });

  it('data written before the handshake is sent after it, then the close_notify', async () => {
    let got = '';
    const ended = new Promise<void>((resolve) => {
      void nodeServer((s) => {
        s.on('data', (d) => (got += d));
        s.on('end', () => resolve());
      }).then(async ({ port, server }) => {
        const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
        conn.write(new TextEncoder().encode('early data, sent once the handshake is done'));
        conn.close();
        await pump(conn, await connect(port));
        server.close();
      });
    });
    await ended;
    expect(got).toBe('early data, sent once the handshake is done');
  });

  it('close() with nothing queued abandons the handshake: user_canceled, close_notify', () => {
    const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
    conn.takeOutgoing();
    conn.close();
    expect(Array.from(conn.takeOutgoing())).toEqual([21, 3, 3, 0, 2, 1, 90, 21, 3, 3, 0, 2, 1, 0]);
    expect(conn.state).toBe('closed');
    conn.receive(Uint8Array.of(22, 3, 3, 0, 1, 0));
    expect(conn.events()).toEqual([]);
  });
});
