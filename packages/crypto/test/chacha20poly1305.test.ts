// ChaCha20-Poly1305 (RFC 8439 §2.8): RFC vectors, every Wycheproof test, and node:crypto as the reference
// on random inputs (all lengths 0..300, AADs 0..64, multi-chunk sizes, unaligned buffers, split calls of
// the streaming WASM context), plus the rejection paths: tampered tag, ciphertext, AAD or nonce.
import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import { ChaCha20Poly1305, heapStats } from '@sanstls/crypto';
import { alloc, free, heap, scratch, wasm } from '../src/wasm';
import { hex, toHex, wycheproof } from './vectors';
import { KEY_1C92, SUNSCREEN, ascii, h, seq } from './rfc8439';

function nodeSeal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

const rnd = (n: number) => new Uint8Array(randomBytes(n));

describe('chacha20-poly1305: RFC 8439 vectors', () => {
  it('§2.8.2 seal and open', () => {
    const aead = new ChaCha20Poly1305(seq(32, 0x80));
    const nonce = h('070000004041424344454647');
    const aad = h('50515253c0c1c2c3c4c5c6c7');
    const sealed = aead.seal(nonce, SUNSCREEN, aad);
    expect(toHex(sealed)).toBe(toHex(h(`
      d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6 3dbea45e8ca9671282fafb69da92728b
      1a71de0a9e060b2905d6a5b67ecd3b36 92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc
      3ff4def08e4b7a9de576d26586cec64b 6116
      1ae10b594f09e26a7e902ecbd0600691`)));
    expect(aead.open(nonce, sealed, aad)).toEqual(SUNSCREEN);
    aead.dispose();
  });

  it('A.5 decryption', () => {
    const aead = new ChaCha20Poly1305(KEY_1C92);
    const sealed = h(`
      64a0861575861af460f062c79be643bd 5e805cfd345cf389f108670ac76c8cb2 4c6cfc18755d43eea09ee94e382d26b0
      bdb7b73c321b0100d4f03b7f355894cf 332f830e710b97ce98c8a84abd0b9481 14ad176e008d33bd60f982b1ff37c855
      9797a06ef4f0ef61c186324e2b350638 3606907b6a7c02b0f9f6157b53c867e4 b9166c767b804d46a59b5216cde7a4e9
      9040c5a40433225ee282a1b0a06c523e af4534d7f83fa1155b0047718cbc546a 0d072b04b3564eea1b422273f548271a
      0bb2316053fa76991955ebd63159434e cebb4e466dae5a1073a6727627097a10 49e617d91d361094fa68f0ff77987130
      305beaba2eda04df997b714d6c6f2c29 a6ad5cb4022b02709b
      eead9d67890cbb22392336fea1851f38`);
    const pt = ascii(
      'Internet-Drafts are draft documents valid for a maximum of six months and may be updated, replaced, ' +
      'or obsoleted by other documents at any time. It is inappropriate to use Internet-Drafts as reference ' +
      'material or to cite them other than as /\u201cwork in progress./\u201d');
    expect(pt.length).toBe(265);
    const nonce = h('000000000102030405060708');
    const aad = h('f33388860000000000004e91');
    expect(aead.open(nonce, sealed, aad)).toEqual(pt);
    const buf = sealed.slice();
    expect(aead.openInPlace(buf, 0, buf.length, nonce, aad)).toBe(265);
    expect(buf.subarray(0, 265)).toEqual(pt);
    aead.dispose();
  });
});

