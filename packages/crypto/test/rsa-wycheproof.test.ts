// Wycheproof RSA vectors. Policy for "acceptable" results, asserted below:
// - MissingNull (DigestInfo without the NULL parameters): rejected. We compare the whole encoded block with
//   the one RFC 8017 §9.2 Note 1 specifies, which carries NULL.
// - SmallModulus (1024/1536-bit) and SmallPublicKey (e = 3): accepted; the signatures are correct and key
//   size policy belongs to certificate validation. Since verification re-encodes instead of parsing,
//   e = 3 opens no Bleichenbacher'06 forgery.
import { describe, expect, it } from 'vitest';
import {
  RsaPrivateKey, RsaPublicKey, decryptPkcs1v15, decryptPkcs1v15Tls, verifyPkcs1v15, verifyPss,
  type RsaHashAlgorithm,
} from '@sanstls/crypto';
import { hex, toHex, wycheproof } from './vectors';

const hashOf = (name: string): RsaHashAlgorithm => name.toLowerCase().replace('-', '') as RsaHashAlgorithm;

function expected(t: { result: string; flags: string[] }): boolean {
  if (t.result === 'valid') return true;
  if (t.result === 'invalid') return false;
  if (t.flags.includes('MissingNull')) return false;
  if (t.flags.every((f) => f === 'SmallModulus' || f === 'SmallPublicKey')) return true;
  throw new Error(`no policy for acceptable ${t.flags.join(',')}`);
}

const sigFiles = [2048, 3072, 4096].flatMap((b) => [256, 384, 512].map((h) => `rsa_signature_${b}_sha${h}_test.json`));

describe('Wycheproof RSASSA-PKCS1-v1_5 verify', () => {
  for (const file of [...sigFiles, 'legacy_rsa_signature_test_sha1_etc.json']) {
    it(file, () => {
      const doc = wycheproof(file);
      let n = 0;
      for (const g of doc.testGroups) {
        const spki = hex(g.publicKeyDer ?? g.keyDer);
        const pub = RsaPublicKey.fromSpki(spki);
        // The PKCS#1 form of the same key imports to the same numbers.
        const pub1 = RsaPublicKey.fromPkcs1(hex(g.publicKeyAsn ?? g.keyAsn));
        expect(toHex(pub1.n)).toBe(toHex(pub.n));
        expect(toHex(pub1.e)).toBe(toHex(pub.e));
        const alg = hashOf(g.sha);
        for (const t of g.tests) {
          const ok = verifyPkcs1v15(pub, alg, hex(t.msg), hex(t.sig));
          expect(ok, `tcId ${t.tcId} ${t.comment} ${t.flags}`).toBe(expected(t));
          n++;
        }
        pub.dispose();
        pub1.dispose();
      }
      expect(n).toBe(doc.numberOfTests);
    });
  }
});

const pssFiles = [
  'rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa_pss_2048_sha384_mgf1_48_test.json',
  'rsa_pss_3072_sha256_mgf1_32_test.json', 'rsa_pss_4096_sha256_mgf1_32_test.json',
  'rsa_pss_4096_sha384_mgf1_48_test.json', 'rsa_pss_4096_sha512_mgf1_64_test.json', 'rsa_pss_misc_test.json',
];

describe('Wycheproof RSASSA-PSS verify (salt length and MGF1 hash from each group)', () => {
  for (const file of pssFiles) {
    it(file, () => {
      const doc = wycheproof(file);
      let n = 0;
      for (const g of doc.testGroups) {
        expect(g.mgf).toBe('MGF1');
        const pub = RsaPublicKey.fromSpki(hex(g.publicKeyDer));
        for (const t of g.tests) {
          const ok = verifyPss(pub, hashOf(g.sha), hex(t.msg), hex(t.sig), g.sLen, hashOf(g.mgfSha));
          expect(ok, `tcId ${t.tcId} ${t.comment} ${t.flags}`).toBe(expected(t));
          n++;
        }
        pub.dispose();
      }
      expect(n).toBe(doc.numberOfTests);
    });
  }
});

describe('Wycheproof RSAES-PKCS1-v1_5 decrypt', () => {
  for (const bits of [2048, 3072, 4096]) {
    it(`rsa_pkcs1_${bits}_test.json`, () => {
      const doc = wycheproof(`rsa_pkcs1_${bits}_test.json`);
      let n = 0;
      for (const g of doc.testGroups) {
        const priv = RsaPrivateKey.fromPkcs8(hex(g.privateKeyPkcs8));
        expect(priv.bits).toBe(g.keySize);
        for (const t of g.tests) {
          const ct = hex(t.ct);
          const got = decryptPkcs1v15(priv, ct);
          const tls = decryptPkcs1v15Tls(priv, ct);
          expect(tls.length).toBe(48);
          if (t.result === 'valid') {
            expect(got && toHex(got), `tcId ${t.tcId} ${t.comment}`).toBe(t.msg);
            // The TLS variant returns the message when its length is the expected one ...
            expect(toHex(decryptPkcs1v15Tls(priv, ct, t.msg.length / 2))).toBe(t.msg);
          } else {
            expect(got, `tcId ${t.tcId} ${t.comment} ${t.flags}`).toBeNull();
          }
          // ... and otherwise fresh random bytes, different on every call.
          if (t.result !== 'valid' || t.msg.length !== 96) {
            expect(toHex(decryptPkcs1v15Tls(priv, ct))).not.toBe(toHex(tls));
          }
          n++;
        }
        priv.dispose();
      }
      expect(n).toBe(doc.numberOfTests);
    });
  }
});
