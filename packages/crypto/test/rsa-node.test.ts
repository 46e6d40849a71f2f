// Differential tests against node:crypto (OpenSSL) and the openssl CLI, with keys generated here.
import { describe, expect, it } from 'vitest';
import * as nc from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RsaPrivateKey, RsaPublicKey, decryptPkcs1v15, decryptPkcs1v15Tls, encryptPkcs1v15, signPkcs1v15, signPss,
  verifyPkcs1v15, verifyPss, type RsaHashAlgorithm,
} from '@sanstls/crypto';
import { toHex } from './vectors';

const HASHES: [RsaHashAlgorithm, number][] = [['sha1', 20], ['sha256', 32], ['sha384', 48], ['sha512', 64]];
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b);

function keys(bits: number) {
  const { publicKey, privateKey } = nc.generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    nodePub: publicKey,
    nodePriv: privateKey,
    pub: RsaPublicKey.fromSpki(u8(publicKey.export({ format: 'der', type: 'spki' }))),
    pub1: RsaPublicKey.fromPkcs1(u8(publicKey.export({ format: 'der', type: 'pkcs1' }))),
    priv: RsaPrivateKey.fromPkcs8(u8(privateKey.export({ format: 'der', type: 'pkcs8' }))),
    priv1: RsaPrivateKey.fromPkcs1(u8(privateKey.export({ format: 'der', type: 'pkcs1' }))),
  };
}

const pss = (key: nc.KeyObject, saltLength: number) => ({ key, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength });

