// Poly1305 (RFC 8439 §2.5): the RFC's vectors, including the A.3 edge cases of the final reduction, then
// @noble/ciphers' poly1305 as the reference on random inputs and random splits of the stream.
import { describe, expect, it } from 'vitest';
import { randomBytes, randomInt } from 'node:crypto';
import { poly1305 as noblePoly } from '@noble/ciphers/_poly1305.js';
import { Poly1305, heapStats, poly1305 } from '@sanstls/crypto';
import { toHex } from './vectors';
import { IETF_TEXT, JABBERWOCKY, KEY_1C92, ascii, h } from './rfc8439';

const z = (n: number) => '00'.repeat(n);
const ff = (n: number) => 'ff'.repeat(n);

// [name, key (r || s), message, tag]
const VECTORS: [string, Uint8Array, Uint8Array, string][] = [
  ['§2.5.2', h('85d6be7857556d337f4452fe42d506a8 0103808afb0db2fd4abff6af4149f51b'),
    ascii('Cryptographic Forum Research Group'), 'a8061dc1305136c6c22b8baf0c0127a9'],
  ['A.3 #1', h(z(32)), h(z(64)), z(16)],
  ['A.3 #2 (r = 0)', h(z(16) + '36e5f6b5c5e06070f0efca96227a863e'), IETF_TEXT, '36e5f6b5c5e06070f0efca96227a863e'],
  ['A.3 #3', h('36e5f6b5c5e06070f0efca96227a863e' + z(16)), IETF_TEXT, 'f3477e7cd95417af89a6b8794c310cf0'],
  ['A.3 #4', KEY_1C92, JABBERWOCKY, '4541669a7eaaee61e708dc7cbcc5eb62'],
  ['A.3 #5 partially reduced result not fully reduced', h('02' + z(15) + z(16)), h(ff(16)), '03' + z(15)],
  ['A.3 #6 adding s overflows 2^128', h('02' + z(15) + ff(16)), h('02' + z(15)), '03' + z(15)],
  ['A.3 #7 all-ones limb with carry', h('01' + z(15) + z(16)),
    h(ff(16) + 'f0' + ff(15) + '11' + z(15)), '05' + z(15)],
  ['A.3 #8 result exactly 2^130 − 5', h('01' + z(15) + z(16)),
    h(ff(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16)), z(16)],
  ['A.3 #9 result exactly 2^130 − 6', h('02' + z(15) + z(16)), h('fd' + ff(15)), 'fa' + ff(15)],
  ['A.3 #10 131-bit intermediate', h('01' + z(7) + '04' + z(7) + z(16)),
    h('e33594d7505e43b9' + z(8) + '3394d7505e4379cd01' + z(7) + z(16) + '01' + z(15)), '14' + z(7) + '55' + z(7)],
  ['A.3 #11 131-bit final result', h('01' + z(7) + '04' + z(7) + z(16)),
    h('e33594d7505e43b9' + z(8) + '3394d7505e4379cd01' + z(7) + z(16)), '13' + z(15)],
];

describe('poly1305: RFC 8439 vectors', () => {
  for (const [name, key, msg, tag] of VECTORS) {
    it(name, () => {
      expect(toHex(poly1305(key, msg))).toBe(tag);
      // The streaming class, fed in every two-piece split.
      for (let cut = 0; cut <= msg.length; cut += msg.length > 64 ? 7 : 1) {
        const p = new Poly1305(key);
        expect(toHex(p.update(msg.subarray(0, cut)).update(msg.subarray(cut)).digest())).toBe(tag);
        expect(p.disposed).toBe(true);
      }
    });
  }
});

describe('poly1305 vs @noble/ciphers', () => {
  it('every length 0..300 with random keys', () => {
    for (let n = 0; n <= 300; n++) {
      const key = randomBytes(32), msg = randomBytes(n);
      expect(toHex(poly1305(key, msg))).toBe(toHex(noblePoly(msg, key)));
    }
  });

  it('keys with r and s at their extremes (all ones before clamping)', () => {
    for (let n = 0; n <= 80; n++) {
      const key = new Uint8Array(32).fill(0xff), msg = new Uint8Array(n).fill(0xff);
      expect(toHex(poly1305(key, msg))).toBe(toHex(noblePoly(msg, key)));
      const msg2 = randomBytes(n);
      expect(toHex(poly1305(key, msg2))).toBe(toHex(noblePoly(msg2, key)));
    }
  });

  it('large messages spanning several scratch chunks', () => {
    for (const n of [65535, 65536, 65537, 100 * 1024, 1 << 20]) {
      const key = randomBytes(32), msg = randomBytes(n);
      expect(toHex(poly1305(key, msg))).toBe(toHex(noblePoly(msg, key)));
    }
  });

  it('streaming with random split points, unaligned subarrays', () => {
    for (let t = 0; t < 200; t++) {
      const key = randomBytes(32);
      const buf = new Uint8Array(randomBytes(600));
      const off = randomInt(0, 17);
      const msg = buf.subarray(off, off + randomInt(0, 580));
      const p = new Poly1305(key);
      for (let i = 0; i < msg.length;) {
        const k = randomInt(0, 40);
        p.update(msg.subarray(i, i + k));
        i += k;
      }
      expect(toHex(p.digest())).toBe(toHex(noblePoly(msg, key)));
    }
  });
});

describe('Poly1305 handle', () => {
  it('is one-time: unusable after digest(), and rejects bad key lengths', () => {
    const p = new Poly1305(randomBytes(32));
    p.digest();
    expect(() => p.update(new Uint8Array(1))).toThrow();
    expect(() => new Poly1305(new Uint8Array(16))).toThrow(RangeError);
    expect(() => poly1305(new Uint8Array(33), new Uint8Array(1))).toThrow(RangeError);
  });

  it('returns its block to the allocator', () => {
    new Poly1305(randomBytes(32)).digest();
    const before = heapStats().top;
    for (let i = 0; i < 50; i++) new Poly1305(randomBytes(32)).update(randomBytes(100)).digest();
    expect(heapStats().top).toBe(before);
  });
});
