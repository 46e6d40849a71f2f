// examples/deno-https-server.ts at the repository root (HTTP/1.1 over sanstls listen(), imported as the
// package '@sanstls/deno') answers Node's https client (OpenSSL), Deno's own fetch (rustls), and
// examples/deno-https-get.ts (a sanstls client), all with the real Deno binary.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pki, ROOT, runDeno, sha256, testData } from './helpers.js';

const DENO = join(ROOT, 'node_modules/.bin/deno');
const EXAMPLES = join(ROOT, 'examples');

let server: ChildProcessWithoutNullStreams | undefined;
let port = 0;
let serverLog = '';

beforeAll(async () => {
  const p = pki();
  server = spawn(DENO, ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', `--allow-read=${p.dir}`, join(EXAMPLES, 'deno-https-server.ts'), p.ec.cert, p.ec.key, '0'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  port = await new Promise<number>((resolve, reject) => {
    server!.stdout.setEncoding('utf8').on('data', (d: string) => {
      serverLog += d;
      const m = /listening on https:\/\/localhost:(\d+)\//.exec(serverLog);
      if (m) resolve(Number(m[1]));
    });
    server!.stderr.setEncoding('utf8').on('data', (d: string) => (serverLog += d));
    server!.on('close', (code) => reject(new Error(`example server exited (${code}):\n${serverLog}`)));
  });
});

afterAll(() => {
  server?.kill('SIGKILL');
});

function request(agent: https.Agent, path: string, method = 'GET', body?: Buffer): Promise<{ status: number; body: string; socketPort: number | undefined; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port, path, method, agent, ca: readFileSync(pki().ca) }, (res) => {
      let text = '';
      // Read now: at 'end' a kept-alive socket is already back in the agent's pool.
      const socket = res.socket as import('node:tls').TLSSocket;
      const socketPort = socket.localPort;
      const alpn = socket.alpnProtocol;
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, socketPort, alpn }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('examples/deno-https-server.ts: HTTP/1.1 over a sanstls listener in Deno', () => {
  it("answers Node's https client, two requests on one kept-alive connection and a 1 MiB POST", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await request(agent, '/first');
      const b = await request(agent, '/second');
      expect(a).toEqual({ status: 200, body: 'hello from sanstls in Deno, 127.0.0.1; you asked for /first\n', socketPort: expect.any(Number), alpn: false });
      expect(b.body).toBe('hello from sanstls in Deno, 127.0.0.1; you asked for /second\n');
      expect(b.socketPort).toBe(a.socketPort); // the same connection
      const upload = testData(1024 * 1024 + 3, 11);
      const c = await request(agent, '/echo', 'POST', upload);
      expect(c.status).toBe(200);
      expect(JSON.parse(c.body)).toEqual({ bytes: upload.length, sha256: sha256(upload) });
    } finally {
      agent.destroy();
    }
  });

  it("answers Deno's own fetch (rustls)", async () => {
    const p = pki();
    const size = 700_000;
    const { result } = await runDeno('fetch.ts', { port, ca: p.ca, size }, { read: [p.dir], net: ['localhost'] });
    expect(result).toEqual({
      get: { status: 200, text: 'hello from sanstls in Deno, 127.0.0.1; you asked for /from-deno-fetch\n' },
      post: { status: 200, json: { bytes: size, sha256: sha256(testData(size, 9)) } },
    });
  });

  it('answers examples/deno-https-get.ts (a sanstls client) with ALPN http/1.1', async () => {
    const p = pki();
    const child = spawn(DENO, ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-net=localhost', `--allow-read=${p.dir}`, join(EXAMPLES, 'deno-https-get.ts'), `https://localhost:${port}/via-get-example`, p.ca], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^\* TLSv1\.2 TLS_ECDHE_ECDSA_\S+ \(\w+\), ALPN http\/1\.1\n$/) });
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(stdout).toContain('connection: close\r\n');
    expect(stdout.endsWith('\r\n\r\nhello from sanstls in Deno, 127.0.0.1; you asked for /via-get-example\n')).toBe(true);
  });
});
