// sanstls s_client against a real `openssl s_server -tls1_2 -www`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, makePki, opensslWwwServer, sanstls, type Child, type Pki } from './helpers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';

describe('sanstls s_client ↔ openssl s_server -www', () => {
  let pki: Pki;
  const servers: Child[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterEach(() => {
    for (const s of servers.splice(0)) s.kill();
  });
  afterAll(() => pki.cleanup());

  async function server(extra: string[] = [], leaf: 'rsa' | 'ec' = 'rsa') {
    const s = await opensslWwwServer(pki, extra, leaf);
    servers.push(s.child);
    return s;
  }

  it('completes the handshake, verifies the server, prints the page, exits 0', async () => {
    const { port } = await server();
    const r = await finish(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem')], { input: GET }));
    expect(r.code, r.stderr).toBe(0);
    // The page is openssl's own account of the connection.
    expect(r.stdout).toMatch(/^HTTP\/1\.0 200 ok/);
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-RSA-');
    expect(r.stdout).toContain('Verify return code: 0 (ok)');
    // Our own summary on stderr agrees with it.
    const cipher = /Cipher is (\S+)/.exec(r.stdout)![1]!;
    expect(r.stderr).toContain(`New, TLSv1.2, Cipher is ${cipher}`);
    expect(r.stderr).toContain('Verification: OK (localhost)');
    expect(r.stderr).toContain('subject   O=sanstls rsa leaf,CN=localhost');
  });

  it('verifies an IP address in -connect against the certificate', async () => {
    const { port } = await server([], 'ec');
    const r = await finish(sanstls(['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.path('ca.pem'), '-quiet'], { input: GET }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-ECDSA-');
  });

  it('refuses a server its -CAfile does not vouch for: exit status ≠ 0, the certificate problem named', async () => {
    const { child, port } = await server();
    const r = await finish(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('other-ca.pem')], { input: GET }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/certificate verify failed: (UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE): .*issuer/i);
    expect(r.stderr).toContain('sent alert unknown_ca');
    // openssl saw the alert.
    await expect(child.waitFor(/alert unknown ca/, 'stderr')).resolves.toBeTruthy();
  });

  it('refuses a certificate for another name', async () => {
    const { port } = await server();
    const r = await finish(
      sanstls(['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'www.example.com', '-CAfile', pki.path('ca.pem')], { input: GET }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/certificate verify failed: ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('-cipher with an OpenSSL name selects that suite', async () => {
    const { port } = await server();
    const r = await finish(
      sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384'], { input: GET }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Ciphers common between both SSL end points:\nECDHE-RSA-AES256-GCM-SHA384\n');
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384');
  });

  it('-cipher with an IANA name selects that suite', async () => {
    const { port } = await server();
    const r = await finish(
      sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-cipher', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'], {
        input: GET,
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Ciphers common between both SSL end points:\nECDHE-RSA-CHACHA20-POLY1305\n');
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-RSA-CHACHA20-POLY1305');
  });

  it('-cipher takes a colon list mixing both spellings, in preference order', async () => {
    const { port } = await server([], 'ec');
    const list = 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:ECDHE-ECDSA-AES128-GCM-SHA256';
    const r = await finish(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-cipher', list], { input: GET }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Ciphers common between both SSL end points:\nECDHE-ECDSA-AES256-GCM-SHA384\s+ECDHE-ECDSA-AES128-GCM-SHA256/);
    expect(r.stdout).toContain('New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  it('-groups offers only the groups named', async () => {
    const { port } = await server();
    const r = await finish(
      sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-groups', 'P-384:prime256v1'], { input: GET }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Supported groups: secp384r1:secp256r1\n');
    expect(r.stderr).toContain('Key exchange  : ECDHE secp384r1');
  });

  it('-alpn negotiates a protocol the server accepts', async () => {
    const { port } = await server(['-alpn', 'http/1.1']);
    const r = await finish(
      sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-alpn', 'h2,http/1.1'], { input: GET }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ALPN          : http/1.1');
  });

  it('a connection refused is a failure (exit status 1)', async () => {
    const { port, child } = await server();
    child.kill();
    await child.exited;
    const r = await finish(sanstls(['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.path('ca.pem')], { input: GET }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ECONNREFUSED');
  });

  it('bad flags are a usage error (exit status 2)', async () => {
    const bad = await finish(sanstls(['s_client', '-connect', 'localhost:1', '-cipher', 'RC4-SHA']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('RC4');
    const unknown = await finish(sanstls(['s_client', '-frobnicate']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option -frobnicate');
  });
});
