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

// The lower columns (k < n) form a serial chain: m[k] needs the whole sum of column k, which contains
// m[k-1]*N[1]. That last term is added as a scalar, so the vector loop of column k only reads m[0..k-2]
// (m[k-1] is still 0 in memory), and m[k-1] is then written as part of a whole aligned 16-byte chunk
// (the register mv), so the next column's vector load of that chunk is forwarded from the store.

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
  const lanes = i32x4(0, 1, 2, 3);
  let mv = i32x4.splat(0);
  let mprev: u32 = 0;
  let c: u64 = 0;
  const last: u32 = 2 * n - 1;
  for (let k: u32 = 0; k < last; k++) {
    // Column k: sum over j of a[j]*b[k-j] + m[j]*N[k-j], j in [jlo, jhi]; b[k-j] = br[j + n-1-k].
    const jlo: u32 = k < n ? 0 : k - n + 1;
    const jhi: u32 = k < n ? k : n - 1;
    const off = (<usize>(jlo + n - 1 - k)) << 2;
    let pa = a + (<usize>jlo << 2);
    let pm = m + (<usize>jlo << 2);
    let pb = br + off;
    let pn = Nr + off;
    const end = a + (<usize>(jhi + 1) << 2);
    let full = i64x2.splat(0);
    let hi = i64x2.splat(0);
    do {
      const va = v128.load(pa);
      const vb = v128.load(pb);
      const vm = v128.load(pm);
      const vn = v128.load(pn);
      const p0 = i64x2.extmul_low_i32x4_u(va, vb);
      const p1 = i64x2.extmul_high_i32x4_u(va, vb);
      const p2 = i64x2.extmul_low_i32x4_u(vm, vn);
      const p3 = i64x2.extmul_high_i32x4_u(vm, vn);
      full = i64x2.add(full, i64x2.add(i64x2.add(p0, p1), i64x2.add(p2, p3)));
      hi = i64x2.add(
        hi,
        i64x2.add(
          i64x2.add(i64x2.shr_u(p0, 32), i64x2.shr_u(p1, 32)),
          i64x2.add(i64x2.shr_u(p2, 32), i64x2.shr_u(p3, 32)),
        ),
      );
      pa += 16;
      pb += 16;
      pm += 16;
      pn += 16;
    } while (pa < end);
    const F = <u64>i64x2.extract_lane(full, 0) + <u64>i64x2.extract_lane(full, 1);
    const H = <u64>i64x2.extract_lane(hi, 0) + <u64>i64x2.extract_lane(hi, 1);
    const L = F - (H << 32) + c; // low halves + carry in, < 2^43
    if (k < n) {
      const t = <u64>mprev * N1; // m[k-1]*N[1], left out of the vector loop
      const L2 = L + (t & 0xffffffff);
      const lo = L2 & 0xffffffff;
      const mk = <u32>lo * n0inv; // makes column k vanish: lo + mk*N0 = 0 mod 2^32
      c = (L2 >> 32) + H + (t >> 32) + ((lo + <u64>mk * N0) >> 32);
      if (k > 0) mv = putM(m, mv, k - 1, mprev, lanes);
      mprev = mk;
      if (k == n - 1) mv = putM(m, mv, k, mk, lanes);
    } else {
      store<u32>(r + (<usize>(k - n) << 2), <u32>L);
      c = (L >> 32) + H;
    }
  }
  store<u32>(r + nb - 4, <u32>c);
  reduce_once(ctx, r, <u32>(c >> 32));
}

/** Writes m[i] = v through the chunk register mv (see above) and returns the register for i + 1. */
// @ts-ignore: decorator
@inline function putM(m: usize, mv: v128, i: u32, v: u32, lanes: v128): v128 {
  const w = v128.bitselect(i32x4.splat(v), mv, i32x4.eq(lanes, i32x4.splat(i & 3)));
  v128.store(m + (<usize>(i & ~3) << 2), w);
  return (i & 3) == 3 ? i32x4.splat(0) : w;
}

