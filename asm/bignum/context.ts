// Setting up a Montgomery context from a big-endian modulus, moving numbers in and out of limbs, and
// reducing numbers of any length into Montgomery form. All loops depend on public lengths only, so
// secret moduli (the RSA primes p, q) are fine.
import {
  H_BITS, H_N, H_N0INV, H_STRIDE, S_N, S_NR, S_ONE, S_R1, S_R2, S_R3, S_SEL, bn_ctx_size, bn_limbs_for, limbs,
  slot, strideFor,
} from './layout';
import { mod_add, mont_mul, mont_sqr } from './montgomery';

/** Loads `len` big-endian bytes at src into n limbs at dst (len <= 4n; the upper limbs get zeros). */
export function bn_load(dst: usize, src: usize, len: usize, n: u32): void {
  memory.fill(dst, 0, <usize>n << 2);
  for (let i: usize = 0; i < len; i++) {
    const p = dst + (i & ~3);
    store<u32>(p, load<u32>(p) | (<u32>load<u8>(src + len - 1 - i) << (<u32>(i & 3) << 3)));
  }
}

/** Writes the n-limb number at src as `len` big-endian bytes at dst (truncated or zero-extended). */
export function bn_store(dst: usize, src: usize, n: u32, len: usize): void {
  const nb = <usize>n << 2;
  for (let i: usize = 0; i < len; i++) {
    const b = i < nb ? <u8>(load<u32>(src + (i & ~3)) >>> (<u32>(i & 3) << 3)) : 0;
    store<u8>(dst + len - 1 - i, b);
  }
}

/**
 * Initialises ctx (bn_ctx_size(bn_limbs_for(len)) bytes) for the odd modulus of `len` big-endian bytes at mod
 * (first byte non-zero, checked by the caller): N, reversed N, -N^-1 mod 2^32, R, R^2, R^3 mod N.
 */
export function bn_init(ctx: usize, mod: usize, len: usize): void {
  const n = bn_limbs_for(len);
  memory.fill(ctx, 0, bn_ctx_size(n));
  store<u32>(ctx, n, H_N);
  store<u32>(ctx, <u32>strideFor(n), H_STRIDE);
  const N = slot(ctx, S_N);
  bn_load(N, mod, len, n);
  const nb = <usize>n << 2;
  const Nr = slot(ctx, S_NR);
  for (let i: usize = 0; i < nb; i += 4) store<u32>(Nr + i, load<u32>(N + nb - 4 - i));
  // Newton iteration for N0^-1 mod 2^32: x = N0 is right mod 2^3, each step doubles the correct bits.
  const n0 = load<u32>(N);
  let x = n0;
  for (let i = 0; i < 4; i++) x *= 2 - n0 * x;
  store<u32>(ctx, 0 - x, H_N0INV);
  // Bit length, without branching on the limbs (a prime p is secret; its length is not).
  let bits: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(N + (<usize>i << 2));
    const nz = (l | (0 - l)) >>> 31;
    bits = (bits & (nz - 1)) | ((32 * i + 32 - clz(l)) & (0 - nz));
  }
  store<u32>(ctx, bits, H_BITS);
  // R mod N: 2^bits - N (< N as 2^(bits-1) < N) is -N mod R with the bits from `bits` up cleared;
  // then double it 32n - bits times.
  const r1 = slot(ctx, S_R1);
  let borrow: u64 = 0;
  for (let i: usize = 0; i < nb; i += 4) {
    const d = <u64>0 - <u64>load<u32>(N + i) - borrow;
    const bit = <u32>(i << 3); // first bit of this limb
    const keep: u32 = bit + 32 <= bits ? 0xffffffff : bit >= bits ? 0 : (<u32>1 << (bits - bit)) - 1;
    store<u32>(r1 + i, <u32>d & keep);
    borrow = d >> 63;
  }
  for (let i = bits; i < 32 * n; i++) mod_add(ctx, r1, r1, r1);
  // R^2 = Montgomery form of 2^(32n). With n = o*2^z (o odd): double R o times to get 2^o in Montgomery
  // form, then square it 5 + z times in the Montgomery domain: 2^(o * 2^(5+z)) = 2^(32n).
  const r2 = slot(ctx, S_R2);
  memory.copy(r2, r1, nb);
  const z = ctz(n);
  const o = n >> z;
  for (let i: u32 = 0; i < o; i++) mod_add(ctx, r2, r2, r2);
  for (let i: u32 = 0; i < 5 + z; i++) mont_sqr(ctx, r2, r2);
  mont_sqr(ctx, slot(ctx, S_R3), r2);
  store<u32>(slot(ctx, S_ONE), 1);
}

