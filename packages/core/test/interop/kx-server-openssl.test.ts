// Issue 4: sanstls server ↔ `openssl s_client -tls1_2`, every RSA, DHE and CBC suite (kx-matrix.ts),
// named in our server's cipherSuites (which is what enables RSA and DHE on a server). The client decides
// encrypt-then-MAC (-no_etm for the MAC-then-encrypt rows). s_client sends its stdin; we echo it.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential, ServerConnection, type ServerCredential } from '../../src/index.js';
import { kxMatrix, opensslCipher, type KxCombo } from './kx-matrix.js';
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

function sClient(port: number, c: KxCombo, input: Uint8Array): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('openssl', [
      's_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.caFile,
      '-verify_return_error', '-verify_hostname', 'localhost', '-tls1_2', '-cipher', opensslCipher(c.suite),
      ...(c.cbc && !c.etm ? ['-no_etm'] : []), '-quiet', '-nocommands',
    ]);
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.stdin.on('error', () => {});
    p.stdin.end(input);
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

describe.concurrent('sanstls server ↔ openssl s_client (RSA, DHE, CBC)', () => {
  for (const c of kxMatrix()) {
    it(c.name, async () => {
      const l = await listenOnce();
      const data = testData(c.bytes, 11);
      const client = sClient(l.port, c, data);
      const conn = new ServerConnection({ credentials: [rsa, p256], cipherSuites: [c.suite] });
      const res = await pump(conn, await l.accepted, {
        onData: (s, d, total) => {
          s.write(d);
          if (total >= c.bytes) s.close();
        },
        endOnClose: false,
      });
      const cl = await client;
      expect(res.error).toBeUndefined();
      expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, keyExchange: c.keyExchange, encryptThenMac: c.etm, extendedMasterSecret: true });
      if (c.keyExchange === 'DHE') expect(res.info).toMatchObject({ group: 'ffdhe2048', dhBits: 2048 });
      expect(equalBytes(res.received, data)).toBe(true);
      expect(cl.stderr).not.toMatch(/error|alert/i);
      expect(equalBytes(cl.stdout, data)).toBe(true);
    });
  }
});
