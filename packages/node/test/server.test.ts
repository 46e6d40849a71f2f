// sanstls servers (createServer) against real clients: node:tls and curl.
import http from 'node:http';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, readAll, run, testData, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

describe('createServer ↔ node:tls client', () => {
  for (const [leaf, crypto] of [['ec', 'wasm'], ['rsa', 'native'], ['ec', 'native']] as const) {
    it(`${leaf} key, ${crypto} crypto: echo, secureConnection, SNI and ALPN`, async () => {
      const seen: { servername: unknown; alpn: unknown; protocol: unknown }[] = [];
      const server = createServer({ key: p[leaf].key, cert: p[leaf].cert, crypto, ALPNProtocols: ['h2', 'echo'] }, (s: TLSSocket) => {
        seen.push({ servername: s.servername, alpn: s.alpnProtocol, protocol: s.getProtocol() });
        s.pipe(s);
      });
      const port = await listen(server);
      const data = testData(200_000, 3);
      const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, ALPNProtocols: ['echo'] });
      await once(client, 'secureConnect');
      expect(client.authorized).toBe(true);
      expect(client.getProtocol()).toBe('TLSv1.2');
      expect(client.alpnProtocol).toBe('echo');
      // The client reads the echo back before it closes: see 'half-close' in lifecycle.test.ts for why.
      client.write(data);
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const c of client) {
        chunks.push(c as Buffer);
        n += (c as Buffer).length;
        if (n >= data.length) break;
      }
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      expect(seen).toEqual([{ servername: 'localhost', alpn: 'echo', protocol: 'TLSv1.2' }]);
      await closeServer(server);
    });
  }

  it('SNI: addContext picks the certificate by name', async () => {
    const server = createServer({ key: p.rsa.key, cert: p.rsa.cert }, (s) => s.end(s.servername || 'none'));
    server.addContext('localhost', { key: p.ec.key, cert: p.ec.cert });
    const port = await listen(server);
    const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca });
    await once(client, 'secureConnect');
    expect(client.getPeerCertificate().subject.CN).toBe('localhost ec');
    expect((await readAll(client)).toString()).toBe('localhost');
    const noSni = tls.connect({ host: '127.0.0.1', port, ca: p.ca, checkServerIdentity: () => undefined });
    await once(noSni, 'secureConnect');
    expect(noSni.getPeerCertificate().subject.CN).toBe('localhost rsa');
    expect((await readAll(noSni)).toString()).toBe('none');
    await closeServer(server);
  });

  it('a client that aborts the handshake is reported as tlsClientError (curl trusting another CA)', async () => {
    let connections = 0;
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, () => connections++);
    const port = await listen(server);
    const reported = once<Error & { code?: string; alert?: string }>(server, 'tlsClientError');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${p.dir}/other-ca.pem`, p.otherCa);
    const r = await run('curl', ['-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', `${p.dir}/other-ca.pem`, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`]);
    expect(r.code).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
    const err = await reported;
    expect(err.code).toBe('PEER_ALERT');
    expect(err.alert).toBe('unknown_ca');
    expect(connections).toBe(0);
    await closeServer(server);
  });
});

describe('concurrency', () => {
  it('100 concurrent sanstls clients through one sanstls server, each echo checked', async () => {
    let live = 0;
    let peak = 0;
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => {
      live++;
      peak = Math.max(peak, live);
      s.on('close', () => live--);
      // Echo until the client has its bytes back; then the client closes.
      s.pipe(s);
    });
    const port = await listen(server);
    const N = 100;
    let connected = 0;
    let allConnected!: () => void;
    const barrier = new Promise<void>((r) => (allConnected = r));
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const data = testData(20_000 + i * 97, i + 1);
        const c = connect({ host: 'localhost', port, ca: p.ca, crypto: i % 2 === 0 ? 'wasm' : 'native' });
        await once(c, 'secureConnect');
        if (++connected === N) allConnected();
        await barrier; // every connection is up before any echo starts
        c.write(data);
        const parts: Buffer[] = [];
        let n = 0;
        for await (const d of c) {
          parts.push(d as Buffer);
          n += (d as Buffer).length;
          if (n >= data.length) break;
        }
        return Buffer.concat(parts).equals(data);
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(N);
    expect(peak).toBe(N);
    await closeServer(server);
  });
});

describe('createServer ↔ curl', () => {
  it('an http.Server fed with sanstls connections answers curl --tlsv1.2', async () => {
    const app = http.createServer((req, res) => {
      const sock = req.socket as unknown as TLSSocket;
      res.setHeader('content-type', 'text/plain');
      res.end(`hello ${req.url} over ${sock.getProtocol()} ${sock.getCipher()?.name} sni=${sock.servername}`);
    });
    const server = createServer({ key: p.ec.key, cert: p.ec.cert, ALPNProtocols: ['http/1.1'] }, (s) => app.emit('connection', s));
    const port = await listen(server);
    const r = await run('curl', ['-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', p.caFile, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/path?x=1`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hello \/path\?x=1 over TLSv1\.2 ECDHE-ECDSA-[A-Z0-9-]+ sni=localhost$/);
    await closeServer(server);
    app.close();
  });

  it('curl posts 1 MiB and gets its SHA-256 back (rsa key)', async () => {
    const { createHash } = await import('node:crypto');
    const body = testData(1 << 20, 11);
    const app = http.createServer(async (req, res) => {
      const got = await readAll(req);
      res.end(createHash('sha256').update(got).digest('hex'));
    });
    const server = createServer({ key: p.rsa.key, cert: p.rsa.cert }, (s) => app.emit('connection', s));
    const port = await listen(server);
    const { writeFileSync } = await import('node:fs');
    const file = `${p.dir}/body.bin`;
    writeFileSync(file, body);
    const r = await run('curl', ['-sS', '--tlsv1.2', '--tls-max', '1.2', '--cacert', p.caFile, '--resolve', `localhost:${port}:127.0.0.1`, '--data-binary', `@${file}`, `https://localhost:${port}/`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(createHash('sha256').update(body).digest('hex'));
    await closeServer(server);
    app.close();
  });
});
