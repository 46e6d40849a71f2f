import { describe, expect, it } from 'vitest';
import { createHmac, hkdfSync } from 'node:crypto';
import { heapStats, hkdf, hkdfExpand, hkdfExtract, type HashAlgorithm } from '@sanstls/crypto';
import { hex, toHex, wycheproof } from './vectors.js';

const range = (a: number, b: number) => Uint8Array.from({ length: b - a + 1 }, (_, i) => a + i);
const E = new Uint8Array(0);
const refHkdf = (alg: HashAlgorithm, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, n: number) =>
  Buffer.from(hkdfSync(alg, ikm, salt, info, n)).toString('hex');

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0));
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 255),
  };
}

// RFC 5869 Appendix A, test cases 1-4, 6 and 7: [hash, IKM, salt, info, L, PRK, OKM].
const RFC5869: [HashAlgorithm, Uint8Array, Uint8Array | undefined, Uint8Array, number, string, string][] = [
  ['sha256', hex('0b'.repeat(22)), range(0x00, 0x0c), range(0xf0, 0xf9), 42,
    '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865'],
  ['sha256', range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82,
    '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87'],
  ['sha256', hex('0b'.repeat(22)), E, E, 42,
    '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8'],
  ['sha1', hex('0b'.repeat(11)), range(0x00, 0x0c), range(0xf0, 0xf9), 42,
    '9b6c18c432a7bf8f0e71c8eb88f4b30baa2ba243',
    '085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896'],
  ['sha1', hex('0b'.repeat(22)), E, E, 42,
    'da8c8a73c7fa77288ec6f5e7c297786aa0d32d01',
    '0ac1af7002b3d761d1e55298da9d0506b9ae52057220a306e07b6b87e8df21d0ea00033de03984d34918'],
  ['sha1', hex('0c'.repeat(22)), undefined, E, 42,
    '2adccada18779e7c2077ad2eb19d3f3e731385dd',
    '2c91117204d745f3500d636a62f64f0ab3bae548aa53d423b0d1f27ebba6f5e5673a081d70cce7acfc48'],
];

describe('HKDF known answers', () => {
  it('matches RFC 5869 Appendix A', () => {
    for (const [alg, ikm, salt, info, L, prk, okm] of RFC5869) {
      const p = hkdfExtract(alg, salt, ikm);
      expect(toHex(p)).toBe(prk);
      expect(toHex(hkdfExpand(alg, p, info, L))).toBe(okm);
      expect(toHex(hkdf(alg, ikm, salt, info, L))).toBe(okm);
    }
  });

  for (const [file, alg] of [
    ['hkdf_sha256_test.json', 'sha256'],
    ['hkdf_sha384_test.json', 'sha384'],
  ] as const) {
    it(`passes Wycheproof ${file} (too long outputs throw)`, () => {
      const v = wycheproof(file);
      let n = 0;
      for (const g of v.testGroups) {
        for (const t of g.tests) {
          const [ikm, salt, info] = [hex(t.ikm), hex(t.salt), hex(t.info)];
          if (t.result === 'valid') {
            expect(toHex(hkdf(alg, ikm, salt, info, t.size)), `tcId ${t.tcId}`).toBe(t.okm);
            expect(toHex(hkdfExpand(alg, hkdfExtract(alg, salt, ikm), info, t.size))).toBe(t.okm);
          } else {
            expect(() => hkdf(alg, ikm, salt, info, t.size), `tcId ${t.tcId} (${t.comment})`).toThrow(RangeError);
          }
          n++;
        }
      }
      expect(n).toBe(v.numberOfTests);
    });
  }
});

describe.each(['sha1', 'sha256', 'sha384', 'sha512'] as HashAlgorithm[])('HKDF-%s against node:crypto', (alg) => {
  const hashLen = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[alg];

  it('random inputs, every output length up to 255 * HashLen in steps', () => {
    const r = rng(3 + hashLen);
    for (let len = 0; len <= 255 * hashLen; len += len < 200 ? 1 : 97) {
      const ikm = r.bytes(r.int(200));
      const salt = r.bytes(len % 5 === 0 ? 0 : r.int(200));
      const info = r.bytes(r.int(100));
      expect(toHex(hkdf(alg, ikm, salt, info, len)), `length ${len}`).toBe(refHkdf(alg, ikm, salt, info, len));
    }
    const ikm = r.bytes(32);
    expect(toHex(hkdf(alg, ikm, E, E, 255 * hashLen))).toBe(refHkdf(alg, ikm, E, E, 255 * hashLen));
  });

  it('extract is HMAC(salt, IKM); expand refuses over 255 * HashLen', () => {
    const r = rng(5);
    const ikm = r.bytes(99);
    const salt = r.bytes(150);
    const prk = hkdfExtract(alg, salt, ikm);
    expect(toHex(prk)).toBe(createHmac(alg, salt).update(ikm).digest('hex'));
    expect(toHex(hkdfExtract(alg, undefined, ikm))).toBe(createHmac(alg, new Uint8Array(hashLen)).update(ikm).digest('hex'));
    expect(() => hkdfExpand(alg, prk, E, 255 * hashLen + 1)).toThrow(RangeError);
    expect(() => hkdf(alg, ikm, salt, E, 255 * hashLen + 1)).toThrow(RangeError);
    expect(() => hkdfExpand(alg, prk, E, -1)).toThrow(RangeError);
    expect(hkdfExpand(alg, prk, undefined, 0).length).toBe(0);
  });

  it('inputs beyond the scratch region', () => {
    const r = rng(6);
    const ikm = r.bytes(100_000);
    const salt = r.bytes(16);
    const info = r.bytes(10);
    expect(toHex(hkdf(alg, ikm, salt, info, 77))).toBe(refHkdf(alg, ikm, salt, info, 77));
    expect(toHex(hkdfExtract(alg, salt, ikm))).toBe(createHmac(alg, salt).update(ikm).digest('hex'));
  });
});

describe('HKDF lifetime', () => {
  it('allocates nothing', () => {
    hkdf('sha256', new Uint8Array(32), E, E, 32);
    const before = heapStats();
    for (let i = 0; i < 20; i++) {
      const prk = hkdfExtract('sha384', new Uint8Array(48), new Uint8Array(48));
      hkdfExpand('sha384', prk, new Uint8Array(20), 48);
      hkdf('sha256', new Uint8Array(32), new Uint8Array(32), new Uint8Array(10), 100);
    }
    expect(heapStats()).toEqual(before);
  });
});
