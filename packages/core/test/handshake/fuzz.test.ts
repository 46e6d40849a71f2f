// Hostile bytes: random input and mutations of a real handshake never make receive() throw, never
// hang, and end in at most one TlsError that is not an internal error.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection, loadCredential, ServerConnection, TlsError, type ServerCredential } from '../../src/index.js';
import { connect, listenOnce, startOpensslServer, testData } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, recordSession, seededProvider } from './helpers.js';

let pki: Pki;
let cred: ServerCredential;
/** The server's bytes of a real session (openssl), for a seeded client. */
let serverStream: Uint8Array;
/** A node:tls client's first flight (ClientHello). */
let clientHello: Uint8Array;

afterAll(cleanupPkis);
beforeAll(async () => {
  pki = makePki();
  cred = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
  const leaf = pki.leaves.p256;
  const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-www']);
  try {
    const c = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: seededProvider('fuzz') });
    c.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    serverStream = concat((await recordSession(c, await connect(srv.port), () => false)).peerChunks);
  } finally {
    srv.stop();
  }
  const l = await listenOnce();
  const client = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', maxVersion: 'TLSv1.2' });
  client.on('error', () => {});
  const sock = await l.accepted;
  clientHello = await new Promise<Uint8Array>((r) => sock.once('data', (b: Buffer) => r(new Uint8Array(b))));
  sock.destroy();
  client.destroy();
});

/** A small deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function feed(conn: ClientConnection | ServerConnection, bytes: Uint8Array, rand: (n: number) => number): void {
  for (let off = 0; off < bytes.length; ) {
    const n = 1 + rand(Math.min(2000, bytes.length - off));
    expect(() => conn.receive(bytes.subarray(off, off + n))).not.toThrow();
    conn.takeOutgoing();
    off += n;
  }
  const errors = conn.events().filter((e) => e.type === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  for (const e of errors) {
    if (e.type !== 'error') continue;
    expect(e.error).toBeInstanceOf(TlsError);
    expect(e.error.code, e.error.message).not.toBe('INTERNAL_ERROR');
  }
}

function mutate(base: Uint8Array, rand: (n: number) => number): Uint8Array {
  const b = base.slice();
  switch (rand(4)) {
    case 0: // flip bits
      for (let i = 0, k = 1 + rand(4); i < k; i++) b[rand(b.length)]! ^= 1 << rand(8);
      return b;
    case 1: // truncate
      return b.subarray(0, rand(b.length));
    case 2: // set a byte to a boundary value
      b[rand(b.length)] = [0, 1, 0x7f, 0x80, 0xff][rand(5)]!;
      return b;
    default: {
      // duplicate a slice somewhere else
      const s = rand(b.length);
      const e = Math.min(b.length, s + 1 + rand(64));
      const at = rand(b.length);
      return concat([b.subarray(0, at), b.subarray(s, e), b.subarray(at)]);
    }
  }
}

describe('fuzz', () => {
  it('random bytes into clients and servers', () => {
    const rand = rng(1);
    for (let i = 0; i < 300; i++) {
      const junk = testData(1 + rand(3000), 1000 + i);
      // Half of the cases start like a handshake record so the fuzz gets past the framing.
      if (i % 2 === 0) junk.set([22, 3, 3], 0);
      feed(new ClientConnection({ serverName: 'localhost', ca: pki.caPem }), junk, rand);
      feed(new ServerConnection({ credentials: [cred] }), junk, rand);
    }
  });

  it('mutations of a real server flight (openssl) into a seeded client', () => {
    const rand = rng(2);
    for (let i = 0; i < 400; i++) {
      const c = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: seededProvider('fuzz') });
      c.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      feed(c, mutate(serverStream, rand), rand);
    }
  });

  it('mutations of a real ClientHello (node:tls) into a server', () => {
    const rand = rng(3);
    for (let i = 0; i < 400; i++) feed(new ServerConnection({ credentials: [cred] }), mutate(clientHello, rand), rand);
  });
});
