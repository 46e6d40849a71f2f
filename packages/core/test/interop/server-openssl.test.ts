// sanstls server ↔ `openssl s_client -tls1_2`: every suite × certificate × group, 1 MiB each way
// (s_client sends its stdin; we echo it; s_client prints what it receives).
import { spawn } from 'node:child_process';
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

function sClient(port: number, suite: string, input: Uint8Array): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('openssl', [
      's_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.caFile,
      '-verify_return_error', '-verify_hostname', 'localhost', '-tls1_2', '-cipher', suite,
      '-groups', 'X25519:P-256:P-384', '-alpn', 'http/1.1', '-quiet', '-nocommands',
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

describe.concurrent('sanstls server ↔ openssl s_client', () => {
  for (const c of matrix()) {
    it(c.name, async () => {
      const l = await listenOnce();
      const data = testData(MIB, 11);
      const client = sClient(l.port, c.suite, data);
      const sock = await l.accepted;
      const conn = new ServerConnection({ credentials: [creds.rsa2048, creds[c.cert]], groups: [c.group], alpn: ['http/1.1'] });
      const res = await pump(conn, sock, {
        onData: (s, d, total) => {
          s.write(d);
          if (total >= MIB) s.close();
        },
        endOnClose: false,
      });
      const cl = await client;
      expect(res.error).toBeUndefined();
      expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, group: c.group, alpn: 'http/1.1', extendedMasterSecret: true });
      expect(equalBytes(res.received, data)).toBe(true);
      expect(cl.stderr).not.toMatch(/error|alert/i);
      expect(equalBytes(cl.stdout, data)).toBe(true);
    });
  }
});
