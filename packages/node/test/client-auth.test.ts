// Client certificates between sanstls and real node:tls peers: a sanstls server with requestCert /
// rejectUnauthorized / ca judging node:tls clients, and a sanstls client with cert / key against a node:tls
// server that asks for one.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, testData, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Writes `data`, reads the echo back, then closes; resolves with what came back. */
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

interface Seen {
  authorized: boolean;
  authorizationError: string | undefined;
  cn: string | undefined;
  raw: Buffer | undefined;
  reused: boolean;
}

/** A sanstls echo server recording what each connection knows about its client. */
function authServer(options: Record<string, unknown>, seen: Seen[]): ReturnType<typeof createServer> {
  return createServer({ key: p.rsa.key, cert: p.rsa.cert, ...options }, (s) => {
    const cert = s.getPeerCertificate() as { subject?: { CN: string }; raw?: Buffer };
    seen.push({ authorized: s.authorized, authorizationError: s.authorizationError, cn: cert.subject?.CN, raw: cert.raw, reused: s.isSessionReused() });
    s.pipe(s);
  });
}

function nodeClient(port: number, extra: tls.ConnectionOptions = {}): tls.TLSSocket {
  return tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, maxVersion: 'TLSv1.2', ...extra });
}

describe('node:tls client certificate → sanstls server', () => {
  for (const leaf of ['ec', 'rsa'] as const) {
    it(`requestCert + rejectUnauthorized: a ${leaf} client certificate from the trusted CA is authorized`, async () => {
      const seen: Seen[] = [];
      const server = authServer({ requestCert: true, rejectUnauthorized: true, ca: p.ca }, seen);
      const port = await listen(server);
      const client = nodeClient(port, { key: p[leaf].key, cert: p[leaf].cert });
      await once(client, 'secureConnect');
      expect(client.authorized).toBe(true);
      const data = testData(100_000, 1);
      expect((await echo(client, data)).equals(data)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ authorized: true, authorizationError: undefined, cn: `localhost ${leaf}` });
      expect(seen[0]!.raw!.equals(new X509Certificate(p[leaf].cert).raw)).toBe(true);
      await closeServer(server);
    });
  }

  it('detailed getPeerCertificate on the server: the client chain with its issuer', async () => {
    let detailed: { subject: { CN: string }; issuerCertificate?: { subject: { CN: string } } } | undefined;
    const server = createServer({ key: p.ec.key, cert: p.ec.cert, requestCert: true, ca: p.ca }, (s) => {
      detailed = s.getPeerCertificate(true) as never;
      s.pipe(s);
    });
    const port = await listen(server);
    // The client sends its CA too, so the chain as sent has an issuer.
    const client = nodeClient(port, { key: p.ec.key, cert: p.ec.cert + p.ca });
    await once(client, 'secureConnect');
    const data = testData(1000, 2);
    expect((await echo(client, data)).equals(data)).toBe(true);
    expect(detailed?.subject.CN).toBe('localhost ec');
    expect(detailed?.issuerCertificate?.subject.CN).toBe('sanstls node test ca');
    await closeServer(server);
  });

  it('an untrusted client certificate is refused (tlsClientError; the node client sees the alert)', async () => {
    const seen: Seen[] = [];
    const server = authServer({ requestCert: true, rejectUnauthorized: true, ca: p.otherCa }, seen);
    const port = await listen(server);
    const reported = once<Error & { code?: string }>(server, 'tlsClientError');
    const client = nodeClient(port, { key: p.ec.key, cert: p.ec.cert });
    const err = await once<Error & { code?: string }>(client, 'secureConnect').then(
      // In TLS 1.2 the client may finish its flight before the server's alert arrives: then the alert
      // ends the connection right after.
      () => once<Error & { code?: string }>(client, 'error'),
      (e: Error & { code?: string }) => e,
    ).catch((e: Error & { code?: string }) => e);
    expect(err.code).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    // OpenSSL clients send their CA along (built from `ca`): a self-signed root the server does not trust.
    expect((await reported).code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/);
    expect(seen).toEqual([]);
    await closeServer(server);
  });

  it('requestCert + rejectUnauthorized: a client without a certificate is refused', async () => {
    const seen: Seen[] = [];
    const server = authServer({ requestCert: true, ca: p.ca }, seen); // rejectUnauthorized defaults to true
    const port = await listen(server);
    const reported = once<Error & { code?: string; alert?: string }>(server, 'tlsClientError');
    const client = nodeClient(port);
    const err = await once<Error & { code?: string }>(client, 'secureConnect').then(
      () => once<Error & { code?: string }>(client, 'error'),
      (e: Error & { code?: string }) => e,
    ).catch((e: Error & { code?: string }) => e);
    expect(err.code).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect((await reported).alert).toBe('handshake_failure');
    expect(seen).toEqual([]);
    await closeServer(server);
  });

  it('requestCert without rejectUnauthorized: untrusted or missing certificates get in, authorized false', async () => {
    const seen: Seen[] = [];
    const server = authServer({ requestCert: true, rejectUnauthorized: false, ca: p.otherCa }, seen);
    const port = await listen(server);
    for (const [i, extra] of [[1, { key: p.ec.key, cert: p.ec.cert }], [2, {}]] as const) {
      const client = nodeClient(port, extra);
      await once(client, 'secureConnect');
      const data = testData(30_000, 10 + i);
      expect((await echo(client, data)).equals(data)).toBe(true);
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ authorized: false, cn: 'localhost ec' });
    expect(seen[0]!.authorizationError).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/);
    // node:tls says UNABLE_TO_GET_ISSUER_CERT when no certificate came; sanstls names it.
    expect(seen[1]).toMatchObject({ authorized: false, authorizationError: 'NO_CLIENT_CERTIFICATE', cn: undefined });
    await closeServer(server);
  });

  it('without requestCert nothing is asked: authorized false, no authorizationError, no peer certificate', async () => {
    const seen: Seen[] = [];
    const server = authServer({}, seen);
    const port = await listen(server);
    const client = nodeClient(port, { key: p.ec.key, cert: p.ec.cert });
    await once(client, 'secureConnect');
    const data = testData(1000, 20);
    expect((await echo(client, data)).equals(data)).toBe(true);
    expect(seen[0]).toMatchObject({ authorized: false, authorizationError: undefined, cn: undefined });
    await closeServer(server);
  });

  it('a resumed session keeps the client certificate (getPeerCertificate, authorized)', async () => {
    const seen: Seen[] = [];
    const server = authServer({ requestCert: true, ca: p.ca }, seen);
    const port = await listen(server);
    let session: Buffer | undefined;
    for (const i of [1, 2]) {
      const client = nodeClient(port, { key: p.ec.key, cert: p.ec.cert, ...(session ? { session } : {}) });
      const got = once<Buffer>(client, 'session');
      got.catch(() => {});
      await once(client, 'secureConnect');
      if (!session) session = await got;
      else expect(client.isSessionReused()).toBe(true);
      const data = testData(5000, 30 + i);
      expect((await echo(client, data)).equals(data)).toBe(true);
    }
    expect(seen.map((s) => [s.reused, s.authorized, s.cn])).toEqual([
      [false, true, 'localhost ec'],
      [true, true, 'localhost ec'],
    ]);
    await closeServer(server);
  });
});

