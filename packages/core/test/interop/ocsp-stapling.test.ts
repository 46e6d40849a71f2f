// OCSP stapling (RFC 6066 §8, issue 5): the sanstls client sends status_request and checks the stapled
// response (against `openssl s_server -status_file`); the sanstls server staples a response it is given
// (to `openssl s_client -status` and a node:tls client with requestOCSP).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection, loadCredential, ServerConnection, type ClientOptions } from '../../src/index.js';
import { CA_EXT, leafExt, Pki, type Issued } from '../../../x509/test/helpers/pki.js';
import { drive, eventsOf } from './drive.js';
import { connect, listenOnce, startOpensslServer } from './peers.js';

let pki: Pki;
let root: Issued;
let leaf: Issued;
let stranger: Issued;
let good: Uint8Array;
let revoked: Uint8Array;
let forged: Uint8Array;
const file = (name: string, data: Uint8Array) => {
  const p = pki.path(name);
  writeFileSync(p, data);
  return p;
};

beforeAll(() => {
  pki = new Pki();
  root = pki.issue({ name: 'root', subject: '/CN=Stapling Root', ext: CA_EXT });
  leaf = pki.issue({ name: 'leaf', subject: '/CN=localhost', issuer: root, ext: leafExt('DNS:localhost') });
  stranger = pki.issue({ name: 'stranger', subject: '/CN=Stapling Root', ext: CA_EXT }); // same name, other key
  good = pki.ocsp(root, leaf, 'good');
  revoked = pki.ocsp(root, leaf, 'revoked');
  forged = pki.ocsp(root, leaf, 'good', { signer: stranger });
});
afterAll(() => pki.cleanup());

async function clientAgainst(statusFile: string | undefined, opts: Partial<ClientOptions> = {}) {
  const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certPath, '-key', leaf.keyPath, '-www', ...(statusFile ? ['-status_file', statusFile] : [])]);
  try {
    const conn = new ClientConnection({ serverName: 'localhost', ca: root.pem, ...opts });
    const d = drive(conn, await connect(srv.port));
    await d.until(() => conn.state !== 'handshaking', 'handshake');
    return { conn, info: eventsOf(d, 'handshake')[0]?.info };
  } finally {
    srv.stop();
  }
}

describe('sanstls client ← openssl s_server -status_file', () => {
  it('a good response is checked and reported', async () => {
    const r = await clientAgainst(file('good.der', good));
    expect(r.conn.error).toBeUndefined();
    expect(Buffer.from(r.info!.ocspResponse!).equals(Buffer.from(good))).toBe(true);
  });

  it('a revoked certificate fails with certificate_revoked', async () => {
    const r = await clientAgainst(file('revoked.der', revoked));
    expect(r.conn.error).toMatchObject({ code: 'CERT_REVOKED', alert: 'certificate_revoked' });
  });

  it('a response signed by another key fails with bad_certificate_status_response', async () => {
    const r = await clientAgainst(file('forged.der', forged));
    expect(r.conn.error).toMatchObject({ code: 'OCSP_VERIFY_FAILED', alert: 'bad_certificate_status_response' });
  });

  it('no staple: passes under the soft policy, fails under the hard one', async () => {
    const soft = await clientAgainst(undefined);
    expect(soft.conn.error).toBeUndefined();
    expect(soft.info?.ocspResponse).toBeUndefined();
    const hard = await clientAgainst(undefined, { revocation: 'hard' });
    expect(hard.conn.error?.code).toBe('REVOCATION_STATUS_UNKNOWN');
    const stapled = await clientAgainst(file('good2.der', good), { revocation: 'hard' });
    expect(stapled.conn.error).toBeUndefined();
  });

  it('ocspStapling: false sends no status_request (and gets no staple)', async () => {
    const r = await clientAgainst(file('good3.der', good), { ocspStapling: false });
    expect(r.conn.error).toBeUndefined();
    expect(r.info?.ocspResponse).toBeUndefined();
  });
});

describe('sanstls server staples', () => {
  const credential = () => loadCredential(leaf.pem, readFileSync(leaf.keyPath, 'utf8'), { ocspResponse: good });

  it('to openssl s_client -status', async () => {
    const l = await listenOnce();
    const out = await new Promise<string>((resolve) => {
      const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${l.port}`, '-tls1_2', '-status', '-CAfile', root.certPath, '-servername', 'localhost']);
      let s = '';
      p.stdout.on('data', (b: Buffer) => (s += b.toString()));
      p.stderr.on('data', (b: Buffer) => (s += b.toString()));
      p.stdin.end();
      p.on('close', () => resolve(s));
      void l.accepted.then((sock) => drive(new ServerConnection({ credentials: [credential()] }), sock));
    });
    expect(out).toMatch(/OCSP Response Status: successful/);
    expect(out).toMatch(/Cert Status: good/);
  });

  it('to a node:tls client with requestOCSP, and only when asked', async () => {
    for (const requestOCSP of [true, false]) {
      const l = await listenOnce();
      const got = new Promise<Buffer | null | 'none'>((resolve, reject) => {
        // requestOCSP is a TLSSocket option that tls.connect passes on (missing from @types/node's ConnectionOptions).
        const options = { host: '127.0.0.1', port: l.port, servername: 'localhost', ca: root.pem, requestOCSP, maxVersion: 'TLSv1.2' };
        const s = tls.connect(options as tls.ConnectionOptions);
        let staple: Buffer | null | 'none' = 'none';
        s.on('OCSPResponse', (r: Buffer) => (staple = r));
        s.on('secureConnect', () => {
          s.end();
          resolve(staple);
        });
        s.on('error', reject);
      });
      const d = drive(new ServerConnection({ credentials: [credential()] }), await l.accepted);
      const staple = await got;
      if (requestOCSP) expect(Buffer.isBuffer(staple) && staple.equals(Buffer.from(good))).toBe(true);
      else expect(staple).toBe('none');
      expect(eventsOf(d, 'handshake')[0]?.info.ocspResponse === undefined).toBe(!requestOCSP);
    }
  });
});
