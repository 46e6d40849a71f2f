// Client certificates through the command line: sanstls s_client -cert/-key against openssl s_server
// -verify/-Verify, and openssl s_client -cert against sanstls s_server -verify/-Verify -CAfile.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addClientCertificates, finish, makePki, opensslWwwServer, sanstls, sanstlsServer, start, type Child, type Pki } from './helpers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';

describe('client certificates', () => {
  let pki: Pki;
  const children: Child[] = [];
  beforeAll(() => {
    pki = makePki();
    addClientCertificates(pki);
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill();
  });
  afterAll(() => pki.cleanup());

  const track = (c: Child): Child => {
    children.push(c);
    return c;
  };

  describe('sanstls s_client -cert/-key against openssl s_server', () => {
    /** openssl s_server -www asking for a client certificate; -verify_return_error makes a bad one fatal. */
    async function openssl(mode: '-Verify' | '-verify') {
      const s = await opensslWwwServer(pki, [mode, '1', '-CAfile', pki.path('ca.pem'), '-verify_return_error'], 'ec');
      track(s.child);
      return s;
    }
    const client = (port: number, extra: string[]) =>
      finish(track(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), ...extra], { input: GET })));

    for (const name of ['client-ec', 'client-rsa'] as const) {
      it(`-Verify 1: the server accepts our ${name === 'client-ec' ? 'ECDSA' : 'RSA'} certificate and its CertificateVerify`, async () => {
        const { port } = await openssl('-Verify');
        const r = await client(port, ['-cert', pki.path(`${name}.pem`), '-key', pki.path(`${name}.key`)]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`Client certificate: sent, O=sanstls tests,CN=sanstls ${name}`);
        // openssl's page shows the certificate it received.
        expect(r.stdout).toMatch(/^HTTP\/1\.0 200 ok/);
        expect(r.stdout).toContain('Client certificate');
        expect(r.stdout).toMatch(new RegExp(`Subject: CN ?= ?sanstls ${name}, O ?= ?sanstls tests`));
      });
    }

    it('-cert with the key in the same file', async () => {
      const both = pki.path('client-ec-with-key.pem');
      writeFileSync(both, readFileSync(pki.path('client-ec.pem'), 'utf8') + readFileSync(pki.path('client-ec.key'), 'utf8'));
      const { port } = await openssl('-Verify');
      const r = await client(port, ['-cert', both]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Subject: CN ?= ?sanstls client-ec/);
    });

    it('-Verify 1: a certificate from a CA the server does not trust is refused', async () => {
      const { port } = await openssl('-Verify');
      const r = await client(port, ['-cert', pki.path('stranger.pem'), '-key', pki.path('stranger.key')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/handshake failed: the peer sent a fatal alert: (unknown_ca|bad_certificate|certificate_unknown)/);
    });

    it('-Verify 1: no certificate at all is refused', async () => {
      const { port } = await openssl('-Verify');
      const r = await client(port, []);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/handshake failed: the peer sent a fatal alert: (handshake_failure|certificate_required)/);
    });

    it('-verify 1: a client without a certificate is still served, and says so', async () => {
      const { port } = await openssl('-verify');
      const r = await client(port, []);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Client certificate: requested by the server, none sent');
      expect(r.stdout).toContain('no client certificate available');
    });

    it('-cert against a server that does not ask: nothing is sent', async () => {
      const s = await opensslWwwServer(pki, [], 'ec');
      track(s.child);
      const r = await client(s.port, ['-cert', pki.path('client-ec.pem'), '-key', pki.path('client-ec.key')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Client certificate: not requested by the server');
      expect(r.stdout).toContain('no client certificate available');
    });

    it('bad -cert/-key combinations are usage errors', async () => {
      const keyOnly = await finish(track(sanstls(['s_client', '-connect', 'localhost:1', '-key', pki.path('client-ec.key')])));
      expect(keyOnly.code).toBe(2);
      expect(keyOnly.stderr).toContain('-key needs -cert');
      const mismatch = await finish(
        track(sanstls(['s_client', '-connect', 'localhost:1', '-cert', pki.path('client-ec.pem'), '-key', pki.path('client-rsa.key')])),
      );
      expect(mismatch.code).toBe(2);
      expect(mismatch.stderr).toMatch(/-cert .*client-ec\.pem \/ -key .*client-rsa\.key: the private key does not (belong to|match) the certificate/);
      const missing = await finish(track(sanstls(['s_client', '-connect', 'localhost:1', '-cert', pki.path('nope.pem')])));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('ENOENT');
    });
  });

  describe('openssl s_client -cert against sanstls s_server', () => {
    async function server(extra: string[]) {
      const s = await sanstlsServer(['-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-CAfile', pki.path('ca.pem'), '-naccept', '1', ...extra]);
      track(s.child);
      return s;
    }
    const opensslClient = (port: number, extra: string[]) =>
      finish(
        track(
          start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
            '-verify_return_error', ...extra], { input: 'hello with a certificate\n' }),
        ),
      );

    for (const name of ['client-ec', 'client-rsa'] as const) {
      it(`-Verify 1 -CAfile: accepts ${name}, prints its subject and the verification`, async () => {
        const { child, port } = await server(['-Verify', '1']);
        const r = await opensslClient(port, ['-cert', pki.path(`${name}.pem`), '-key', pki.path(`${name}.key`)]);
        expect(r.code, r.stderr).toBe(0);
        // The CA names of -CAfile went out in CertificateRequest.
        expect(r.stdout).toMatch(/Acceptable client certificate CA names\nCN ?= ?sanstls ca test\n/);
        const end = await finish(child);
        expect(end.code, end.stderr).toBe(0);
        expect(end.stdout).toBe('hello with a certificate\n');
        expect(end.stderr).toContain('[#1] Client certificate\n');
        expect(end.stderr).toContain(`[#1]     subject   O=sanstls tests,CN=sanstls ${name}`);
        expect(end.stderr).toContain('[#1]     issuer    CN=sanstls ca test');
        expect(end.stderr).toContain('[#1] Client certificate verification: OK');
      });
    }

    it('-www -Verify 1: the status page shows the client certificate', async () => {
      const { port } = await server(['-Verify', '1', '-www']);
      const c = await finish(
        track(
          start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
            '-cert', pki.path('client-ec.pem'), '-key', pki.path('client-ec.key'), '-ign_eof'], { input: 'GET / HTTP/1.0\r\n\r\n' }),
        ),
      );
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toContain('HTTP/1.0 200 ok');
      expect(c.stdout).toContain('Client certificate\n    subject   O=sanstls tests,CN=sanstls client-ec');
      expect(c.stdout).toContain('Client certificate verification: OK');
    });

    it('-Verify 1: a client without a certificate fails the handshake', async () => {
      const { child, port } = await server(['-Verify', '1']);
      const r = await opensslClient(port, []);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/alert handshake failure/);
      const end = await finish(child);
      expect(end.code).toBe(1);
      expect(end.stderr).toMatch(/\[#1\] handshake failed: .*certificate.* \(sent alert handshake_failure\)/);
      expect(end.stdout).toBe('');
    });

    it('-Verify 1: a certificate from another CA is refused with unknown_ca', async () => {
      const { child, port } = await server(['-Verify', '1']);
      const r = await opensslClient(port, ['-cert', pki.path('stranger.pem'), '-key', pki.path('stranger.key')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/alert unknown ca/);
      const end = await finish(child);
      expect(end.code).toBe(1);
      expect(end.stderr).toMatch(/\[#1\] handshake failed: certificate verify failed: .* \(sent alert unknown_ca\)/);
    });

    it('-Verify 1: a server certificate (no clientAuth in its extended key usage) is refused', async () => {
      const { child, port } = await server(['-Verify', '1']);
      const r = await opensslClient(port, ['-cert', pki.path('rsa.pem'), '-key', pki.path('rsa.key')]);
      expect(r.code).not.toBe(0);
      const end = await finish(child);
      expect(end.code).toBe(1);
      expect(end.stderr).toMatch(/\[#1\] handshake failed: certificate verify failed: /);
    });

    it('-verify 1: a client may send no certificate', async () => {
      const { child, port } = await server(['-verify', '1']);
      const r = await opensslClient(port, []);
      expect(r.code, r.stderr).toBe(0);
      const end = await finish(child);
      expect(end.code, end.stderr).toBe(0);
      expect(end.stderr).toContain('[#1] Client certificate: none sent');
      expect(end.stdout).toBe('hello with a certificate\n');
    });

    it('-verify 1: a certificate that is sent must verify', async () => {
      const { child, port } = await server(['-verify', '1']);
      const r = await opensslClient(port, ['-cert', pki.path('stranger.pem'), '-key', pki.path('stranger.key')]);
      expect(r.code).not.toBe(0);
      expect((await finish(child)).stderr).toContain('(sent alert unknown_ca)');
    });

    it('flag errors: -verify and -Verify together, a depth that is not a number', async () => {
      const both = await finish(track(sanstls(['s_server', '-verify', '1', '-Verify', '1'])));
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('-verify and -Verify exclude each other');
      const bad = await finish(track(sanstls(['s_server', '-Verify', 'yes'])));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('-Verify: bad depth "yes"');
      const ca = await finish(track(sanstls(['s_server', '-Verify', '1', '-CAfile', pki.path('ec.key')])));
      expect(ca.code).toBe(2);
      expect(ca.stderr).toContain('-CAfile: no PEM certificate');
    });
  });
});
