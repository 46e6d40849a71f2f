// The runnable examples in examples/ (see examples/README.md), run the way their header comments say, but
// against servers on 127.0.0.1 instead of the internet: each takes the URL (or target) and the certificate
// to trust as arguments. The local peers are real ones: node:https (OpenSSL) for the clients, Node's https
// client (OpenSSL) for the server example, headless Chromium for the browser page.
// Needs the packages built (npm test builds first) and, for the browser example, /usr/bin/chromium.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { generateSelfSigned } from '@sanstls/cli';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = join(ROOT, 'examples');
/** What `npx deno` runs: the binary of the npm `deno` package. */
const DENO = join(ROOT, 'node_modules/.bin/deno');
const CHROMIUM = '/usr/bin/chromium';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running example: its output so far, a wait for a line, and its exit. */
interface Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly output: () => Run;
  /** Resolves with the first match of `re` in stdout; rejects if the process exits first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<Run>;
}

const children: Child[] = [];

function start(cmd: string, args: string[]): Child {
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let code: number | null = null;
  const output = (): Run => ({ code, stdout, stderr });
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Run>((resolvePromise) =>
    proc.on('close', (c) => {
      code = c;
      resolvePromise(output());
    }),
  );
  const waitFor = (re: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((resolvePromise, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${re} within ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
      const check = () => {
        const m = re.exec(stdout);
        if (m) done(undefined, m);
      };
      const onExit = () => done(new Error(`${args.join(' ')} exited (${code}) before printing ${re}:\n${stdout}\n${stderr}`));
      const done = (err?: Error, m?: RegExpExecArray) => {
        clearTimeout(timer);
        proc.stdout.off('data', check);
        proc.off('close', onExit);
        if (err) reject(err);
        else resolvePromise(m!);
      };
      proc.stdout.on('data', check);
      proc.on('close', onExit);
      check();
    });
  const child = { proc, output, waitFor, exited };
  children.push(child);
  return child;
}

/** Runs a TypeScript example with Node (tsx as the loader, one process, as `npx tsx` would). */
const node = (file: string, args: string[]) => start(process.execPath, ['--import', 'tsx', join(EXAMPLES, file), ...args]);

