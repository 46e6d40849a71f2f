// connect() over a TCP socket wrapped as Web Streams (the adapter uses only Web APIs, which Node has),
// against node:tls servers and openssl s_server.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TlsStreams } from '../src/index.js';
import {
  bytes,
  echoServer,
  listen,
  makePki,
  opensslWww,
  readAll,
  rejection,
  silentServer,
  tcpStreams,
  text,
  tlsServer,
  type Pki,
} from './helpers.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki.cleanup());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function writeAll(tlsConn: TlsStreams, data: Uint8Array, chunkSizes: readonly number[]): Promise<void> {
  const w = tlsConn.writable.getWriter();
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = chunkSizes[i % chunkSizes.length]!;
    await w.write(data.subarray(at, at + n));
    at += n;
  }
  await w.close();
}

describe('connect() against node:tls', () => {
  it('does a request and response with an ECDSA server, then the close_notify exchange', async () => {
    const server = await tlsServer(pki.ec, (s) => {
      s.once('data', (d: Buffer) => s.end(`hello ${d.toString()} over ${s.getCipher().name}`));
    });
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      const info = await conn.handshake;
      expect(info.version).toBe('TLSv1.2');
      expect(info.cipherSuite).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
      expect(info.peerCertificates.length).toBeGreaterThan(0);
      const w = conn.writable.getWriter();
      await w.write(bytes('web'));
      const reply = text(await readAll(conn.readable));
      expect(reply).toBe(`hello web over ${info.cipherSuiteOpenssl}`);
      await w.close();
      await expect(conn.closed).resolves.toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('negotiates the suite and group asked for (RSA server, ChaCha20-Poly1305, P-256)', async () => {
    let serverCipher = '';
    const server = await tlsServer(pki.rsa, (s) => {
      serverCipher = s.getCipher().name;
      s.end('ok');
    });
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, {
        ca: pki.ca,
        serverName: '127.0.0.1',
        cipherSuites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
        groups: ['secp256r1'],
      });
      const info = await conn.handshake;
      expect(info.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
      expect(info.group).toBe('secp256r1');
      expect(text(await readAll(conn.readable))).toBe('ok');
      expect(serverCipher).toBe(info.cipherSuiteOpenssl);
    } finally {
      await server.close();
    }
  });

  it('moves 1.5 MiB each way through an echo server, intact', async () => {
    const server = await echoServer(pki.ec);
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      const data = new Uint8Array(randomBytes(1536 * 1024));
      const [echoed] = await Promise.all([readAll(conn.readable), writeAll(conn, data, [1, 700, 16384, 16385, 100_000, 300_000])]);
      expect(echoed.length).toBe(data.length);
      expect(sha256(echoed)).toBe(sha256(data));
      await conn.closed;
    } finally {
      await server.close();
    }
  });

  it('stops reading the transport while the application does not read (backpressure)', async () => {
    const total = 16 * 1024 * 1024;
    const payload = new Uint8Array(randomBytes(total));
    const server = await tlsServer(pki.ec, (s) => s.end(payload));
    try {
      const { pair } = await tcpStreams(server.port);
      // Count what the TLS layer takes from the transport.
      let pulled = 0;
      const counted = pair.readable.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, c) {
            pulled += chunk.length;
            c.enqueue(chunk);
          },
        }),
        { preventCancel: false },
      );
      const conn = connect({ readable: counted, writable: pair.writable }, { ca: pki.ca, serverName: 'localhost', readableHighWaterMark: 32 * 1024 });
      await conn.handshake;
      // Let the pipeline fill up: wait until the count stops moving.
      let last = -1;
      let still = 0;
      while (still < 5) {
        await new Promise((r) => setTimeout(r, 40));
        still = pulled === last ? still + 1 : 0;
        last = pulled;
      }
      // Unread: the readable's 32 KiB, a transport chunk or two and a record in progress; nowhere near 16 MiB.
      expect(pulled).toBeLessThan(512 * 1024);
      const got = await readAll(conn.readable);
      expect(got.length).toBe(total);
      expect(sha256(got)).toBe(sha256(payload));
    } finally {
      await server.close();
    }
  });

  it('delivers data that arrives together with close_notify', async () => {
    // The server writes its reply and close_notify in one TCP write.
    const server = await tlsServer(pki.ec, (s) => {
      s.cork();
      s.write('last words');
      s.end();
      s.uncork();
    });
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      expect(text(await readAll(conn.readable))).toBe('last words');
      await conn.closed;
    } finally {
      await server.close();
    }
  });

  it('without halfClose answers the close_notify at once: later writes fail with CLOSED', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end('bye'));
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      expect(text(await readAll(conn.readable))).toBe('bye');
      await conn.closed;
      const w = conn.writable.getWriter();
      expect((await rejection(w.write(bytes('too late')))).code).toBe('CLOSED');
    } finally {
      await server.close();
    }
  });

  it('with halfClose keeps writing after the server closed its side, then sends close_notify', async () => {
    // The server says its piece and half-closes (close_notify, FIN), then reads until our close_notify.
    let heard!: (s: string) => void;
    const serverHeard = new Promise<string>((r) => (heard = r));
    const server = await tlsServer(
      pki.ec,
      (s) => {
        let got = '';
        s.on('data', (d: Buffer) => (got += d.toString()));
        s.on('end', () => heard(got));
        s.end('server done');
      },
      { allowHalfOpen: true },
    );
    try {
      const { pair } = await tcpStreams(server.port, true);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost', halfClose: true });
      expect(text(await readAll(conn.readable))).toBe('server done');
      const w = conn.writable.getWriter();
      await w.write(bytes('client still '));
      await w.write(bytes('talking'));
      await w.close();
      await conn.closed;
      expect(await serverHeard).toBe('client still talking');
    } finally {
      await server.close();
    }
  });

  it('fails the handshake with a code when the certificate is not trusted', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end('never'));
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.otherCa, serverName: 'localhost' });
      const err = await rejection(conn.handshake);
      expect(typeof err.code).toBe('string');
      expect(err.name).toBe('TlsError');
      expect(await rejection(readAll(conn.readable))).toBe(err);
      expect(await rejection(conn.writable.getWriter().write(bytes('x')))).toBe(err);
      expect(await rejection(conn.closed)).toBe(err);
    } finally {
      await server.close();
    }
  });

  it('fails on a name mismatch', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end('never'));
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'not-localhost.example' });
      const err = await rejection(conn.handshake);
      expect(typeof err.code).toBe('string');
    } finally {
      await server.close();
    }
  });

  it('reports TRUNCATED when the transport ends without close_notify, after the data before it', async () => {
    // TLS over a plain socket whose TCP end we control: the server writes, then ends TCP without close_notify.
    const ctx = tls.createSecureContext({ cert: pki.ec.cert, key: pki.ec.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    const server = await listen(
      net.createServer((raw) => {
        raw.on('error', () => {});
        const s = new tls.TLSSocket(raw, { isServer: true, secureContext: ctx });
        s.on('error', () => {});
        s.on('secure', () => s.write('partial', () => raw.end()));
      }),
    );
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      await conn.handshake;
      const reader = conn.readable.getReader();
      const first = await reader.read();
      expect(text(first.value!)).toBe('partial');
      const err = await rejection(reader.read());
      expect(err.code).toBe('TRUNCATED');
      expect((await rejection(conn.closed)).code).toBe('TRUNCATED');
    } finally {
      await server.close();
    }
  });

  it('without ca trusts only the Mozilla roots: a private CA is refused with a certificate code', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end());
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { serverName: 'localhost' });
      expect((await rejection(conn.handshake)).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await server.close();
    }
  });

  it('refuses invalid options with a coded error', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end());
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { serverName: 'localhost', ca: pki.ca, cipherSuites: ['NO-SUCH-SUITE'] });
      expect((await rejection(conn.handshake)).code).toBe('INVALID_OPTIONS');
    } finally {
      await server.close();
    }
  });

  it('aborts with ABORTED through the signal', async () => {
    // A server that accepts TCP and never answers: the handshake cannot complete.
    const silent = await silentServer();
    try {
      const { pair } = await tcpStreams(silent.port);
      const ac = new AbortController();
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost', signal: ac.signal });
      ac.abort();
      expect((await rejection(conn.handshake)).code).toBe('ABORTED');
    } finally {
      await silent.close();
    }
  });

  it('times out the handshake with HANDSHAKE_TIMEOUT', async () => {
    const silent = await silentServer();
    try {
      const { pair } = await tcpStreams(silent.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost', handshakeTimeout: 200 });
      expect((await rejection(conn.handshake)).code).toBe('HANDSHAKE_TIMEOUT');
    } finally {
      await silent.close();
    }
  });
});

describe('connect() against openssl s_server -tls1_2 -www', () => {
  it('GETs the status page and sees the cipher it negotiated', async () => {
    const server = await opensslWww(pki.rsa);
    try {
      const { pair } = await tcpStreams(server.port);
      const conn = connect(pair, { ca: pki.ca, serverName: 'localhost' });
      const info = await conn.handshake;
      const w = conn.writable.getWriter();
      await w.write(bytes('GET / HTTP/1.0\r\n\r\n'));
      const page = text(await readAll(conn.readable));
      expect(page).toMatch(/^HTTP\/1\.0 200 ok/);
      const m = /Cipher is (\S+)/.exec(page);
      expect(m?.[1]).toBe(info.cipherSuiteOpenssl);
      await w.close();
      await conn.closed;
    } finally {
      server.stop();
    }
  });
});
