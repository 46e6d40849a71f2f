// Session resumption (session IDs and RFC 5077 tickets) between sanstls and real node:tls peers, both
// ways, and through the drop-ins (https.Agent, undici connector) that keep sessions per host.
import { constants as cryptoConstants, randomBytes } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, connect, createServer, decodeSession, undiciConnect, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, readAll, testData, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Writes `data`, reads the echo back (the peer echoes), then closes; resolves with what came back. */
async function echo(socket: tls.TLSSocket | TLSSocket, data: Buffer): Promise<Buffer> {
  socket.write(data);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of socket) {
    parts.push(c as Buffer);
    n += (c as Buffer).length;
    if (n >= data.length) break;
  }
  socket.end();
  return Buffer.concat(parts);
}

/** A node:tls echo server (TLS 1.2) recording whether each connection resumed. */
function nodeEchoServer(options: tls.TlsOptions, reused: boolean[]): tls.Server {
  return tls.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2', ...options }, (s) => {
    reused.push(s.isSessionReused());
    s.pipe(s);
  });
}

/** One sanstls client connection: echo checked; resolves with the socket and the session it got. */
async function sanstlsRound(
  port: number,
  session: Buffer | undefined,
  seed: number,
  extra: Record<string, unknown> = {},
  setup?: (s: TLSSocket) => void,
): Promise<{ socket: TLSSocket; session: Buffer | undefined }> {
  const socket = connect({ host: 'localhost', port, ca: p.ca, ...(session ? { session } : {}), ...extra });
  setup?.(socket);
  let got: Buffer | undefined;
  socket.on('session', (s: Buffer) => (got = s));
  await once(socket, 'secureConnect');
  const data = testData(50_000, seed);
  expect((await echo(socket, data)).equals(data)).toBe(true);
  return { socket, session: got };
}

describe('sanstls client resumes against a node:tls server', () => {
  it('by ticket (RFC 5077): session event, then an abbreviated handshake', async () => {
    const reused: boolean[] = [];
    const server = nodeEchoServer({}, reused);
    const port = await listen(server);
    const first = await sanstlsRound(port, undefined, 1);
    expect(first.socket.isSessionReused()).toBe(false);
    expect(first.session).toBeInstanceOf(Buffer);
    expect(first.socket.getSession()?.equals(first.session!)).toBe(true);
    const decoded = decodeSession(first.session!);
    expect(decoded.ticket?.length).toBeGreaterThan(0);
    expect(decoded.serverName).toBe('localhost');

    const keylog: string[] = [];
    const second = await sanstlsRound(port, first.session, 2, {}, (s) => s.on('keylog', (l: Buffer) => keylog.push(l.toString())));
    expect(second.socket.isSessionReused()).toBe(true);
    // The abbreviated handshake reuses the master secret: the key log line says so (Wireshark can decrypt).
    expect(keylog).toHaveLength(1);
    expect(keylog[0]!.trim().split(' ')[2]).toBe(Buffer.from(decoded.masterSecret).toString('hex'));
    expect(second.socket.handshakeInfo?.resumed).toBe(true);
    expect(second.socket.authorized).toBe(true);
    expect((second.socket.getPeerCertificate() as unknown as { subject: { CN: string } }).subject.CN).toBe('localhost ec');
    // The session in use is still there to resume again.
    expect(second.socket.getSession()).toBeInstanceOf(Buffer);
    const third = await sanstlsRound(port, second.socket.getSession(), 3);
    expect(third.socket.isSessionReused()).toBe(true);
    // The Buffer given as `session` is the caller's: connections that used it and closed leave it intact.
    for (const s of [second.socket, third.socket]) s.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect([second.socket.destroyed, third.socket.destroyed]).toEqual([true, true]);
    expect(decodeSession(first.session!).masterSecret).toEqual(decoded.masterSecret);
    const fourth = await sanstlsRound(port, first.session, 4);
    expect(fourth.socket.isSessionReused()).toBe(true);
    expect(reused).toEqual([false, true, true, true]);
    await closeServer(server);
  });

  it('by session ID: a node server without tickets, with newSession / resumeSession handlers', async () => {
    const reused: boolean[] = [];
    const server = nodeEchoServer({ secureOptions: cryptoConstants.SSL_OP_NO_TICKET, sessionIdContext: 'sanstls-test' }, reused);
    const cache = new Map<string, Buffer>();
    let lookups = 0;
    server.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
      cache.set(id.toString('hex'), data);
      cb();
    });
    server.on('resumeSession', (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => {
      lookups++;
      cb(null, cache.get(id.toString('hex')) ?? null);
    });
    const port = await listen(server);
    const first = await sanstlsRound(port, undefined, 4);
    const decoded = decodeSession(first.session!);
    expect(decoded.ticket).toBeUndefined();
    expect(decoded.sessionId.length).toBe(32);
    expect(cache.has(Buffer.from(decoded.sessionId).toString('hex'))).toBe(true);

    const second = await sanstlsRound(port, first.session, 5);
    expect(second.socket.isSessionReused()).toBe(true);
    expect(lookups).toBe(1);
    expect(reused).toEqual([false, true]);
    await closeServer(server);
  });

  it('sessionTickets: false offers the session ID only (full handshake when the node server keeps no IDs)', async () => {
    // A node:tls server resumes session IDs only through newSession / resumeSession: without them
    // (OpenSSL's internal cache is off in node) every ID is unknown.
    const reused: boolean[] = [];
    const server = nodeEchoServer({}, reused);
    const port = await listen(server);
    const first = await sanstlsRound(port, undefined, 6, { sessionTickets: false });
    const decoded = decodeSession(first.session!);
    expect(decoded.ticket).toBeUndefined();
    const second = await sanstlsRound(port, first.session, 7, { sessionTickets: false });
    expect(second.socket.isSessionReused()).toBe(false);
    expect(reused).toEqual([false, false]);
    await closeServer(server);
  });

  it('a session is not offered to another server name; garbage session bytes are ignored', async () => {
    const reused: boolean[] = [];
    const server = nodeEchoServer({}, reused);
    const port = await listen(server);
    const first = await sanstlsRound(port, undefined, 8);
    // Same server, reached as 127.0.0.1 (the certificate has that IP): the session's name differs.
    const other = await sanstlsRound(port, first.session, 9, { host: '127.0.0.1' });
    expect(other.socket.isSessionReused()).toBe(false);
    const garbage = await sanstlsRound(port, Buffer.from('not a session'), 10);
    expect(garbage.socket.isSessionReused()).toBe(false);
    expect(reused).toEqual([false, false, false]);
    await closeServer(server);
  });

  it('a resumed session is checked again against this connection’s ca', async () => {
    const server = nodeEchoServer({}, []);
    const port = await listen(server);
    const first = await sanstlsRound(port, undefined, 11);
    // Resuming with anchors that do not cover the server's chain fails as a full handshake would.
    const c = connect({ host: 'localhost', port, ca: p.otherCa, session: first.session! });
    const err = await once<Error & { code?: string }>(c, 'error').catch((e: Error & { code?: string }) => e);
    expect(err.code).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY/);
    // With rejectUnauthorized: false it resumes and reports the failure.
    const lax = connect({ host: 'localhost', port, ca: p.otherCa, rejectUnauthorized: false, session: first.session! });
    await once(lax, 'secureConnect');
    expect(lax.isSessionReused()).toBe(true);
    expect(lax.authorized).toBe(false);
    expect(lax.authorizationError).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY/);
    const data = testData(1000, 12);
    expect((await echo(lax, data)).equals(data)).toBe(true);
    await closeServer(server);
  });
});

