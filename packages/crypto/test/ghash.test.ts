// GHASH in WASM (asm/ghash) against a slow bit-by-bit GF(2^128) reference (NIST SP 800-38D §6.3,
// Algorithm 1), for the generic multiply, the 16-way table method and the streaming interface.
import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { alloc, free, heap, wasm } from '../src/wasm.js';
import { hex, toHex } from './vectors.js';

const R = 0xe1n << 120n;
const big = (b: Uint8Array): bigint => BigInt('0x' + (toHex(b) || '0'));
const bytes = (x: bigint): Uint8Array => hex(x.toString(16).padStart(32, '0'));

/** SP 800-38D Algorithm 1: X·Y, bit 0 of a block being the leftmost bit. */
function refMul(x: Uint8Array, y: Uint8Array): Uint8Array {
  const X = big(x);
  let Z = 0n;
  let V = big(y);
  for (let i = 0n; i < 128n; i++) {
    if ((X >> (127n - i)) & 1n) Z ^= V;
    V = V & 1n ? (V >> 1n) ^ R : V >> 1n;
  }
  return bytes(Z);
}

/** GHASH_H of data zero-padded to whole blocks, starting from y0. */
function refGhash(h: Uint8Array, data: Uint8Array, y0: Uint8Array = new Uint8Array(16)): Uint8Array {
  let y: Uint8Array = y0;
  for (let i = 0; i < data.length; i += 16) {
    const blk = new Uint8Array(16);
    blk.set(data.subarray(i, i + 16));
    for (let j = 0; j < 16; j++) blk[j]! ^= y[j]!;
    y = refMul(blk, h);
  }
  return y;
}

const e = () => wasm();
const rnd = (n: number) => new Uint8Array(randomBytes(n));

/** A keyed GHASH context (with its 16-way block unless `wide` is false) plus an I/O area of `io` bytes. */
function ctx(h: Uint8Array, io = 1 << 16, wide = true) {
  const size = e().ghash_ctx_size() as number;
  const wsize = e().ghash_wide_size() as number;
  const g = alloc(size);
  const p = alloc(io);
  const w = wide ? alloc(wsize) : 0;
  heap().set(h, p);
  e().ghash_init(g, p);
  if (wide) e().ghash_set_wide(g, w);
  return {
    g,
    p,
    put: (d: Uint8Array) => heap().set(d, p),
    y: () => heap().slice(g, g + 16),
    final: () => {
      e().ghash_final(g, p);
      return heap().slice(p, p + 16);
    },
    done: () => {
      free(g, size);
      free(p, io);
      if (wide) free(w, wsize);
    },
  };
}

describe('GHASH reference', () => {
  it('matches the GHASH of McGrew-Viega GCM test case 2', () => {
    // K = 0^128, P = 0^128, IV = 0^96: H = E_K(0), C, and GHASH = T ^ E_K(J0) (the spec's T and E_K(Y0)).
    const h = hex('66e94bd4ef8a2c3b884cfa59ca342b2e');
    const data = hex('0388dace60b6a392f328c2b971b2fe78' + '00000000000000000000000000000080');
    expect(toHex(refGhash(h, data))).toBe('f38cbb1ad69223dcc3457ae5b6b0f885');
  });

  it('reproduces node:crypto AES-GCM tags (T = GHASH(A, C, lengths) ^ E_K(J0))', () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(16);
      const iv = randomBytes(12);
      const aad = randomBytes(i * 3);
      const pt = randomBytes(i * 7);
      const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
      const h = new Uint8Array(ecb.update(Buffer.alloc(16)));
      const ej0 = ecb.update(Buffer.concat([iv, Buffer.from([0, 0, 0, 1])]));
      const gcm = createCipheriv('aes-128-gcm', key, iv).setAAD(aad);
      const ct = Buffer.concat([gcm.update(pt), gcm.final()]);
      const tag = gcm.getAuthTag();
      const pad = (n: number) => (16 - (n % 16)) % 16;
      const lens = Buffer.alloc(16);
      lens.writeBigUInt64BE(BigInt(aad.length * 8), 0);
      lens.writeBigUInt64BE(BigInt(ct.length * 8), 8);
      const s = refGhash(h, Buffer.concat([aad, Buffer.alloc(pad(aad.length)), ct, Buffer.alloc(pad(ct.length)), lens]));
      for (let j = 0; j < 16; j++) s[j]! ^= ej0[j]!;
      expect(toHex(s)).toBe(toHex(tag));
    }
  });
});

describe('GHASH generic multiply (ghash_mul)', () => {
  it('agrees with the bit-by-bit reference on edge values and random pairs', () => {
    const a = alloc(48);
    const special = [
      new Uint8Array(16),
      hex('80000000000000000000000000000000'), // the field's 1
      hex('00000000000000000000000000000001'), // x^127
      hex('ffffffffffffffffffffffffffffffff'),
      hex('0000000000000000ffffffffffffffff'),
      hex('ffffffffffffffff0000000000000000'),
      hex('01010101010101010101010101010101'),
      hex('88888888888888888888888888888888'),
    ];
    const cases: [Uint8Array, Uint8Array][] = [];
    for (const x of special) for (const y of special) cases.push([x, y]);
    for (let i = 0; i < 400; i++) cases.push([rnd(16), rnd(16)]);
    for (const x of special) for (let i = 0; i < 8; i++) cases.push([x, rnd(16)], [rnd(16), x]);
    for (const [x, y] of cases) {
      const m = heap();
      m.set(x, a);
      m.set(y, a + 16);
      e().ghash_mul(a, a + 16, a + 32);
      expect(toHex(heap().slice(a + 32, a + 48))).toBe(toHex(refMul(x, y)));
    }
    free(a, 48);
  });
});