describe('sanstls client certificate → node:tls server', () => {
  for (const leaf of ['ec', 'rsa'] as const) {
    it(`cert / key (${leaf}) against requestCert + rejectUnauthorized`, async () => {
      const seen: { authorized: boolean; cn: string }[] = [];
      const server = tls.createServer(
        { key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: true, ca: p.ca },
        (s) => {
          seen.push({ authorized: s.authorized, cn: String(s.getPeerCertificate().subject.CN) });
          s.pipe(s);
        },
      );
      const port = await listen(server);
      const client = connect({ host: 'localhost', port, ca: p.ca, key: p[leaf].key, cert: p[leaf].cert });
      await once(client, 'secureConnect');
      expect(client.authorized).toBe(true);
      const data = testData(100_000, 40);
      expect((await echo(client, data)).equals(data)).toBe(true);
      expect(seen).toEqual([{ authorized: true, cn: `localhost ${leaf}` }]);
      await closeServer(server);
    });
  }

  it('without a certificate the node server refuses the handshake', async () => {
    const server = tls.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: true, ca: p.ca }, (s) => s.pipe(s));
    server.on('tlsClientError', () => {});
    const port = await listen(server);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const err = await once<Error & { code?: string; alert?: string }>(client, 'secureConnect').then(
      () => once<Error & { code?: string; alert?: string }>(client, 'error'),
      (e: Error & { code?: string; alert?: string }) => e,
    ).catch((e: Error & { code?: string; alert?: string }) => e);
    expect(err.code).toBe('PEER_ALERT');
    expect(err.alert).toMatch(/certificate_required|handshake_failure/);
    await closeServer(server);
  });

  it('cert without key is refused up front', () => {
    expect(() => connect({ host: 'localhost', port: 1, cert: p.ec.cert })).toThrow(/key and cert/);
  });

  it('sanstls client certificate → sanstls server', async () => {
    const seen: Seen[] = [];
    const server = authServer({ requestCert: true, ca: p.ca }, seen);
    const port = await listen(server);
    const client = connect({ host: 'localhost', port, ca: p.ca, key: p.ec.key, cert: p.ec.cert });
    await once(client, 'secureConnect');
    const data = testData(70_000, 50);
    expect((await echo(client, data)).equals(data)).toBe(true);
    expect(seen[0]).toMatchObject({ authorized: true, cn: 'localhost ec' });
    await closeServer(server);
  });
});
