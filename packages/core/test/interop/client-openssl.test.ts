// sanstls client ↔ `openssl s_server -tls1_2 -rev`: every suite × certificate × group, 1 MiB each way
// (the server answers each line reversed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { equalBytes, groupsFirst, matrix, MIB, opensslGroup, reversedLines, textLines } from './matrix.js';
import { connect, startOpensslServer } from './peers.js';
import { cleanupPkis, makePki, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

describe.concurrent('sanstls client ↔ openssl s_server', () => {
  for (const c of matrix()) {
    it(c.name, async () => {
      const leaf = pki.leaves[c.cert];
      const srv = await startOpensslServer([
        '-tls1_2', '-cipher', c.suite, '-groups', opensslGroup[c.group], '-cert', leaf.certFile, '-key', leaf.keyFile, '-rev',
      ]);
      try {
        const sock = await connect(srv.port);
        const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, groups: groupsFirst(c.group), cipherSuites: [c.suite] });
        const data = textLines(7);
        const res = await pump(conn, sock, {
          onHandshake: (cc) => cc.write(data),
          onData: (cc, _d, total) => {
            if (total >= MIB) cc.close();
          },
        });
        expect(res.error).toBeUndefined();
        expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, group: c.group, extendedMasterSecret: true, secureRenegotiation: true });
        expect(equalBytes(res.received, reversedLines(data))).toBe(true);
      } finally {
        srv.stop();
      }
    });
  }
});
