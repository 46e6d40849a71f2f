// Resumption, client certificates and renegotiation against OpenSSL (issue 6), both roles:
// sanstls client ↔ `openssl s_server`, `openssl s_client` ↔ sanstls server.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientConnection,
  loadCredential,
  LruSessionCache,
  ServerConnection,
  TicketKeys,
  type ClientOptions,
  type ServerOptions,
  type TlsSession,
} from '../../src/index.js';
import { drive, eventsOf, type Driven } from './drive.js';
import { connect, listenOnce, startOpensslServer } from './peers.js';
import { CERT_TYPES, cleanupPkis, makePki, type Pki } from './pki.js';

let pki: Pki;
let other: Pki; // a CA nobody trusts
let dir: string;
beforeAll(() => {
  pki = makePki();
  other = makePki();
  dir = mkdtempSync(join(tmpdir(), 'sanstls-flows-'));
});
afterAll(() => {
  cleanupPkis();
  rmSync(dir, { recursive: true, force: true });
});

const GET = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

/** One sanstls client connection to `port` that GETs the -www status page; resolves when it ends. */
async function getPage(port: number, opts: Partial<ClientOptions> = {}): Promise<Driven> {
  const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, ...opts });
  const d = drive(conn, await connect(port));
  await d.until(() => conn.state !== 'handshaking', 'handshake');
  if (conn.state === 'connected') {
    conn.write(GET);
    d.flush();
  }
  await d.done;
  return d;
}

const lastSession = (d: Driven): TlsSession | undefined => eventsOf(d, 'session').at(-1)?.session;

describe('sanstls client resumes against openssl s_server', () => {
  for (const mode of ['ticket', 'session ID'] as const) {
    it(`by ${mode}`, async () => {
      const leaf = pki.leaves.p256;
      const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-www', ...(mode === 'session ID' ? ['-no_ticket'] : [])], 2);
      try {
        const first = await getPage(srv.port);
        expect(first.conn.error).toBeUndefined();
        expect(first.text()).toMatch(/\nNew, TLSv1\.2, Cipher is /);
        const session = lastSession(first)!;
        expect(session).toBeDefined();
        if (mode === 'ticket') expect(session.ticket?.length).toBeGreaterThan(0);
        else expect(session.ticket).toBeUndefined();
        const second = await getPage(srv.port, { session, ...(mode === 'session ID' ? { sessionTickets: false } : {}) });
        expect(second.conn.error).toBeUndefined();
        expect(eventsOf(second, 'handshake')[0]?.info).toMatchObject({ resumed: true, extendedMasterSecret: true });
        expect(second.text()).toMatch(/\nReused, TLSv1\.2, Cipher is /);
      } finally {
        srv.stop();
      }
    });
  }
});

/** Runs `openssl s_client` with `args`, stdin `input` (then kept open `holdMs`), resolves on exit. */
function sClient(port: number, args: string[], input = '', holdMs = 0): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-tls1_2', '-CAfile', pki.caFile, ...args]);
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
    p.stderr.on('data', (b: Buffer) => (out += b.toString('latin1')));
    p.stdin.on('error', () => {});
    p.stdin.write(input);
    setTimeout(() => p.stdin.end(), holdMs);
    p.on('close', (code) => resolve({ code, out }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `openssl s_client` driven by `script` (which writes to its stdin and ends it). */
function sClientScripted(port: number, args: string[], script: (p: ChildProcessWithoutNullStreams) => Promise<void>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-tls1_2', '-CAfile', pki.caFile, ...args]);
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
    p.stderr.on('data', (b: Buffer) => (out += b.toString('latin1')));
    p.stdin.on('error', () => {});
    void script(p);
    p.on('close', (code) => resolve({ code, out }));
  });
}