/** Bit length of ctx's modulus. */
export function bn_bits(ctx: usize): u32 {
  return load<u32>(ctx, H_BITS);
}

/**
 * r = x*R mod N (the Montgomery form of x mod N) for x of srcLimbs limbs at src, any length: Horner's rule
 * over n-limb chunks from the top, v = v*R + chunk, each step two Montgomery multiplications by R^2.
 */
export function bn_reduce(ctx: usize, r: usize, src: usize, srcLimbs: u32): void {
  const n = limbs(ctx);
  const nb = <usize>n << 2;
  const chunk = slot(ctx, S_SEL);
  const r2 = slot(ctx, S_R2);
  memory.fill(r, 0, nb);
  const chunks = (srcLimbs + n - 1) / n;
  for (let c = chunks; c-- > 0; ) {
    const first = c * n;
    const count = srcLimbs - first < n ? srcLimbs - first : n;
    memory.fill(chunk, 0, nb);
    memory.copy(chunk, src + (<usize>first << 2), <usize>count << 2);
    mont_mul(ctx, r, r, r2); // Montgomery form of v*R
    mont_mul(ctx, chunk, chunk, r2); // Montgomery form of the chunk (chunk < R, R^2 < N)
    mod_add(ctx, r, r, chunk);
  }
  memory.fill(chunk, 0, nb);
}

/** r = Montgomery form of a (a < R). */
export function bn_to_mont(ctx: usize, r: usize, a: usize): void {
  mont_mul(ctx, r, a, slot(ctx, S_R2));
}

/** r = a/R mod N: leaves the Montgomery domain. */
export function bn_from_mont(ctx: usize, r: usize, a: usize): void {
  mont_mul(ctx, r, a, slot(ctx, S_ONE));
}

/** r[0, na+nb) = a[0, na) * b[0, nb), schoolbook; r must not overlap a or b. */
export function bn_mul(r: usize, a: usize, na: u32, b: usize, nb: u32): void {
  memory.fill(r, 0, <usize>(na + nb) << 2);
  for (let i: u32 = 0; i < na; i++) {
    const ai = <u64>load<u32>(a + (<usize>i << 2));
    const ri = r + (<usize>i << 2);
    let c: u64 = 0;
    for (let j: u32 = 0; j < nb; j++) {
      const p = ri + (<usize>j << 2);
      const t = ai * <u64>load<u32>(b + (<usize>j << 2)) + <u64>load<u32>(p) + c;
      store<u32>(p, <u32>t);
      c = t >> 32;
    }
    store<u32>(ri + (<usize>nb << 2), <u32>c);
  }
}

/** r[0, nr) += a[0, na) (na <= nr), returning the carry out of limb nr-1. */
export function bn_add(r: usize, nr: u32, a: usize, na: u32): u32 {
  let c: u64 = 0;
  for (let i: u32 = 0; i < nr; i++) {
    const p = r + (<usize>i << 2);
    const s = <u64>load<u32>(p) + (i < na ? <u64>load<u32>(a + (<usize>i << 2)) : 0) + c;
    store<u32>(p, <u32>s);
    c = s >> 32;
  }
  return <u32>c;
}
