// Montgomery multiplication mod an odd N of n 32-bit limbs, R = 2^(32n): mont_mul(a, b) = a*b/R mod N.
// Product scanning (the "FIPS" method: column k of a*b and of m*N at once, m_k chosen to clear column k),
// vectorised with i64x2.extmul (two 32x32->64 products per instruction). Each column sums up to 2n
// products in two i64x2 accumulators without carry chains: `full` gets the products mod 2^64, `hi` their
// high halves; the exact sum is hi*2^32 + lo with lo = full - (hi << 32) (mod 2^64), exact since lo < 2^64.
// Everything runs in time that depends on n only. Operands are < N (or any n-limb value for `a`, see
// bn_reduce), results are fully reduced (< N). Operand b is reversed first so both dot products of a column
// walk memory upwards; limbs read past the ends are the zero pads of the slots (see layout.ts).
import { H_N0INV, S_BR, S_M, S_N, S_NR, limbs, slot } from './layout';

/** br[i] = b[n-1-i], four limbs at a time (n is a multiple of 4). */
// @ts-ignore: decorator
@inline function reverse(br: usize, b: usize, nb: usize): void {
  for (let i: usize = 0; i < nb; i += 16) {
    const v = v128.load(b + nb - 16 - i);
    v128.store(br + i, i8x16.shuffle(v, v, 12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
  }
}

// Columns go in pairs (k even, k + 1): one loop setup per pair, and the loads of a[j] and m[j] shared.
// The pair's joint range runs one limb past each column's own; those extra products meet a zero: a pad
// past the end of a number, or index -1 of br / Nr (the last pad limb of the slot before, layout.ts).
// The lower columns (k < n) form a serial chain: m[k] needs all of column k, which contains
// m[k-1]*N[1] and m[k-2]*N[2]. The two newest digits stay in registers and are added as scalar products;
// the vector loops only read digits written a pair earlier, as aligned 8-byte halves of a 16-byte chunk
// register, so the loads of a chunk are forwarded from whole-chunk stores.

// @ts-ignore: decorator
@inline function lo32(x: u64): u64 {
  return x & 0xffffffff;
}

// @ts-ignore: decorator
@inline function hsum(v: v128): u64 {
  return <u64>i64x2.extract_lane(v, 0) + <u64>i64x2.extract_lane(v, 1);
}

/** Writes digits m[i], m[i+1] (i even), packed in d, through the chunk register mv; returns it. */
// @ts-ignore: decorator
@inline function putDigits(m: usize, mv: v128, i: u32, d: u64): v128 {
  const p = m + (<usize>(i & ~3) << 2);
  if (i & 2) {
    v128.store(p, i64x2.replace_lane(mv, 1, d));
    return i64x2.splat(0);
  }
  const w = i64x2.replace_lane(mv, 0, d);
  v128.store(p, w);
  return w;
}

/** r = a*b/R mod N. r may alias a and/or b. */
export function mont_mul(ctx: usize, r: usize, a: usize, b: usize): void {
  const n = limbs(ctx);
  const n0inv = load<u32>(ctx, H_N0INV);
  const N = slot(ctx, S_N);
  const Nr = slot(ctx, S_NR);
  const br = slot(ctx, S_BR);
  const m = slot(ctx, S_M);
  const nb = <usize>n << 2;
  reverse(br, b, nb);
  memory.fill(m, 0, nb);
  const N0 = <u64>load<u32>(N);
  const N1 = <u64>load<u32>(N, 4);
  const N2 = <u64>load<u32>(N, 8);
  const N3 = <u64>load<u32>(N, 12);
  let mv = i64x2.splat(0);
  let d0: u64 = 0; // pending digits m[k-2], m[k-1]
  let d1: u64 = 0;
  let c: u64 = 0;
  for (let k: u32 = 0; k < n; k += 2) {
    // Column k: a[j]*b[k-j] + m[j]*N[k-j] = a[j]*br[j+n-1-k] + m[j]*Nr[j+n-1-k]; column k+1: one limb lower.
    const off = <usize>(n - 1 - k) << 2;
    let pa = a;
    let pm = m;
    let pb = br + off;
    let pn = Nr + off;
    const end = a + (<usize>(k + 2) << 2);
    let f0 = i64x2.splat(0);
    let h0 = i64x2.splat(0);
    let f1 = i64x2.splat(0);
    let h1 = i64x2.splat(0);
    do {
      const va = v128.load(pa);
      const vm = v128.load(pm);
      const vb0 = v128.load(pb);
      const vn0 = v128.load(pn);
      const vb1 = v128.load(pb - 4);
      const vn1 = v128.load(pn - 4);
      let x0 = i64x2.extmul_low_i32x4_u(va, vb0);
      let x1 = i64x2.extmul_high_i32x4_u(va, vb0);
      let x2 = i64x2.extmul_low_i32x4_u(vm, vn0);
      let x3 = i64x2.extmul_high_i32x4_u(vm, vn0);
      f0 = i64x2.add(f0, i64x2.add(i64x2.add(x0, x1), i64x2.add(x2, x3)));
      h0 = i64x2.add(h0, i64x2.add(
        i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)), i64x2.add(i64x2.shr_u(x2, 32), i64x2.shr_u(x3, 32))));
      x0 = i64x2.extmul_low_i32x4_u(va, vb1);
      x1 = i64x2.extmul_high_i32x4_u(va, vb1);
      x2 = i64x2.extmul_low_i32x4_u(vm, vn1);
      x3 = i64x2.extmul_high_i32x4_u(vm, vn1);
      f1 = i64x2.add(f1, i64x2.add(i64x2.add(x0, x1), i64x2.add(x2, x3)));
      h1 = i64x2.add(h1, i64x2.add(
        i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)), i64x2.add(i64x2.shr_u(x2, 32), i64x2.shr_u(x3, 32))));
      pa += 16;
      pm += 16;
      pb += 16;
      pn += 16;
    } while (pa < end);
    // Column k, plus m[k-2]*N[2] + m[k-1]*N[1]; its digit m[k] makes it vanish mod 2^32.
    const H0 = hsum(h0);
    const s0 = d0 * N2;
    const s1 = d1 * N1;
    const L0 = hsum(f0) - (H0 << 32) + c + lo32(s0) + lo32(s1);
    const m0 = <u64>(<u32>L0 * n0inv);
    c = (L0 >> 32) + H0 + (s0 >> 32) + (s1 >> 32) + ((lo32(L0) + m0 * N0) >> 32);
    // Column k+1, plus m[k-2]*N[3] + m[k-1]*N[2] + m[k]*N[1].
    const H1 = hsum(h1);
    const s2 = d0 * N3;
    const s3 = d1 * N2;
    const s4 = m0 * N1;
    const L1 = hsum(f1) - (H1 << 32) + c + lo32(s2) + lo32(s3) + lo32(s4);
    const m1 = <u64>(<u32>L1 * n0inv);
    c = (L1 >> 32) + H1 + (s2 >> 32) + (s3 >> 32) + (s4 >> 32) + ((lo32(L1) + m1 * N0) >> 32);
    if (k >= 2) mv = putDigits(m, mv, k - 2, d0 | (d1 << 32));
    d0 = m0;
    d1 = m1;
  }
  putDigits(m, mv, n - 2, d0 | (d1 << 32));
  // Upper columns k >= n: j in [k-n+1, n-1]; the pair (2n-2, 2n-1) ends with the empty column 2n-1.
  for (let k: u32 = n; k < 2 * n; k += 2) {
    const jlo = <usize>(k - n + 1) << 2;
    let pa = a + jlo;
    let pm = m + jlo;
    let pb = br;
    let pn = Nr;
    const end = a + nb;
    let f0 = i64x2.splat(0);
    let h0 = i64x2.splat(0);
    let f1 = i64x2.splat(0);
    let h1 = i64x2.splat(0);
    do {
      const va = v128.load(pa);
      const vm = v128.load(pm);
      const vb0 = v128.load(pb);
      const vn0 = v128.load(pn);
      const vb1 = v128.load(pb - 4);
      const vn1 = v128.load(pn - 4);
      let x0 = i64x2.extmul_low_i32x4_u(va, vb0);
      let x1 = i64x2.extmul_high_i32x4_u(va, vb0);
      let x2 = i64x2.extmul_low_i32x4_u(vm, vn0);
      let x3 = i64x2.extmul_high_i32x4_u(vm, vn0);
      f0 = i64x2.add(f0, i64x2.add(i64x2.add(x0, x1), i64x2.add(x2, x3)));
      h0 = i64x2.add(h0, i64x2.add(
        i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)), i64x2.add(i64x2.shr_u(x2, 32), i64x2.shr_u(x3, 32))));
      x0 = i64x2.extmul_low_i32x4_u(va, vb1);
      x1 = i64x2.extmul_high_i32x4_u(va, vb1);
      x2 = i64x2.extmul_low_i32x4_u(vm, vn1);
      x3 = i64x2.extmul_high_i32x4_u(vm, vn1);
      f1 = i64x2.add(f1, i64x2.add(i64x2.add(x0, x1), i64x2.add(x2, x3)));
      h1 = i64x2.add(h1, i64x2.add(
        i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)), i64x2.add(i64x2.shr_u(x2, 32), i64x2.shr_u(x3, 32))));
      pa += 16;
      pm += 16;
      pb += 16;
      pn += 16;
    } while (pa < end);
    const H0 = hsum(h0);
    const L0 = hsum(f0) - (H0 << 32) + c;
    store<u32>(r + (<usize>(k - n) << 2), <u32>L0);
    c = (L0 >> 32) + H0;
    const H1 = hsum(h1);
    const L1 = hsum(f1) - (H1 << 32) + c;
    store<u32>(r + (<usize>(k + 1 - n) << 2), <u32>L1);
    c = (L1 >> 32) + H1;
  }
  reduce_once(ctx, r, <u32>c);
}

