// sanstls server ↔ curl (--tlsv1.2 --tls-max 1.2 --cacert): every suite × certificate × group; curl POSTs
// 1 MiB and we answer with it reversed, so both directions are checked byte for byte.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const latin1 = new TextDecoder('latin1');

/** Minimal HTTP/1.1: once the whole request (headers + Content-Length body) is in, answer and close. */
function httpEcho() {
  let buf = new Uint8Array(0);
  return (conn: ServerConnection, d: Uint8Array) => {
    const next = new Uint8Array(buf.length + d.length);
    next.set(buf);
    next.set(d, buf.length);
    buf = next;
    const head = latin1.decode(buf.subarray(0, Math.min(buf.length, 4096)));
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const body = buf.subarray(end + 4);
    if (body.length < len) return;
    const reply = body.slice(0, len).reverse();
    conn.write(new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`));
    conn.write(reply);
    conn.close();
  };
}

describe.concurrent('sanstls server ↔ curl', () => {
  for (const c of matrix()) {
    it(c.name, async () => {
      const l = await listenOnce();
      const data = testData(MIB, 13);
      const tag = c.name.replace(/\W+/g, '_');
      const inFile = join(pki.dir, `${tag}.in`);
      const outFile = join(pki.dir, `${tag}.out`);
      writeFileSync(inFile, data);
      const curl = new Promise<{ err: Error | null; stdout: string; stderr: string }>((resolve) => {
        execFile('curl', [
          '-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', pki.caFile, '--ciphers', c.suite, '--curves', 'X25519:P-256:P-384',
          '--resolve', `localhost:${l.port}:127.0.0.1`, '-H', 'Expect:', '--data-binary', `@${inFile}`, '-o', outFile,
          '-w', '%{http_code} %{http_version}', `https://localhost:${l.port}/echo`,
        ], (err, stdout, stderr) => resolve({ err, stdout, stderr }));
      });
      const sock = await l.accepted;
      const conn = new ServerConnection({ credentials: [creds.rsa2048, creds[c.cert]], groups: [c.group], alpn: ['http/1.1'] });
      const onData = httpEcho();
      const res = await pump(conn, sock, { onData: (s, d) => onData(s as ServerConnection, d), endOnClose: false });
      const r = await curl;
      expect(res.error).toBeUndefined();
      expect(r.err).toBeNull();
      expect(r.stdout).toBe('200 1.1');
      expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, group: c.group, alpn: 'http/1.1', serverName: 'localhost' });
      expect(res.received.length).toBeGreaterThan(MIB);
      expect(equalBytes(readFileSync(outFile), data.slice().reverse())).toBe(true);
    });
  }
});
