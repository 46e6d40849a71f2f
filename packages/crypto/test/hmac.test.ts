import { describe, expect, it } from 'vitest';
import { createHmac as nodeHmac } from 'node:crypto';
import { Hmac, createHmac, heapStats, hmac, type HashAlgorithm } from '@sanstls/crypto';
import { hex, toHex, wycheproof } from './vectors.js';

const ALGS: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const ascii = (s: string) => new TextEncoder().encode(s);
const ref = (alg: HashAlgorithm, key: Uint8Array, d: Uint8Array) => nodeHmac(alg, key).update(d).digest('hex');

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0));
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = next() & 255;
      return b;
    },
  };
}

// RFC 4231 §4.2-4.8: [key, data, HMAC-SHA-256, HMAC-SHA-384, HMAC-SHA-512]; test case 5 is truncated to 128 bits.
const RFC4231: [Uint8Array, Uint8Array, string, string, string][] = [
  [hex('0b'.repeat(20)), ascii('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
  [hex('aa'.repeat(20)), hex('dd'.repeat(50)),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb'],
  [hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), hex('cd'.repeat(50)),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd'],
  [hex('0c'.repeat(20)), ascii('Test With Truncation'),
    'a3b6167473100ee06e0c796c2955552b', '3abf34c3503b2a23a46efc619baef897', '415fad6271580a531d4179bc891d87a6'],
  [hex('aa'.repeat(131)), ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598'],
  [hex('aa'.repeat(131)),
    ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58'],
];

// RFC 2202 §3, HMAC-SHA-1 test cases 1, 2 and 6 (the last with a key longer than the block).
const RFC2202: [Uint8Array, Uint8Array, string][] = [
  [hex('0b'.repeat(20)), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  [hex('aa'.repeat(80)), ascii('Test Using Larger Than Block-Size Key - Hash Key First'), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
];

describe('HMAC known answers', () => {
  it('matches RFC 4231 (HMAC-SHA-256/384/512)', () => {
    RFC4231.forEach(([key, data, ...tags], i) => {
      (['sha256', 'sha384', 'sha512'] as const).forEach((alg, j) => {
        const want = tags[j]!;
        expect(toHex(hmac(alg, key, data)).slice(0, want.length), `case ${i + 1} ${alg}`).toBe(want);
        const m = createHmac(alg, key).update(data);
        expect(toHex(m.digest()).slice(0, want.length)).toBe(want);
        m.dispose();
      });
    });
  });

  it('matches RFC 2202 (HMAC-SHA-1)', () => {
    for (const [key, data, tag] of RFC2202) expect(toHex(hmac('sha1', key, data))).toBe(tag);
  });

  for (const [file, alg] of [
    ['hmac_sha1_test.json', 'sha1'],
    ['hmac_sha256_test.json', 'sha256'],
    ['hmac_sha384_test.json', 'sha384'],
  ] as const) {
    it(`passes Wycheproof ${file}`, () => {
      const v = wycheproof(file);
      let n = 0;
      for (const g of v.testGroups) {
        const size = g.tagSize / 8; // some groups use truncated tags
        for (const t of g.tests) {
          const key = hex(t.key);
          const msg = hex(t.msg);
          const full = hmac(alg, key, msg);
          const match = toHex(full.subarray(0, size)) === t.tag;
          expect(match, `tcId ${t.tcId} (${t.comment})`).toBe(t.result === 'valid');
          const m = new Hmac(alg, key);
          expect(toHex(m.update(msg).digest())).toBe(toHex(full));
          m.dispose();
          n++;
        }
      }
      expect(n).toBe(v.numberOfTests);
    });
  }
});

describe.each(ALGS)('HMAC-%s against node:crypto', (alg) => {
  it('every key length 0..300 (around and beyond the block size)', () => {
    const r = rng(11 + alg.length);
    for (let kl = 0; kl <= 300; kl++) {
      const key = r.bytes(kl);
      const msg = r.bytes(r.int(300));
      expect(toHex(hmac(alg, key, msg)), `key length ${kl}`).toBe(ref(alg, key, msg));
    }
  });

  it('every message length 0..300, streaming, digest() keeping the key', () => {
    const r = rng(21);
    const key = r.bytes(32);
    const data = r.bytes(300);
    const m = createHmac(alg, key);
    expect(m.outputLength).toBe({ sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[alg]);
    for (let n = 0; n <= 300; n++) {
      const d = data.subarray(0, n);
      expect(toHex(m.update(d).digest()), `length ${n}`).toBe(ref(alg, key, d));
    }
    m.dispose();
  });

  it('large messages and keys beyond the 64 KiB scratch region', () => {
    const r = rng(31);
    const msg = r.bytes((1 << 20) + 3);
    const key = r.bytes(16);
    expect(toHex(hmac(alg, key, msg))).toBe(ref(alg, key, msg));
    const bigKey = r.bytes(70_000);
    expect(toHex(hmac(alg, bigKey, msg.subarray(0, 100)))).toBe(ref(alg, bigKey, msg.subarray(0, 100)));
    const m = new Hmac(alg, bigKey);
    expect(toHex(m.update(msg).digest())).toBe(ref(alg, bigKey, msg));
    m.dispose();
  });

  it('updates split at random points, unaligned subarrays', () => {
    const r = rng(41);
    for (let trial = 0; trial < 40; trial++) {
      const key = r.bytes(r.int(200));
      const buf = r.bytes(3000);
      const off = r.int(16);
      const msg = buf.subarray(off, off + r.int(2900));
      const m = createHmac(alg, key.subarray(trial % 3));
      for (let o = 0; o < msg.length; ) {
        const n = Math.min(msg.length - o, r.int(trial % 2 ? 5 : 400));
        m.update(msg.subarray(o, o + n));
        o += n;
      }
      expect(toHex(m.digest()), `trial ${trial}`).toBe(ref(alg, key.subarray(trial % 3), msg));
      m.dispose();
    }
  });

  it('clone() in the middle, then diverging; reset()', () => {
    const r = rng(51);
    const key = r.bytes(100);
    const prefix = r.bytes(150);
    const [a, b] = [r.bytes(77), r.bytes(300)];
    const m = createHmac(alg, key).update(prefix);
    const c = m.clone();
    m.update(a);
    c.update(b);
    expect(toHex(m.digest())).toBe(ref(alg, key, Buffer.concat([prefix, a])));
    expect(toHex(c.digest())).toBe(ref(alg, key, Buffer.concat([prefix, b])));
    // both still hold the key after digest()
    expect(toHex(c.update(a).digest())).toBe(ref(alg, key, a));
    m.update(prefix).reset();
    expect(toHex(m.update(b).digest())).toBe(ref(alg, key, b));
    m.dispose();
    c.dispose();
  });
});

describe('HMAC lifetime', () => {
  it('one-shot hmac() allocates nothing; disposed handles return their blocks', () => {
    hmac('sha256', new Uint8Array(3), new Uint8Array(3));
    const before = heapStats();
    for (const alg of ALGS) for (let i = 0; i < 50; i++) hmac(alg, new Uint8Array(i * 3), new Uint8Array(i * 40));
    expect(heapStats()).toEqual(before);
    const m = createHmac('sha384', new Uint8Array(7));
    const free = heapStats().freeBlocks;
    m.dispose();
    expect(heapStats().freeBlocks).toBe(free + 1);
    expect(() => m.update(new Uint8Array(1))).toThrow(/dispose/);
  });

  it('refuses unknown algorithms and non-byte keys', () => {
    expect(() => hmac('md5' as HashAlgorithm, new Uint8Array(1), new Uint8Array(1))).toThrow(TypeError);
    expect(() => new Hmac('sha256', 'key' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
