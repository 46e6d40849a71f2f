// Renegotiation (RFC 5746) from the command line, both ways, against OpenSSL: "R" on sanstls s_client's
// stdin, "r"/"R" on sanstls s_server's stdin, and OpenSSL's own R/r commands against us. Data is checked
// across each renegotiation, including data sent while it is under way.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addClientCertificates, makePki, opensslServer, sanstls, sanstlsServer, start, finish, type Child, type Pki } from './helpers.js';

/** Numbered lines: what goes through a renegotiation, to be found complete and in order on the other side. */
const payload = (tag: string, n: number): string => Array.from({ length: n }, (_, i) => `${tag} line ${String(i).padStart(5, '0')} ${'x'.repeat(40)}\n`).join('');
const reversed = (text: string): string =>
  text
    .split('\n')
    .slice(0, -1)
    .map((l) => [...l].reverse().join('') + '\n')
    .join('');

describe('renegotiation', () => {
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

  describe('sanstls s_client against openssl s_server', () => {
    async function openssl(extra: string[]) {
      const s = await opensslServer(pki, extra, 'ec');
      track(s.child);
      return s;
    }
    const client = (port: number, extra: string[] = []) =>
      track(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), ...extra], { keepStdinOpen: true }));

    it('"R" renegotiates; data written right behind it, and both ways after it, arrives whole', async () => {
      // openssl s_server -rev echoes each line reversed: what comes back shows what arrived.
      const { port } = await openssl(['-rev', '-client_renegotiation']);
      const c = client(port);
      await c.waitFor(/^Verification: OK/m, 'stderr');
      c.proc.stdin.write('before\n');
      await c.waitFor(/^erofeb$/m, 'stdout');
      const during = payload('during', 2000);
      c.proc.stdin.write('R\n' + during); // one write: the command, then data while the handshake runs
      await c.waitFor(/^RENEGOTIATED$/m, 'stderr');
      c.proc.stdin.write('after\n');
      await c.waitFor(/^retfa$/m, 'stdout');
      expect(c.stdout).toBe('erofeb\n' + reversed(during) + 'retfa\n');
      expect(c.stderr).toMatch(/^RENEGOTIATING\n/m);
      expect(c.stderr).not.toMatch(/failed/);
      // A renegotiation is a full handshake: the summary again, a new session.
      expect(c.stderr.split('RENEGOTIATED')[1]).toMatch(/^New, TLSv1\.2, Cipher is /m);
      c.proc.stdin.end();
      const end = await finish(c);
      expect(end.code, end.stderr).toBe(0);
    });

    it('"R" twice, with the server writing to us throughout (openssl s_server stdin)', async () => {
      const { child: srv, port } = await openssl(['-client_renegotiation']);
      const c = client(port);
      await c.waitFor(/^Verification: OK/m, 'stderr');
      for (const round of [1, 2]) {
        c.proc.stdin.write(`before ${round}\n`);
        await srv.waitFor(new RegExp(`^before ${round}$`, 'm'), 'stdout');
        c.proc.stdin.write('R\n');
        const text = payload(`server ${round}`, 500);
        srv.proc.stdin.write(text);
        await c.waitFor(new RegExp(`^server ${round} line 00499 `, 'm'), 'stdout');
        await c.waitFor(new RegExp(`(RENEGOTIATED[\\s\\S]*){${round}}`), 'stderr');
        c.proc.stdin.write(`after ${round}\n`);
        await srv.waitFor(new RegExp(`^after ${round}$`, 'm'), 'stdout');
      }
      expect(c.stdout).toBe(payload('server 1', 500) + payload('server 2', 500));
    });

    it('openssl s_server "R" (HelloRequest asking for a certificate): we renegotiate and send -cert', async () => {
      const { child: srv, port } = await openssl(['-CAfile', pki.path('ca.pem')]);
      const c = client(port, ['-cert', pki.path('client-ec.pem'), '-key', pki.path('client-ec.key')]);
      await c.waitFor(/^Verification: OK/m, 'stderr');
      // The first handshake asked for nothing.
      expect(c.stderr).toContain('Client certificate: not requested by the server');
      c.proc.stdin.write('hello\n');
      await srv.waitFor(/^hello$/m, 'stdout');
      srv.proc.stdin.write('R\n');
      await c.waitFor(/^RENEGOTIATED$/m, 'stderr');
      // openssl verified the certificate we sent in the renegotiation.
      await srv.waitFor(/depth=0 .*sanstls client-ec/, 'stderr');
      await srv.waitFor(/verify return:1/, 'stderr');
      c.proc.stdin.write('after the certificate\n');
      await srv.waitFor(/^after the certificate$/m, 'stdout');
      srv.proc.stdin.write('still here\n');
      await c.waitFor(/^still here$/m, 'stdout');
    });

    it('openssl s_server refusing client renegotiation (no_renegotiation): the connection goes on, data still flows', async () => {
      const { port } = await openssl(['-rev']);
      const c = client(port);
      await c.waitFor(/^Verification: OK/m, 'stderr');
      c.proc.stdin.write('R\n');
      await c.waitFor(/the server declined to renegotiate: the connection goes on/, 'stderr');
      expect(c.stderr).toContain('warning alert from the server: no_renegotiation');
      c.proc.stdin.write('after\n');
      await c.waitFor(/^retfa$/m, 'stdout');
      c.proc.stdin.end();
      const end = await finish(c);
      expect(end.code, end.stderr).toBe(0);
      expect(end.stderr).not.toContain('RENEGOTIATED');
    });

    it('-nocommands: "R" is data', async () => {
      const { child: srv, port } = await openssl([]);
      const c = client(port, ['-nocommands']);
      await c.waitFor(/^Verification: OK/m, 'stderr');
      c.proc.stdin.write('R\n');
      await srv.waitFor(/^R$/m, 'stdout');
      expect(c.stderr).not.toContain('RENEGOTIATING');
    });
  });

  describe('openssl s_client against sanstls s_server', () => {
    async function server(extra: string[]) {
      const s = await sanstlsServer(['-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-naccept', '1', ...extra]);
      track(s.child);
      return s;
    }
    /** Interactive openssl s_client: no -quiet or -ign_eof, which would turn its command letters off. */
    const opensslClient = (port: number, extra: string[] = []) =>
      track(
        start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
          '-verify_return_error', ...extra], { keepStdinOpen: true }),
      );

    it('-allow_client_renegotiation: openssl "R" renegotiates, data flows both ways before and after', async () => {
      const { child: srv, port } = await server(['-allow_client_renegotiation']);
      const c = opensslClient(port);
      await srv.waitFor(/\[#1\] New, TLSv1\.2/, 'stderr');
      c.proc.stdin.write('before\n');
      await srv.waitFor(/^before$/m, 'stdout');
      c.proc.stdin.write('R\n');
      await c.waitFor(/^RENEGOTIATING$/m, 'stderr');
      const during = payload('client', 1000);
      c.proc.stdin.write(during);
      await srv.waitFor(/^\[#1\] RENEGOTIATED$/m, 'stderr');
      await srv.waitFor(/^client line 00999 /m, 'stdout');
      srv.proc.stdin.write('from the server\n');
      await c.waitFor(/^from the server$/m, 'stdout');
      expect(srv.stdout).toBe('before\n' + during);
      expect(srv.stderr).not.toContain('declined');
      c.proc.stdin.end();
      const end = await finish(srv);
      expect(end.code, end.stderr).toBe(0);
    });

    it('without -allow_client_renegotiation: declined with no_renegotiation, which openssl takes as fatal', async () => {
      const { child: srv, port } = await server([]);
      const c = opensslClient(port);
      await srv.waitFor(/\[#1\] New, TLSv1\.2/, 'stderr');
      c.proc.stdin.write('before\n');
      await srv.waitFor(/^before$/m, 'stdout');
      c.proc.stdin.write('R\n');
      const r = await finish(c);
      expect(r.stderr).toContain('RENEGOTIATING');
      expect(r.stderr).toMatch(/no renegotiation/);
      const end = await finish(srv);
      expect(end.stderr).toContain('[#1] the client asked to renegotiate: declined with a no_renegotiation warning');
      expect(end.stderr).toContain('[#1] connection failed: the peer sent a fatal alert: handshake_failure');
      expect(end.stderr).not.toContain('RENEGOTIATED');
    });

    it('stdin "r": HelloRequest, openssl renegotiates, data flows', async () => {
      const { child: srv, port } = await server([]);
      const c = opensslClient(port);
      await srv.waitFor(/\[#1\] New, TLSv1\.2/, 'stderr');
      srv.proc.stdin.write('r\n');
      await srv.waitFor(/^\[#1\] RENEGOTIATING: HelloRequest sent$/m, 'stderr');
      await srv.waitFor(/^\[#1\] RENEGOTIATED$/m, 'stderr');
      expect(srv.stderr).not.toContain('declined');
      c.proc.stdin.write('after\n');
      await srv.waitFor(/^after$/m, 'stdout');
      srv.proc.stdin.write('from the server\n');
      await c.waitFor(/^from the server$/m, 'stdout');
      // The command line itself was not sent.
      expect(c.stdout).not.toMatch(/^r$/m);
    });

    it('stdin "R": the renegotiation asks for a certificate, which is verified against -CAfile and printed', async () => {
      const { child: srv, port } = await server(['-CAfile', pki.path('ca.pem')]);
      const c = opensslClient(port, ['-cert', pki.path('client-rsa.pem'), '-key', pki.path('client-rsa.key')]);
      await srv.waitFor(/\[#1\] New, TLSv1\.2/, 'stderr');
      // No certificate was asked for in the first handshake.
      expect(srv.stderr).not.toContain('Client certificate');
      srv.proc.stdin.write('R\n');
      await srv.waitFor(/^\[#1\] RENEGOTIATING: HelloRequest sent, asking for a client certificate$/m, 'stderr');
      await srv.waitFor(/^\[#1\] Client certificate verification: OK$/m, 'stderr');
      const after = srv.stderr.split('[#1] RENEGOTIATED')[1] ?? '';
      expect(after).toContain('[#1] Client certificate\n');
      expect(after).toContain('[#1]     subject   O=sanstls tests,CN=sanstls client-rsa');
      c.proc.stdin.write('after\n');
      await srv.waitFor(/^after$/m, 'stdout');
    });

    it('stdin "R" and a client certificate the CA did not issue: the connection fails', async () => {
      const { child: srv, port } = await server(['-CAfile', pki.path('ca.pem')]);
      const c = opensslClient(port, ['-cert', pki.path('stranger.pem'), '-key', pki.path('stranger.key')]);
      await srv.waitFor(/\[#1\] New, TLSv1\.2/, 'stderr');
      srv.proc.stdin.write('R\n');
      const end = await finish(srv);
      expect(end.code).toBe(1);
      expect(end.stderr).toMatch(/\[#1\] connection failed: certificate verify failed: .* \(sent alert unknown_ca\)/);
      const r = await finish(c);
      expect(r.stderr).toMatch(/alert unknown ca/);
    });

    it('"r" with no connection says so', async () => {
      const { child: srv } = await server([]);
      srv.proc.stdin.write('r\n');
      await srv.waitFor(/"r": no connection to renegotiate/, 'stderr');
    });
  });
  describe('sanstls s_client against sanstls s_server', () => {
    async function pair(serverFlags: string[], clientFlags: string[] = []) {
      const s = await sanstlsServer(['-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-CAfile', pki.path('ca.pem'), ...serverFlags]);
      track(s.child);
      const c = track(sanstls(['s_client', '-connect', `localhost:${s.port}`, '-CAfile', pki.path('ca.pem'), ...clientFlags], { keepStdinOpen: true }));
      await c.waitFor(/^Verification: OK/m, 'stderr');
      return { srv: s.child, c };
    }

    it('client "R" with -allow_client_renegotiation, then the server\'s "R" fetching the client certificate', async () => {
      const { srv, c } = await pair(['-allow_client_renegotiation'], ['-cert', pki.path('client-ec.pem'), '-key', pki.path('client-ec.key')]);
      c.proc.stdin.write('R\none\n');
      await srv.waitFor(/^\[#1\] RENEGOTIATED$/m, 'stderr');
      await srv.waitFor(/^one$/m, 'stdout');
      srv.proc.stdin.write('R\n');
      await srv.waitFor(/^\[#1\] Client certificate verification: OK$/m, 'stderr');
      expect(srv.stderr).toContain('[#1]     subject   O=sanstls tests,CN=sanstls client-ec');
      await c.waitFor(/(RENEGOTIATED[\s\S]*){2}/, 'stderr');
      c.proc.stdin.write('two\n');
      srv.proc.stdin.write('three\n');
      await srv.waitFor(/^one\ntwo$/m, 'stdout');
      await c.waitFor(/^three$/m, 'stdout');
    });

    it('client "R" without -allow_client_renegotiation: declined, and both sides go on', async () => {
      const { srv, c } = await pair([]);
      c.proc.stdin.write('R\n');
      await c.waitFor(/the server declined to renegotiate/, 'stderr');
      await srv.waitFor(/\[#1\] the client asked to renegotiate: declined/, 'stderr');
      c.proc.stdin.write('still connected\n');
      await srv.waitFor(/^still connected$/m, 'stdout');
      srv.proc.stdin.write('yes\n');
      await c.waitFor(/^yes$/m, 'stdout');
      c.proc.stdin.end();
      expect((await finish(c)).code).toBe(0);
    });
  });
});
