// Issue 4: sanstls client ↔ a node:tls echo server, every RSA, DHE and CBC suite (kx-matrix.ts). The server
// decides encrypt-then-MAC (SSL_OP_NO_ENCRYPT_THEN_MAC for the MAC-then-encrypt rows); DHE with
// `dhparam: 'auto'` (OpenSSL's choice of group for the key size).
import { constants } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { kxMatrix } from './kx-matrix.js';
import { equalBytes } from './matrix.js';
import { connect, testData } from './peers.js';
import { cleanupPkis, makePki, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

function nodeEchoServer(opts: tls.TlsOptions): Promise<{ port: number; server: tls.Server; cipher: Promise<string> }> {
  return new Promise((resolve) => {
    let report!: (x: string) => void;
    const cipher = new Promise<string>((r) => (report = r));
    const server = tls.createServer(opts, (s) => {
      report(s.getCipher().name);
      s.pipe(s);
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server, cipher }));
  });
}

describe.concurrent('sanstls client ↔ node:tls server (RSA, DHE, CBC)', () => {
  for (const c of kxMatrix()) {
    it(c.name, async () => {
      const leaf = pki.leaves[c.cert];
      const { port, server, cipher } = await nodeEchoServer({
        cert: leaf.certPem, key: leaf.keyPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: c.suite, dhparam: 'auto',
        ...(c.cbc && !c.etm ? { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC } : {}),
      });
      try {
        const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [c.suite] });
        const data = testData(c.bytes, 3);
        const res = await pump(conn, await connect(port), {
          onHandshake: (cc) => cc.write(data),
          onData: (cc, _d, total) => {
            if (total >= c.bytes) cc.close();
          },
        });
        expect(res.error).toBeUndefined();
        expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, keyExchange: c.keyExchange, encryptThenMac: c.etm, extendedMasterSecret: true });
        if (c.keyExchange === 'DHE') expect(res.info?.dhBits).toBeGreaterThanOrEqual(2048);
        expect(await cipher).toBe(c.suite);
        expect(equalBytes(res.received, data)).toBe(true);
      } finally {
        server.close();
      }
    });
  }
});
