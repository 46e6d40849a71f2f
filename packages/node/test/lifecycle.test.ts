// Closing, destroying, failing and timing out: each ends the stream once, the way node:tls users expect.
import net from 'node:net';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, readAll, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Records every 'error' a socket emits and resolves on 'close'. */
function watch(s: TLSSocket): { errors: (Error & { code?: string; alert?: string })[]; closed: Promise<void>; events: string[] } {
  const errors: Error[] = [];
  const events: string[] = [];
  s.on('error', (e) => errors.push(e));
  for (const ev of ['secureConnect', 'secure', 'end', 'finish', 'close']) s.on(ev, () => events.push(ev));
  return { errors, events, closed: new Promise((r) => s.once('close', () => r())) };
}

/** A TCP server that accepts and never answers; `onSocket` sees each connection. */
async function silentServer(onSocket: (s: net.Socket) => void = () => {}): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.resume(); // read and drop, so that the client's FIN is seen and the socket closes
    onSocket(s);
  });
  return { port: await listen(server), server };
}

describe('half-close', () => {
  it('end() sends close_notify and the readable side stays open for the answer (node:tls server)', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => {
      // Answer only once the request is complete, i.e. in the 'end' handler, after our close_notify.
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => {
        const req = Buffer.concat(parts);
        s.end(`got ${req.length} bytes: ${req.toString()}`);
      });
    });
    const port = await listen(srv);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(client);
    client.end('request body');
    const answer = (await readAll(client)).toString();
    expect(answer).toBe('got 12 bytes: request body');
    await w.closed;
    expect(w.errors).toEqual([]);
    expect(w.events).toEqual(['secureConnect', 'finish', 'end', 'close']);
    await closeServer(srv);
  });

  it("the peer's close_notify ends the readable side; the sanstls server sees a clean end (no truncation)", async () => {
    const serverEvents: string[] = [];
    let serverErrors = 0;
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => {
      s.on('error', () => serverErrors++);
      s.on('end', () => serverEvents.push('end'));
      s.on('close', () => serverEvents.push('close'));
      s.resume();
      s.end('bye');
    });
    const port = await listen(server);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(client);
    expect((await readAll(client)).toString()).toBe('bye');
    await w.closed;
    expect(w.errors).toEqual([]);
    await new Promise((r) => setImmediate(r));
    while (!serverEvents.includes('close')) await new Promise((r) => setTimeout(r, 5));
    expect(serverEvents).toEqual(['end', 'close']);
    expect(serverErrors).toBe(0);
    await closeServer(server);
  });

  it('EOF without close_notify is a TRUNCATED error (emitted once); allowTruncation turns it into an end', async () => {
    const srv = net.createServer((raw) => {
      const t = new tls.TLSSocket(raw, { isServer: true, key: p.ec.key, cert: p.ec.cert });
      t.on('secure', () => t.write('partial', () => raw.end()));
      t.on('error', () => {});
    });
    const port = await listen(srv);

    const strict = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(strict);
    const got: Buffer[] = [];
    strict.on('data', (d: Buffer) => got.push(d));
    await w.closed;
    expect(Buffer.concat(got).toString()).toBe('partial');
    expect(w.errors.map((e) => e.code)).toEqual(['TRUNCATED']);

    const lenient = connect({ host: 'localhost', port, ca: p.ca, allowTruncation: true });
    const w2 = watch(lenient);
    expect((await readAll(lenient)).toString()).toBe('partial');
    await w2.closed;
    expect(w2.errors).toEqual([]);
    await closeServer(srv);
  });
});

describe('destroy', () => {
  it('destroy() during the handshake: close, no error, no secureConnect, the transport is closed', async () => {
    let peerClosed!: () => void;
    const peerGone = new Promise<void>((r) => (peerClosed = r));
    const { port, server } = await silentServer((s) => s.on('close', () => peerClosed()));
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(client);
    await once(client, 'connect');
    client.destroy();
    await w.closed;
    await peerGone;
    expect(w.errors).toEqual([]);
    expect(w.events).toEqual(['close']);
    expect(client.transport.destroyed).toBe(true);
    await closeServer(server);
  });

  it('destroy(err) between the flights of a real handshake emits that error once', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, () => {});
    srv.on('tlsClientError', () => {});
    const port = await listen(srv);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(client);
    // The server's first flight arrives; the client answers it; the handshake is not finished yet.
    client.transport.once('data', () => {
      expect(client.tlsConnection.state).toBe('handshaking');
      client.destroy(Object.assign(new Error('stop'), { code: 'ESTOP' }));
    });
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ESTOP']);
    expect(w.events).toEqual(['close']);
    await closeServer(srv);
  });

  it('a client vanishing mid-handshake is a tlsClientError (ECONNRESET) and the server keeps serving', async () => {
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => s.end('served'));
    const port = await listen(server);
    const reported = once<Error & { code?: string }>(server, 'tlsClientError');
    const raw = net.connect(port, '127.0.0.1');
    await once(raw, 'connect');
    // Half a ClientHello, then gone.
    raw.end(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00]));
    expect((await reported).code).toBe('ECONNRESET');
    const ok = connect({ host: 'localhost', port, ca: p.ca });
    expect((await readAll(ok)).toString()).toBe('served');
    await closeServer(server);
  });
});

