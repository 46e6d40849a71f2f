// Session resumption through the command line, against OpenSSL on the other side: openssl s_client
// -reconnect / -sess_out / -sess_in against sanstls s_server (session IDs, tickets, both, neither), and
// sanstls s_client -reconnect / -sess_out / -sess_in / -no_ticket against openssl s_server.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countOf, finish, makePki, opensslWwwServer, sanstls, sanstlsServer, start, type Child, type Pki } from './helpers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';
const NEW = /^New, TLSv1\.2, Cipher is \S+$/m;
const REUSED = /^Reused, TLSv1\.2, Cipher is \S+$/m;

describe('session resumption', () => {
  let pki: Pki;
  const children: Child[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill();
  });
  afterAll(() => pki.cleanup());

  const track = (c: Child): Child => {
    children.push(c);
    return c;
  };

  async function server(extra: string[]) {
    const s = await sanstlsServer(['-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), ...extra]);
    track(s.child);
    return s;
  }

  /** openssl s_client against our server; stdin ends at once, so the last connection ends ("DONE"). */
  const opensslClient = (port: number, extra: string[]) =>
    finish(
      track(
        start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'),
          '-verify_return_error', ...extra], { input: '' }),
      ),
    );

  describe('openssl s_client against sanstls s_server', () => {
    it('-reconnect resumes every reconnection (session ID and ticket offered: the ticket wins)', async () => {
      const { child, port } = await server(['-naccept', '6']);
      const r = await opensslClient(port, ['-reconnect']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stdout, NEW)).toBe(1);
      expect(countOf(r.stdout, REUSED)).toBe(5);
      expect(countOf(r.stdout, /^drop connection and then reconnect$/m)).toBe(5);
      // Our side agrees, connection by connection.
      const end = await finish(child);
      expect(end.code, end.stderr).toBe(0);
      expect(end.stderr).toMatch(/^\[#1\] New, TLSv1\.2, /m);
      for (let i = 2; i <= 6; i++) expect(end.stderr).toMatch(new RegExp(`^\\[#${i}\\] Reused, TLSv1\\.2, `, 'm'));
    });

    it('-reconnect -no_ticket resumes by session ID from the server cache', async () => {
      const { port } = await server([]);
      const r = await opensslClient(port, ['-reconnect', '-no_ticket']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stdout, REUSED)).toBe(5);
      // The same session ID every time, and no ticket anywhere.
      const ids = new Set([...r.stdout.matchAll(/^ {4}Session-ID: ([0-9A-F]+)$/gm)].map((m) => m[1]));
      expect(ids.size).toBe(1);
      expect(r.stdout).not.toContain('TLS session ticket:');
    });

    it('s_server -no_cache: only tickets resume; a client without tickets gets a new session every time', async () => {
      const { port } = await server(['-no_cache']);
      const withTickets = await opensslClient(port, ['-reconnect']);
      expect(withTickets.code, withTickets.stderr).toBe(0);
      expect(countOf(withTickets.stdout, REUSED)).toBe(5);
      expect(withTickets.stdout).toContain('TLS session ticket:');
      const idOnly = await opensslClient(port, ['-reconnect', '-no_ticket']);
      expect(idOnly.code, idOnly.stderr).toBe(0);
      expect(countOf(idOnly.stdout, NEW)).toBe(6);
      expect(countOf(idOnly.stdout, REUSED)).toBe(0);
    });

    it('s_server -no_ticket: no ticket is issued, the session ID resumes', async () => {
      const { port } = await server(['-no_ticket']);
      const r = await opensslClient(port, ['-reconnect']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stdout, REUSED)).toBe(5);
      expect(r.stdout).not.toContain('TLS session ticket:');
    });

    it('s_server -no_ticket -no_cache: nothing resumes', async () => {
      const { child, port } = await server(['-no_ticket', '-no_cache', '-naccept', '6']);
      const r = await opensslClient(port, ['-reconnect']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stdout, NEW)).toBe(6);
      expect(countOf(r.stdout, REUSED)).toBe(0);
      const end = await finish(child);
      expect(countOf(end.stderr, /^\[#\d\] New, TLSv1\.2, /m)).toBe(6);
      expect(end.stderr).not.toMatch(/Reused/);
    });

    for (const [what, flags] of [
      ['session ID', ['-no_ticket']],
      ['ticket', ['-no_cache']],
    ] as const) {
      it(`-sess_out then -sess_in resumes in a new process (${what})`, async () => {
        const { port } = await server([...flags]);
        const file = pki.path(`openssl-session-${flags[0]}.pem`);
        const first = await opensslClient(port, ['-sess_out', file]);
        expect(first.code, first.stderr).toBe(0);
        expect(countOf(first.stdout, NEW)).toBe(1);
        const second = await opensslClient(port, ['-sess_in', file]);
        expect(second.code, second.stderr).toBe(0);
        expect(countOf(second.stdout, REUSED)).toBe(1);
      });
    }
  });

  describe('sanstls s_client against openssl s_server', () => {
    async function openssl(extra: string[] = []) {
      const s = await opensslWwwServer(pki, extra, 'ec');
      track(s.child);
      return s;
    }
    const client = (port: number, extra: string[]) =>
      finish(track(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), ...extra], { input: GET })));

    it('-reconnect: a new session, then five resumptions, as openssl prints them', async () => {
      const { port } = await openssl();
      const r = await client(port, ['-reconnect']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stderr, NEW)).toBe(1);
      expect(countOf(r.stderr, REUSED)).toBe(5);
      expect(countOf(r.stderr, /^CONNECTED\(/m)).toBe(6);
      expect(countOf(r.stderr, /^drop connection and then reconnect$/m)).toBe(5);
      expect(r.stderr).toContain('Verification: OK (localhost, verified when the session was made)');
      // The request went over the last connection, and openssl's page says it was resumed.
      expect(r.stdout).toMatch(/^HTTP\/1\.0 200 ok/);
      expect(r.stdout).toMatch(/^Reused, TLSv1\.2, Cipher is /m);
    });

    it('-reconnect against a server without tickets or cache: New every time', async () => {
      const { port } = await openssl(['-no_ticket', '-no_cache']);
      const r = await client(port, ['-reconnect']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stderr, NEW)).toBe(6);
      expect(countOf(r.stderr, REUSED)).toBe(0);
    });

    it('-no_ticket: no session_ticket extension is offered, and the session ID resumes', async () => {
      const { port } = await openssl();
      const r = await client(port, ['-reconnect', '-no_ticket', '-trace']);
      expect(r.code, r.stderr).toBe(0);
      expect(countOf(r.stderr, REUSED)).toBe(5);
      expect(countOf(r.stderr, /^>>> ClientHello/m)).toBe(6);
      expect(r.stderr).not.toContain('session_ticket');
      expect(r.stderr).toMatch(/^Session to resume: session ID [0-9A-F]{64}, no ticket$/m);
    });

    it('-sess_out writes the session (owner-only), -sess_in resumes it in a new process', async () => {
      const { port } = await openssl();
      const file = pki.path('sanstls-session.pem');
      const first = await client(port, ['-sess_out', file]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(NEW);
      expect(first.stderr).toContain(`(written to ${file})`);
      expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN SANSTLS SESSION-----\n[\s\S]+\n-----END SANSTLS SESSION-----\n$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = await client(port, ['-sess_in', file]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(REUSED);
      expect(second.stdout).toMatch(/^Reused, TLSv1\.2, Cipher is /m);
    });

    it('-sess_in with a session for another server name does a full handshake', async () => {
      const { port } = await openssl();
      const file = pki.path('session-localhost.pem');
      expect((await client(port, ['-sess_out', file])).code).toBe(0);
      const other = await finish(
        track(sanstls(['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.path('ca.pem'), '-sess_in', file], { input: GET })),
      );
      expect(other.code, other.stderr).toBe(0);
      expect(other.stderr).toMatch(NEW);
      expect(other.stderr).not.toMatch(REUSED);
    });

    it('-sess_in with a file that is not a session is a usage error', async () => {
      const bad = pki.path('not-a-session.pem');
      writeFileSync(bad, readFileSync(pki.path('ca.pem')));
      const r = await finish(track(sanstls(['s_client', '-connect', 'localhost:1', '-sess_in', bad])));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/-sess_in: .*not-a-session\.pem: .*SANSTLS SESSION/);
      const missing = await finish(track(sanstls(['s_client', '-connect', 'localhost:1', '-sess_in', pki.path('missing.pem')])));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('ENOENT');
    });
  });

  it('sanstls s_client -reconnect against sanstls s_server (tickets, then session IDs only)', async () => {
    const { port } = await server([]);
    const r = await finish(
      track(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-reconnect'], { input: 'hello\n' })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(countOf(r.stderr, REUSED)).toBe(5);
    const ids = await finish(
      track(sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-reconnect', '-no_ticket'], { input: 'hello\n' })),
    );
    expect(ids.code, ids.stderr).toBe(0);
    expect(countOf(ids.stderr, REUSED)).toBe(5);
  });
});
