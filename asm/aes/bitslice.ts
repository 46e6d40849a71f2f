// Bitslice transform (Käsper–Schwabe, "Faster and Timing-Attack Resistant AES-GCM", CHES 2009, §4.1,
// here on v128 with bytes as the bit-matrix rows): 8 blocks B0..B7 (block j byte p at lane p of B_j)
// become 8 planes P0..P7 with bit j of lane p of P_i = bit i of byte p of block j. It is an 8×8 bit
// transpose inside every byte lane, done by three swap-move layers (shift 1/2/4, masks 0x55/0x33/0x0f)
// that each exchange one bit of the register index with the same bit of the bit position. The
// transpose is an involution, so the same function converts planes back into blocks.

// swap-move(a = register r, b = register r + n): t = ((a >> n) ^ b) & m; b ^= t; a ^= t << n.
// The 64-bit shifts carry bits across byte lanes only into positions the mask clears.

/** Reads 8 blocks (or 8 planes) at `src`, writes their transpose at `dst` (may equal `src`). */
@inline export function transpose(src: usize, dst: usize): void {
  const m1 = i8x16.splat(0x55);
  const m2 = i8x16.splat(0x33);
  const m4 = i8x16.splat(0x0f);
  let a0 = v128.load(src, 0);
  let a1 = v128.load(src, 16);
  let a2 = v128.load(src, 32);
  let a3 = v128.load(src, 48);
  let a4 = v128.load(src, 64);
  let a5 = v128.load(src, 80);
  let a6 = v128.load(src, 96);
  let a7 = v128.load(src, 112);
  let t: v128;
  // shift 1: pairs (0,1) (2,3) (4,5) (6,7)
  t = v128.and(v128.xor(i64x2.shr_u(a0, 1), a1), m1); a1 = v128.xor(a1, t); a0 = v128.xor(a0, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(a2, 1), a3), m1); a3 = v128.xor(a3, t); a2 = v128.xor(a2, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(a4, 1), a5), m1); a5 = v128.xor(a5, t); a4 = v128.xor(a4, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(a6, 1), a7), m1); a7 = v128.xor(a7, t); a6 = v128.xor(a6, i64x2.shl(t, 1));
  // shift 2: pairs (0,2) (1,3) (4,6) (5,7)
  t = v128.and(v128.xor(i64x2.shr_u(a0, 2), a2), m2); a2 = v128.xor(a2, t); a0 = v128.xor(a0, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(a1, 2), a3), m2); a3 = v128.xor(a3, t); a1 = v128.xor(a1, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(a4, 2), a6), m2); a6 = v128.xor(a6, t); a4 = v128.xor(a4, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(a5, 2), a7), m2); a7 = v128.xor(a7, t); a5 = v128.xor(a5, i64x2.shl(t, 2));
  // shift 4: pairs (0,4) (1,5) (2,6) (3,7)
  t = v128.and(v128.xor(i64x2.shr_u(a0, 4), a4), m4); a4 = v128.xor(a4, t); a0 = v128.xor(a0, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(a1, 4), a5), m4); a5 = v128.xor(a5, t); a1 = v128.xor(a1, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(a2, 4), a6), m4); a6 = v128.xor(a6, t); a2 = v128.xor(a2, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(a3, 4), a7), m4); a7 = v128.xor(a7, t); a3 = v128.xor(a3, i64x2.shl(t, 4));
  v128.store(dst, a0, 0);
  v128.store(dst, a1, 16);
  v128.store(dst, a2, 32);
  v128.store(dst, a3, 48);
  v128.store(dst, a4, 64);
  v128.store(dst, a5, 80);
  v128.store(dst, a6, 96);
  v128.store(dst, a7, 112);
}