describe('certificate errors', () => {
  it('a chain from an untrusted CA: one error with a certificate code, unknown_ca sent to the server', async () => {
    const serverErr = new Promise<Error & { code?: string }>((resolve) => {
      const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert });
      srv.on('tlsClientError', (e) => resolve(e));
      void listen(srv).then((port) => {
        const client = connect({ host: 'localhost', port, ca: p.otherCa });
        const w = watch(client);
        void w.closed.then(() => {
          expect(w.errors).toHaveLength(1);
          expect(w.errors[0]!.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
          expect(w.errors[0]!.alert).toBe('unknown_ca');
          expect(w.events).toEqual(['close']);
          srv.close();
        });
      });
    });
    expect((await serverErr).code).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
  });

  it('a name the certificate does not carry: ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert });
    srv.on('tlsClientError', () => {});
    const port = await listen(srv);
    const client = connect({ host: '127.0.0.1', port, servername: 'example.com', ca: p.ca });
    const w = watch(client);
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ERR_TLS_CERT_ALTNAME_INVALID']);
    await closeServer(srv);
  });

  it('rejectUnauthorized: false completes the handshake with authorized = false and the reason', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => s.end('insecure but connected'));
    const port = await listen(srv);
    const client = connect({ host: 'localhost', port, ca: p.otherCa, rejectUnauthorized: false });
    await once(client, 'secureConnect');
    expect(client.authorized).toBe(false);
    expect(client.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect((client.getPeerCertificate() as { subject: Record<string, string> }).subject.CN).toBe('localhost ec');
    expect((await readAll(client)).toString()).toBe('insecure but connected');
    await closeServer(srv);
  });

  it('checkServerIdentity replaces the name check and its error fails the handshake', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => s.end('x'));
    srv.on('tlsClientError', () => {});
    const port = await listen(srv);
    const seen: string[] = [];
    const client = connect({
      host: 'localhost',
      port,
      ca: p.ca,
      checkServerIdentity: (host, cert) => {
        seen.push(`${host} ${cert.subject.CN} ${cert.fingerprint256.length}`);
        return Object.assign(new Error('pinned key mismatch'), { code: 'ERR_PINNED' });
      },
    });
    const w = watch(client);
    await w.closed;
    expect(seen).toEqual(['localhost localhost ec 95']);
    expect(w.errors.map((e) => e.code)).toEqual(['ERR_PINNED']);
    await closeServer(srv);
  });
});

describe('checkServerIdentity with node:tls.checkServerIdentity', () => {
  it("node's own check accepts the node-shaped certificate: passes for the right name, refuses another", async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => s.end('x'));
    srv.on('tlsClientError', () => {});
    const port = await listen(srv);
    const check = (host: string, cert: unknown) => tls.checkServerIdentity(host, cert as tls.PeerCertificate);
    const good = connect({ host: 'localhost', port, ca: p.ca, checkServerIdentity: check });
    expect((await readAll(good)).toString()).toBe('x');
    expect(good.authorized).toBe(true);
    const bad = connect({ host: '127.0.0.1', servername: 'example.com', port, ca: p.ca, checkServerIdentity: check });
    const w = watch(bad);
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ERR_TLS_CERT_ALTNAME_INVALID']);
    await closeServer(srv);
  });
});

describe('handshake timeout and early EOF', () => {
  it('client: a server that never answers fails with ERR_TLS_HANDSHAKE_TIMEOUT, once', async () => {
    const { port, server } = await silentServer();
    const client = connect({ host: 'localhost', port, ca: p.ca, handshakeTimeout: 200 });
    const w = watch(client);
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ERR_TLS_HANDSHAKE_TIMEOUT']);
    await closeServer(server);
  });

  it('server: a client that sends nothing is dropped with tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT', async () => {
    const server = createServer({ key: p.ec.key, cert: p.ec.cert, handshakeTimeout: 200 });
    const port = await listen(server);
    const reported = once<Error & { code?: string }>(server, 'tlsClientError');
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    const closed = once(raw, 'close');
    expect((await reported).code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    await closed;
    await closeServer(server);
  });

  it('a server that hangs up before the handshake: ECONNRESET', async () => {
    const { port, server } = await silentServer((s) => s.end());
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const w = watch(client);
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ECONNRESET']);
    await closeServer(server);
  });

  it('a refused TCP connection: ECONNREFUSED', async () => {
    const { port, server } = await silentServer();
    await closeServer(server);
    const client = connect({ host: '127.0.0.1', port, ca: p.ca });
    const w = watch(client);
    await w.closed;
    expect(w.errors.map((e) => e.code)).toEqual(['ECONNREFUSED']);
  });
});
