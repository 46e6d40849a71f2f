import { describe, expect, it } from 'vitest';
import { createHash as nodeHash } from 'node:crypto';
import { createHash, hash, heapStats, sha1, sha256, sha384, sha512, type HashAlgorithm } from '@sanstls/crypto';
import { toHex } from './vectors.js';

const ALGS: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const SIZES = { sha1: [20, 64], sha256: [32, 64], sha384: [48, 128], sha512: [64, 128] } as const;
const ascii = (s: string) => new TextEncoder().encode(s);
const ref = (alg: HashAlgorithm, d: Uint8Array) => nodeHash(alg).update(d).digest('hex');

/** xorshift32: reproducible "random" data and split points. */
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

// FIPS 180-4 examples (NIST CSRC "Examples with intermediate values"): "abc", the 448-bit and 896-bit
// two-block messages and one million 'a'.
const M448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const M896 =
  'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
const KAT: Record<HashAlgorithm, { abc: string; m448: string; m896: string; million: string; empty: string }> = {
  sha1: {
    abc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
    m448: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    m896: 'a49b2446a02c645bf419f995b67091253a04a259',
    million: '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
    empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  },
  sha256: {
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    m448: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    m896: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    million: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  sha384: {
    abc: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    m448: '3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b',
    m896: '09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039',
    million: '9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985',
    empty: '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
  },
  sha512: {
    abc: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    m448: '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
    m896: '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    million: 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
    empty: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
};

describe.each(ALGS)('%s', (alg) => {
  const k = KAT[alg];

  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(hash(alg, ascii('abc')))).toBe(k.abc);
    expect(toHex(hash(alg, ascii(M448)))).toBe(k.m448);
    expect(toHex(hash(alg, ascii(M896)))).toBe(k.m896);
    expect(toHex(hash(alg, new Uint8Array(0)))).toBe(k.empty);
  });

  it("hashes one million 'a' in one call and in 1000-byte updates", () => {
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(toHex(hash(alg, a))).toBe(k.million);
    const h = createHash(alg);
    const chunk = a.subarray(0, 1000);
    for (let i = 0; i < 1000; i++) h.update(chunk);
    expect(toHex(h.digest())).toBe(k.million);
    h.dispose();
  });

  it('has the FIPS 180-4 sizes', () => {
    const h = createHash(alg);
    expect([h.outputLength, h.blockLength]).toEqual(SIZES[alg]);
    expect(h.algorithm).toBe(alg);
    h.dispose();
  });

  it('agrees with node:crypto for every length 0..300, one-shot and streaming', () => {
    const r = rng(0x5a17 + alg.length);
    const data = r.bytes(300);
    const h = createHash(alg);
    for (let n = 0; n <= 300; n++) {
      const m = data.subarray(0, n);
      const want = ref(alg, m);
      expect(toHex(hash(alg, m)), `length ${n}`).toBe(want);
      expect(toHex(h.update(m).digest()), `streaming length ${n}`).toBe(want); // digest() resets h
    }
    h.dispose();
  });

  it('agrees with node:crypto on large inputs (beyond the 64 KiB scratch region)', () => {
    const r = rng(77);
    for (const n of [65535, 65536, 65537, 1 << 20, (1 << 20) + 129]) {
      const m = r.bytes(n);
      expect(toHex(hash(alg, m)), `length ${n}`).toBe(ref(alg, m));
    }
  });

  it('agrees with node:crypto when updates are split at random points', () => {
    const r = rng(1234);
    for (let trial = 0; trial < 60; trial++) {
      const m = r.bytes(r.int(trial < 40 ? 700 : 200_000));
      const h = createHash(alg);
      for (let o = 0; o < m.length; ) {
        const n = Math.min(m.length - o, r.int(trial % 3 === 0 ? 3 : 300));
        h.update(m.subarray(o, o + n));
        o += n;
      }
      expect(toHex(h.digest()), `trial ${trial}`).toBe(ref(alg, m));
      h.dispose();
    }
  });

  it('reads unaligned subarrays', () => {
    const r = rng(99);
    const buf = r.bytes(5000);
    for (let off = 0; off < 16; off++) {
      const m = buf.subarray(off, off + 1000 + off * 37);
      expect(toHex(hash(alg, m))).toBe(ref(alg, m));
      expect(toHex(createHash(alg).update(m).digest())).toBe(ref(alg, m));
    }
  });

  it('clone() copies the running state; the copies diverge independently', () => {
    const r = rng(4242);
    for (const split of [0, 1, 55, 64, 111, 128, 300]) {
      const prefix = r.bytes(split);
      const a = r.bytes(r.int(400));
      const b = r.bytes(r.int(400));
      const h = createHash(alg).update(prefix);
      const c = h.clone();
      expect(c.algorithm).toBe(alg);
      h.update(a);
      c.update(b);
      expect(toHex(h.digest())).toBe(ref(alg, Buffer.concat([prefix, a])));
      expect(toHex(c.digest())).toBe(ref(alg, Buffer.concat([prefix, b])));
      h.dispose();
      c.dispose();
    }
  });

  it('digest() and reset() restart the hash', () => {
    const h = createHash(alg);
    h.update(ascii('garbage'));
    h.reset();
    expect(toHex(h.update(ascii('abc')).digest())).toBe(k.abc);
    expect(toHex(h.digest())).toBe(k.empty);
    expect(toHex(h.update(ascii(M448)).digest())).toBe(k.m448);
    h.dispose();
  });
});

describe('hash helpers and lifetime', () => {
  it('sha1/sha256/sha384/sha512 are hash(alg, ·)', () => {
    const m = ascii('abc');
    expect(toHex(sha1(m))).toBe(KAT.sha1.abc);
    expect(toHex(sha256(m))).toBe(KAT.sha256.abc);
    expect(toHex(sha384(m))).toBe(KAT.sha384.abc);
    expect(toHex(sha512(m))).toBe(KAT.sha512.abc);
  });

  it('one-shot hashing allocates nothing; disposed hashes return their blocks', () => {
    hash('sha256', new Uint8Array(10));
    const before = heapStats();
    for (const alg of ALGS) for (let i = 0; i < 100; i++) hash(alg, new Uint8Array(i * 50));
    expect(heapStats()).toEqual(before);
    const h = createHash('sha512');
    const c = h.clone();
    const during = heapStats().freeBlocks;
    h.dispose();
    c.dispose();
    expect(heapStats().freeBlocks).toBe(during + 2);
  });

  it('refuses use after dispose() and unknown algorithms', () => {
    const h = createHash('sha256');
    h.dispose();
    h.dispose();
    expect(() => h.update(new Uint8Array(1))).toThrow(/dispose/);
    expect(() => h.digest()).toThrow(/dispose/);
    expect(() => createHash('md5' as HashAlgorithm)).toThrow(TypeError);
    expect(() => hash('toString' as HashAlgorithm, new Uint8Array(1))).toThrow(TypeError);
  });

  it('leaves no input in the scratch region', async () => {
    const { heap, scratch } = await import('../src/wasm.js');
    const secret = new Uint8Array(4096).fill(0xa5);
    const s = scratch();
    const zero = () => heap().subarray(s, s + 4096).every((b) => b === 0);
    heap().fill(0xff, s, s + 4096); // proves too that this is the instance the package uses
    hash('sha256', secret);
    expect(zero()).toBe(true);
    heap().fill(0xff, s, s + 4096);
    const h = createHash('sha384').update(secret);
    expect(zero()).toBe(true);
    h.dispose();
  });
});