describe('chacha20-poly1305: Wycheproof', () => {
  const file = wycheproof('chacha20_poly1305_test.json');
  let valid = 0, invalid = 0, badNonce = 0;
  for (const group of file.testGroups) {
    it(`ivSize ${group.ivSize}: ${group.tests.length} tests`, () => {
      for (const t of group.tests) {
        const key = hex(t.key), nonce = hex(t.iv), aad = hex(t.aad), msg = hex(t.msg);
        const sealed = new Uint8Array([...hex(t.ct), ...hex(t.tag)]);
        const aead = new ChaCha20Poly1305(key);
        const what = `tcId ${t.tcId} (${t.comment})`;
        if (nonce.length !== 12) {
          // Only 96-bit nonces are ChaCha20-Poly1305 (RFC 8439 §2.8): refused, never processed.
          expect(t.result, what).toBe('invalid');
          expect(() => aead.seal(nonce, msg, aad), what).toThrow(RangeError);
          expect(() => aead.open(nonce, sealed, aad), what).toThrow(RangeError);
          expect(() => aead.openInPlace(sealed.slice(), 0, sealed.length, nonce, aad), what).toThrow(RangeError);
          badNonce++;
        } else if (t.result === 'valid') {
          expect(toHex(aead.seal(nonce, msg, aad)), what).toBe(toHex(sealed));
          expect(toHex(aead.open(nonce, sealed, aad) ?? new Uint8Array([1])), what).toBe(t.msg);
          // In place, at an odd offset inside a larger buffer.
          const buf = new Uint8Array(sealed.length + 5);
          buf.set(msg, 3);
          aead.sealInPlace(buf, 3, msg.length, nonce, aad);
          expect(toHex(buf.subarray(3, 3 + sealed.length)), what).toBe(toHex(sealed));
          expect(aead.openInPlace(buf, 3, sealed.length, nonce, aad), what).toBe(msg.length);
          expect(toHex(buf.subarray(3, 3 + msg.length)), what).toBe(t.msg);
          valid++;
        } else {
          expect(t.result, what).toBe('invalid');
          expect(aead.open(nonce, sealed, aad), what).toBeNull();
          const buf = sealed.slice();
          expect(aead.openInPlace(buf, 0, buf.length, nonce, aad), what).toBe(-1);
          expect(toHex(buf), what).toBe(toHex(sealed));
          invalid++;
        }
        aead.dispose();
      }
    });
  }
  it('covered every test', () => {
    expect(valid + invalid + badNonce).toBe(file.numberOfTests);
    expect(badNonce).toBeGreaterThan(0);
  });
});

describe('chacha20-poly1305 vs node:crypto', () => {
  it('every length 0..300 with AADs 0..64, in place at unaligned offsets', () => {
    const key = rnd(32);
    const aead = new ChaCha20Poly1305(key);
    for (let n = 0; n <= 300; n++) {
      for (const a of [n % 65, (n * 7 + 13) % 65]) {
        const nonce = rnd(12), pt = rnd(n), aad = rnd(a);
        const expected = toHex(nodeSeal(key, nonce, pt, aad));
        expect(toHex(aead.seal(nonce, pt, aad))).toBe(expected);
        const off = n % 9;
        const buf = new Uint8Array(off + n + 16 + 3);
        buf.set(pt, off);
        aead.sealInPlace(buf, off, n, nonce, aad);
        expect(toHex(buf.subarray(off, off + n + 16))).toBe(expected);
        expect(aead.openInPlace(buf, off, n + 16, nonce, aad)).toBe(n);
        expect(toHex(buf.subarray(off, off + n))).toBe(toHex(pt));
        expect(toHex(aead.open(nonce, hex(expected), aad)!)).toBe(toHex(pt));
      }
    }
    aead.dispose();
  });

  it('lengths 300..5000 (one to nineteen 256-byte groups after the buffered keystream)', () => {
    const key = rnd(32);
    const aead = new ChaCha20Poly1305(key);
    for (let n = 300; n <= 5000; n += 13) {
      const nonce = rnd(12), pt = rnd(n), aad = rnd(n % 33);
      const expected = nodeSeal(key, nonce, pt, aad);
      expect(toHex(aead.seal(nonce, pt, aad))).toBe(toHex(expected));
      expect(toHex(aead.open(nonce, expected, aad)!)).toBe(toHex(pt));
    }
    aead.dispose();
  });

  it('every AAD length 0..64 (and longer ones through scratch) with a few message lengths', () => {
    const key = rnd(32);
    const aead = new ChaCha20Poly1305(key);
    const aadLens = [...Array.from({ length: 65 }, (_, i) => i), 959, 960, 961, 4096, 70000];
    for (const a of aadLens) {
      for (const n of [0, 1, 16, 63, 64, 65, 1000, 1500]) {
        const nonce = rnd(12), pt = rnd(n), aad = rnd(a);
        const expected = nodeSeal(key, nonce, pt, aad);
        expect(toHex(aead.seal(nonce, pt, aad))).toBe(toHex(expected));
        expect(toHex(aead.open(nonce, expected, aad)!)).toBe(toHex(pt));
      }
    }
    aead.dispose();
  });

  it('multi-chunk sizes: 64 KiB ± 1, 100 KiB, 1 MiB', () => {
    const key = rnd(32);
    const aead = new ChaCha20Poly1305(key);
    for (const n of [16384, 65535, 65536, 65537, 100 * 1024, 131072, 1 << 20]) {
      const nonce = rnd(12), pt = rnd(n), aad = rnd(13);
      const expected = nodeSeal(key, nonce, pt, aad);
      const sealed = aead.seal(nonce, pt, aad);
      expect(Buffer.compare(sealed, expected)).toBe(0);
      expect(Buffer.compare(aead.open(nonce, expected, aad)!, pt)).toBe(0);
      const buf = new Uint8Array(n + 16 + 1);
      buf.set(pt, 1);
      aead.sealInPlace(buf, 1, n, nonce, aad);
      expect(Buffer.compare(buf.subarray(1, 1 + n + 16), expected)).toBe(0);
      expect(aead.openInPlace(buf, 1, n + 16, nonce, aad)).toBe(n);
      expect(Buffer.compare(buf.subarray(1, 1 + n), pt)).toBe(0);
    }
    aead.dispose();
  });

  it('one key, many messages, interleaved with other instances', () => {
    const k1 = rnd(32), k2 = rnd(32);
    const a = new ChaCha20Poly1305(k1), b = new ChaCha20Poly1305(k2);
    for (let i = 0; i < 50; i++) {
      const nonce = rnd(12), pt = rnd(randomInt(0, 2000)), aad = rnd(randomInt(0, 30));
      expect(toHex(a.seal(nonce, pt, aad))).toBe(toHex(nodeSeal(k1, nonce, pt, aad)));
      expect(toHex(b.seal(nonce, pt, aad))).toBe(toHex(nodeSeal(k2, nonce, pt, aad)));
    }
    a.dispose();
    b.dispose();
  });
});