/** A node:tls client connection against a sanstls echo server; resolves with its session and reuse. */
async function nodeRound(port: number, session: Buffer | undefined, seed: number, resumable = true): Promise<{ reused: boolean; session: Buffer }> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, maxVersion: 'TLSv1.2', ...(session ? { session } : {}) });
  const sessionEvent = once<Buffer>(socket, 'session');
  sessionEvent.catch(() => {}); // a resumed connection may end without one
  await once(socket, 'secureConnect');
  expect(socket.authorized).toBe(true);
  const data = testData(40_000, seed);
  const reused = socket.isSessionReused();
  // A resumed node client gets 'session' only when the server renews the ticket, and none at all for a
  // session the server can resume neither by ID nor by ticket.
  const got = reused || !resumable ? socket.getSession()! : await sessionEvent;
  expect((await echo(socket, data)).equals(data)).toBe(true);
  return { reused, session: got };
}

function sanstlsEchoServer(options: Record<string, unknown>, reused: boolean[]): ReturnType<typeof createServer> {
  return createServer({ key: p.ec.key, cert: p.ec.cert, ...options }, (s) => {
    reused.push(s.isSessionReused());
    s.pipe(s);
  });
}

describe('node:tls client resumes against a sanstls server', () => {
  it('by ticket (default: tickets and a session cache per server)', async () => {
    const reused: boolean[] = [];
    const server = sanstlsEchoServer({}, reused);
    const port = await listen(server);
    const first = await nodeRound(port, undefined, 20);
    expect(first.reused).toBe(false);
    const second = await nodeRound(port, first.session, 21);
    expect(second.reused).toBe(true);
    const third = await nodeRound(port, second.session, 22);
    expect(third.reused).toBe(true);
    expect(reused).toEqual([false, true, true]);
    await closeServer(server);
  });

  it('by session ID (ticketKeys: false)', async () => {
    const reused: boolean[] = [];
    const server = sanstlsEchoServer({ ticketKeys: false }, reused);
    const port = await listen(server);
    const first = await nodeRound(port, undefined, 23);
    const second = await nodeRound(port, first.session, 24);
    expect(second.reused).toBe(true);
    expect(reused).toEqual([false, true]);
    await closeServer(server);
  });

  it('by session ID with SSL_OP_NO_TICKET, as node servers disable tickets', async () => {
    const reused: boolean[] = [];
    const server = sanstlsEchoServer({ secureOptions: cryptoConstants.SSL_OP_NO_TICKET }, reused);
    const port = await listen(server);
    const first = await nodeRound(port, undefined, 25);
    const second = await nodeRound(port, first.session, 26);
    expect(second.reused).toBe(true);
    await closeServer(server);
  });

  it('nothing resumes with sessionCache: false and ticketKeys: false', async () => {
    const reused: boolean[] = [];
    const server = sanstlsEchoServer({ ticketKeys: false, sessionCache: false }, reused);
    const port = await listen(server);
    const first = await nodeRound(port, undefined, 27, false);
    const second = await nodeRound(port, first.session, 28, false);
    expect(second.reused).toBe(false);
    expect(reused).toEqual([false, false]);
    await closeServer(server);
  });

  it('ticketKeys (48 bytes) shared between two servers; another server’s keys mean a full handshake', async () => {
    const keys = randomBytes(48);
    const a = sanstlsEchoServer({ ticketKeys: keys, sessionCache: false }, []);
    const b = sanstlsEchoServer({ ticketKeys: keys, sessionCache: false }, []);
    const c = sanstlsEchoServer({ sessionCache: false }, []);
    const [pa, pb, pc] = [await listen(a), await listen(b), await listen(c)];
    expect(a.getTicketKeys()?.equals(keys)).toBe(true);
    expect(c.getTicketKeys()).toBeUndefined();
    const first = await nodeRound(pa, undefined, 29);
    expect((await nodeRound(pb, first.session, 30)).reused).toBe(true);
    expect((await nodeRound(pc, first.session, 31)).reused).toBe(false);
    // setTicketKeys: c now opens a's tickets.
    c.setTicketKeys(keys);
    expect((await nodeRound(pc, first.session, 32)).reused).toBe(true);
    await Promise.all([closeServer(a), closeServer(b), closeServer(c)]);
  });

  it('sessionTimeout: a session past it is not resumed', async () => {
    const reused: boolean[] = [];
    const server = sanstlsEchoServer({ sessionTimeout: 1 }, reused);
    const port = await listen(server);
    const first = await nodeRound(port, undefined, 33);
    expect((await nodeRound(port, first.session, 34)).reused).toBe(true);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await nodeRound(port, first.session, 35)).reused).toBe(false);
    await closeServer(server);
  });
});

