// sanstls clients (connect) against real servers: node:tls and openssl s_server.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, opensslServer, pki, readAll, testData, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

describe('connect ↔ node:tls server', () => {
  const cases = [
    { leaf: 'ec', crypto: 'wasm', suite: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
    { leaf: 'ec', crypto: 'native', suite: 'ECDHE-ECDSA-CHACHA20-POLY1305' },
    { leaf: 'rsa', crypto: 'wasm', suite: 'ECDHE-RSA-AES256-GCM-SHA384' },
    { leaf: 'rsa', crypto: 'native', suite: 'ECDHE-RSA-AES128-GCM-SHA256' },
  ] as const;
  for (const c of cases) {
    it(`${c.suite} with ${c.crypto} crypto: echo and the node:tls surface`, async () => {
      const leaf = p[c.leaf];
      let serverSni: string | false | null | undefined;
      let serverCipher: string | undefined;
      const srv = tls.createServer(
        { key: leaf.key, cert: leaf.cert, maxVersion: 'TLSv1.2', ciphers: c.suite, ALPNProtocols: ['h2', 'http/1.1'] },
        (s) => {
          serverSni = s.servername;
          serverCipher = s.getCipher().name;
          s.pipe(s);
        },
      );
      const port = await listen(srv);
      const data = testData(300_000, 7);
      const client: TLSSocket = connect({ host: 'localhost', port, ca: p.ca, crypto: c.crypto, ALPNProtocols: ['http/1.1'] });
      await once(client, 'secureConnect');
      expect(client.encrypted).toBe(true);
      expect(client.authorized).toBe(true);
      expect(client.authorizationError).toBeUndefined();
      expect(client.getProtocol()).toBe('TLSv1.2');
      expect(client.getCipher()).toEqual({ name: c.suite, standardName: client.handshakeInfo!.cipherSuite, version: 'TLSv1.2' });
      expect(client.getCipher()!.standardName).toMatch(/^TLS_ECDHE_/);
      expect(client.alpnProtocol).toBe('http/1.1');
      expect(client.servername).toBe('localhost');
      expect(client.getEphemeralKeyInfo()).toMatchObject({ type: 'ECDH' });
      const cert = client.getPeerCertificate(true);
      expect(cert).not.toBeNull();
      const x = new X509Certificate(leaf.cert);
      expect((cert as { raw: Buffer }).raw.equals(x.raw)).toBe(true);
      expect((cert as { subject: Record<string, string> }).subject.CN).toBe(`localhost ${c.leaf}`);
      expect((cert as { fingerprint256: string }).fingerprint256).toBe(x.fingerprint256);
      expect((cert as { subjectaltname: string }).subjectaltname).toBe('DNS:localhost, IP Address:127.0.0.1');
      const issuer = (cert as { issuerCertificate?: { subject: Record<string, string> } }).issuerCertificate;
      expect(issuer?.subject.CN).toBe('sanstls node test ca');

      client.end(data);
      const echoed = await readAll(client);
      expect(echoed.equals(data)).toBe(true);
      expect(serverSni).toBe('localhost');
      expect(serverCipher).toBe(c.suite);
      await closeServer(srv);
    });
  }

  it('connects by IP address: no SNI sent, the certificate is checked against the IP', async () => {
    let sni: string | false | null | undefined = 'unset';
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2' }, (s) => {
      sni = s.servername;
      s.end('ok');
    });
    const port = await listen(srv);
    const client = connect({ host: '127.0.0.1', port, ca: p.ca });
    const body = await readAll(client);
    expect(body.toString()).toBe('ok');
    expect(client.authorized).toBe(true);
    expect(sni).toBe(false);
    await closeServer(srv);
  });

  it('connect(port, host, options, callback) form', async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert, maxVersion: 'TLSv1.2' }, (s) => s.end('hi'));
    const port = await listen(srv);
    let called = false;
    const client = connect(port, 'localhost', { ca: p.ca }, () => {
      called = true;
    });
    expect((await readAll(client)).toString()).toBe('hi');
    expect(called).toBe(true);
    await closeServer(srv);
  });
});

describe('connect ↔ openssl s_server', () => {
  let server: Awaited<ReturnType<typeof opensslServer>> | undefined;
  afterAll(() => server?.stop());

  for (const [leaf, cipher] of [['ec', 'ECDHE-ECDSA-CHACHA20-POLY1305'], ['rsa', 'ECDHE-RSA-AES256-GCM-SHA384']] as const) {
    it(`${cipher}: GET / from s_server -www`, async () => {
      server = await opensslServer(['-naccept', '1', '-tls1_2', '-cipher', cipher, '-cert', p[leaf].certFile, '-key', p[leaf].keyFile, '-www']);
      const client = connect({ host: 'localhost', port: server.port, ca: p.ca, crypto: leaf === 'ec' ? 'native' : 'wasm' });
      client.write('GET / HTTP/1.0\r\n\r\n');
      const body = (await readAll(client)).toString('latin1');
      expect(client.getCipher()!.name).toBe(cipher);
      expect(body).toMatch(/^HTTP\/1\.0 200 ok/);
      // s_server -www reports the connection's parameters in the page.
      expect(body).toContain(`Cipher is ${cipher}`);
      server.stop();
      server = undefined;
    });
  }
});
