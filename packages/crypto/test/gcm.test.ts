// AES-GCM (AesGcm and the streaming WASM context) against the McGrew-Viega test cases, every Wycheproof
// aes_gcm test, and node:crypto on random inputs.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AesGcm, heapStats } from '@sanstls/crypto';
import { alloc, free, heap, wasm } from '../src/wasm.js';
import { hex, toHex, wycheproof } from './vectors.js';

const rnd = (n: number) => new Uint8Array(randomBytes(n));
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** node:crypto AES-GCM seal: ciphertext || tag (tag truncated to tagLen). */
function nodeSeal(key: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen = 16): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-128-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(pt), c.final()]);
  return cat(ct, c.getAuthTag().subarray(0, tagLen));
}

function nodeOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null {
  const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-128-gcm', key, iv);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return cat(d.update(sealed.subarray(0, sealed.length - 16)), d.final());
  } catch {
    return null;
  }
}

/**
 * A slow reference GCM for nonces longer than node:crypto accepts (128 bytes): SP 800-38D §7.1 written out
 * with node's AES-ECB and a bit-by-bit GHASH (Algorithm 1).
 */
function refSeal(key: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array {
  const ecb = (b: Uint8Array) =>
    new Uint8Array(createCipheriv(`aes-${key.length * 8}-ecb` as 'aes-128-ecb', key, null).setAutoPadding(false).update(b));
  const big = (b: Uint8Array) => BigInt('0x' + (toHex(b) || '0'));
  const h = big(ecb(new Uint8Array(16)));
  const mul = (x: bigint) => {
    let z = 0n, v = h;
    for (let i = 127n; i >= 0n; i--) {
      if ((x >> i) & 1n) z ^= v;
      v = v & 1n ? (v >> 1n) ^ (0xe1n << 120n) : v >> 1n;
    }
    return z;
  };
  const ghash = (...segs: Uint8Array[]) => {
    let y = 0n;
    for (const d of segs) for (let i = 0; i < d.length; i += 16) {
      const blk = new Uint8Array(16);
      blk.set(d.subarray(i, i + 16));
      y = mul(y ^ big(blk));
    }
    return y;
  };
  const block = (x: bigint) => hex(x.toString(16).padStart(32, '0'));
  const lens = (a: number, b: number) => block((BigInt(a * 8) << 64n) | BigInt(b * 8));
  const j0 = iv.length === 12 ? cat(iv, hex('00000001')) : block(ghash(iv, lens(0, iv.length)));
  const ct = new Uint8Array(pt.length);
  let ctr = j0.slice();
  for (let i = 0; i < pt.length; i += 16) {
    const c = new DataView(ctr.buffer).getUint32(12);
    new DataView(ctr.buffer).setUint32(12, (c + 1) >>> 0);
    const ks = ecb(ctr);
    for (let j = i; j < Math.min(i + 16, pt.length); j++) ct[j] = pt[j]! ^ ks[j - i]!;
  }
  const s = block(ghash(aad, ct, lens(aad.length, ct.length)));
  const ej0 = ecb(j0);
  for (let j = 0; j < 16; j++) s[j]! ^= ej0[j]!;
  return cat(ct, s);
}

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", appendix B, test cases 1-18.
const K0 = (n: number) => '00'.repeat(n);
const KF = 'feffe9928665731c6d6a8f9467308308';
const P64 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const P60 = P64.slice(0, 120);
const A20 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const IV96 = 'cafebabefacedbaddecaf888';
const IV64 = 'cafebabefacedbad';
const IV480 =
  '9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728' +
  'c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b';
const Z16 = '00'.repeat(16);
const Z12 = '00'.repeat(12);
type Tc = [n: number, key: string, pt: string, aad: string, iv: string, ct: string, tag: string];
const MV: Tc[] = [
  [1, K0(16), '', '', Z12, '', '58e2fccefa7e3061367f1d57a4e7455a'],
  [2, K0(16), Z16, '', Z12, '0388dace60b6a392f328c2b971b2fe78', 'ab6e47d42cec13bdf53a67b21257bddf'],
  [3, KF, P64, '', IV96,
    '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
    '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985', '4d5c2af327cd64a62cf35abd2ba6fab4'],
  [4, KF, P60, A20, IV96,
    '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
    '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091', '5bc94fbc3221a5db94fae95ae7121a47'],
  [5, KF, P60, A20, IV64,
    '61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423' +
    '73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598', '3612d2e79e3b0785561be14aaca2fccb'],
  [6, KF, P60, A20, IV480,
    '8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7' +
    '01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5', '619cc5aefffe0bfa462af43c1699d050'],
  [7, K0(24), '', '', Z12, '', 'cd33b28ac773f74ba00ed1f312572435'],
  [8, K0(24), Z16, '', Z12, '98e7247c07f0fe411c267e4384b0f600', '2ff58d80033927ab8ef4d4587514f0fb'],
  [9, KF + KF.slice(0, 16), P64, '', IV96,
    '3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c' +
    '7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256', '9924a7c8587336bfb118024db8674a14'],
  [10, KF + KF.slice(0, 16), P60, A20, IV96,
    '3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c' +
    '7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710', '2519498e80f1478f37ba55bd6d27618c'],
  [11, KF + KF.slice(0, 16), P60, A20, IV64,
    '0f10f599ae14a154ed24b36e25324db8c566632ef2bbb34f8347280fc4507057' +
    'fddc29df9a471f75c66541d4d4dad1c9e93a19a58e8b473fa0f062f7', '65dcc57fcf623a24094fcca40d3533f8'],
  [12, KF + KF.slice(0, 16), P60, A20, IV480,
    'd27e88681ce3243c4830165a8fdcf9ff1de9a1d8e6b447ef6ef7b79828666e45' +
    '81e79012af34ddd9e2f037589b292db3e67c036745fa22e7e9b7373b', 'dcf566ff291c25bbb8568fc3d376a6d9'],
  [13, K0(32), '', '', Z12, '', '530f8afbc74536b9a963b4f1c4cb738b'],
  [14, K0(32), Z16, '', Z12, 'cea7403d4d606b6e074ec5d3baf39d18', 'd0d1c8a799996bf0265b98b5d48ab919'],
  [15, KF + KF, P64, '', IV96,
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
    '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad', 'b094dac5d93471bdec1a502270e3cc6c'],
  [16, KF + KF, P60, A20, IV96,
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
    '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662', '76fc6ece0f4e1768cddf8853bb2d551b'],
  [17, KF + KF, P60, A20, IV64,
    'c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0' +
    'feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f', '3a337dbf46a792c45e454913fe2ea8f2'],
  [18, KF + KF, P60, A20, IV480,
    '5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4' +
    '0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f', 'a44a8266ee1c8eb0c8b5d4cf5ae9f19a'],
];

describe('AES-GCM: McGrew-Viega test cases 1-18', () => {
  for (const [n, k, p, a, iv, c, t] of MV) {
    it(`test case ${n} (AES-${k.length * 4}, ${iv.length / 2}-byte IV)`, () => {
      const key = hex(k), pt = hex(p), aad = hex(a), nonce = hex(iv);
      expect(toHex(nodeSeal(key, nonce, pt, aad))).toBe(c + t); // the table is transcribed correctly
      const g = new AesGcm(key);
      expect(toHex(g.seal(nonce, pt, aad))).toBe(c + t);
      expect(toHex(g.open(nonce, hex(c + t), aad)!)).toBe(p);
      g.dispose();
    });
  }
});

describe('AES-GCM: Wycheproof aes_gcm_test.json', () => {
  const file = wycheproof('aes_gcm_test.json');
  it('has the expected number of tests', () => {
    let n = 0;
    for (const g of file.testGroups) n += g.tests.length;
    expect(n).toBe(file.numberOfTests);
    expect(n).toBeGreaterThan(300);
  });
  for (const group of file.testGroups) {
    it(`key ${group.keySize} bits, IV ${group.ivSize} bits, tag ${group.tagSize} bits`, () => {
      for (const t of group.tests) {
        const key = hex(t.key), iv = hex(t.iv), aad = hex(t.aad), msg = hex(t.msg);
        const sealed = hex(t.ct + t.tag);
        const g = new AesGcm(key, group.tagSize / 8);
        const where = `tcId ${t.tcId}`;
        if (iv.length === 0) {
          // SP 800-38D requires len(IV) >= 1: both directions refuse.
          expect(t.result, where).toBe('invalid');
          expect(() => g.seal(iv, msg, aad), where).toThrow(RangeError);
          expect(() => g.open(iv, sealed, aad), where).toThrow(RangeError);
          g.dispose();
          continue;
        }
        const opened = g.open(iv, sealed, aad);
        const buf = cat(new Uint8Array(3), sealed, new Uint8Array(2));
        const before = toHex(buf);
        const n = g.openInPlace(buf, 3, sealed.length, iv, aad);
        if (t.result === 'valid') {
          expect(toHex(g.seal(iv, msg, aad)), where).toBe(t.ct + t.tag);
          expect(opened && toHex(opened), where).toBe(t.msg);
          expect(n, where).toBe(msg.length);
          expect(toHex(buf.subarray(3, 3 + n)), where).toBe(t.msg);
        } else {
          expect(t.result, where).toBe('invalid');
          expect(opened, where).toBeNull();
          expect(n, where).toBe(-1);
          expect(toHex(buf), where).toBe(before);
        }
        g.dispose();
      }
    });
  }
});

describe('AES-GCM vs node:crypto', () => {
  for (const kl of [16, 24, 32]) {
    it(`AES-${kl * 8}: every plaintext length 0..300 with AAD lengths cycling 0..64`, () => {
      const key = rnd(kl);
      const g = new AesGcm(key);
      for (let len = 0; len <= 300; len++) {
        const iv = rnd(12), pt = rnd(len), aad = rnd(len % 65);
        const want = nodeSeal(key, iv, pt, aad);
        expect(toHex(g.seal(iv, pt, aad))).toBe(toHex(want));
        expect(toHex(g.open(iv, want, aad)!)).toBe(toHex(pt));
      }
      g.dispose();
    });

    it(`AES-${kl * 8}: every AAD length 0..64, large AADs and non-96-bit nonces`, () => {
      const key = rnd(kl);
      const g = new AesGcm(key);
      const cases: [number, number, number][] = [];
      for (let a = 0; a <= 64; a++) cases.push([a, 37, 12]);
      for (const a of [255, 256, 959, 960, 961, 1000, 4096, 70000, 140001]) cases.push([a, 100, 12]);
      for (const ivl of [1, 8, 11, 13, 16, 17, 32, 60, 64, 127, 128, 129, 960, 961, 5000]) cases.push([13, 50, ivl]);
      for (const [al, pl, ivl] of cases) {
        const iv = rnd(ivl), pt = rnd(pl), aad = rnd(al);
        // node:crypto takes nonces up to 128 bytes; longer ones are checked against the reference above
        const want = ivl <= 128 ? nodeSeal(key, iv, pt, aad) : refSeal(key, iv, pt, aad);
        if (ivl <= 128 && (ivl !== 12 || al % 16 === 3)) expect(toHex(refSeal(key, iv, pt, aad))).toBe(toHex(want));
        expect(toHex(g.seal(iv, pt, aad))).toBe(toHex(want));
        expect(toHex(g.open(iv, want, aad)!)).toBe(toHex(pt));
      }
      g.dispose();
    });

    it(`AES-${kl * 8}: big messages (64 KiB - 1 .. 200 KiB) in and out of place`, () => {
      const key = rnd(kl);
      const g = new AesGcm(key);
      for (const len of [65535, 65536, 65537, 100 * 1024, 3 * 65536 + 7]) {
        const iv = rnd(12), pt = rnd(len), aad = rnd(13);
        const want = nodeSeal(key, iv, pt, aad);
        expect(Buffer.compare(g.seal(iv, pt, aad), want)).toBe(0);
        expect(Buffer.compare(g.open(iv, want, aad)!, pt)).toBe(0);
        const buf = cat(rnd(5), pt, new Uint8Array(16));
        g.sealInPlace(buf, 5, len, iv, aad);
        expect(Buffer.compare(buf.subarray(5), want)).toBe(0);
        expect(g.openInPlace(buf, 5, len + 16, iv, aad)).toBe(len);
        expect(Buffer.compare(buf.subarray(5, 5 + len), pt)).toBe(0);
        // a forged big message: rejected, buffer untouched
        const forged = cat(rnd(5), want);
        forged[5 + len - 1]! ^= 0x40;
        const copy = forged.slice();
        expect(g.openInPlace(forged, 5, len + 16, iv, aad)).toBe(-1);
        expect(Buffer.compare(forged, copy)).toBe(0);
        expect(g.open(iv, forged.subarray(5), aad)).toBeNull();
      }
      g.dispose();
    });
  }

  it('in place at unaligned offsets, records up to 16 KiB + AAD 13 (TLS)', () => {
    const key = rnd(16);
    const g = new AesGcm(key);
    for (let off = 0; off < 20; off++) {
      for (const len of [0, 1, 15, 16, 17, 255, 1024 + off, 16384]) {
        const iv = rnd(12), pt = rnd(len), aad = rnd(13);
        const buf = cat(rnd(off), pt, rnd(16), rnd(3));
        const tail = toHex(buf.subarray(off + len + 16));
        const head = toHex(buf.subarray(0, off));
        g.sealInPlace(buf, off, len, iv, aad);
        expect(toHex(buf.subarray(off, off + len + 16))).toBe(toHex(nodeSeal(key, iv, pt, aad)));
        expect(toHex(buf.subarray(0, off))).toBe(head);
        expect(toHex(buf.subarray(off + len + 16))).toBe(tail);
        expect(g.openInPlace(buf, off, len + 16, iv, aad)).toBe(len);
        expect(toHex(buf.subarray(off, off + len))).toBe(toHex(pt));
      }
    }
    g.dispose();
  });

  it('opens what node:crypto seals and rejects tampered tag, ciphertext, AAD and nonce', () => {
    for (const kl of [16, 24, 32]) {
      const key = rnd(kl);
      const g = new AesGcm(key);
      for (const len of [0, 1, 16, 33, 300, 5000]) {
        const iv = rnd(12), pt = rnd(len), aad = rnd(20);
        const sealed = nodeSeal(key, iv, pt, aad);
        expect(toHex(g.open(iv, sealed, aad)!)).toBe(toHex(pt));
        for (let i = 0; i < sealed.length; i += Math.max(1, sealed.length >> 4)) {
          const bad = sealed.slice();
          bad[i]! ^= 1 << (i & 7);
          expect(g.open(iv, bad, aad)).toBeNull();
          const buf = bad.slice();
          expect(g.openInPlace(buf, 0, buf.length, iv, aad)).toBe(-1);
          expect(toHex(buf)).toBe(toHex(bad));
        }
        const badTag = sealed.slice();
        badTag[sealed.length - 1]! ^= 0x80;
        expect(g.open(iv, badTag, aad)).toBeNull();
        const badAad = aad.slice();
        badAad[7]! ^= 2;
        expect(g.open(iv, sealed, badAad)).toBeNull();
        expect(g.open(iv, sealed, aad.subarray(1))).toBeNull();
        const badIv = iv.slice();
        badIv[0]! ^= 1;
        expect(g.open(badIv, sealed, aad)).toBeNull();
        expect(g.open(iv, sealed.subarray(1), aad)).toBeNull();
        expect(g.open(iv, sealed.subarray(0, 15), aad)).toBeNull();
        expect(nodeOpen(key, iv, g.seal(iv, pt, aad), aad)).not.toBeNull();
      }
      g.dispose();
    }
  });

  it('truncated tags (tagLength 4, 8, 12..15) are prefixes of the full tag and verify', () => {
    const key = rnd(16);
    for (const tl of [4, 8, 12, 13, 14, 15]) {
      const g = new AesGcm(key, tl);
      expect(g.tagLength).toBe(tl);
      const iv = rnd(12), pt = rnd(77), aad = rnd(5);
      const sealed = g.seal(iv, pt, aad);
      expect(toHex(sealed)).toBe(toHex(nodeSeal(key, iv, pt, aad, tl)));
      expect(toHex(g.open(iv, sealed, aad)!)).toBe(toHex(pt));
      sealed[sealed.length - 1]! ^= 1;
      expect(g.open(iv, sealed, aad)).toBeNull();
      g.dispose();
    }
    expect(() => new AesGcm(key, 11)).toThrow(RangeError);
    expect(() => new AesGcm(key, 17)).toThrow(RangeError);
  });

  it('rejects bad keys, empty nonces and out-of-range buffers; refuses use after dispose()', () => {
    for (const n of [0, 8, 15, 17, 31, 33]) expect(() => new AesGcm(new Uint8Array(n))).toThrow(RangeError);
    const g = new AesGcm(rnd(32));
    expect(g.keyLength).toBe(32);
    expect(g.nonceLength).toBe(12);
    expect(g.tagLength).toBe(16);
    expect(() => g.seal(new Uint8Array(0), rnd(3))).toThrow(RangeError);
    expect(() => g.sealInPlace(new Uint8Array(20), 0, 5, rnd(12))).toThrow(RangeError);
    expect(() => g.sealInPlace(new Uint8Array(20), -1, 1, rnd(12))).toThrow(RangeError);
    expect(g.openInPlace(new Uint8Array(20), 0, 15, rnd(12))).toBe(-1);
    g.dispose();
    expect(() => g.seal(rnd(12), rnd(3))).toThrow();
  });

  it('the record path allocates no linear memory', () => {
    const g = new AesGcm(rnd(16));
    const buf = new Uint8Array(16384 + 16);
    const iv = rnd(12), aad = rnd(13);
    g.sealInPlace(buf, 0, 16384, iv, aad);
    g.openInPlace(buf, 0, 16384 + 16, iv, aad);
    const before = heapStats();
    for (let i = 0; i < 50; i++) {
      g.sealInPlace(buf, 0, 16384, iv, aad);
      expect(g.openInPlace(buf, 0, 16384 + 16, iv, aad)).toBe(16384);
    }
    expect(heapStats()).toEqual(before);
    g.dispose();
  });
});

describe('GCM WASM context (gcm_*)', () => {
  const e = () => wasm();

  it('gives the same result for any split of AAD and text into calls, both directions', () => {
    const size = e().gcm_ctx_size() as number;
    const ctx = alloc(size);
    const io = alloc(70000);
    for (const kl of [16, 24, 32]) {
      const key = rnd(kl);
      heap().set(key, io);
      expect(e().gcm_init(ctx, io, kl)).toBe(1);
      for (let round = 0; round < 25; round++) {
        const iv = rnd(round % 3 === 0 ? 12 : 1 + round), aad = rnd(round * 37), pt = rnd(round * 613 + 5);
        const want = nodeSeal(key, iv, pt, aad);
        const split = (n: number) => {
          const parts: number[] = [];
          for (let o = 0; o < n; ) {
            const k = Math.min(n - o, Math.floor(Math.random() * (round % 2 ? 40 : 2000)));
            parts.push(k);
            o += k;
          }
          return parts;
        };
        for (const dir of ['encrypt', 'decrypt'] as const) {
          heap().set(iv, io);
          expect(e().gcm_start(ctx, io, iv.length)).toBe(1);
          let o = 0;
          for (const k of split(aad.length)) {
            heap().set(aad.subarray(o, o + k), io);
            expect(e().gcm_aad(ctx, io, k)).toBe(1);
            o += k;
          }
          const input = dir === 'encrypt' ? pt : want.subarray(0, pt.length);
          const output = new Uint8Array(pt.length);
          o = 0;
          for (const k of split(pt.length)) {
            heap().set(input.subarray(o, o + k), io);
            expect(e()[`gcm_${dir}`](ctx, io, k)).toBe(1);
            output.set(heap().subarray(io, io + k), o);
            o += k;
          }
          expect(e().gcm_finish(ctx, io)).toBe(1);
          const tag = heap().slice(io, io + 16);
          expect(toHex(tag)).toBe(toHex(want.subarray(pt.length)));
          expect(toHex(output)).toBe(toHex(dir === 'encrypt' ? want.subarray(0, pt.length) : pt));
        }
      }
    }
    free(ctx, size);
    free(io, 70000);
  });

  it('continues the keystream across calls through the 32-bit counter wrap (Wycheproof CounterWrap)', () => {
    const size = e().gcm_ctx_size() as number;
    const ctx = alloc(size);
    const io = alloc(4096);
    let n = 0;
    for (const group of wycheproof('aes_gcm_test.json').testGroups) {
      for (const t of group.tests) {
        if (!t.flags.includes('CounterWrap')) continue;
        const key = hex(t.key), iv = hex(t.iv), aad = hex(t.aad), msg = hex(t.msg);
        for (const step of [1, 5, 17, 33]) {
          heap().set(key, io);
          e().gcm_init(ctx, io, key.length);
          heap().set(iv, io);
          expect(e().gcm_start(ctx, io, iv.length)).toBe(1);
          heap().set(aad, io);
          e().gcm_aad(ctx, io, aad.length);
          heap().set(msg, io);
          for (let o = 0; o < msg.length; o += step) e().gcm_encrypt(ctx, io + o, Math.min(step, msg.length - o));
          e().gcm_finish(ctx, io + msg.length);
          expect(toHex(heap().slice(io, io + msg.length + 16)), `tcId ${t.tcId}`).toBe(t.ct + t.tag);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(100);
    free(ctx, size);
    free(io, 4096);
  });

  it('refuses bad key lengths, empty IVs and calls out of order', () => {
    const size = e().gcm_ctx_size() as number;
    const ctx = alloc(size);
    const io = alloc(64);
    for (const n of [0, 15, 20, 33]) expect(e().gcm_init(ctx, io, n)).toBe(0);
    expect(e().gcm_init(ctx, io, 16)).toBe(1);
    expect(e().gcm_aad(ctx, io, 1)).toBe(0); // no message started
    expect(e().gcm_encrypt(ctx, io, 1)).toBe(0);
    expect(e().gcm_finish(ctx, io)).toBe(0);
    expect(e().gcm_start(ctx, io, 0)).toBe(0);
    expect(e().gcm_encrypt(ctx, io, 1)).toBe(0);
    expect(e().gcm_start(ctx, io, 12)).toBe(1);
    expect(e().gcm_aad(ctx, io, 3)).toBe(1);
    expect(e().gcm_encrypt(ctx, io, 3)).toBe(1);
    expect(e().gcm_aad(ctx, io, 3)).toBe(0); // AAD after text
    expect(e().gcm_finish(ctx, io)).toBe(1);
    expect(e().gcm_finish(ctx, io)).toBe(0); // once per message
    expect(e().gcm_encrypt(ctx, io, 1)).toBe(0);
    free(ctx, size);
    free(io, 64);
  });
});

describe('AES-GCM 16-way GHASH tables, built on first bulk message', () => {
  it('short messages keep the context small; a long one adds the tables; results match node:crypto throughout', () => {
    const key = new Uint8Array(randomBytes(16));
    const g = new AesGcm(key);
    const ours = (pt: Uint8Array, iv: Uint8Array) => toHex(g.seal(iv, pt));
    const node = (pt: Uint8Array, iv: Uint8Array) => {
      const c = createCipheriv('aes-128-gcm', key, iv);
      return toHex(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
    };
    const { top: top0, freeBlocks: free0 } = heapStats();
    for (const n of [0, 1, 100, 511]) {
      const pt = new Uint8Array(randomBytes(n));
      const iv = new Uint8Array(randomBytes(12));
      expect(ours(pt, iv)).toBe(node(pt, iv));
    }
    expect(heapStats()).toMatchObject({ top: top0, freeBlocks: free0 }); // nothing allocated for short messages
    for (const n of [512, 5000, 16384, 100, 70_000]) {
      const pt = new Uint8Array(randomBytes(n));
      const iv = new Uint8Array(randomBytes(12));
      const sealed = g.seal(iv, pt);
      expect(toHex(sealed)).toBe(node(pt, iv));
      expect(toHex(g.open(iv, sealed)!)).toBe(toHex(pt));
    }
    const before = heapStats().freeBlocks;
    g.dispose();
    expect(heapStats().freeBlocks).toBe(before + 2); // the context and its tables, both wiped and freed
  });
});
