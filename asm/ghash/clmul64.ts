// Constant-time multiplication in GF(2^128) for GHASH (NIST SP 800-38D §6.3) without a carry-less multiply
// instruction: integer multiplication "with holes" (the ctmul64 idea, T. Pornin, BearSSL notes on
// constant-time GHASH). i64.mul is constant time on the CPUs WASM engines target.
//
// Representation: a block's 16 bytes read as two big-endian words (w1 = bytes 0..7, w0 = bytes 8..15). GCM
// numbers bits from the left (byte 0's top bit is x^0), so the 128-bit integer w1:w0 holds x^i at bit 127-i:
// a bit-reflected polynomial. The carry-less integer product of two reflected values is the reflected
// product shifted right by one (bit 254-k holds x^k); the code shifts left once and then reduces.

const M0: u64 = 0x1111111111111111;
const M1: u64 = 0x2222222222222222;
const M2: u64 = 0x4444444444444444;
const M3: u64 = 0x8888888888888888;

/** Bit reversal of a 64-bit word (swap networks; no table, no branch). */
// @ts-ignore: decorator
@inline export function rev64(x: u64): u64 {
  x = ((x >> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1);
  x = ((x >> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0F) | ((x & 0x0F0F0F0F0F0F0F0F) << 4);
  return bswap64(x);
}

/** Byte swap of a 64-bit word: converts between the little-endian loads of WASM and GCM's big-endian words. */
// @ts-ignore: decorator
@inline export function bswap64(x: u64): u64 {
  x = ((x >> 8) & 0x00FF00FF00FF00FF) | ((x & 0x00FF00FF00FF00FF) << 8);
  x = ((x >> 16) & 0x0000FFFF0000FFFF) | ((x & 0x0000FFFF0000FFFF) << 16);
  return rotr<u64>(x, 32);
}

// Unreduced product accumulators. Karatsuba over the two words: L1/R1 for w1·w1', L0/R0 for w0·w0', L2/R2 for
// (w1^w0)·(w1'^w0'). Ln holds the low 64 bits of each product; Rn the low 64 bits of the product of the
// bit-reversed operands, which is the bit-reversed high half (clmul(rev a, rev b) = rev127(clmul(a, b))).
// Everything is linear, so several products may be summed before the single reduction.
let L0: u64 = 0, L1: u64 = 0, L2: u64 = 0, R0: u64 = 0, R1: u64 = 0, R2: u64 = 0;
/** The last reduced result, words as above. */
export let ZHI: u64 = 0, ZLO: u64 = 0;

/**
 * Bytes of a prepared multiplier (a power of H): for each of w1, w0, w1^w0 and their bit reversals, its
 * four masked parts (y & M0, y & M1, y & M2, y & M3), so mul_acc spends no work on the fixed operand.
 */
export const PREP_SIZE: usize = 6 * 32;

// @ts-ignore: decorator
@inline function split(p: usize, y: u64): void {
  store<u64>(p, y & M0, 0);
  store<u64>(p, y & M1, 8);
  store<u64>(p, y & M2, 16);
  store<u64>(p, y & M3, 24);
}

/** Prepares the multiplier (w1:w0) at `p` for mul_acc. */
export function prep(p: usize, w1: u64, w0: u64): void {
  split(p, w1);
  split(p + 32, w0);
  split(p + 64, w1 ^ w0);
  split(p + 96, rev64(w1));
  split(p + 128, rev64(w0));
  split(p + 160, rev64(w1 ^ w0));
}

/**
 * Low 64 bits of the carry-less product x·y, y given as its four masked parts at p. Each operand is split
 * into four masks with one bit in four, so in every integer product at most 16 terms land on one bit
 * position of a class and the carries (at most 4 bits wide) stop before the next position of that class;
 * a 16th term can only occur at bits 60..63, whose carry leaves the 64-bit word. The four classes
 * (position i+j mod 4) are then recombined.
 */
// @ts-ignore: decorator
@inline function bmulp(x: u64, p: usize): u64 {
  const x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3;
  const y0 = load<u64>(p, 0), y1 = load<u64>(p, 8), y2 = load<u64>(p, 16), y3 = load<u64>(p, 24);
  const z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
  const z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
  const z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
  const z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
  return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
}

/** Adds the unreduced product (a1:a0)·(prepared multiplier at hp) to the accumulators. */
// @ts-ignore: decorator
@inline export function mul_acc(a1: u64, a0: u64, hp: usize): void {
  const a2 = a1 ^ a0;
  const a1r = rev64(a1), a0r = rev64(a0);
  const a2r = a1r ^ a0r;
  L1 ^= bmulp(a1, hp);
  L0 ^= bmulp(a0, hp + 32);
  L2 ^= bmulp(a2, hp + 64);
  R1 ^= bmulp(a1r, hp + 96);
  R0 ^= bmulp(a0r, hp + 128);
  R2 ^= bmulp(a2r, hp + 160);
}

/**
 * Reduces the accumulated 256-bit product modulo x^128 + x^7 + x^2 + x + 1 into ZHI:ZLO and clears the
 * accumulators. In reflected order multiplying by x^j is a right shift by j, so x^(128+i) = x^i·(1+x+x^2+x^7)
 * folds a high word w into the word 64 bits below as w ^ w>>1 ^ w>>2 ^ w>>7 plus the bits shifted out,
 * w<<63 ^ w<<62 ^ w<<57, into the next word down.
 */
// @ts-ignore: decorator
@inline export function reduce(): void {
  const h0 = rev64(R0) >> 1, h1 = rev64(R1) >> 1, h2 = rev64(R2) >> 1;
  const l0 = L0, l1 = L1;
  const m0 = L2 ^ l0 ^ l1, m1 = h2 ^ h0 ^ h1;
  // 256-bit product p3:p2:p1:p0, then one left shift so that x^k sits at bit 255-k.
  let p3 = h1, p2 = l1 ^ m1, p1 = h0 ^ m0, p0 = l0;
  p3 = (p3 << 1) | (p2 >> 63);
  p2 = (p2 << 1) | (p1 >> 63);
  p1 = (p1 << 1) | (p0 >> 63);
  p0 = p0 << 1;
  // p3: x^0..63, p2: x^64..127, p1: x^128..191, p0: x^192..255.
  p2 ^= p0 ^ (p0 >> 1) ^ (p0 >> 2) ^ (p0 >> 7);
  p1 ^= (p0 << 63) ^ (p0 << 62) ^ (p0 << 57);
  p3 ^= p1 ^ (p1 >> 1) ^ (p1 >> 2) ^ (p1 >> 7);
  p2 ^= (p1 << 63) ^ (p1 << 62) ^ (p1 << 57);
  ZHI = p3;
  ZLO = p2;
  L0 = 0; L1 = 0; L2 = 0; R0 = 0; R1 = 0; R2 = 0;
}

/** Clears the result registers once the caller has stored them (no secret outlives a call there). */
// @ts-ignore: decorator
@inline export function clear_z(): void {
  ZHI = 0;
  ZLO = 0;
}

/** Loads the big-endian word pair of the block at p. */
// @ts-ignore: decorator
@inline export function load_hi(p: usize): u64 {
  return bswap64(load<u64>(p, 0));
}
// @ts-ignore: decorator
@inline export function load_lo(p: usize): u64 {
  return bswap64(load<u64>(p, 8));
}
/** Stores the word pair w1:w0 as a 16-byte block. */
// @ts-ignore: decorator
@inline export function store_block(p: usize, w1: u64, w0: u64): void {
  store<u64>(p, bswap64(w1), 0);
  store<u64>(p, bswap64(w0), 8);
}
