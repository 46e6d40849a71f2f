// A client without credentials asked for a certificate answers with an empty Certificate (RFC 5246 §7.4.6),
// which a server that only requests one accepts and a server that requires one refuses. (With credentials,
// against real peers: test/interop/flows-openssl.test.ts; between our two sides: flows.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { connect, startOpensslServer } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { pump } from '../interop/pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

const get = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

describe('CertificateRequest', () => {
  it('openssl s_server -verify 1 (optional): empty Certificate, handshake completes', async () => {
    const leaf = pki.leaves.rsa2048;
    const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-verify', '1', '-CAfile', pki.caFile, '-www']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const res = await pump(conn, await connect(srv.port), { onHandshake: (c) => c.write(get) });
      expect(res.error).toBeUndefined();
      expect(new TextDecoder().decode(res.received)).toMatch(/^HTTP\/1\.0 200 ok/);
      expect(new TextDecoder().decode(res.received)).toMatch(/no client certificate available/i);
    } finally {
      srv.stop();
    }
  });

  it('openssl s_server -Verify 1 (required): the server refuses the empty Certificate', async () => {
    const leaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-Verify', '1', '-CAfile', pki.caFile, '-www']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const res = await pump(conn, await connect(srv.port));
      expect(res.info).toBeUndefined();
      expect(res.error).toMatchObject({ code: 'PEER_ALERT', remote: true });
    } finally {
      srv.stop();
    }
  });

  it('connecting by IP address checks the iPAddress SAN and sends no SNI', async () => {
    const leaf = pki.leaves.p384;
    const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-www']);
    try {
      const conn = new ClientConnection({ serverName: '127.0.0.1', ca: pki.caPem });
      const res = await pump(conn, await connect(srv.port), { onHandshake: (c) => c.write(get) });
      expect(res.error).toBeUndefined();
      expect(res.info?.signatureScheme).toMatch(/^ecdsa_/);
    } finally {
      srv.stop();
    }
  });
});
