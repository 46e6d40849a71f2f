// The ChaCha20 block loop (RFC 8439 §2.3) with WASM SIMD, optionally stitched with Poly1305 (§2.5).
// Four blocks at once: v128 xN holds state word N of blocks ctr, ctr+1, ctr+2, ctr+3 (lanes 0..3); the
// 32-bit counter wraps mod 2^32 (§2.3). When a MAC is requested, the Poly1305 2-block step of
// asm/poly1305.ts runs inside the double-round loop: it uses the scalar integer units while the rounds use
// the vector units, so the CPU overlaps the two and the AEAD costs little more than the cipher alone.
import { POLY_H, POLY_R, POLY_R2 } from './poly1305';

/** What chacha_core does besides XORing the keystream. */
export const MODE_XOR: u32 = 0; // keystream only
export const MODE_SEAL: u32 = 1; // MAC the output (ciphertext), one group behind
export const MODE_OPEN: u32 = 2; // MAC the input (ciphertext) before it is XORed

const M: u64 = 0x3ffffff;
const HIBIT: u64 = 1 << 24;

// Rotations of every 32-bit lane (§2.1). 16 is a 16-bit lane swap (pshuflw + pshufhw on x64). 8 is a byte
// permutation: as i8x16.shuffle, V8 rebuilds the pshufb mask from immediates at every use (4 instructions);
// as i8x16.swizzle with the mask loaded from memory it is a load, an add and a pshufb, which measured ~6 %
// faster than three shifts. 12 and 7 are shifts.
const ROT8 = memory.data<u8>([3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14]);
// @ts-ignore: decorator
@inline function rotl16(v: v128): v128 {
  return i16x8.shuffle(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
}
// @ts-ignore: decorator
@inline function rotl12(v: v128): v128 {
  return v128.or(i32x4.shl(v, 12), i32x4.shr_u(v, 20));
}
// @ts-ignore: decorator
@inline function rotl8(v: v128): v128 {
  return i8x16.swizzle(v, v128.load(ROT8));
}
// @ts-ignore: decorator
@inline function rotl7(v: v128): v128 {
  return v128.or(i32x4.shl(v, 7), i32x4.shr_u(v, 25));
}

/**
 * Words a, b, c, d (one v128 per word, one lane per block) become bytes [0, 16) of the four blocks at p,
 * p + 64, p + 128, p + 192 (a 4×4 transpose of 32-bit lanes), XORed into the data there.
 */
// @ts-ignore: decorator
@inline function xor4(p: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(p, v128.xor(v128.load(p), i64x2.shuffle(ab01, cd01, 0, 2)));
  v128.store(p + 64, v128.xor(v128.load(p + 64), i64x2.shuffle(ab01, cd01, 1, 3)));
  v128.store(p + 128, v128.xor(v128.load(p + 128), i64x2.shuffle(ab23, cd23, 0, 2)));
  v128.store(p + 192, v128.xor(v128.load(p + 192), i64x2.shuffle(ab23, cd23, 1, 3)));
}

/**
 * XORs groups × 256 bytes at p with the keystream of blocks ctr .. ctr + 4·groups − 1 (ctr = word 12 of
 * the state at st) and stores the advanced counter. With MODE_SEAL / MODE_OPEN the same bytes, as
 * ciphertext, are absorbed as full blocks into the Poly1305 context at po (whose partial block must be
 * empty). Everything runs in locals; no call per block.
 */
export function chacha_core(st: usize, p: usize, groups: usize, po: usize, mode: u32): void {
  if (groups == 0) return;
  const k0 = load<u32>(st, 0), k1 = load<u32>(st, 4), k2 = load<u32>(st, 8), k3 = load<u32>(st, 12);
  const k4 = load<u32>(st, 16), k5 = load<u32>(st, 20), k6 = load<u32>(st, 24), k7 = load<u32>(st, 28);
  const k8 = load<u32>(st, 32), k9 = load<u32>(st, 36), k10 = load<u32>(st, 40), k11 = load<u32>(st, 44);
  const k13 = load<u32>(st, 52), k14 = load<u32>(st, 56), k15 = load<u32>(st, 60);
  let ctr = load<u32>(st, 48);
  const lanes = i32x4(0, 1, 2, 3);

  // Poly1305 state (see asm/poly1305.ts): h, r with s = 5r, r² with u = 5r².
  let h0: u64 = 0, h1: u64 = 0, h2: u64 = 0, h3: u64 = 0, h4: u64 = 0;
  let r0: u64 = 0, r1: u64 = 0, r2: u64 = 0, r3: u64 = 0, r4: u64 = 0;
  let q0: u64 = 0, q1: u64 = 0, q2: u64 = 0, q3: u64 = 0, q4: u64 = 0;
  if (mode != MODE_XOR) {
    h0 = load<u64>(po, POLY_H); h1 = load<u64>(po, POLY_H + 8); h2 = load<u64>(po, POLY_H + 16);
    h3 = load<u64>(po, POLY_H + 24); h4 = load<u64>(po, POLY_H + 32);
    r0 = load<u64>(po, POLY_R); r1 = load<u64>(po, POLY_R + 8); r2 = load<u64>(po, POLY_R + 16);
    r3 = load<u64>(po, POLY_R + 24); r4 = load<u64>(po, POLY_R + 32);
    q0 = load<u64>(po, POLY_R2); q1 = load<u64>(po, POLY_R2 + 8); q2 = load<u64>(po, POLY_R2 + 16);
    q3 = load<u64>(po, POLY_R2 + 24); q4 = load<u64>(po, POLY_R2 + 32);
  }
  const s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  const u1 = q1 * 5, u2 = q2 * 5, u3 = q3 * 5, u4 = q4 * 5;
  // The MAC reads the current group when opening, the previous one (already written) when sealing: mp
  // starts at the first group and advances only in iterations that absorb.
  let mp = p;
  let mac = mode == MODE_OPEN;

  for (; groups > 0; groups--) {
    let x0 = i32x4.splat(k0), x1 = i32x4.splat(k1), x2 = i32x4.splat(k2), x3 = i32x4.splat(k3);
    let x4 = i32x4.splat(k4), x5 = i32x4.splat(k5), x6 = i32x4.splat(k6), x7 = i32x4.splat(k7);
    let x8 = i32x4.splat(k8), x9 = i32x4.splat(k9), x10 = i32x4.splat(k10), x11 = i32x4.splat(k11);
    const c12 = i32x4.add(i32x4.splat(ctr), lanes);
    let x12 = c12, x13 = i32x4.splat(k13), x14 = i32x4.splat(k14), x15 = i32x4.splat(k15);
    for (let i = 0; i < 10; i++) {
      // Column round (§2.3): QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15), interleaved.
      x0 = i32x4.add(x0, x4); x1 = i32x4.add(x1, x5); x2 = i32x4.add(x2, x6); x3 = i32x4.add(x3, x7);
      x12 = rotl16(v128.xor(x12, x0)); x13 = rotl16(v128.xor(x13, x1));
      x14 = rotl16(v128.xor(x14, x2)); x15 = rotl16(v128.xor(x15, x3));
      x8 = i32x4.add(x8, x12); x9 = i32x4.add(x9, x13); x10 = i32x4.add(x10, x14); x11 = i32x4.add(x11, x15);
      x4 = rotl12(v128.xor(x4, x8)); x5 = rotl12(v128.xor(x5, x9));
      x6 = rotl12(v128.xor(x6, x10)); x7 = rotl12(v128.xor(x7, x11));
      x0 = i32x4.add(x0, x4); x1 = i32x4.add(x1, x5); x2 = i32x4.add(x2, x6); x3 = i32x4.add(x3, x7);
      x12 = rotl8(v128.xor(x12, x0)); x13 = rotl8(v128.xor(x13, x1));
      x14 = rotl8(v128.xor(x14, x2)); x15 = rotl8(v128.xor(x15, x3));
      x8 = i32x4.add(x8, x12); x9 = i32x4.add(x9, x13); x10 = i32x4.add(x10, x14); x11 = i32x4.add(x11, x15);
      x4 = rotl7(v128.xor(x4, x8)); x5 = rotl7(v128.xor(x5, x9));
      x6 = rotl7(v128.xor(x6, x10)); x7 = rotl7(v128.xor(x7, x11));

      // Eight of the ten iterations each absorb two of the group's sixteen 16-byte blocks:
      // h ← (h + m1)·r² + m2·r, as in poly_blocks.
      if (mac && i < 8) {
        const lo1 = load<u64>(mp), hi1 = load<u64>(mp, 8), lo2 = load<u64>(mp, 16), hi2 = load<u64>(mp, 24);
        mp += 32;
        const a0 = h0 + (lo1 & M);
        const a1 = h1 + ((lo1 >> 26) & M);
        const a2 = h2 + (((lo1 >> 52) | (hi1 << 12)) & M);
        const a3 = h3 + ((hi1 >> 14) & M);
        const a4 = h4 + ((hi1 >> 40) | HIBIT);
        const m0 = lo2 & M;
        const m1 = (lo2 >> 26) & M;
        const m2 = ((lo2 >> 52) | (hi2 << 12)) & M;
        const m3 = (hi2 >> 14) & M;
        const m4 = (hi2 >> 40) | HIBIT;
        let d0 = a0 * q0 + a1 * u4 + a2 * u3 + a3 * u2 + a4 * u1 + m0 * r0 + m1 * s4 + m2 * s3 + m3 * s2 + m4 * s1;
        let d1 = a0 * q1 + a1 * q0 + a2 * u4 + a3 * u3 + a4 * u2 + m0 * r1 + m1 * r0 + m2 * s4 + m3 * s3 + m4 * s2;
        let d2 = a0 * q2 + a1 * q1 + a2 * q0 + a3 * u4 + a4 * u3 + m0 * r2 + m1 * r1 + m2 * r0 + m3 * s4 + m4 * s3;
        let d3 = a0 * q3 + a1 * q2 + a2 * q1 + a3 * q0 + a4 * u4 + m0 * r3 + m1 * r2 + m2 * r1 + m3 * r0 + m4 * s4;
        let d4 = a0 * q4 + a1 * q3 + a2 * q2 + a3 * q1 + a4 * q0 + m0 * r4 + m1 * r3 + m2 * r2 + m3 * r1 + m4 * r0;
        let c: u64;
        c = d0 >> 26; d0 &= M; d1 += c;   c = d3 >> 26; d3 &= M; d4 += c;
        c = d1 >> 26; d1 &= M; d2 += c;   c = d4 >> 26; d4 &= M; d0 += c * 5;
        c = d2 >> 26; d2 &= M; d3 += c;   c = d0 >> 26; d0 &= M; d1 += c;
        c = d3 >> 26; d3 &= M; d4 += c;
        h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
      }

      // Diagonal round: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14).
      x0 = i32x4.add(x0, x5); x1 = i32x4.add(x1, x6); x2 = i32x4.add(x2, x7); x3 = i32x4.add(x3, x4);
      x15 = rotl16(v128.xor(x15, x0)); x12 = rotl16(v128.xor(x12, x1));
      x13 = rotl16(v128.xor(x13, x2)); x14 = rotl16(v128.xor(x14, x3));
      x10 = i32x4.add(x10, x15); x11 = i32x4.add(x11, x12); x8 = i32x4.add(x8, x13); x9 = i32x4.add(x9, x14);
      x5 = rotl12(v128.xor(x5, x10)); x6 = rotl12(v128.xor(x6, x11));
      x7 = rotl12(v128.xor(x7, x8)); x4 = rotl12(v128.xor(x4, x9));
      x0 = i32x4.add(x0, x5); x1 = i32x4.add(x1, x6); x2 = i32x4.add(x2, x7); x3 = i32x4.add(x3, x4);
      x15 = rotl8(v128.xor(x15, x0)); x12 = rotl8(v128.xor(x12, x1));
      x13 = rotl8(v128.xor(x13, x2)); x14 = rotl8(v128.xor(x14, x3));
      x10 = i32x4.add(x10, x15); x11 = i32x4.add(x11, x12); x8 = i32x4.add(x8, x13); x9 = i32x4.add(x9, x14);
      x5 = rotl7(v128.xor(x5, x10)); x6 = rotl7(v128.xor(x6, x11));
      x7 = rotl7(v128.xor(x7, x8)); x4 = rotl7(v128.xor(x4, x9));
    }
    // Add the input state (§2.3), serialize little-endian and XOR (§2.4).
    xor4(p, i32x4.add(x0, i32x4.splat(k0)), i32x4.add(x1, i32x4.splat(k1)),
      i32x4.add(x2, i32x4.splat(k2)), i32x4.add(x3, i32x4.splat(k3)));
    xor4(p + 16, i32x4.add(x4, i32x4.splat(k4)), i32x4.add(x5, i32x4.splat(k5)),
      i32x4.add(x6, i32x4.splat(k6)), i32x4.add(x7, i32x4.splat(k7)));
    xor4(p + 32, i32x4.add(x8, i32x4.splat(k8)), i32x4.add(x9, i32x4.splat(k9)),
      i32x4.add(x10, i32x4.splat(k10)), i32x4.add(x11, i32x4.splat(k11)));
    xor4(p + 48, i32x4.add(x12, c12), i32x4.add(x13, i32x4.splat(k13)),
      i32x4.add(x14, i32x4.splat(k14)), i32x4.add(x15, i32x4.splat(k15)));
    ctr += 4;
    p += 256;
    mac = mode != MODE_XOR;
  }
  store<u32>(st, ctr, 48);
  if (mode != MODE_XOR) {
    store<u64>(po, h0, POLY_H); store<u64>(po, h1, POLY_H + 8); store<u64>(po, h2, POLY_H + 16);
    store<u64>(po, h3, POLY_H + 24); store<u64>(po, h4, POLY_H + 32);
  }
}

/**
 * Four keystream blocks of the state at st with the counters of c12 (lane i = counter of block i, any
 * values), stored (not XORed) as 256 bytes at out. For the one-call AEAD: the Poly1305 key block together
 * with the blocks of a short tail, so that a record costs no more groups than it has data for.
 */
export function chacha_ks4(st: usize, c12: v128, out: usize): void {
  const k0 = load<u32>(st, 0), k1 = load<u32>(st, 4), k2 = load<u32>(st, 8), k3 = load<u32>(st, 12);
  const k4 = load<u32>(st, 16), k5 = load<u32>(st, 20), k6 = load<u32>(st, 24), k7 = load<u32>(st, 28);
  const k8 = load<u32>(st, 32), k9 = load<u32>(st, 36), k10 = load<u32>(st, 40), k11 = load<u32>(st, 44);
  const k13 = load<u32>(st, 52), k14 = load<u32>(st, 56), k15 = load<u32>(st, 60);
  let x0 = i32x4.splat(k0), x1 = i32x4.splat(k1), x2 = i32x4.splat(k2), x3 = i32x4.splat(k3);
  let x4 = i32x4.splat(k4), x5 = i32x4.splat(k5), x6 = i32x4.splat(k6), x7 = i32x4.splat(k7);
  let x8 = i32x4.splat(k8), x9 = i32x4.splat(k9), x10 = i32x4.splat(k10), x11 = i32x4.splat(k11);
  let x12 = c12, x13 = i32x4.splat(k13), x14 = i32x4.splat(k14), x15 = i32x4.splat(k15);
  for (let i = 0; i < 10; i++) {
    x0 = i32x4.add(x0, x4); x1 = i32x4.add(x1, x5); x2 = i32x4.add(x2, x6); x3 = i32x4.add(x3, x7);
    x12 = rotl16(v128.xor(x12, x0)); x13 = rotl16(v128.xor(x13, x1));
    x14 = rotl16(v128.xor(x14, x2)); x15 = rotl16(v128.xor(x15, x3));
    x8 = i32x4.add(x8, x12); x9 = i32x4.add(x9, x13); x10 = i32x4.add(x10, x14); x11 = i32x4.add(x11, x15);
    x4 = rotl12(v128.xor(x4, x8)); x5 = rotl12(v128.xor(x5, x9));
    x6 = rotl12(v128.xor(x6, x10)); x7 = rotl12(v128.xor(x7, x11));
    x0 = i32x4.add(x0, x4); x1 = i32x4.add(x1, x5); x2 = i32x4.add(x2, x6); x3 = i32x4.add(x3, x7);
    x12 = rotl8(v128.xor(x12, x0)); x13 = rotl8(v128.xor(x13, x1));
    x14 = rotl8(v128.xor(x14, x2)); x15 = rotl8(v128.xor(x15, x3));
    x8 = i32x4.add(x8, x12); x9 = i32x4.add(x9, x13); x10 = i32x4.add(x10, x14); x11 = i32x4.add(x11, x15);
    x4 = rotl7(v128.xor(x4, x8)); x5 = rotl7(v128.xor(x5, x9));
    x6 = rotl7(v128.xor(x6, x10)); x7 = rotl7(v128.xor(x7, x11));

    x0 = i32x4.add(x0, x5); x1 = i32x4.add(x1, x6); x2 = i32x4.add(x2, x7); x3 = i32x4.add(x3, x4);
    x15 = rotl16(v128.xor(x15, x0)); x12 = rotl16(v128.xor(x12, x1));
    x13 = rotl16(v128.xor(x13, x2)); x14 = rotl16(v128.xor(x14, x3));
    x10 = i32x4.add(x10, x15); x11 = i32x4.add(x11, x12); x8 = i32x4.add(x8, x13); x9 = i32x4.add(x9, x14);
    x5 = rotl12(v128.xor(x5, x10)); x6 = rotl12(v128.xor(x6, x11));
    x7 = rotl12(v128.xor(x7, x8)); x4 = rotl12(v128.xor(x4, x9));
    x0 = i32x4.add(x0, x5); x1 = i32x4.add(x1, x6); x2 = i32x4.add(x2, x7); x3 = i32x4.add(x3, x4);
    x15 = rotl8(v128.xor(x15, x0)); x12 = rotl8(v128.xor(x12, x1));
    x13 = rotl8(v128.xor(x13, x2)); x14 = rotl8(v128.xor(x14, x3));
    x10 = i32x4.add(x10, x15); x11 = i32x4.add(x11, x12); x8 = i32x4.add(x8, x13); x9 = i32x4.add(x9, x14);
    x5 = rotl7(v128.xor(x5, x10)); x6 = rotl7(v128.xor(x6, x11));
    x7 = rotl7(v128.xor(x7, x8)); x4 = rotl7(v128.xor(x4, x9));
  }
  store4(out, i32x4.add(x0, i32x4.splat(k0)), i32x4.add(x1, i32x4.splat(k1)),
    i32x4.add(x2, i32x4.splat(k2)), i32x4.add(x3, i32x4.splat(k3)));
  store4(out + 16, i32x4.add(x4, i32x4.splat(k4)), i32x4.add(x5, i32x4.splat(k5)),
    i32x4.add(x6, i32x4.splat(k6)), i32x4.add(x7, i32x4.splat(k7)));
  store4(out + 32, i32x4.add(x8, i32x4.splat(k8)), i32x4.add(x9, i32x4.splat(k9)),
    i32x4.add(x10, i32x4.splat(k10)), i32x4.add(x11, i32x4.splat(k11)));
  store4(out + 48, i32x4.add(x12, c12), i32x4.add(x13, i32x4.splat(k13)),
    i32x4.add(x14, i32x4.splat(k14)), i32x4.add(x15, i32x4.splat(k15)));
}

/** Like xor4, but stores the transposed words instead of XORing them into the data. */
// @ts-ignore: decorator
@inline function store4(p: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(p, i64x2.shuffle(ab01, cd01, 0, 2));
  v128.store(p + 64, i64x2.shuffle(ab01, cd01, 1, 3));
  v128.store(p + 128, i64x2.shuffle(ab23, cd23, 0, 2));
  v128.store(p + 192, i64x2.shuffle(ab23, cd23, 1, 3));
}

/**
 * One keystream block (counter ctr) stored as 64 bytes at out, with the state held by rows (a = words
 * 0..3, …, d = words 12..15) and the diagonal round done by rotating rows b, c, d. Latency-bound, but
 * about half the time of a 4-block group: for the Poly1305 key when no other block is needed with it.
 */
export function chacha_block(st: usize, ctr: u32, out: usize): void {
  const a0 = v128.load(st), b0 = v128.load(st, 16), c0 = v128.load(st, 32);
  const d0 = i32x4.replace_lane(v128.load(st, 48), 0, ctr);
  let a = a0, b = b0, c = c0, d = d0;
  for (let i = 0; i < 10; i++) {
    a = i32x4.add(a, b); d = rotl16(v128.xor(d, a));
    c = i32x4.add(c, d); b = rotl12(v128.xor(b, c));
    a = i32x4.add(a, b); d = rotl8(v128.xor(d, a));
    c = i32x4.add(c, d); b = rotl7(v128.xor(b, c));
    // Lane j of (a, b, c, d) becomes the diagonal QR(j, 4 + (j+1)%4, 8 + (j+2)%4, 12 + (j+3)%4).
    b = i32x4.shuffle(b, b, 1, 2, 3, 0); c = i32x4.shuffle(c, c, 2, 3, 0, 1); d = i32x4.shuffle(d, d, 3, 0, 1, 2);
    a = i32x4.add(a, b); d = rotl16(v128.xor(d, a));
    c = i32x4.add(c, d); b = rotl12(v128.xor(b, c));
    a = i32x4.add(a, b); d = rotl8(v128.xor(d, a));
    c = i32x4.add(c, d); b = rotl7(v128.xor(b, c));
    b = i32x4.shuffle(b, b, 3, 0, 1, 2); c = i32x4.shuffle(c, c, 2, 3, 0, 1); d = i32x4.shuffle(d, d, 1, 2, 3, 0);
  }
  v128.store(out, i32x4.add(a, a0));
  v128.store(out, i32x4.add(b, b0), 16);
  v128.store(out, i32x4.add(c, c0), 32);
  v128.store(out, i32x4.add(d, d0), 48);
}
