// @sanstls/web in headless Chromium: a page served from http://localhost (a secure context) loads the
// browser bundle, makes HTTPS GETs through the relay to a Node https server and to openssl s_server -www,
// checks the responses in the page and reports them with the negotiated cipher.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '../src/relay/index.js';
import { bundlePage, bundleSize } from './browser/bundle.js';
import type { EchoRequest, EchoResult, GetRequest, GetResult } from './browser/page.js';
import { echoServer, listen, makePki, opensslWww, type Listening, type Pki } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** The suites sanstls offers by default (core DEFAULT_CIPHER_SUITES), OpenSSL names. */
const OFFERED = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

let pki: Pki;
let work: string;
let site: Listening<http.Server>;
let httpsServer: Listening<https.Server>;
let echo: Listening<import('node:tls').Server>;
let openssl: Awaited<ReturnType<typeof opensslWww>>;
let relay: Relay;
let browser: Browser;
let page: Page;
/** What the https server answers, fresh per run, and the cipher it saw per request. */
const nonce = randomBytes(16).toString('hex');
const serverCiphers: string[] = [];

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'sanstls-web-page-'));
  const script = readFileSync(await bundlePage(work));

  httpsServer = await listen(
    https.createServer({ cert: pki.ec.cert, key: pki.ec.key }, (req, res) => {
      serverCiphers.push((req.socket as import('node:tls').TLSSocket).getCipher().name);
      const body = `hello from node https, ${nonce}, you asked for ${req.url}`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }),
  );
  openssl = await opensslWww(pki.rsa);
  echo = await echoServer(pki.ec);

  site = await listen(
    http.createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><meta charset="utf-8"><title>sanstls web</title><script type="module" src="/page.js"></script>\n');
      } else if (req.url === '/page.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
        res.end(script);
      } else {
        res.writeHead(404);
        res.end();
      }
    }),
  );
  relay = await startRelay({
    allow: [`127.0.0.1:${httpsServer.port}`, `127.0.0.1:${openssl.port}`, `127.0.0.1:${echo.port}`],
    origins: [`http://localhost:${site.port}`],
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://localhost:${site.port}/`);
  await page.waitForFunction(() => 'sanstlsTest' in globalThis).catch((e: Error) => {
    throw new Error(`the page script did not load: ${errors.join('; ') || e.message}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await site?.close();
  await httpsServer?.close();
  await echo?.close();
  openssl?.stop();
  pki?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function httpsGet(req: Omit<GetRequest, 'relay' | 'ca'> & { ca?: string }): Promise<GetResult> {
  const full: GetRequest = { relay: `ws://localhost:${relay.port}/`, ca: pki.ca, ...req };
  return page.evaluate((r) => (globalThis as unknown as { sanstlsTest: PageApi }).sanstlsTest.httpsGet(r), full);
}

type PageApi = { httpsGet(r: GetRequest): Promise<GetResult>; echo(r: EchoRequest): Promise<EchoResult> };

function echoInPage(size: number): Promise<EchoResult> {
  const req: EchoRequest = { relay: `ws://localhost:${relay.port}/`, ca: pki.ca, target: `127.0.0.1:${echo.port}`, serverName: 'localhost', size };
  return page.evaluate((r) => (globalThis as unknown as { sanstlsTest: PageApi }).sanstlsTest.echo(r), req);
}

describe('@sanstls/web in Chromium', () => {
  it('GETs from a Node https server through the relay', async () => {
    const before = serverCiphers.length;
    const r = await httpsGet({ target: `127.0.0.1:${httpsServer.port}`, serverName: 'localhost', path: '/from-chromium' });
    if (!r.ok) throw new Error(`GET failed in the page: ${r.code}: ${r.message}`);
    expect(r.secureContext).toBe(true);
    expect(r.status).toBe(200);
    expect(r.body).toBe(`hello from node https, ${nonce}, you asked for /from-chromium`);
    expect(r.cipherSuite).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(OFFERED).toContain(r.cipherSuiteOpenssl);
    expect(serverCiphers.slice(before)).toEqual([r.cipherSuiteOpenssl]);
  });

  it('GETs the openssl s_server -www status page through the relay', async () => {
    const r = await httpsGet({ target: `127.0.0.1:${openssl.port}`, serverName: 'localhost', path: '/' });
    if (!r.ok) throw new Error(`GET failed in the page: ${r.code}: ${r.message}`);
    expect(r.status).toBe(200);
    expect(r.cipherSuite).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    expect(OFFERED).toContain(r.cipherSuiteOpenssl);
    // The status page names the cipher openssl negotiated: the same one.
    expect(/Cipher is (\S+)/.exec(r.body)?.[1]).toBe(r.cipherSuiteOpenssl);
  });

  it('moves 2 MiB each way through an echo server, compared in the page', async () => {
    const r = await echoInPage(2 * 1024 * 1024);
    if (!r.ok) throw new Error(`echo failed in the page: ${r.code}: ${r.message}`);
    expect(r.sent).toBe(2 * 1024 * 1024);
    expect(r.received).toBe(r.sent);
    expect(r.identical).toBe(true);
  });

  it('reports a coded error for an untrusted certificate', async () => {
    const r = await httpsGet({ target: `127.0.0.1:${httpsServer.port}`, serverName: 'localhost', path: '/', ca: pki.otherCa });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(typeof r.code).toBe('string');
    expect(r.code).not.toBe('TRANSPORT_ERROR');
  });

  it('cannot reach a target the relay does not allow', async () => {
    const r = await httpsGet({ target: `127.0.0.1:${site.port}`, serverName: 'localhost', path: '/' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('TRANSPORT_ERROR');
  });

  it('has a measurable browser bundle', async () => {
    const size = await bundleSize(join(work, 'size'));
    console.log(`@sanstls/web browser bundle: ${size.min} bytes minified, ${size.gzip} bytes min+gzip`);
    expect(size.gzip).toBeGreaterThan(0);
    expect(size.gzip).toBeLessThan(size.min);
  });
});
