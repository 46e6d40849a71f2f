// sanstls s_server against real clients: `openssl s_client -tls1_2` and `curl --tlsv1.2 --tls-max 1.2`.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ClientConnection } from '@sanstls/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, makePki, sanstls, sanstlsServer, start, type Child, type Pki } from './helpers.js';

describe('sanstls s_server', () => {
  let pki: Pki;
  const servers: Child[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterEach(() => {
    for (const s of servers.splice(0)) s.kill();
  });
  afterAll(() => pki.cleanup());

  async function server(args: string[]) {
    const s = await sanstlsServer(args);
    servers.push(s.child);
    return s;
  }

  const curl = (port: number, extra: string[] = []) =>
    finish(start('curl', ['-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', pki.path('ca.pem'), ...extra, `https://localhost:${port}/status`]));

  it('-www answers curl with the status page (RSA certificate)', async () => {
    const { child, port } = await server(['-www', '-cert', pki.path('rsa.pem'), '-key', pki.path('rsa.key'), '-naccept', '1']);
    const r = await curl(port);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('sanstls s_server -www');
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-RSA-');
    expect(r.stdout).toContain('Request: GET /status HTTP/1.1');
    // What curl (OpenSSL underneath) offered, as the server observed it.
    expect(r.stdout).toMatch(/Cipher suites offered by the client \(\d+\):/);
    expect(r.stdout).toContain('SNI               : localhost');
    const end = await finish(child);
    expect(end.code, end.stderr).toBe(0);
  });

  it('-www: curl choosing a suite sees it marked on the page (ECDSA certificate)', async () => {
    const { port } = await server(['-www', '-cert', pki.path('ec.pem'), '-key', pki.path('ec.key')]);
    const r = await curl(port, ['--ciphers', 'ECDHE-ECDSA-CHACHA20-POLY1305']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305');
    expect(r.stdout).toContain('* ECDHE-ECDSA-CHACHA20-POLY1305 (TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, 0xcca9)');
  });

  it('-www answers openssl s_client -tls1_2, which verifies the certificate', async () => {
    const { child, port } = await server(['-www', '-cert', pki.path('rsa.pem'), '-key', pki.path('rsa.key'), '-naccept', '1']);
    const c = start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
      '-verify_return_error', '-ign_eof'], { input: 'GET / HTTP/1.0\r\n\r\n' });
    const r = await finish(c);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Verify return code: 0 (ok)');
    expect(r.stdout).toContain('HTTP/1.0 200 ok');
    // openssl's view of the cipher and ours (on the page) agree.
    const theirs = /New, TLSv1\.2, Cipher is (\S+)/.exec(r.stdout.split('HTTP/1.0')[0]!)?.[1];
    expect(theirs).toMatch(/^ECDHE-RSA-/);
    expect(r.stdout.split('HTTP/1.0 200 ok')[1]).toContain(`New, TLSv1.2, Cipher is ${theirs}`);
    expect((await finish(child)).code).toBe(0);
  });

  it('-cipher and -groups restrict what the server accepts', async () => {
    const { port } = await server(['-www', '-cert', pki.path('rsa.pem'), '-key', pki.path('rsa.key'), '-cipher', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      '-groups', 'secp384r1']);
    const r = await curl(port);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384');
    expect(r.stdout).toContain('Key exchange  : ECDHE secp384r1');
    // A client offering nothing in common is refused.
    const refused = await curl(port, ['--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/handshake failure/i);
  });

  it('without -www: prints what the client sends and sends its stdin', async () => {
    const { child, port } = await server(['-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-naccept', '1']);
    const c = start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
      '-verify_return_error', '-no_ign_eof'], { input: 'hello from openssl\n', keepStdinOpen: true });
    await child.waitFor(/hello from openssl/, 'stdout');
    child.proc.stdin.write('hello from sanstls\n');
    await c.waitFor(/hello from sanstls/, 'stdout');
    // End of openssl's stdin: it sends close_notify, which ends the connection cleanly on both sides.
    c.proc.stdin.end();
    expect((await finish(c)).code).toBe(0);
    const end = await finish(child);
    expect(end.stdout).toBe('hello from openssl\n');
    expect(end.stderr).toContain('[#1] the client sent close_notify');
    expect(end.code).toBe(0);
  });

  it('-rev sends each line back reversed', async () => {
    const { port } = await server(['-rev', '-cert', pki.path('ec.pem'), '-key', pki.path('ec.key')]);
    const c = start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
      '-quiet'], { input: 'stressed\n', keepStdinOpen: true });
    await c.waitFor(/desserts/, 'stdout');
    c.kill();
  });

  it('a client that does not trust the certificate fails the handshake; the server reports it', async () => {
    const { child, port } = await server(['-www', '-cert', pki.path('rsa.pem'), '-key', pki.path('rsa.key'), '-naccept', '1']);
    const r = await finish(start('curl', ['-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', pki.path('other-ca.pem'), `https://localhost:${port}/`]));
    expect(r.code).not.toBe(0);
    const end = await finish(child);
    expect(end.code).toBe(1);
    expect(end.stderr).toMatch(/handshake failed: the peer sent a fatal alert: (unknown_ca|bad_certificate)/);
  });

  it('-www answers sanstls s_client even when its close_notify follows the request at once', async () => {
    // printf ... | s_client: stdin ends right after the request, so close_notify goes out right behind it.
    const { child, port } = await server(['-www', '-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-naccept', '1']);
    const r = await finish(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-quiet'], { input: 'GET / HTTP/1.0\r\n\r\n' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.0 200 ok/);
    expect(r.stdout).toContain('Request: GET / HTTP/1.0');
    expect((await finish(child)).code).toBe(0);
  });

  it('-www: a request and close_notify in a single TCP write still get the page', async () => {
    const { port } = await server(['-www', '-cert', pki.path('ec.pem'), '-key', pki.path('ec.key')]);
    const conn = new ClientConnection({ serverName: 'localhost', ca: readFileSync(pki.path('ca.pem'), 'utf8') });
    const socket = net.connect(port, '127.0.0.1');
    let page = '';
    let closed = false;
    const done = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('connect', () => socket.write(conn.takeOutgoing()));
    socket.on('data', (d) => {
      conn.receive(d);
      for (const e of conn.events()) {
        if (e.type === 'handshake') {
          conn.write(new TextEncoder().encode('GET /one-write HTTP/1.0\r\n\r\n'));
          conn.close(); // both records leave in the one takeOutgoing() below
        }
        if (e.type === 'data') page += Buffer.from(e.data).toString();
        if (e.type === 'close') closed = true;
      }
      const out = conn.takeOutgoing();
      if (out.length > 0) socket.write(out);
    });
    await done;
    expect(page).toMatch(/^HTTP\/1\.0 200 ok/);
    expect(page).toContain('Request: GET /one-write HTTP/1.0');
    expect(closed).toBe(true);
  });

  it('without -cert it generates a certificate for localhost', async () => {
    const { child } = await server(['-www', '-naccept', '1']);
    expect(child.stderr).toContain('fresh self-signed ECDSA P-256 certificate');
  });
});