/**
 * r = a^2/R mod N. As mont_mul, but each cross product a[j]*a[k-j] (j < k-j) is summed once and doubled:
 * 1.5 n^2 products instead of 2 n^2. A pair's cross-product range [jlo, k/2] is that of column k + 1;
 * for column k it also holds the square a[k/2]^2 once, which doubling counts twice, so it is subtracted
 * once. Lanes past k/2 hold real limbs, so the last vector of that range is masked.
 */
export function mont_sqr(ctx: usize, r: usize, a: usize): void {
  const n = limbs(ctx);
  const n0inv = load<u32>(ctx, H_N0INV);
  const N = slot(ctx, S_N);
  const Nr = slot(ctx, S_NR);
  const ar = slot(ctx, S_BR);
  const m = slot(ctx, S_M);
  const nb = <usize>n << 2;
  reverse(ar, a, nb);
  memory.fill(m, 0, nb);
  const N0 = <u64>load<u32>(N);
  const N1 = <u64>load<u32>(N, 4);
  const N2 = <u64>load<u32>(N, 8);
  const N3 = <u64>load<u32>(N, 12);
  const lanes = i32x4(0, 1, 2, 3);
  let mv = i64x2.splat(0);
  let d0: u64 = 0;
  let d1: u64 = 0;
  let c: u64 = 0;
  for (let k: u32 = 0; k < 2 * n; k += 2) {
    const lower = k < n;
    const jlo: u32 = lower ? 0 : k - n + 1;
    const off = (<usize>(jlo + n - 1 - k)) << 2;
    // Cross products, doubled below.
    let cnt = <i32>((k >> 1) - jlo + 1);
    let pa = a + (<usize>jlo << 2);
    let pb = ar + off;
    let f0 = i64x2.splat(0);
    let h0 = i64x2.splat(0);
    let f1 = i64x2.splat(0);
    let h1 = i64x2.splat(0);
    while (cnt >= 4) {
      const va = v128.load(pa);
      const vb0 = v128.load(pb);
      const vb1 = v128.load(pb - 4);
      let x0 = i64x2.extmul_low_i32x4_u(va, vb0);
      let x1 = i64x2.extmul_high_i32x4_u(va, vb0);
      f0 = i64x2.add(f0, i64x2.add(x0, x1));
      h0 = i64x2.add(h0, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
      x0 = i64x2.extmul_low_i32x4_u(va, vb1);
      x1 = i64x2.extmul_high_i32x4_u(va, vb1);
      f1 = i64x2.add(f1, i64x2.add(x0, x1));
      h1 = i64x2.add(h1, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
      pa += 16;
      pb += 16;
      cnt -= 4;
    }
    if (cnt > 0) {
      const va = v128.and(v128.load(pa), i32x4.gt_s(i32x4.splat(cnt), lanes));
      const vb0 = v128.load(pb);
      const vb1 = v128.load(pb - 4);
      let x0 = i64x2.extmul_low_i32x4_u(va, vb0);
      let x1 = i64x2.extmul_high_i32x4_u(va, vb0);
      f0 = i64x2.add(f0, i64x2.add(x0, x1));
      h0 = i64x2.add(h0, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
      x0 = i64x2.extmul_low_i32x4_u(va, vb1);
      x1 = i64x2.extmul_high_i32x4_u(va, vb1);
      f1 = i64x2.add(f1, i64x2.add(x0, x1));
      h1 = i64x2.add(h1, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
    }
    f0 = i64x2.shl(f0, 1);
    h0 = i64x2.shl(h0, 1);
    f1 = i64x2.shl(f1, 1);
    h1 = i64x2.shl(h1, 1);
    // Reduction products over the pair's joint range, as in mont_mul.
    let pm = m + (<usize>jlo << 2);
    let pn = Nr + off;
    const end = m + (<usize>(lower ? k + 2 : n) << 2);
    do {
      const vm = v128.load(pm);
      const vn0 = v128.load(pn);
      const vn1 = v128.load(pn - 4);
      let x0 = i64x2.extmul_low_i32x4_u(vm, vn0);
      let x1 = i64x2.extmul_high_i32x4_u(vm, vn0);
      f0 = i64x2.add(f0, i64x2.add(x0, x1));
      h0 = i64x2.add(h0, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
      x0 = i64x2.extmul_low_i32x4_u(vm, vn1);
      x1 = i64x2.extmul_high_i32x4_u(vm, vn1);
      f1 = i64x2.add(f1, i64x2.add(x0, x1));
      h1 = i64x2.add(h1, i64x2.add(i64x2.shr_u(x0, 32), i64x2.shr_u(x1, 32)));
      pm += 16;
      pn += 16;
    } while (pm < end);
    const dg = <u64>load<u32>(a + (<usize>(k >> 1) << 2));
    const sq = dg * dg; // counted twice above, once is right
    const Hf = hsum(h0);
    const F0 = hsum(f0) - (Hf << 32) - lo32(sq); // low halves of column k, the square counted once
    const H0 = Hf - (sq >> 32);
    const H1 = hsum(h1);
    if (lower) {
      const s0 = d0 * N2;
      const s1 = d1 * N1;
      const L0 = F0 + c + lo32(s0) + lo32(s1);
      const m0 = <u64>(<u32>L0 * n0inv);
      c = (L0 >> 32) + H0 + (s0 >> 32) + (s1 >> 32) + ((lo32(L0) + m0 * N0) >> 32);
      const s2 = d0 * N3;
      const s3 = d1 * N2;
      const s4 = m0 * N1;
      const L1 = hsum(f1) - (H1 << 32) + c + lo32(s2) + lo32(s3) + lo32(s4);
      const m1 = <u64>(<u32>L1 * n0inv);
      c = (L1 >> 32) + H1 + (s2 >> 32) + (s3 >> 32) + (s4 >> 32) + ((lo32(L1) + m1 * N0) >> 32);
      if (k >= 2) mv = putDigits(m, mv, k - 2, d0 | (d1 << 32));
      d0 = m0;
      d1 = m1;
      if (k + 2 == n) mv = putDigits(m, mv, k, d0 | (d1 << 32));
    } else {
      const L0 = F0 + c;
      store<u32>(r + (<usize>(k - n) << 2), <u32>L0);
      c = (L0 >> 32) + H0;
      const L1 = hsum(f1) - (H1 << 32) + c;
      store<u32>(r + (<usize>(k + 1 - n) << 2), <u32>L1);
      c = (L1 >> 32) + H1;
    }
  }
  reduce_once(ctx, r, <u32>c);
}

/** r = r - N when top:r >= N (top is the bit above limb n-1), in constant time. Needs top:r < 2N. */
// @ts-ignore: decorator
@inline function reduce_once(ctx: usize, r: usize, top: u32): void {
  const nb = <usize>limbs(ctx) << 2;
  const N = slot(ctx, S_N);
  const t = slot(ctx, S_BR);
  let borrow: u64 = 0;
  for (let i: usize = 0; i < nb; i += 4) {
    const d = <u64>load<u32>(r + i) - <u64>load<u32>(N + i) - borrow;
    store<u32>(t + i, <u32>d);
    borrow = d >> 63;
  }
  select(r, t, r, nb, top | (<u32>borrow ^ 1));
}

/** dst = flag ? x : y over nb bytes (a multiple of 16), flag in {0,1}, without a branch on flag. */
// @ts-ignore: decorator
@inline export function select(dst: usize, x: usize, y: usize, nb: usize, flag: u32): void {
  const mask = i32x4.splat(0 - flag);
  for (let i: usize = 0; i < nb; i += 16) {
    v128.store(dst + i, v128.bitselect(v128.load(x + i), v128.load(y + i), mask));
  }
}

/** r = a + b mod N, for a, b < N. r may alias a or b. */
export function mod_add(ctx: usize, r: usize, a: usize, b: usize): void {
  const nb = <usize>limbs(ctx) << 2;
  let carry: u64 = 0;
  for (let i: usize = 0; i < nb; i += 4) {
    const s = <u64>load<u32>(a + i) + <u64>load<u32>(b + i) + carry;
    store<u32>(r + i, <u32>s);
    carry = s >> 32;
  }
  reduce_once(ctx, r, <u32>carry);
}

/** r = a - b mod N, for a, b < N. r may alias a or b. */
export function mod_sub(ctx: usize, r: usize, a: usize, b: usize): void {
  const nb = <usize>limbs(ctx) << 2;
  const N = slot(ctx, S_N);
  const t = slot(ctx, S_BR);
  let borrow: u64 = 0;
  for (let i: usize = 0; i < nb; i += 4) {
    const d = <u64>load<u32>(a + i) - <u64>load<u32>(b + i) - borrow;
    store<u32>(r + i, <u32>d);
    borrow = d >> 63;
  }
  let carry: u64 = 0;
  for (let i: usize = 0; i < nb; i += 4) {
    const s = <u64>load<u32>(r + i) + <u64>load<u32>(N + i) + carry;
    store<u32>(t + i, <u32>s);
    carry = s >> 32;
  }
  select(r, t, r, nb, <u32>borrow);
}

export function bn_mont_mul(ctx: usize, r: usize, a: usize, b: usize): void {
  mont_mul(ctx, r, a, b);
}
export function bn_mont_sqr(ctx: usize, r: usize, a: usize): void {
  mont_sqr(ctx, r, a);
}
export function bn_mod_add(ctx: usize, r: usize, a: usize, b: usize): void {
  mod_add(ctx, r, a, b);
}
export function bn_mod_sub(ctx: usize, r: usize, a: usize, b: usize): void {
  mod_sub(ctx, r, a, b);
}
