// sanstls server ↔ a node:tls client: every suite × certificate × group, 1 MiB each way (we echo).
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential, ServerConnection, type ServerCredential } from '../../src/index.js';
import { equalBytes, matrix, MIB } from './matrix.js';
import { listenOnce, testData } from './peers.js';
import { CERT_TYPES, cleanupPkis, makePki, type CertType, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
const creds = {} as Record<CertType, ServerCredential>;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  for (const t of CERT_TYPES) creds[t] = loadCredential(pki.leaves[t].certPem, pki.leaves[t].keyPem);
});

describe.concurrent('sanstls server ↔ node:tls client', () => {
  for (const c of matrix()) {
    it(c.name, async () => {
      const l = await listenOnce();
      const data = testData(MIB, 5);
      const client = tls.connect({
        host: '127.0.0.1', port: l.port, servername: 'localhost', ca: pki.caPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
        ciphers: c.suite, ecdhCurve: 'X25519:P-256:P-384', ALPNProtocols: ['http/1.1'],
      });
      const clientSide = new Promise<{ got: Buffer; cipher: string; alpn: string | false | null }>((resolve, reject) => {
        const parts: Buffer[] = [];
        let n = 0;
        let cipher = '';
        let alpn: string | false | null = false;
        client.on('secureConnect', () => {
          cipher = client.getCipher().name;
          alpn = client.alpnProtocol;
          client.write(data);
        });
        client.on('data', (d: Buffer) => {
          parts.push(d);
          n += d.length;
          if (n >= MIB) client.end();
        });
        client.on('end', () => resolve({ got: Buffer.concat(parts), cipher, alpn }));
        client.on('error', reject);
      });
      clientSide.catch(() => {}); // awaited below; do not report the rejection twice
      const sock = await l.accepted;
      const conn = new ServerConnection({
        credentials: [creds.rsa2048, creds[c.cert]], groups: [c.group], alpn: ['h2', 'http/1.1'], selectCredentials: (name) => (name === 'localhost' ? undefined : []),
      });
      const res = await pump(conn, sock, { onData: (s, d) => s.write(d) });
      expect(res.error).toBeUndefined();
      expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, group: c.group, alpn: 'http/1.1', serverName: 'localhost', extendedMasterSecret: true });
      const got = await clientSide;
      expect({ cipher: got.cipher, alpn: got.alpn }).toEqual({ cipher: c.suite, alpn: 'http/1.1' });
      expect(equalBytes(res.received, data)).toBe(true);
      expect(equalBytes(got.got, data)).toBe(true);
    });
  }
});