/** Runs it to the end (killed after `timeoutMs`). */
async function finish(child: Child, timeoutMs = 30_000): Promise<Run> {
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

let work: string;
/** The local server's self-signed certificate (localhost, 127.0.0.1): the file the clients trust. */
let certFile: string;
/** Another self-signed certificate, which signed nothing here. */
let otherCertFile: string;
let server: https.Server;
let port: number;
/** Fresh per run: the body must really come from this server. */
const nonce = randomBytes(8).toString('hex');
const served: { url: string; cipher: string; protocol: string | null }[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sanstls-examples-'));
  const cert = await generateSelfSigned({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 1 });
  const other = await generateSelfSigned({ commonName: 'another localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 1 });
  certFile = join(work, 'cert.pem');
  otherCertFile = join(work, 'other.pem');
  writeFileSync(certFile, cert.certPem);
  writeFileSync(otherCertFile, other.certPem);
  server = https.createServer({ key: cert.keyPem, cert: cert.certPem, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const socket = req.socket as TLSSocket;
    served.push({ url: req.url ?? '', cipher: socket.getCipher().name, protocol: socket.getProtocol() });
    const body = `hello from node:https ${nonce}, you asked for ${req.url}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const c of children) if (c.output().code === null) c.proc.kill('SIGKILL');
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

const helloFrom = (path: string) => `hello from node:https ${nonce}, you asked for ${path}\n`;

describe('examples/node-https-get.ts', () => {
  it('GETs from node:https with https.get over a sanstls Agent, trusting the given certificate', async () => {
    const r = await finish(node('node-https-get.ts', [`https://localhost:${port}/node-https-get?x=1`, certFile]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\* TLSv1\.2 TLS_ECDHE_ECDSA_WITH_\w+, certificate for localhost verified$/m);
    expect(r.stdout).toBe(`HTTP/1.1 200 OK\n${helloFrom('/node-https-get?x=1')}`);
    expect(served.at(-1)).toMatchObject({ url: '/node-https-get?x=1', protocol: 'TLSv1.2' });
  });

  it('refuses the server when the certificate it trusts is another one, and exits 1', async () => {
    const before = served.length;
    const r = await finish(node('node-https-get.ts', [`https://localhost:${port}/never`, otherCertFile]));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: DEPTH_ZERO_SELF_SIGNED_CERT: /m);
    expect(served.length).toBe(before);
  });
});

describe('examples/node-fetch.ts', () => {
  it('fetches from node:https through undici over sanstls', async () => {
    const r = await finish(node('node-fetch.ts', [`https://localhost:${port}/node-fetch`, certFile]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^< 200 OK$/m);
    expect(r.stderr).toMatch(/^< content-length: \d+$/m);
    expect(r.stdout).toBe(helloFrom('/node-fetch'));
    expect(served.at(-1)?.url).toBe('/node-fetch');
  });
});

describe('examples/node-server.ts', () => {
  it("serves Node's https client (OpenSSL) and examples/node-https-get.ts with a certificate it made, then stops on SIGTERM", async () => {
    const srv = node('node-server.ts', ['0']);
    const m = await srv.waitFor(/^listening on https:\/\/localhost:(\d+)\/ \(certificate: (.+)\)$/m);
    const serverPort = Number(m[1]);
    const trust = readFileSync(m[2]!, 'utf8');
    expect(trust).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    const request = (path: string, body?: Buffer) =>
      new Promise<{ status: number; text: string; cipher: string; alpn: string | false | null }>((resolvePromise, reject) => {
        const options: https.RequestOptions & ConnectionOptions = {
          host: '127.0.0.1',
          servername: 'localhost',
          port: serverPort,
          path,
          method: body ? 'POST' : 'GET',
          ca: trust,
          ALPNProtocols: ['http/1.1'],
          agent: false,
        };
        const req = https.request(
          options,
          (res) => {
            const socket = res.socket as TLSSocket;
            const cipher = socket.getCipher().standardName;
            const alpn = socket.alpnProtocol;
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text, cipher, alpn }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    const get = await request('/from-node-https');
    expect(get.status).toBe(200);
    expect(get.alpn).toBe('http/1.1');
    expect(get.text).toBe(`hello from sanstls in Node; you asked for /from-node-https over TLSv1.2 ${get.cipher}, SNI localhost\n`);
    expect(get.cipher).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);

    const upload = randomBytes((1 << 20) + 7);
    const echo = await request('/echo', upload);
    expect(echo.status).toBe(200);
    expect(JSON.parse(echo.text)).toEqual({ bytes: upload.length, sha256: createHash('sha256').update(upload).digest('hex') });

    // The sanstls client example against the sanstls server example.
    const r = await finish(node('node-https-get.ts', [`https://localhost:${serverPort}/from-the-client-example`, m[2]!]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\* TLSv1\.2 TLS_ECDHE_ECDSA_WITH_\w+, certificate for localhost verified$/m);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\nhello from sanstls in Node; you asked for \/from-the-client-example over TLSv1\.2 TLS_ECDHE_ECDSA_WITH_\w+, SNI localhost\n$/);

    srv.proc.kill('SIGTERM');
    const end = await finish(srv, 10_000);
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toMatch(/\nstopped\n$/);
    expect(existsSync(m[2]!)).toBe(false); // it cleaned up the certificate it made
  });
});

describe('examples/deno-https-get.ts', () => {
  it('GETs from node:https with the Deno binary (npx deno), trusting the given certificate', async () => {
    const r = await finish(
      start(DENO, ['run', '--quiet', '--no-prompt', '--allow-net=localhost', `--allow-read=${work}`, join(EXAMPLES, 'deno-https-get.ts'), `https://localhost:${port}/deno-https-get`, certFile]),
      50_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\* TLSv1\.2 TLS_ECDHE_ECDSA_WITH_\w+ \(x25519\), ALPN http\/1\.1\n$/);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout.endsWith(`\r\n\r\n${helloFrom('/deno-https-get')}`)).toBe(true);
    expect(served.at(-1)).toMatchObject({ url: '/deno-https-get', protocol: 'TLSv1.2' });
  });
});

describe('examples/browser', () => {
  it(
    'serve.ts bundles the page, and in Chromium the page GETs from node:https through the relay',
    async () => {
      const srv = node('browser/serve.ts', ['--port', '0', '--allow', `127.0.0.1:${port}`, '--ca', certFile]);
      const m = await srv.waitFor(/^open (http:\/\/localhost:\d+\/) \(relay ws:\/\/127\.0\.0\.1:\d+\/, allowed: 127\.0\.0\.1:\d+; \d+ KiB of script\)$/m, 60_000);
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${m[1]}?target=127.0.0.1:${port}&servername=localhost&path=/from-the-browser&go`);
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 30_000 });
        const state = await page.getAttribute('body', 'data-state');
        const out = (await page.textContent('#out')) ?? '';
        const info = (await page.textContent('#info')) ?? '';
        expect({ state, errors }, out).toEqual({ state: 'done', errors: [] });
        expect(info).toMatch(/^TLS 1\.2, TLS_ECDHE_ECDSA_WITH_\w+ \(\w+\), ALPN http\/1\.1$/);
        expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(out.endsWith(`\r\n\r\n${helloFrom('/from-the-browser')}`)).toBe(true);
        expect(served.at(-1)).toMatchObject({ url: '/from-the-browser', protocol: 'TLSv1.2' });
      } finally {
        await browser.close();
      }
      srv.proc.kill('SIGTERM');
      const end = await finish(srv, 10_000);
      expect(end.code, end.stderr).toBe(0);
      // The relay logged the tunnel to the target.
      expect(end.stderr).toContain(`127.0.0.1:${port}`);
    },
    120_000,
  );
});