/** A sanstls server for `n` connections, all made with the same options (so they share cache and keys). */
async function serveN(n: number, options: ServerOptions, onConnection?: (d: Driven) => void) {
  const conns: Driven[] = [];
  const net = await import('node:net');
  const server = net.createServer((sock) => {
    const d = drive(new ServerConnection(options), sock);
    conns.push(d);
    // Answer whatever arrives with an echo, so s_client has something to read.
    onConnection?.(d);
    if (conns.length >= n) server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return { port, conns, close: () => server.close() };
}

describe('openssl s_client resumes against the sanstls server', () => {
  const cases = [
    { name: 'session ID (-sess_out/-sess_in, -no_ticket)', client: ['-no_ticket'], server: { ticketKeys: false as const } },
    { name: 'ticket (-sess_out/-sess_in), server without a session cache', client: [], server: { sessionCache: false as const } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const options: ServerOptions = { credentials: [loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem)], ...c.server };
      const srv = await serveN(2, options);
      const sess = join(dir, `${c.name.length}.sess`);
      const a = await sClient(srv.port, [...c.client, '-sess_out', sess]);
      expect(a.out).toMatch(/New, TLSv1\.2, Cipher is /);
      const b = await sClient(srv.port, [...c.client, '-sess_in', sess]);
      expect(b.out).toMatch(/Reused, TLSv1\.2, Cipher is /);
      await Promise.all(srv.conns.map((d) => d.done));
      expect(eventsOf(srv.conns[0]!, 'handshake')[0]?.info.resumed).toBe(false);
      expect(eventsOf(srv.conns[1]!, 'handshake')[0]?.info.resumed).toBe(true);
    });
  }

  it('-reconnect: five resumptions in a row; without cache and tickets, none', async () => {
    const base = { credentials: [loadCredential(pki.leaves.p384.certPem, pki.leaves.p384.keyPem)] };
    const on = await serveN(6, { ...base, sessionCache: new LruSessionCache(), ticketKeys: new TicketKeys() });
    const a = await sClient(on.port, ['-reconnect']);
    expect(a.out.match(/Reused, TLSv1\.2/g)?.length).toBe(5);
    const off = await serveN(6, { ...base, sessionCache: false, ticketKeys: false });
    const b = await sClient(off.port, ['-reconnect']);
    expect(b.out.match(/Reused, TLSv1\.2/g)).toBeNull();
    expect(b.out.match(/New, TLSv1\.2/g)?.length).toBe(6);
  });
});

describe('client certificates', () => {
  for (const type of CERT_TYPES) {
    it(`sanstls client (${type}) → openssl s_server -Verify 1`, async () => {
      const srvLeaf = pki.leaves.rsa2048;
      const srv = await startOpensslServer(['-tls1_2', '-cert', srvLeaf.certFile, '-key', srvLeaf.keyFile, '-Verify', '1', '-CAfile', pki.caFile, '-verify_return_error', '-www']);
      try {
        const leaf = pki.leaves[type];
        const d = await getPage(srv.port, { credentials: [loadCredential(leaf.certPem, leaf.keyPem)] });
        expect(d.conn.error).toBeUndefined();
        expect(d.text()).toMatch(/HTTP\/1\.0 200 ok/);
        expect(d.text()).toContain(`localhost ${type}`); // the client certificate's subject on the status page
      } finally {
        srv.stop();
      }
    });
  }

  it('sanstls client with an untrusted certificate is refused by openssl s_server -Verify 1', async () => {
    const srvLeaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-tls1_2', '-cert', srvLeaf.certFile, '-key', srvLeaf.keyFile, '-Verify', '1', '-CAfile', pki.caFile, '-verify_return_error', '-www']);
    try {
      const d = await getPage(srv.port, { credentials: [loadCredential(other.leaves.p256.certPem, other.leaves.p256.keyPem)] });
      expect(d.conn.error).toMatchObject({ code: 'PEER_ALERT', remote: true });
    } finally {
      srv.stop();
    }
  });

  for (const type of ['rsa2048', 'p256', 'ed25519'] as const) {
    it(`openssl s_client -cert (${type}) → sanstls server requiring one`, async () => {
      const srv = await serveN(1, {
        credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)],
        clientAuth: { require: true, ca: pki.caPem },
      });
      const leaf = pki.leaves[type];
      const r = await sClient(srv.port, ['-cert', leaf.certFile, '-key', leaf.keyFile]);
      await srv.conns[0]!.done;
      expect(r.out).toMatch(/New, TLSv1\.2/);
      expect(srv.conns[0]!.conn.error?.code ?? 'none').not.toMatch(/CERT|SIGNATURE|CLIENT/);
      const info = eventsOf(srv.conns[0]!, 'handshake')[0]?.info;
      expect(info).toMatchObject({ peerAuthorized: true });
      // s_client sends its chain as built from -CAfile: the leaf, then the CA.
      expect(info?.peerCertificates.length).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(info!.peerCertificates[0]!).toString('latin1')).toContain(`localhost ${type}`);
    });
  }

  it('openssl s_client without a certificate, or with an untrusted one, is refused', async () => {
    const options: ServerOptions = {
      credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)],
      clientAuth: { require: true, ca: pki.caPem },
    };
    const none = await serveN(1, options);
    const a = await sClient(none.port, []);
    await none.conns[0]!.done;
    expect(none.conns[0]!.conn.error).toMatchObject({ code: 'NO_CLIENT_CERTIFICATE', alert: 'handshake_failure' });
    expect(a.out).toMatch(/alert handshake failure/);
    const untrusted = await serveN(1, options);
    const b = await sClient(untrusted.port, ['-cert', other.leaves.p256.certFile, '-key', other.leaves.p256.keyFile]);
    await untrusted.conns[0]!.done;
    expect(untrusted.conns[0]!.conn.error?.alert).toBe('unknown_ca');
    expect(b.out).toMatch(/alert unknown ca/);
  });
});

