// A sanstls client in Deno against `openssl s_server -WWW`: not only Deno talking to Deno.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pki, runDeno, sha256, testData } from './helpers.js';

const servers: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.kill('SIGKILL');
});

/** Starts `openssl s_server -WWW` serving `dir` on a free port; resolves with the port. */
function sServer(dir: string, cert: string, key: string, extra: string[]): Promise<number> {
  const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', cert, '-key', key, '-WWW', '-alpn', 'http/1.1', ...extra], { cwd: dir });
  servers.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', (code) => reject(new Error(`s_server exited (${code}) before accepting:\n${out}`)));
  });
}

describe('@sanstls/deno client against openssl s_server', () => {
  for (const [kind, cipher] of [['ec', 'ECDHE-ECDSA-CHACHA20-POLY1305'], ['rsa', 'ECDHE-RSA-AES256-GCM-SHA384']] as const) {
    it(`GETs a 1.5 MiB file (${kind} certificate, ${cipher} forced by the server)`, async () => {
      const p = pki();
      const file = testData(1536 * 1024, kind === 'ec' ? 7 : 8);
      writeFileSync(join(p.dir, `blob-${kind}.bin`), file);
      const port = await sServer(p.dir, p[kind].cert, p[kind].key, ['-cipher', cipher, '-serverpref']);
      const { result } = await runDeno('client-vs-openssl.ts', { port, ca: p.ca, path: `blob-${kind}.bin` }, { read: [p.dir] });
      expect(result).toEqual({
        alpn: 'http/1.1',
        cipherSuite: kind === 'ec' ? 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' : 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        group: expect.any(String),
        end: 'close_notify',
        statusLine: expect.stringMatching(/^HTTP\/1\.0 200 ok/i),
        bodyBytes: file.length,
        bodySha256: sha256(file),
      });
    });
  }
});
