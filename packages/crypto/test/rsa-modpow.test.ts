import { describe, expect, it } from 'vitest';
import { createDiffieHellman, createDiffieHellmanGroup, randomBytes } from 'node:crypto';
import { modPow } from '@sanstls/crypto';
import { hex, toHex } from './vectors';

const big = (b: Uint8Array): bigint => (b.length ? BigInt('0x' + toHex(b)) : 0n);
const bytes = (x: bigint, len: number): string => x.toString(16).padStart(len * 2, '0');

/** Reference: right-to-left square-and-multiply on BigInt. */
function refPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function oddModulus(len: number, top?: number): Uint8Array {
  const m = new Uint8Array(randomBytes(len));
  m[0] = top ?? (m[0]! | 1);
  m[len - 1]! |= 1;
  return m;
}

describe('modPow (WASM Montgomery, constant time in the exponent)', () => {
  it('matches BigInt for random odd moduli of many lengths, top bytes and exponent lengths', () => {
    for (const len of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 127, 128, 129, 192, 255, 256, 384, 512]) {
      for (const top of [undefined, 0x01, 0x80, 0xff]) {
        const m = oddModulus(len, top);
        const b = new Uint8Array(randomBytes(len));
        for (const elen of [0, 1, 3, 17, len, len + 5]) {
          const e = new Uint8Array(randomBytes(elen));
          const got = modPow(b, e, m);
          expect(got.length).toBe(len);
          expect(toHex(got)).toBe(bytes(refPow(big(b), big(e), big(m)), len));
        }
      }
    }
  });

  it('reduces bases longer than the modulus and handles 0, 1, n-1 and leading zeros', () => {
    const m = oddModulus(96);
    const M = big(m);
    const cases = [
      new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(1), hex(bytes(M - 1n, 96)), m, hex(bytes(M + 1n, 97)),
      new Uint8Array(randomBytes(300)), new Uint8Array(randomBytes(1000)),
    ];
    const e = new Uint8Array(randomBytes(96));
    for (const b of cases) expect(toHex(modPow(b, e, m))).toBe(bytes(refPow(big(b), big(e), M), 96));
    const padded = new Uint8Array(100);
    padded.set(m, 4);
    expect(toHex(modPow(Uint8Array.of(7), e, padded))).toBe(bytes(refPow(7n, big(e), M), 100));
    expect(toHex(modPow(Uint8Array.of(5), Uint8Array.of(0, 0, 0), m))).toBe(bytes(1n, 96));
    expect(toHex(modPow(Uint8Array.of(5), e, Uint8Array.of(1)))).toBe('00');
  });

  it('agrees with node:crypto Diffie-Hellman (g = 2) on the RFC 3526 MODP groups up to 8192 bits', () => {
    for (const [group, xlen] of [['modp14', 32], ['modp15', 48], ['modp16', 64], ['modp17', 80], ['modp18', 96]] as const) {
      const g = createDiffieHellmanGroup(group);
      const dh = createDiffieHellman(g.getPrime(), g.getGenerator());
      const x = randomBytes(xlen);
      dh.setPrivateKey(x);
      const pub = dh.generateKeys();
      const p = new Uint8Array(g.getPrime());
      const ours = modPow(Uint8Array.of(2), new Uint8Array(x), p);
      expect(ours.length).toBe(p.length);
      expect(toHex(ours)).toBe(toHex(new Uint8Array(pub)).padStart(p.length * 2, '0'));
    }
  });

  it('rejects even moduli', () => {
    expect(() => modPow(Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(1, 0))).toThrow(RangeError);
    expect(() => modPow(Uint8Array.of(2), Uint8Array.of(3), new Uint8Array(4))).toThrow(RangeError);
  });
});
