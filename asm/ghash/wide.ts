// 16-way GHASH with in-register nibble tables (constant time: every table access is an i8x16.swizzle, a
// register permutation, and every load address is fixed).
//
// Multiplication by a fixed K = H^16 is GF(2)-linear, so for a block X with 32 nibbles X_k,
//   X·K = XOR over k of T_k[X_k],   T_k[v] = (v placed at nibble k)·K        (32 × 16 entries, 8 KiB).
// T_k is kept as 16 byte planes P_{k,b}: the v128 whose lane v is byte b of T_k[v]. Sixteen accumulators
// A_0..A_15 are kept transposed, as R_0..R_15 where lane j of R_b is byte b of A_j. With N_k the vector of
// nibble k of all sixteen accumulators, swizzle(P_{k,b}, N_k) is byte b of T_k[N_k] in every lane, so
//   R'_b = XOR over k of swizzle(P_{k,b}, N_k)
// multiplies all sixteen accumulators by K with 512 swizzles. Lane j absorbs blocks 16c+j (stride 16):
// A_j <- A_j·K ^ C_{16c+j}; at the end Y = sum_j A_j·H^(16-j) (done by the caller with the generic multiply).

// Nibble k of a block: k = 2b is the low nibble of byte b, k = 2b+1 the high one.
// Table layout: plane P_{k,b} at (k·16 + b)·16.
export const TABLE_SIZE: usize = 32 * 16 * 16;

/**
 * Builds the planes for K = kh:kl (big-endian words of the block K). A byte's bit q (value 1<<q) of byte b is
 * the coefficient of x^(8b+7-q); for nibble k = 2b+s and its bit t, q = 4s+t. So T_k[v] is the XOR, over the
 * bits t set in v, of x^(8b+7-4s-t)·K, and x^i·K follows from K by i "multiply by x" steps (a right shift in
 * reflected order, folding x^128 = x^7+x^2+x+1 back as 0xE1 into the top byte, with a mask, no branch).
 * `basis` is 128 bytes of work space.
 */
export function wide_tables(t: usize, kh: u64, kl: u64, basis: usize): void {
  let hi = kh, lo = kl;
  for (let b: usize = 0; b < 16; b++) {
    // basis[q] = x^(8b+q)·K for q = 0..7
    for (let q: usize = 0; q < 8; q++) {
      store<u64>(basis + q * 16, hi, 0);
      store<u64>(basis + q * 16, lo, 8);
      const carry = 0 - (lo & 1);
      lo = (lo >> 1) | (hi << 63);
      hi = (hi >> 1) ^ (carry & 0xE100000000000000);
    }
    for (let s: usize = 0; s < 2; s++) {
      const k: usize = 2 * b + s;
      for (let v: usize = 0; v < 16; v++) {
        let eh: u64 = 0, el: u64 = 0;
        for (let bit: usize = 0; bit < 4; bit++) {
          const m = 0 - <u64>((v >> bit) & 1); // v is public (a table index), the mask is for uniformity
          const e = basis + (7 - 4 * s - bit) * 16;
          eh ^= m & load<u64>(e, 0);
          el ^= m & load<u64>(e, 8);
        }
        const p = t + k * 256 + v;
        for (let j: usize = 0; j < 8; j++) {
          store<u8>(p + j * 16, <u8>(eh >> (56 - 8 * j)));
          store<u8>(p + (j + 8) * 16, <u8>(el >> (56 - 8 * j)));
        }
      }
    }
  }
  memory.fill(basis, 0, 128);
}

// @ts-ignore: decorator
@inline function lo8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}
// @ts-ignore: decorator
@inline function hi8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/**
 * 16×16 byte transpose of the 16 rows at src into dst (dst row b, lane j = src row j, byte b), with `first`
 * XORed into src row 0. One round maps row r = r3r2r1r0, byte c = c3c2c1c0 to row r2r1r0c3, byte c2c1c0r3
 * (interleave rows r and r+8): a rotation of the 8-bit index r:c, so four rounds exchange r and c.
 */
