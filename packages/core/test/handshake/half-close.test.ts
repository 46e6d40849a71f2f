// halfClose: a request that arrives together with the peer's close_notify still gets its answer.
import tls from 'node:tls';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential, ServerConnection, TlsError } from '../../src/index.js';
import { listenOnce } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

/** Serves one connection: on the client's close_notify, answers with what it received, then closes. */
function serveEcho(socket: Socket, halfClose: boolean): Promise<{ writeError: unknown; events: string[] }> {
  const conn = new ServerConnection({
    credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)],
    halfClose,
  });
  let got = '';
  const events: string[] = [];
  let writeError: unknown;
  return new Promise((resolve) => {
    const flush = () => {
      const out = conn.takeOutgoing();
      if (out.length && !socket.destroyed) socket.write(out);
    };
    socket.on('data', (b: Buffer) => {
      conn.receive(new Uint8Array(b));
      for (const ev of conn.events()) {
        events.push(ev.type);
        if (ev.type === 'data') got += new TextDecoder().decode(ev.data);
        if (ev.type === 'close') {
          try {
            conn.write(new TextEncoder().encode(`answer to ${got}`));
            conn.close();
          } catch (e) {
            writeError = e;
          }
        }
      }
      flush();
      if (conn.state === 'closed' || conn.state === 'failed') socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ writeError, events }));
  });
}

function client(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki.caPem, maxVersion: 'TLSv1.2' });
    let text = '';
    s.on('secureConnect', () => s.end('request')); // the request and close_notify leave back to back
    s.on('data', (d) => (text += d));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

describe('halfClose', () => {
  it('with halfClose, the server answers a request that came with the close_notify (node:tls client)', async () => {
    const l = await listenOnce();
    try {
      const [served, text] = await Promise.all([l.accepted.then((s) => serveEcho(s, true)), client(l.port)]);
      expect(text).toBe('answer to request');
      expect(served.writeError).toBeUndefined();
      expect(served.events).toContain('close');
    } finally {
      l.close();
    }
  });

  it('by default (RFC 5246 §7.2.1) the close_notify is answered at once and a later write is refused', async () => {
    const l = await listenOnce();
    try {
      const [served, text] = await Promise.all([l.accepted.then((s) => serveEcho(s, false)), client(l.port)]);
      expect(text).toBe('');
      expect(served.writeError).toBeInstanceOf(TlsError);
      expect((served.writeError as TlsError).code).toBe('CLOSED');
    } finally {
      l.close();
    }
  });
});
