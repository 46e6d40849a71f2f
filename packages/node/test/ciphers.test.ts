// The node:tls `ciphers` option (an OpenSSL cipher list): every suite sanstls implements can be named,
// including RSA key exchange, DHE and CBC suites, against node:tls peers.
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { PrivateKeyDer } from '@sanstls/crypto';
import { connect, createServer } from '../src/index.js';
import { nodeCryptoProvider } from '../src/native-provider.js';
import { closeServer, listen, once, pki } from './helpers.js';

describe('ciphers', () => {
  for (const cipher of ['AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA256']) {
    it(`sanstls client with ciphers '${cipher}' ↔ node:tls server`, async () => {
      const p = pki();
      const server = tls.createServer({ cert: p.rsa.cert, key: p.rsa.key, ciphers: cipher, dhparam: 'auto', maxVersion: 'TLSv1.2' }, (s) => s.end('ok'));
      const port = await listen(server);
      try {
        const c = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, ciphers: `TLS_AES_128_GCM_SHA256:${cipher}:!RC4` });
        await once(c, 'secureConnect');
        expect(c.getCipher()?.name).toBe(cipher);
        c.destroy();
      } finally {
        await closeServer(server);
      }
    });
  }

  it('node:tls client ↔ sanstls server with ciphers naming RSA key exchange', async () => {
    const p = pki();
    const server = createServer({ cert: p.rsa.cert, key: p.rsa.key, ciphers: 'AES256-GCM-SHA384' }, (s) => s.end('ok'));
    const port = await listen(server);
    try {
      const c = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, maxVersion: 'TLSv1.2' });
      await once(c, 'secureConnect');
      expect(c.getCipher().name).toBe('AES256-GCM-SHA384');
      c.destroy();
    } finally {
      await closeServer(server);
    }
  });

  it("RSA key exchange with crypto: 'native': OpenSSL's raw RSA decrypts (the padding checks stay the core's), node:tls clients connect", async () => {
    const p = pki();
    let raw = 0;
    const crypto = { ...nodeCryptoProvider, rsaDecryptRaw: (k: PrivateKeyDer, c: Uint8Array) => (raw++, nodeCryptoProvider.rsaDecryptRaw!(k, c)) };
    const server = createServer({ cert: p.rsa.cert, key: p.rsa.key, ciphers: 'AES128-GCM-SHA256', crypto }, (s) => s.end('ok'));
    const port = await listen(server);
    try {
      for (let i = 0; i < 3; i++) {
        const c = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca, maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' });
        await once(c, 'secureConnect');
        expect(c.getCipher().name).toBe('AES128-GCM-SHA256');
        let got = '';
        for await (const d of c) got += String(d);
        expect(got).toBe('ok');
      }
      expect(raw).toBe(3);
    } finally {
      await closeServer(server);
    }
  });

  it('a list with nothing sanstls implements is ERR_SSL_NO_CIPHER_MATCH', () => {
    expect(() => connect({ host: '127.0.0.1', port: 1, ciphers: 'TLS_AES_128_GCM_SHA256:RC4-SHA' })).toThrow(expect.objectContaining({ code: 'ERR_SSL_NO_CIPHER_MATCH' }));
  });
});