describe('drop-ins keep sessions per host', () => {
  it('https.Agent: the second request (new connection) resumes', async () => {
    const reused: boolean[] = [];
    const server = https.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2' }, (req, res) => {
      reused.push((req.socket as tls.TLSSocket).isSessionReused());
      req.resume();
      req.on('end', () => res.end(`hello ${req.url}`));
    });
    const port = await listen(server);
    const agent = new Agent({ ca: p.ca, keepAlive: false });
    const get = (path: string) =>
      new Promise<{ body: string; reused: boolean }>((resolve, reject) => {
        const req = https.get({ host: 'localhost', port, path, agent }, async (res) => {
          const body = (await readAll(res)).toString();
          resolve({ body, reused: (res.socket as unknown as TLSSocket).isSessionReused() });
        });
        req.on('error', reject);
      });
    const r1 = await get('/one');
    const r2 = await get('/two');
    expect(r1).toEqual({ body: 'hello /one', reused: false });
    expect(r2).toEqual({ body: 'hello /two', reused: true });
    expect(reused).toEqual([false, true]);
    agent.destroy();
    await closeServer(server);
  });

  it('undici connector: the second connection resumes', async () => {
    const reused: boolean[] = [];
    const server = https.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2' }, (req, res) => {
      reused.push((req.socket as tls.TLSSocket).isSessionReused());
      res.setHeader('connection', 'close');
      res.end(`hello ${req.url}`);
    });
    const port = await listen(server);
    const dispatcher = new UndiciAgent({ connect: undiciConnect({ ca: p.ca }) as never, pipelining: 0 });
    for (const path of ['/a', '/b']) {
      const r = await undiciRequest(`https://localhost:${port}${path}`, { dispatcher, reset: true });
      expect(await r.body.text()).toBe(`hello ${path}`);
    }
    expect(reused).toEqual([false, true]);
    await dispatcher.close();
    await closeServer(server);
  });
});
