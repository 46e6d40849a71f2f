// sanstls in Deno against Deno's own TLS (rustls), both directions, with the real Deno binary.
import { describe, expect, it } from 'vitest';
import { pki, runDeno, sha256, testData } from './helpers.js';

const MiB = 1024 * 1024;

describe('@sanstls/deno against Deno.listenTls / Deno.connectTls (rustls)', () => {
  it('the test data is not degenerate', () => {
    const d = testData(MiB, 1);
    expect(new Set(d).size).toBe(256);
    expect(sha256(d)).not.toBe(sha256(testData(MiB, 2)));
  });

  it('a sanstls client (connect) moves 1 MiB each way with a Deno.listenTls server', async () => {
    const p = pki();
    const size = MiB + 12345;
    const { result } = await runDeno('client-vs-rustls.ts', { cert: p.ec.cert, key: p.ec.key, ca: p.ca, size }, { read: [p.dir] });
    expect(result).toEqual({
      client: {
        alpn: 'sanstls-test',
        version: 'TLSv1.2',
        cipherSuite: expect.stringMatching(/^TLS_ECDHE_ECDSA_WITH_/),
        serverName: 'localhost',
        peerCertificates: 1,
        remotePort: expect.any(Number),
        sha256: sha256(testData(size, 2)),
        bytes: size,
      },
      server: {
        alpn: 'sanstls-test',
        sha256: sha256(testData(size, 1)),
        bytes: size,
        // the client's close_notify ended the stream right after the data
        trailing: 0,
      },
    });
  });

  it('Deno.connectTls moves 1 MiB each way with a sanstls server (listen); read(p)/write(p) and a half-closing client', async () => {
    const p = pki();
    const size = MiB + 54321;
    const { result } = await runDeno('rustls-vs-server.ts', { cert: p.ec.cert, key: p.ec.key, ca: p.ca, size }, { read: [p.dir], net: ['127.0.0.1', 'localhost'] });
    expect(result).toEqual({
      loop: 'iteration ended',
      bulk: {
        client: { alpn: 'sanstls-test', sha256: sha256(testData(size, 4)), bytes: size, trailing: 0 },
        server: {
          alpn: 'sanstls-test',
          cipherSuite: expect.stringMatching(/^TLS_ECDHE_ECDSA_WITH_/),
          sha256: sha256(testData(size, 3)),
          bytes: size,
          trailing: 0,
        },
      },
      requestResponse: {
        client: { alpn: null, sha256: sha256(testData(300_000, 6)), bytes: 300_000 },
        server: { sha256: sha256(testData(100_000, 5)), bytes: 100_000, written: 300_000, endOfStream: null },
      },
    });
  });

  it('works with an RSA certificate too', async () => {
    const p = pki();
    const size = 200_000;
    const { result } = await runDeno('client-vs-rustls.ts', { cert: p.rsa.cert, key: p.rsa.key, ca: p.ca, size }, { read: [p.dir] });
    const r = result as { client: { cipherSuite: string; sha256: string }; server: { sha256: string } };
    expect(r.client.cipherSuite).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    expect(r.client.sha256).toBe(sha256(testData(size, 2)));
    expect(r.server.sha256).toBe(sha256(testData(size, 1)));
  });
});
