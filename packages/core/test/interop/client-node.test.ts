// sanstls client ↔ a node:tls echo server: every suite × certificate × group, 1 MiB each way.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { equalBytes, groupsFirst, matrix, MIB, opensslGroup } from './matrix.js';
import { connect, testData } from './peers.js';
import { cleanupPkis, makePki, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

function nodeEchoServer(opts: tls.TlsOptions): Promise<{ port: number; server: tls.Server; negotiated: Promise<{ cipher: string; alpn: string | false | null }> }> {
  return new Promise((resolve) => {
    let report!: (x: { cipher: string; alpn: string | false | null }) => void;
    const negotiated = new Promise<{ cipher: string; alpn: string | false | null }>((r) => (report = r));
    const server = tls.createServer(opts, (s) => {
      report({ cipher: s.getCipher().name, alpn: s.alpnProtocol });
      s.pipe(s);
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server, negotiated }));
  });
}

describe.concurrent('sanstls client ↔ node:tls server', () => {
  for (const c of matrix()) {
    it(c.name, async () => {
      const leaf = pki.leaves[c.cert];
      const { port, server, negotiated } = await nodeEchoServer({
        cert: leaf.certPem, key: leaf.keyPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
        ciphers: c.suite, ecdhCurve: opensslGroup[c.group], ALPNProtocols: ['h2', 'http/1.1'],
      });
      try {
        const sock = await connect(port);
        const conn = new ClientConnection({
          serverName: 'localhost', ca: pki.caPem, groups: groupsFirst(c.group), cipherSuites: [c.suite], alpn: ['http/1.1'],
        });
        const data = testData(MIB, 3);
        const res = await pump(conn, sock, {
          onHandshake: (cc) => cc.write(data),
          onData: (cc, _d, total) => {
            if (total >= MIB) cc.close();
          },
        });
        expect(res.error).toBeUndefined();
        expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, group: c.group, alpn: 'http/1.1', extendedMasterSecret: true });
        expect(await negotiated).toEqual({ cipher: c.suite, alpn: 'http/1.1' });
        expect(equalBytes(res.received, data)).toBe(true);
      } finally {
        server.close();
      }
    });
  }
});