/**
 * r = a^2/R mod N. As mont_mul, but each cross product a[j]*a[k-j] (j < k-j) is summed once and doubled, plus
 * the square a[k/2]^2 on even columns: 1.5 n^2 products instead of 2 n^2. The half-range loop has an
 * arbitrary length, so its last vector is masked (lanes past the midpoint hold real limbs, not pads).
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
  const lanes = i32x4(0, 1, 2, 3);
  let mv = i32x4.splat(0);
  let mprev: u32 = 0;
  let c: u64 = 0;
  const last: u32 = 2 * n - 1;
  for (let k: u32 = 0; k < last; k++) {
    const jlo: u32 = k < n ? 0 : k - n + 1;
    const jhi: u32 = k < n ? k : n - 1;
    const off = (<usize>(jlo + n - 1 - k)) << 2;
    // Cross products: j in [jlo, (k+1)/2), i.e. j < k - j.
    let cnt = <i32>((k + 1) >> 1) - <i32>jlo;
    let pa = a + (<usize>jlo << 2);
    let pb = ar + off;
    let fa = i64x2.splat(0);
    let ha = i64x2.splat(0);
    while (cnt >= 4) {
      const va = v128.load(pa);
      const vb = v128.load(pb);
      const p0 = i64x2.extmul_low_i32x4_u(va, vb);
      const p1 = i64x2.extmul_high_i32x4_u(va, vb);
      fa = i64x2.add(fa, i64x2.add(p0, p1));
      ha = i64x2.add(ha, i64x2.add(i64x2.shr_u(p0, 32), i64x2.shr_u(p1, 32)));
      pa += 16;
      pb += 16;
      cnt -= 4;
    }
    if (cnt > 0) {
      const va = v128.and(v128.load(pa), i32x4.gt_s(i32x4.splat(cnt), lanes));
      const vb = v128.load(pb);
      const p0 = i64x2.extmul_low_i32x4_u(va, vb);
      const p1 = i64x2.extmul_high_i32x4_u(va, vb);
      fa = i64x2.add(fa, i64x2.add(p0, p1));
      ha = i64x2.add(ha, i64x2.add(i64x2.shr_u(p0, 32), i64x2.shr_u(p1, 32)));
    }
    // Reduction products m[j]*N[k-j] over the whole range, as in mont_mul.
    let pm = m + (<usize>jlo << 2);
    let pn = Nr + off;
    const end = m + (<usize>(jhi + 1) << 2);
    let full = i64x2.shl(fa, 1);
    let hi = i64x2.shl(ha, 1);
    do {
      const vm = v128.load(pm);
      const vn = v128.load(pn);
      const p2 = i64x2.extmul_low_i32x4_u(vm, vn);
      const p3 = i64x2.extmul_high_i32x4_u(vm, vn);
      full = i64x2.add(full, i64x2.add(p2, p3));
      hi = i64x2.add(hi, i64x2.add(i64x2.shr_u(p2, 32), i64x2.shr_u(p3, 32)));
      pm += 16;
      pn += 16;
    } while (pm < end);
    const F = <u64>i64x2.extract_lane(full, 0) + <u64>i64x2.extract_lane(full, 1);
    let H = <u64>i64x2.extract_lane(hi, 0) + <u64>i64x2.extract_lane(hi, 1);
    let L = F - (H << 32) + c;
    if (!(k & 1)) {
      const d = <u64>load<u32>(a + (<usize>(k >> 1) << 2));
      const dd = d * d;
      L += dd & 0xffffffff;
      H += dd >> 32;
    }
    if (k < n) {
      const t = <u64>mprev * N1;
      const L2 = L + (t & 0xffffffff);
      const lo = L2 & 0xffffffff;
      const mk = <u32>lo * n0inv;
      c = (L2 >> 32) + H + (t >> 32) + ((lo + <u64>mk * N0) >> 32);
      if (k > 0) mv = putM(m, mv, k - 1, mprev, lanes);
      mprev = mk;
      if (k == n - 1) mv = putM(m, mv, k, mk, lanes);
    } else {
      store<u32>(r + (<usize>(k - n) << 2), <u32>L);
      c = (L >> 32) + H;
    }
  }
  store<u32>(r + nb - 4, <u32>c);
  reduce_once(ctx, r, <u32>(c >> 32));
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

/** dst = flag ? x : y over nb bytes (multiple of 4), flag in {0,1}, without a branch on flag. */
// @ts-ignore: decorator
@inline export function select(dst: usize, x: usize, y: usize, nb: usize, flag: u32): void {
  const mask = 0 - flag;
  for (let i: usize = 0; i < nb; i += 4) {
    store<u32>(dst + i, (load<u32>(x + i) & mask) | (load<u32>(y + i) & ~mask));
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