/** `openssl s_server` without -www: prints what it receives, sends its stdin lines, 'r'/'R' renegotiate. */
async function interactiveServer(extra: string[] = []) {
  const leaf = pki.leaves.p256;
  const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, ...extra]);
  return srv as typeof srv & { proc: ChildProcessWithoutNullStreams };
}

describe('renegotiation', () => {
  it('openssl s_server "r" and "R" (HelloRequest, then with a certificate request): data intact', async () => {
    const srv = await interactiveServer(['-verify', '1', '-CAfile', pki.caFile]);
    try {
      const leaf = pki.leaves.rsa2048;
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, credentials: [loadCredential(leaf.certPem, leaf.keyPem)] });
      const d = drive(conn, await connect(srv.port));
      await d.until(() => conn.state === 'connected', 'handshake');
      const send = (s: string) => {
        conn.write(new TextEncoder().encode(s));
        d.flush();
      };
      send('before-1\n');
      await d.until(() => srv.output().includes('before-1'), 's_server to print before-1');
      srv.proc.stdin.write('r\n');
      await d.until(() => eventsOf(d, 'renegotiated').length === 1, 'first renegotiation');
      send('between-2\n');
      srv.proc.stdin.write('from-server\n');
      await d.until(() => d.text().includes('from-server'), 'data from s_server');
      srv.proc.stdin.write('R\n');
      await d.until(() => eventsOf(d, 'renegotiated').length === 2, 'second renegotiation');
      send('after-3\n');
      await d.until(() => srv.output().includes('after-3'), 's_server to print after-3');
      expect(conn.error).toBeUndefined();
      expect(srv.output()).toMatch(/before-1[\s\S]*between-2[\s\S]*after-3/);
      expect(eventsOf(d, 'renegotiated')[1]?.info.secureRenegotiation).toBe(true);
    } finally {
      srv.stop();
    }
  });

  it('sanstls client renegotiate() against openssl s_server -client_renegotiation', async () => {
    const srv = await interactiveServer(['-client_renegotiation']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const d = drive(conn, await connect(srv.port));
      await d.until(() => conn.state === 'connected', 'handshake');
      for (let i = 0; i < 3; i++) {
        conn.renegotiate();
        conn.write(new TextEncoder().encode(`during-${i}\n`));
        d.flush();
        await d.until(() => eventsOf(d, 'renegotiated').length === i + 1, `renegotiation ${i}`);
      }
      await d.until(() => srv.output().includes('during-2'), 's_server output');
      expect(srv.output()).toMatch(/during-0[\s\S]*during-1[\s\S]*during-2/);
      expect(conn.error).toBeUndefined();
    } finally {
      srv.stop();
    }
  });

  it('openssl s_client "R" against the sanstls server: allowed by option, declined by default', async () => {
    // s_client takes a command letter only at the start of a stdin read, and only without -ign_eof.
    const script = async (p: ChildProcessWithoutNullStreams) => {
      p.stdin.write('one\n');
      await sleep(400);
      p.stdin.write('R\n');
      await sleep(800);
      p.stdin.write('two\n');
      await sleep(400);
      p.stdin.end();
    };
    const base = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] };
    const allowed = await serveN(1, { ...base, allowClientRenegotiation: true });
    const a = await sClientScripted(allowed.port, ['-no_ign_eof'], script);
    const d = allowed.conns[0]!;
    await d.done;
    expect(a.out).toMatch(/RENEGOTIATING/);
    expect(eventsOf(d, 'renegotiated').length).toBe(1);
    expect(d.text()).toBe('one\ntwo\n');
    expect(d.conn.error).toBeUndefined();

    const declined = await serveN(1, base);
    const b = await sClientScripted(declined.port, ['-no_ign_eof'], script);
    const e = declined.conns[0]!;
    await e.done;
    expect(b.out).toMatch(/RENEGOTIATING/);
    expect(eventsOf(e, 'renegotiated').length).toBe(0);
    // OpenSSL treats the no_renegotiation warning as fatal to its own renegotiation (handshake_failure).
    expect(b.out).toMatch(/no renegotiation|handshake failure/i);
  });
});
