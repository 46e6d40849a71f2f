// Issue 4: sanstls server ↔ a node:tls client, every RSA, DHE and CBC suite (kx-matrix.ts), named in our
// server's cipherSuites. The client decides encrypt-then-MAC (SSL_OP_NO_ENCRYPT_THEN_MAC for the
// MAC-then-encrypt rows). We echo.
import { constants } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential, ServerConnection, type ServerCredential } from '../../src/index.js';
import { kxMatrix } from './kx-matrix.js';
import { equalBytes } from './matrix.js';
import { listenOnce, testData } from './peers.js';
import { cleanupPkis, makePki, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
let rsa: ServerCredential;
let p256: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  rsa = loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem);
  p256 = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
});

describe.concurrent('sanstls server ↔ node:tls client (RSA, DHE, CBC)', () => {
  for (const c of kxMatrix()) {
    it(c.name, async () => {
      const l = await listenOnce();
      const data = testData(c.bytes, 5);
      const client = tls.connect({
        host: '127.0.0.1', port: l.port, servername: 'localhost', ca: pki.caPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
        ciphers: c.suite, ...(c.cbc && !c.etm ? { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC } : {}),
      });
      const clientSide = new Promise<{ got: Buffer; cipher: string }>((resolve, reject) => {
        const parts: Buffer[] = [];
        let n = 0;
        let cipher = '';
        client.on('secureConnect', () => {
          cipher = client.getCipher().name;
          client.write(data);
        });
        client.on('data', (d: Buffer) => {
          parts.push(d);
          n += d.length;
          if (n >= c.bytes) client.end();
        });
        client.on('end', () => resolve({ got: Buffer.concat(parts), cipher }));
        client.on('error', reject);
      });
      clientSide.catch(() => {}); // awaited below
      const conn = new ServerConnection({ credentials: [rsa, p256], cipherSuites: [c.suite] });
      const res = await pump(conn, await l.accepted, { onData: (s, d) => s.write(d) });
      expect(res.error).toBeUndefined();
      expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, keyExchange: c.keyExchange, encryptThenMac: c.etm, extendedMasterSecret: true });
      const got = await clientSide;
      expect(got.cipher).toBe(c.suite);
      expect(equalBytes(res.received, data)).toBe(true);
      expect(equalBytes(got.got, data)).toBe(true);
    });
  }
});