describe('chacha20-poly1305 streaming WASM context', () => {
  // Raw exports, fed in pieces of random lengths (short and multi-group), against node:crypto one-shot.
  it('cp_aad / cp_encrypt / cp_decrypt / cp_mac / cp_xor split at random points', () => {
    const e = wasm();
    const size = e.cp_ctx_size() as number;
    const ctx = alloc(size);
    const IO = 16384;
    const io = alloc(IO);
    const KEY = io, NONCE = io + 64, TAG = io + 96, AAD = io + 128, DATA = io + 1024 + 3; // DATA unaligned
    const pieces = (len: number, fn: (off: number, n: number) => void) => {
      for (let i = 0; i < len;) {
        const k = Math.min(len - i, randomInt(0, 2) ? randomInt(0, 40) : randomInt(0, 1300));
        fn(i, k);
        i += k;
      }
    };
    for (let t = 0; t < 400; t++) {
      const key = rnd(32), nonce = rnd(12), pt = rnd(randomInt(0, 6000)), aad = rnd(randomInt(0, 100));
      const expected = nodeSeal(key, nonce, pt, aad);
      const ct = expected.subarray(0, pt.length), tag = toHex(expected.subarray(pt.length));
      const m = heap();
      m.set(key, KEY);
      m.set(nonce, NONCE);
      m.set(aad, AAD);
      e.cp_init(ctx, KEY);
      const start = () => {
        e.cp_start(ctx, NONCE);
        pieces(aad.length, (o, n) => e.cp_aad(ctx, AAD + o, n));
      };
      const data = () => toHex(m.subarray(DATA, DATA + pt.length));
      const tagOut = () => (e.cp_finish(ctx, TAG), toHex(m.subarray(TAG, TAG + 16)));

      start();
      m.set(pt, DATA);
      pieces(pt.length, (o, n) => e.cp_encrypt(ctx, DATA + o, n));
      expect(data()).toBe(toHex(ct));
      expect(tagOut()).toBe(tag);

      start(); // decrypt with MAC and cipher fused
      pieces(pt.length, (o, n) => e.cp_decrypt(ctx, DATA + o, n));
      expect(data()).toBe(toHex(pt));
      expect(tagOut()).toBe(tag);

      start(); // verify first (cp_mac), then decrypt (cp_xor)
      m.set(ct, DATA);
      pieces(pt.length, (o, n) => e.cp_mac(ctx, DATA + o, n));
      expect(tagOut()).toBe(tag);
      pieces(pt.length, (o, n) => e.cp_xor(ctx, DATA + o, n));
      expect(data()).toBe(toHex(pt));
    }
    free(io, IO);
    free(ctx, size);
  });
});

