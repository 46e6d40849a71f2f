// Layout of a Montgomery context: a 64-byte header, then BN_SLOTS slots of `stride` bytes, each holding one
// number of n little-endian u32 limbs followed by zero limbs (at least 4): the SIMD loops of mont_mul read
// up to 3 limbs past the end and rely on them being zero. Nothing may write past limb n-1 of a slot
// except bn_mul's product (up to n + 8 limbs), which the caller wipes before reuse. n is a multiple of 4
// (R = 2^(32n) > N works for any such n), so numbers are whole 16-byte vectors. The column-pair loops
// also read limb -1 of S_NR and S_BR: the last pad limb of S_N and S_ONE, which therefore come first.

export const H_N: usize = 0; // limb count n
export const H_N0INV: usize = 4; // -N^-1 mod 2^32
export const H_STRIDE: usize = 8; // bytes per slot
export const H_BITS: usize = 12; // bit length of N
export const HEADER: usize = 64;

export const S_N: u32 = 0; // modulus N
export const S_NR: u32 = 1; // N with its limbs reversed (N[n-1-i])
export const S_R1: u32 = 2; // R mod N: Montgomery form of 1 (R = 2^(32n))
export const S_R2: u32 = 3; // R^2 mod N
export const S_R3: u32 = 4; // R^3 mod N
export const S_ONE: u32 = 5; // the plain number 1
export const S_BR: u32 = 6; // mont_mul temporary: reversed second operand; final subtraction
export const S_M: u32 = 7; // mont_mul temporary: the reduction digits m_i
export const S_ACC: u32 = 8; // modexp accumulator
export const S_SEL: u32 = 9; // modexp: table entry selected in constant time; bn_reduce chunk
export const S_USER: u32 = 10; // slots 10..15 are free for the caller (TypeScript)
export const S_TABLE: u32 = 16; // modexp window table, 32 entries
export const TABLE_MAX: u32 = 32;
export const BN_SLOTS: u32 = 48;

/** Bytes per slot for n limbs: n + 12 limbs (n + 8 for a product, then the zero pad). */
// @ts-ignore: decorator
@inline export function strideFor(n: u32): usize {
  return <usize>(n + 12) * 4;
}

/** Limbs for a modulus of len bytes: a multiple of 4. */
export function bn_limbs_for(len: usize): u32 {
  return <u32>((len + 15) >> 4) << 2;
}

// @ts-ignore: decorator
@inline export function slot(ctx: usize, i: u32): usize {
  return ctx + HEADER + <usize>i * <usize>load<u32>(ctx, H_STRIDE);
}

// @ts-ignore: decorator
@inline export function limbs(ctx: usize): u32 {
  return load<u32>(ctx, H_N);
}

/** Size in bytes of a context for moduli of n limbs. */
export function bn_ctx_size(n: u32): usize {
  return HEADER + <usize>BN_SLOTS * strideFor(n);
}

/** Pointer of slot i of ctx (S_USER.. are the caller's). */
export function bn_slot(ctx: usize, i: u32): usize {
  return slot(ctx, i);
}

/** Limb count of ctx's modulus. */
export function bn_limbs(ctx: usize): u32 {
  return limbs(ctx);
}
