// The Finished check both ways and the classic (non-EMS) master secret, with real peers. A wrong
// verify_data that is still correctly encrypted comes from a provider whose PRF corrupts one label.
import { spawn } from 'node:child_process';
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
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
  cred = loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem);
});

const corrupting = (label: string): CryptoProvider => ({
  ...wasmProvider,
  prf(alg, secret, l, seed, n) {
    const out = wasmProvider.prf(alg, secret, l, seed, n);
    if (l === label) out[0]! ^= 0x80;
    return out;
  },
});
const get = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

async function withOpenssl<T>(f: (port: number) => Promise<T>): Promise<T> {
  const leaf = pki.leaves.rsa2048;
  const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-www']);
  try {
    return await f(srv.port);
  } finally {
    srv.stop();
  }
}

describe('Finished and master secret with real peers', () => {
  it('client without extended master secret ↔ openssl s_server (RFC 5246 §8.1 master secret)', async () => {
    await withOpenssl(async (port) => {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, extendedMasterSecret: false });
      const res = await pump(conn, await connect(port), { onHandshake: (c) => c.write(get) });
      expect(res.error).toBeUndefined();
      expect(res.info?.extendedMasterSecret).toBe(false);
      expect(new TextDecoder().decode(res.received)).toMatch(/^HTTP\/1\.0 200 ok/);
    });
  });

  it('server without extended master secret ↔ openssl s_client', async () => {
    const l = await listenOnce();
    const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${l.port}`, '-CAfile', pki.caFile, '-verify_return_error', '-tls1_2', '-servername', 'localhost']);
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', () => {});
    p.stdin.end('hello\n');
    const conn = new ServerConnection({ credentials: [cred], extendedMasterSecret: false });
    const res = await pump(conn, await l.accepted, { onData: (s) => s.close(), endOnClose: false });
    await new Promise((r) => p.on('close', r));
    expect(res.error).toBeUndefined();
    expect(res.info?.extendedMasterSecret).toBe(false);
    expect(out).toMatch(/Extended master secret: no/);
    expect(out).toMatch(/Verify return code: 0 \(ok\)/);
  });

  it('a wrong client Finished is refused by openssl s_server with decrypt_error', async () => {
    await withOpenssl(async (port) => {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: corrupting('client finished') });
      const res = await pump(conn, await connect(port));
      expect(res.info).toBeUndefined();
      expect(res.error).toMatchObject({ code: 'PEER_ALERT', alert: 'decrypt_error', remote: true });
    });
  });

  it("a server Finished that does not match ours is refused with decrypt_error (openssl s_server)", async () => {
    await withOpenssl(async (port) => {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: corrupting('server finished') });
      const res = await pump(conn, await connect(port));
      expect(res.info).toBeUndefined();
      expect(res.error).toMatchObject({ code: 'BAD_FINISHED', alert: 'decrypt_error', remote: false });
    });
  });

  it('our server refuses a wrong client Finished with decrypt_error', () => {
    const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, crypto: corrupting('client finished') });
    const server = new ServerConnection({ credentials: [cred] });
    for (let i = 0; i < 4; i++) {
      server.receive(client.takeOutgoing());
      client.receive(server.takeOutgoing());
    }
    const errs = server.events().filter((e) => e.type === 'error');
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ error: { code: 'BAD_FINISHED', alert: 'decrypt_error' } });
    expect(client.events()).toMatchObject([{ type: 'error', error: { code: 'PEER_ALERT', alert: 'decrypt_error', remote: true } }]);
  });
});