describe('chacha20-poly1305 rejection', () => {
  const key = rnd(32);
  const aead = new ChaCha20Poly1305(key);

  for (const n of [0, 1, 15, 16, 17, 100, 1024, 65536, 65537, 200000]) {
    it(`tampered tag, ciphertext, AAD, nonce and length are rejected (${n} bytes), plaintext never released`, () => {
      const nonce = rnd(12), pt = rnd(n), aad = rnd(13);
      const sealed = nodeSeal(key, nonce, pt, aad);
      const positions = new Set([0, n >> 1, n - 1, n, n + 7, n + 15].filter((i) => i >= 0 && i < sealed.length));
      for (const i of positions) {
        for (const bit of [0x01, 0x80]) {
          const bad = sealed.slice();
          bad[i]! ^= bit;
          expect(aead.open(nonce, bad, aad)).toBeNull();
          const buf = bad.slice();
          expect(aead.openInPlace(buf, 0, buf.length, nonce, aad)).toBe(-1);
          expect(Buffer.compare(buf, bad)).toBe(0);
        }
      }
      const badAad = aad.slice();
      badAad[5]! ^= 4;
      expect(aead.open(nonce, sealed, badAad)).toBeNull();
      expect(aead.open(nonce, sealed, aad.subarray(0, 12))).toBeNull();
      expect(aead.open(nonce, sealed)).toBeNull();
      const badNonce = nonce.slice();
      badNonce[11]! ^= 1;
      expect(aead.open(badNonce, sealed, aad)).toBeNull();
      if (n > 0) expect(aead.open(nonce, sealed.subarray(1), aad)).toBeNull();
      expect(aead.open(nonce, sealed.subarray(0, sealed.length - 1), aad)).toBeNull();
      expect(Buffer.compare(aead.open(nonce, sealed, aad)!, pt)).toBe(0);
    });
  }

  it('leaves no plaintext in the scratch region, after a failed or a successful open', () => {
    for (const n of [100, 16384, 65536, 70000]) {
      const nonce = rnd(12), pt = new Uint8Array(n).fill(0x5a), aad = rnd(13);
      const sealed = nodeSeal(key, nonce, pt, aad);
      // Eight plaintext bytes in a row (random ciphertext has that with probability ~2^-64 per offset).
      const scratchHasPlaintext = () => Buffer.from(heap().subarray(scratch(), scratch() + 65536))
        .includes(Buffer.alloc(8, 0x5a));
      const bad = sealed.slice();
      bad[bad.length - 1]! ^= 1;
      expect(aead.open(nonce, bad, aad)).toBeNull();
      expect(scratchHasPlaintext()).toBe(false);
      expect(aead.openInPlace(bad, 0, bad.length, nonce, aad)).toBe(-1);
      expect(scratchHasPlaintext()).toBe(false);
      expect(aead.open(nonce, sealed, aad)!.every((b) => b === 0x5a)).toBe(true);
      expect(scratchHasPlaintext()).toBe(false);
    }
  });

  it('inputs shorter than a tag, bad nonce, key and ranges', () => {
    const nonce = rnd(12);
    for (let n = 0; n < 16; n++) {
      expect(aead.open(nonce, new Uint8Array(n))).toBeNull();
      expect(aead.openInPlace(new Uint8Array(n), 0, n, nonce)).toBe(-1);
    }
    expect(() => aead.seal(new Uint8Array(8), new Uint8Array(1))).toThrow(RangeError);
    expect(() => aead.seal(new Uint8Array(24), new Uint8Array(1))).toThrow(RangeError);
    expect(() => new ChaCha20Poly1305(new Uint8Array(16))).toThrow(RangeError);
    expect(() => aead.sealInPlace(new Uint8Array(20), 0, 5, nonce)).toThrow(RangeError);
    expect(() => aead.sealInPlace(new Uint8Array(20), -1, 1, nonce)).toThrow(RangeError);
    expect(() => aead.openInPlace(new Uint8Array(20), 10, 11, nonce)).toThrow(RangeError);
  });
});

describe('chacha20-poly1305 handle', () => {
  it('the in-place calls allocate nothing in linear memory', () => {
    const aead = new ChaCha20Poly1305(rnd(32));
    const buf = new Uint8Array(16384 + 16);
    const nonce = rnd(12), aad = rnd(13);
    aead.sealInPlace(buf, 0, 16384, nonce, aad);
    aead.openInPlace(buf, 0, buf.length, nonce, aad);
    const before = heapStats();
    for (let i = 0; i < 20; i++) {
      aead.sealInPlace(buf, 0, 16384, nonce, aad);
      expect(aead.openInPlace(buf, 0, buf.length, nonce, aad)).toBe(16384);
    }
    expect(heapStats()).toEqual(before);
    aead.dispose();
  });

  it('is unusable after dispose()', () => {
    const aead = new ChaCha20Poly1305(rnd(32));
    aead.dispose();
    expect(aead.disposed).toBe(true);
    expect(() => aead.seal(rnd(12), rnd(3))).toThrow();
    aead.dispose();
  });

  it('declares its lengths', () => {
    const aead = new ChaCha20Poly1305(rnd(32));
    expect([aead.keyLength, aead.nonceLength, aead.tagLength]).toEqual([32, 12, 16]);
    aead.dispose();
  });
});