for (const bits of [2048, 3072, 4096]) {
  describe(`RSA-${bits} vs node:crypto`, () => {
    const k = keys(bits);

    it('imports: bits and byte length; PKCS#1 and SPKI/PKCS#8 forms agree', () => {
      expect(k.pub.bits).toBe(bits);
      expect(k.priv.bits).toBe(bits);
      expect(k.pub.byteLength).toBe(bits / 8);
      expect(toHex(k.pub1.n)).toBe(toHex(k.pub.n));
      expect(toHex(k.priv1.publicKey.n)).toBe(toHex(k.pub.n));
      expect(toHex(k.pub.e)).toBe('010001');
    });

    it('PKCS#1 v1.5 signatures: ours verify with node, node\'s verify with ours', () => {
      for (const [alg] of HASHES) {
        for (let i = 0; i < 3; i++) {
          const msg = nc.randomBytes(i * 50);
          const ours = signPkcs1v15(i % 2 ? k.priv : k.priv1, alg, msg);
          expect(nc.verify(alg, msg, k.nodePub, ours)).toBe(true);
          // Deterministic scheme: identical to OpenSSL's signature.
          const theirs = u8(nc.sign(alg, msg, k.nodePriv));
          expect(toHex(ours)).toBe(toHex(theirs));
          expect(verifyPkcs1v15(k.pub, alg, msg, theirs)).toBe(true);
          expect(verifyPkcs1v15(k.pub1, alg, { digest: u8(nc.createHash(alg).update(msg).digest()) }, theirs)).toBe(true);
          const bad = theirs.slice();
          bad[bits / 16]! ^= 4;
          expect(verifyPkcs1v15(k.pub, alg, msg, bad)).toBe(false);
          expect(verifyPkcs1v15(k.pub, alg, nc.randomBytes(8), theirs)).toBe(false);
        }
      }
    });

    it('PSS signatures (salt length = hash length): ours verify with node, node\'s verify with ours', () => {
      for (const [alg, hLen] of HASHES) {
        for (let i = 0; i < 3; i++) {
          const msg = nc.randomBytes(i * 70);
          const ours = signPss(k.priv, alg, msg);
          expect(nc.verify(alg, msg, pss(k.nodePub, hLen), ours)).toBe(true);
          expect(toHex(signPss(k.priv, alg, msg))).not.toBe(toHex(ours)); // random salt
          const theirs = u8(nc.sign(alg, msg, pss(k.nodePriv, hLen)));
          expect(verifyPss(k.pub, alg, msg, theirs, hLen)).toBe(true);
          expect(verifyPss(k.pub, alg, { digest: u8(nc.createHash(alg).update(msg).digest()) }, theirs, hLen)).toBe(true);
          expect(verifyPss(k.pub, alg, msg, theirs, hLen + 1)).toBe(false);
          expect(verifyPkcs1v15(k.pub, alg, msg, theirs)).toBe(false);
          const zeroSalt = u8(nc.sign(alg, msg, pss(k.nodePriv, 0)));
          expect(verifyPss(k.pub, alg, msg, zeroSalt, 0)).toBe(true);
        }
      }
    });

    it('rejects signatures of the wrong length and values >= n', () => {
      const msg = nc.randomBytes(10);
      const sig = signPkcs1v15(k.priv, 'sha256', msg);
      expect(verifyPkcs1v15(k.pub, 'sha256', msg, sig.subarray(1))).toBe(false);
      expect(verifyPkcs1v15(k.pub, 'sha256', msg, Uint8Array.of(0, ...sig))).toBe(false);
      // s + n has the same residue but is not a valid representative (and here still k bytes only if it fits).
      const n = BigInt('0x' + toHex(k.pub.n));
      const s = BigInt('0x' + toHex(sig));
      if (s + n < 1n << BigInt(bits)) {
        const alt = Uint8Array.from(Buffer.from((s + n).toString(16).padStart(bits / 4, '0'), 'hex'));
        expect(verifyPkcs1v15(k.pub, 'sha256', msg, alt)).toBe(false);
      }
      expect(verifyPkcs1v15(k.pub, 'sha256', msg, k.pub.n)).toBe(false);
      expect(verifyPkcs1v15(k.pub, 'sha256', msg, new Uint8Array(bits / 8).fill(0xff))).toBe(false);
      expect(verifyPss(k.pub, 'sha256', msg, new Uint8Array(bits / 8).fill(0xff), 32)).toBe(false);
    });

    it('PKCS#1 v1.5 encryption: node encrypts, ours decrypt; ours encrypt, openssl pkeyutl decrypts', () => {
      for (const len of [0, 1, 48, bits / 8 - 11]) {
        const m = nc.randomBytes(len);
        const c = u8(nc.publicEncrypt({ key: k.nodePub, padding: nc.constants.RSA_PKCS1_PADDING }, m));
        expect(toHex(decryptPkcs1v15(k.priv, c)!)).toBe(toHex(m));
        expect(toHex(decryptPkcs1v15Tls(k.priv, c, len))).toBe(toHex(m));
      }
      // Node 20 refuses PKCS#1 v1.5 in privateDecrypt (CVE-2023-46809): the CLI does it.
      const dir = mkdtempSync(join(tmpdir(), 'sanstls-rsa-'));
      try {
        writeFileSync(join(dir, 'key.pem'), k.nodePriv.export({ format: 'pem', type: 'pkcs8' }));
        for (const len of [0, 48, bits / 8 - 11]) {
          const m = nc.randomBytes(len);
          const c = encryptPkcs1v15(k.pub, m);
          expect(c.length).toBe(bits / 8);
          writeFileSync(join(dir, 'ct.bin'), c);
          const out = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'ct.bin')]);
          expect(toHex(u8(out))).toBe(toHex(m));
          // and the padding string is fresh and non-zero: two encryptions differ, raw block checks out
          expect(toHex(encryptPkcs1v15(k.pub, m))).not.toBe(toHex(c));
          const raw = u8(nc.privateDecrypt({ key: k.nodePriv, padding: nc.constants.RSA_NO_PADDING }, c));
          expect(raw[0]).toBe(0);
          expect(raw[1]).toBe(2);
          expect(raw.subarray(2, raw.length - len - 1).every((b) => b !== 0)).toBe(true);
          expect(raw[raw.length - len - 1]).toBe(0);
        }
        expect(() => encryptPkcs1v15(k.pub, new Uint8Array(bits / 8 - 10))).toThrow(RangeError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('raw private operation matches OpenSSL over many inputs (blinding refreshes included)', () => {
      for (let i = 0; i < 70; i++) {
        const x = nc.randomBytes(bits / 8);
        x[0] = 0;
        const ours = k.priv.privateOp(new Uint8Array(x));
        const theirs = u8(nc.privateDecrypt({ key: k.nodePriv, padding: nc.constants.RSA_NO_PADDING }, x));
        expect(toHex(ours)).toBe(toHex(theirs));
      }
    });
  });
}

describe('RSA with odd modulus sizes vs node:crypto', () => {
  // 1025 and 1537 bits: PSS's emLen is k - 1; 1160/2056/2100 bits: k and the primes are not limb-aligned.
  for (const bits of [1025, 1160, 1537, 2056, 2100]) {
    it(`${bits}-bit key: PKCS#1 v1.5 and PSS both ways, raw private operation`, () => {
      // OpenSSL may return a modulus one bit short for odd sizes: draw until the size is exact.
      let k = keys(bits);
      for (let i = 0; i < 40 && k.priv.bits !== bits; i++) k = keys(bits);
      expect(k.priv.bits).toBe(bits);
      const msg = nc.randomBytes(33);
      const v15 = signPkcs1v15(k.priv, 'sha256', msg);
      expect(toHex(v15)).toBe(toHex(u8(nc.sign('sha256', msg, k.nodePriv))));
      const ours = signPss(k.priv, 'sha256', msg);
      expect(ours.length).toBe(Math.ceil(bits / 8));
      expect(nc.verify('sha256', msg, pss(k.nodePub, 32), ours)).toBe(true);
      const theirs = u8(nc.sign('sha256', msg, pss(k.nodePriv, 32)));
      expect(verifyPss(k.pub, 'sha256', msg, theirs, 32)).toBe(true);
      for (let i = 0; i < 40; i++) {
        const x = nc.randomBytes(Math.ceil(bits / 8));
        x[0] = 0;
        expect(toHex(k.priv.privateOp(new Uint8Array(x))))
          .toBe(toHex(u8(nc.privateDecrypt({ key: k.nodePriv, padding: nc.constants.RSA_NO_PADDING }, x))));
      }
    });
  }
});
