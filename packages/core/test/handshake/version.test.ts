// Version negotiation with real peers: TLS 1.2 only, TLS_FALLBACK_SCSV both ways (RFC 7507).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection, loadCredential, ServerConnection, type ServerCredential } from '../../src/index.js';
import { connect, listenOnce, startOpensslServer } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { pump } from '../interop/pump.js';

let pki: Pki;
let cred: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  cred = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
});

async function sClientAgainstUs(args: string[]) {
  const l = await listenOnce();
  const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${l.port}`, ...args]);
  let out = '';
  p.stdout.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr.on('data', (b: Buffer) => (out += b.toString()));
  p.stdin.end();
  const conn = new ServerConnection({ credentials: [cred] });
  const res = await pump(conn, await l.accepted);
  await new Promise((r) => p.on('close', r));
  return { res, out };
}

describe('versions', () => {
  it('a TLS 1.1 client (openssl s_client -tls1_1) gets protocol_version', async () => {
    const { res, out } = await sClientAgainstUs(['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0']);
    expect(res.error).toMatchObject({ code: 'PROTOCOL_VERSION', alert: 'protocol_version' });
    expect(out).toMatch(/alert protocol version/);
  });

  it('a TLS 1.1 fallback retry (openssl s_client -fallback_scsv) gets inappropriate_fallback', async () => {
    const { res, out } = await sClientAgainstUs(['-tls1_1', '-fallback_scsv', '-cipher', 'DEFAULT@SECLEVEL=0']);
    expect(res.error).toMatchObject({ code: 'INAPPROPRIATE_FALLBACK', alert: 'inappropriate_fallback' });
    expect(out).toMatch(/inappropriate fallback/);
  });

  it('a TLS 1.3-capable client (openssl s_client default) negotiates TLS 1.2 with us', async () => {
    const { res, out } = await sClientAgainstUs(['-CAfile', pki.caFile, '-servername', 'localhost', '-verify_return_error']);
    expect(res.error).toBeUndefined();
    expect(res.info?.version).toBe('TLSv1.2');
    expect(out).toMatch(/Protocol\s*: TLSv1\.2/);
  });

  it('our client with fallback: true is refused by a TLS 1.3-capable openssl s_server', async () => {
    const leaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-cert', leaf.certFile, '-key', leaf.keyFile, '-www']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, fallback: true });
      const res = await pump(conn, await connect(srv.port));
      expect(res.error).toMatchObject({ code: 'PEER_ALERT', alert: 'inappropriate_fallback', remote: true });
    } finally {
      srv.stop();
    }
  });

  it('our client without fallback reaches the same server over TLS 1.2', async () => {
    const leaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-cert', leaf.certFile, '-key', leaf.keyFile, '-www']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const res = await pump(conn, await connect(srv.port), { onHandshake: (c) => c.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')) });
      expect(res.error).toBeUndefined();
      expect(new TextDecoder().decode(res.received)).toMatch(/Protocol\s*: TLSv1\.2/);
    } finally {
      srv.stop();
    }
  });
});