describe('GHASH block paths', () => {
  it('generic path (4-way aggregated and single blocks) equals the reference for 1..40 blocks', () => {
    for (let n = 1; n <= 40; n++) {
      const h = rnd(16);
      const c = ctx(h);
      const data = rnd(16 * n);
      c.put(data);
      e().ghash_blocks_generic(c.g, c.p, n);
      expect(toHex(c.y())).toBe(toHex(refGhash(h, data)));
      c.done();
    }
  });

  it('16-way path equals the reference for 16, 32, 48, 64 and 272 blocks, from zero and non-zero Y', () => {
    for (const n of [16, 32, 48, 64, 272]) {
      for (const seeded of [false, true]) {
        const h = rnd(16);
        const c = ctx(h);
        const first = rnd(16);
        let y0: Uint8Array = new Uint8Array(16);
        if (seeded) {
          c.put(first);
          e().ghash_blocks_generic(c.g, c.p, 1);
          y0 = refMul(first, h);
          expect(toHex(c.y())).toBe(toHex(y0));
        }
        const data = rnd(16 * n);
        c.put(data);
        e().ghash_blocks_wide(c.g, c.p, n);
        expect(toHex(c.y())).toBe(toHex(refGhash(h, data, y0)));
        c.done();
      }
    }
  });

  it('16-way path with special keys (H = 1, x^127, all ones) and special data', () => {
    const keys = [
      hex('80000000000000000000000000000000'),
      hex('00000000000000000000000000000001'),
      hex('ffffffffffffffffffffffffffffffff'),
    ];
    for (const h of keys) {
      for (const fill of [0x00, 0xff, 0x80, 0x01]) {
        const c = ctx(h);
        const data = new Uint8Array(16 * 48).fill(fill);
        c.put(data);
        e().ghash_blocks_wide(c.g, c.p, 48);
        expect(toHex(c.y())).toBe(toHex(refGhash(h, data)));
        c.done();
      }
    }
  });
});

describe('GHASH streaming (ghash_update / ghash_final)', () => {
  it('equals the reference of the zero-padded input for lengths 0..600 in one call', () => {
    const h = rnd(16);
    const c = ctx(h);
    for (let len = 0; len <= 600; len += len < 40 ? 1 : 7) {
      e().ghash_reset(c.g);
      const data = rnd(len);
      c.put(data);
      e().ghash_update(c.g, c.p, len);
      expect(toHex(c.final())).toBe(toHex(refGhash(h, data)));
    }
    c.done();
  });

  it('is independent of how the input is split into calls', () => {
    const h = rnd(16);
    const c = ctx(h);
    const data = rnd(3000);
    const want = toHex(refGhash(h, data));
    const splits = [[3000], [1, 2999], [15, 16, 17, 2952], [511, 1, 1024, 1464], [7, 600, 5, 9, 2379]];
    for (let i = 0; i < 20; i++) {
      const parts: number[] = [];
      let left = 3000;
      while (left > 0) {
        const n = Math.min(left, 1 + Math.floor(Math.random() * 700));
        parts.push(n);
        left -= n;
      }
      splits.push(parts);
    }
    for (const parts of splits) {
      e().ghash_reset(c.g);
      let off = 0;
      for (const n of parts) {
        c.put(data.subarray(off, off + n));
        e().ghash_update(c.g, c.p, n);
        off += n;
      }
      expect(toHex(c.final())).toBe(want);
    }
    c.done();
  });

  it('pads each segment separately with ghash_pad (as GCM does for A and C)', () => {
    const h = rnd(16);
    const c = ctx(h);
    const a = rnd(13);
    const b = rnd(100);
    c.put(a);
    e().ghash_update(c.g, c.p, a.length);
    e().ghash_pad(c.g);
    c.put(b);
    e().ghash_update(c.g, c.p, b.length);
    const padded = new Uint8Array(16 + 112);
    padded.set(a);
    padded.set(b, 16);
    expect(toHex(c.final())).toBe(toHex(refGhash(h, padded)));
    c.done();
  });

  it('handles a long input (64 KiB + 5) through the 16-way path', () => {
    const h = rnd(16);
    const c = ctx(h, 65536 + 16);
    const data = rnd(65536 + 5);
    c.put(data);
    e().ghash_update(c.g, c.p, data.length);
    expect(toHex(c.final())).toBe(toHex(refGhash(h, data)));
    c.done();
  });
});

describe('GHASH without the 16-way block', () => {
  it('gives the same Y for every length, and the block can be added between messages', () => {
    for (let i = 0; i < 6; i++) {
      const h = rnd(16);
      const plain = ctx(h, 1 << 16, false);
      const wide = ctx(h, 1 << 16, true);
      for (const n of [1, 15, 31, 32, 33, 48, 64, 100, 272, 1024]) {
        const data = rnd(n * 16);
        plain.put(data);
        wide.put(data);
        e().ghash_update(plain.g, plain.p, data.length);
        e().ghash_update(wide.g, wide.p, data.length);
        expect(toHex(plain.y())).toBe(toHex(wide.y()));
        if (n <= 100) expect(toHex(plain.y())).toBe(toHex(refGhash(h, data)));
        e().ghash_reset(plain.g);
        e().ghash_reset(wide.g);
      }
      plain.done();
      wide.done();
    }
  });
});
