// Issue 4: sanstls client ↔ `openssl s_server -tls1_2 -rev`, every RSA, DHE and CBC suite (kx-matrix.ts);
// encrypt-then-MAC on or off by our offer. s_server picks its DHE group itself: OpenSSL 3.0 takes the
// RFC 3526 2048-bit MODP group for a 2048-bit RSA key (it does not negotiate RFC 7919 groups in TLS 1.2);
// explicit -dhparam files give the RFC 7919 groups, an unknown 2048-bit group, and a 1024-bit one (Logjam).
import { execFileSync } from 'node:child_process';
import { getDiffieHellman } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/index.js';
import { kxMatrix, opensslCipher, textLinesOf } from './kx-matrix.js';
import { equalBytes, reversedLines } from './matrix.js';
import { connect, startOpensslServer } from './peers.js';
import { cleanupPkis, makePki, type Pki } from './pki.js';
import { pump } from './pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

describe.concurrent('sanstls client ↔ openssl s_server (RSA, DHE, CBC)', () => {
  for (const c of kxMatrix()) {
    it(c.name, async () => {
      const leaf = pki.leaves[c.cert];
      const srv = await startOpensslServer(['-tls1_2', '-cipher', opensslCipher(c.suite), '-cert', leaf.certFile, '-key', leaf.keyFile, '-rev']);
      try {
        const sock = await connect(srv.port);
        const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [c.suite], encryptThenMac: c.etm });
        const data = textLinesOf(c.bytes, 7);
        const res = await pump(conn, sock, {
          onHandshake: (cc) => cc.write(data),
          onData: (cc, _d, total) => {
            if (total >= c.bytes) cc.close();
          },
        });
        expect(res.error).toBeUndefined();
        expect(res.info).toMatchObject({ cipherSuiteOpenssl: c.suite, keyExchange: c.keyExchange, encryptThenMac: c.etm, extendedMasterSecret: true });
        if (c.keyExchange === 'DHE') expect(res.info).toMatchObject({ group: 'modp2048', dhBits: 2048 });
        expect(equalBytes(res.received, reversedLines(data))).toBe(true);
      } finally {
        srv.stop();
      }
    });
  }
});

/** A DH parameters file made by the openssl CLI in the PKI directory. */
function dhparams(name: string, args: string[]): string {
  const file = join(pki.dir, `${name}.pem`);
  execFileSync('openssl', [...args, '-out', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  return file;
}

/** PKCS#3 DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER } as a "DH PARAMETERS" PEM file. */
function dhparamsOf(name: string, p: Buffer, g: number): string {
  const len = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const int = (b: Buffer) => {
    const v = b[0]! & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b;
    return Buffer.concat([Buffer.of(0x02, ...len(v.length)), v]);
  };
  const body = Buffer.concat([int(p), int(Buffer.of(g))]);
  const der = Buffer.concat([Buffer.of(0x30, ...len(body.length)), body]);
  const file = join(pki.dir, `${name}.pem`);
  writeFileSync(file, `-----BEGIN DH PARAMETERS-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END DH PARAMETERS-----\n`);
  return file;
}

describe.concurrent('sanstls client ↔ openssl s_server -dhparam', () => {
  const cases = [
    { name: 'RFC 7919 ffdhe3072', args: ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe3072'], expect: { group: 'ffdhe3072', dhBits: 3072 } },
    { name: 'RFC 7919 ffdhe4096', args: ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe4096'], expect: { group: 'ffdhe4096', dhBits: 4096 } },
    // The RFC 3526 2048-bit prime with generator 5: a group we do not know (ours all have g = 2), so the
    // path for unknown groups: accepted (p odd, g and Ys in range), reported without a name.
    { name: 'an unknown 2048-bit group', file: () => dhparamsOf('unknown2048', getDiffieHellman('modp14').getPrime(), 5), expect: { group: undefined, dhBits: 2048 } },
  ];
  for (const k of cases) {
    it(`${k.name} is accepted`, async () => {
      const leaf = pki.leaves.rsa2048;
      const file = k.args ? dhparams(k.name.replace(/\W+/g, '-'), k.args) : k.file!();
      const srv = await startOpensslServer(['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256', '-dhparam', file, '-cert', leaf.certFile, '-key', leaf.keyFile, '-rev']);
      try {
        const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: ['DHE-RSA-AES128-GCM-SHA256'] });
        const data = textLinesOf(16 * 1024, 9);
        const res = await pump(conn, await connect(srv.port), {
          onHandshake: (cc) => cc.write(data),
          onData: (cc, _d, total) => {
            if (total >= data.length) cc.close();
          },
        });
        expect(res.error).toBeUndefined();
        expect(res.info).toMatchObject({ keyExchange: 'DHE', ...k.expect });
        expect(equalBytes(res.received, reversedLines(data))).toBe(true);
      } finally {
        srv.stop();
      }
    });
  }

  it('a 1024-bit group is refused (Logjam): DH_KEY_TOO_SMALL, insufficient_security', async () => {
    const leaf = pki.leaves.rsa2048;
    const file = dhparamsOf('dh1024', getDiffieHellman('modp2').getPrime(), 2); // RFC 2409 group 2, 1024 bits
    const srv = await startOpensslServer(['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', '-dhparam', file, '-cert', leaf.certFile, '-key', leaf.keyFile, '-rev']);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: ['DHE-RSA-AES128-GCM-SHA256'] });
      const res = await pump(conn, await connect(srv.port));
      expect(res.info).toBeUndefined();
      expect(res.error).toMatchObject({ code: 'DH_KEY_TOO_SMALL', alert: 'insufficient_security', remote: false });
      expect(res.error?.message).toMatch(/1024 bits/);
    } finally {
      srv.stop();
    }
  });
});