function transpose16(src: usize, dst: usize, first: v128): void {
  let r0 = v128.xor(v128.load(src, 0), first), r1 = v128.load(src, 16), r2 = v128.load(src, 32);
  let r3 = v128.load(src, 48), r4 = v128.load(src, 64), r5 = v128.load(src, 80), r6 = v128.load(src, 96);
  let r7 = v128.load(src, 112), r8 = v128.load(src, 128), r9 = v128.load(src, 144);
  let r10 = v128.load(src, 160), r11 = v128.load(src, 176), r12 = v128.load(src, 192);
  let r13 = v128.load(src, 208), r14 = v128.load(src, 224), r15 = v128.load(src, 240);
  for (let round = 0; round < 4; round++) {
    const t0 = lo8(r0, r8), t1 = hi8(r0, r8), t2 = lo8(r1, r9), t3 = hi8(r1, r9);
    const t4 = lo8(r2, r10), t5 = hi8(r2, r10), t6 = lo8(r3, r11), t7 = hi8(r3, r11);
    const t8 = lo8(r4, r12), t9 = hi8(r4, r12), t10 = lo8(r5, r13), t11 = hi8(r5, r13);
    const t12 = lo8(r6, r14), t13 = hi8(r6, r14), t14 = lo8(r7, r15), t15 = hi8(r7, r15);
    r0 = t0; r1 = t1; r2 = t2; r3 = t3; r4 = t4; r5 = t5; r6 = t6; r7 = t7;
    r8 = t8; r9 = t9; r10 = t10; r11 = t11; r12 = t12; r13 = t13; r14 = t14; r15 = t15;
  }
  v128.store(dst, r0, 0); v128.store(dst, r1, 16); v128.store(dst, r2, 32); v128.store(dst, r3, 48);
  v128.store(dst, r4, 64); v128.store(dst, r5, 80); v128.store(dst, r6, 96); v128.store(dst, r7, 112);
  v128.store(dst, r8, 128); v128.store(dst, r9, 144); v128.store(dst, r10, 160); v128.store(dst, r11, 176);
  v128.store(dst, r12, 192); v128.store(dst, r13, 208); v128.store(dst, r14, 224); v128.store(dst, r15, 240);
}

/**
 * Eight output rows (bytes b0..b0+7 of every accumulator) of acc·K, XORed into the rows at out. `t` points at
 * the planes of byte b0 of nibble 0; the planes of nibble k are 256 bytes further per k.
 */
// @ts-ignore: decorator
@inline function mul_half(t: usize, acc: usize, out: usize): void {
  const low = i8x16.splat(0x0f);
  let o0 = v128.load(out, 0), o1 = v128.load(out, 16), o2 = v128.load(out, 32), o3 = v128.load(out, 48);
  let o4 = v128.load(out, 64), o5 = v128.load(out, 80), o6 = v128.load(out, 96), o7 = v128.load(out, 112);
  for (let i: usize = 0; i < 16; i++) {
    const x = v128.load(acc + i * 16);
    const nl = v128.and(x, low); // nibble 2i of the 16 accumulators
    const nh = v128.and(i16x8.shr_u(x, 4), low); // nibble 2i+1
    const p = t + i * 512;
    o0 = v128.xor(o0, v128.xor(i8x16.swizzle(v128.load(p, 0), nl), i8x16.swizzle(v128.load(p, 256), nh)));
    o1 = v128.xor(o1, v128.xor(i8x16.swizzle(v128.load(p, 16), nl), i8x16.swizzle(v128.load(p, 272), nh)));
    o2 = v128.xor(o2, v128.xor(i8x16.swizzle(v128.load(p, 32), nl), i8x16.swizzle(v128.load(p, 288), nh)));
    o3 = v128.xor(o3, v128.xor(i8x16.swizzle(v128.load(p, 48), nl), i8x16.swizzle(v128.load(p, 304), nh)));
    o4 = v128.xor(o4, v128.xor(i8x16.swizzle(v128.load(p, 64), nl), i8x16.swizzle(v128.load(p, 320), nh)));
    o5 = v128.xor(o5, v128.xor(i8x16.swizzle(v128.load(p, 80), nl), i8x16.swizzle(v128.load(p, 336), nh)));
    o6 = v128.xor(o6, v128.xor(i8x16.swizzle(v128.load(p, 96), nl), i8x16.swizzle(v128.load(p, 352), nh)));
    o7 = v128.xor(o7, v128.xor(i8x16.swizzle(v128.load(p, 112), nl), i8x16.swizzle(v128.load(p, 368), nh)));
  }
  v128.store(out, o0, 0); v128.store(out, o1, 16); v128.store(out, o2, 32); v128.store(out, o3, 48);
  v128.store(out, o4, 64); v128.store(out, o5, 80); v128.store(out, o6, 96); v128.store(out, o7, 112);
}

/** First stride step: acc = transpose(16 blocks at src) with the 16-byte block at y XORed into block 0. */
export function wide_first(acc: usize, src: usize, y: usize): void {
  transpose16(src, acc, v128.load(y));
}

/** Transposes the accumulators at acc back to one accumulator per 16-byte row at out. */
export function wide_unpack(acc: usize, out: usize): void {
  transpose16(acc, out, i8x16.splat(0));
}

/**
 * One stride step: out = acc·K ^ transpose(16 blocks at src). acc and out are distinct 256-byte areas (the
 * caller swaps them between steps). The transposed blocks are written to out first; mul_half then reads the
 * old accumulators from acc only.
 */
export function wide_step(t: usize, acc: usize, out: usize, src: usize): void {
  transpose16(src, out, i8x16.splat(0));
  mul_half(t, acc, out);
  mul_half(t + 128, acc, out + 128);
}
