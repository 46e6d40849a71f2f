// GHASH (NIST SP 800-38D §6.4): Y <- (Y ^ X_i)·H over 16-byte blocks, streaming, constant time.
// Short runs use the generic multiply (clmul64.ts) four blocks per reduction with H^4..H^1; runs of
// WIDE_MIN blocks or more go through the 16-way table method (wide.ts) with H^16.
import { clear_z, load_hi, load_lo, mul_acc, prep, PREP_SIZE, reduce, store_block, ZHI, ZLO } from './clmul64';
import { TABLE_SIZE, wide_first, wide_step, wide_tables, wide_unpack } from './wide';

// Context layout (offsets in bytes; the block is 64-byte aligned). The 16-way tables (about 11 KiB) live
// in a separate block that the owner hands over with ghash_set_wide when it first has bulk data: an idle
// TLS connection keeps only the small part (the record-protection memory per connection is mostly these
// tables otherwise). Without them every run takes the generic 4-way path, with the same results.
const GH_Y: usize = 0; // running value Y, as a block
const GH_BUF: usize = 16; // partial block
const GH_N: usize = 32; // u32: bytes in the partial block
const GH_WIDE: usize = 40; // u32: address of the 16-way block, 0 when there is none
const GH_H: usize = 48; // H itself, to build the 16-way block later
const GH_POW: usize = 64; // H^1..H^4, prepared (PREP_SIZE each)
export const GHASH_CTX_SIZE: usize = GH_POW + 4 * PREP_SIZE;

// The 16-way block: H^5..H^16 prepared, byte planes for H^16, two 256-byte accumulator areas.
const W_POW: usize = 0;
const W_TAB: usize = W_POW + 12 * PREP_SIZE;
const W_ACC: usize = W_TAB + TABLE_SIZE;
const W_TMP: usize = W_ACC + 256;
export const GHASH_WIDE_SIZE: usize = W_TMP + 256;

/** Below this many blocks a run uses the generic multiply only. */
const WIDE_MIN: usize = 32;

/** H^i prepared, 1 <= i <= 16 (i is public: a loop index); i > 4 needs the 16-way block. */
// @ts-ignore: decorator
@inline function pow(g: usize, i: usize): usize {
  return i <= 4 ? g + GH_POW + (i - 1) * PREP_SIZE : <usize>load<u32>(g + GH_WIDE) + W_POW + (i - 5) * PREP_SIZE;
}

/** Size of a GHASH context. */
export function ghash_ctx_size(): usize {
  return GHASH_CTX_SIZE;
}

/** Size of the block ghash_set_wide takes. */
export function ghash_wide_size(): usize {
  return GHASH_WIDE_SIZE;
}

/** Keys the context with the 16-byte hash key H at h (H = E_K(0^128) in GCM) and resets it. */
export function ghash_init(g: usize, h: usize): void {
  v128.store(g + GH_H, v128.load(h));
  store<u32>(g + GH_WIDE, 0);
  let w1 = load_hi(h), w0 = load_lo(h);
  prep(pow(g, 1), w1, w0);
  for (let i: usize = 2; i <= 4; i++) {
    mul_acc(w1, w0, pow(g, 1));
    reduce();
    w1 = ZHI;
    w0 = ZLO;
    prep(pow(g, i), w1, w0);
  }
  clear_z();
  ghash_reset(g);
}

/**
 * Builds the 16-way tables into the GHASH_WIDE_SIZE-byte block at w and lets runs of WIDE_MIN blocks or
 * more use them. The block belongs to the context from then on (the owner wipes and frees both).
 */
export function ghash_set_wide(g: usize, w: usize): void {
  let w1 = load_hi(g + GH_H), w0 = load_lo(g + GH_H);
  for (let i: usize = 2; i <= 16; i++) {
    mul_acc(w1, w0, g + GH_POW); // · H
    reduce();
    w1 = ZHI;
    w0 = ZLO;
    if (i >= 5) prep(w + W_POW + (i - 5) * PREP_SIZE, w1, w0);
  }
  wide_tables(w + W_TAB, w1, w0, w + W_ACC);
  clear_z();
  store<u32>(g + GH_WIDE, <u32>w);
}

/** Y = 0, no partial block; the key stays. */
export function ghash_reset(g: usize): void {
  memory.fill(g, 0, 36);
}

/** Absorbs n whole blocks with the generic multiply. */
export function ghash_blocks_generic(g: usize, p: usize, n: usize): void {
  let yh = load_hi(g + GH_Y), yl = load_lo(g + GH_Y);
  const h4 = pow(g, 4), h3 = pow(g, 3), h2 = pow(g, 2), h1 = pow(g, 1);
  // (((Y^C1)H ^ C2)H ^ C3)H ^ C4)H = (Y^C1)H^4 ^ C2·H^3 ^ C3·H^2 ^ C4·H: four products, one reduction.
  for (; n >= 4; n -= 4) {
    mul_acc(yh ^ load_hi(p), yl ^ load_lo(p), h4);
    mul_acc(load_hi(p + 16), load_lo(p + 16), h3);
    mul_acc(load_hi(p + 32), load_lo(p + 32), h2);
    mul_acc(load_hi(p + 48), load_lo(p + 48), h1);
    reduce();
    yh = ZHI;
    yl = ZLO;
    p += 64;
  }
  for (; n > 0; n--) {
    mul_acc(yh ^ load_hi(p), yl ^ load_lo(p), h1);
    reduce();
    yh = ZHI;
    yl = ZLO;
    p += 16;
  }
  store_block(g + GH_Y, yh, yl);
  clear_z();
}

/**
 * Absorbs n blocks, n a non-zero multiple of 16, with the 16-way method. Lane j takes blocks 16c+j; Y enters
 * lane 0 with the first block, so after m steps Y·H^(16m) ^ sum_i C_i·H^(16m-i+1) = sum_j A_j·H^(16-j).
 */
export function ghash_blocks_wide(g: usize, p: usize, n: usize): void {
  const w = <usize>load<u32>(g + GH_WIDE);
  let acc = w + W_ACC, out = w + W_TMP;
  const t = w + W_TAB;
  wide_first(acc, p, g + GH_Y); // first step: A = C (+ Y in lane 0), no multiply
  p += 256;
  for (let c: usize = 16; c < n; c += 16) {
    wide_step(t, acc, out, p);
    const s = acc;
    acc = out;
    out = s;
    p += 256;
  }
  wide_unpack(acc, out); // back to one accumulator per row
  for (let j: usize = 0; j < 16; j++) {
    const a = out + j * 16;
    mul_acc(load_hi(a), load_lo(a), pow(g, 16 - j));
  }
  reduce();
  store_block(g + GH_Y, ZHI, ZLO);
  clear_z();
}

// @ts-ignore: decorator
@inline function blocks(g: usize, p: usize, n: usize): void {
  if (n >= WIDE_MIN && load<u32>(g + GH_WIDE) != 0) {
    const w = n & ~(<usize>15);
    ghash_blocks_wide(g, p, w);
    p += w << 4;
    n -= w;
  }
  if (n) ghash_blocks_generic(g, p, n);
}

/** Absorbs len bytes at p; a trailing partial block is kept until more data or ghash_pad. */
export function ghash_update(g: usize, p: usize, len: usize): void {
  let have = <usize>load<u32>(g + GH_N);
  if (have) {
    let take: usize = 16 - have;
    if (take > len) take = len;
    memory.copy(g + GH_BUF + have, p, take);
    have += take;
    p += take;
    len -= take;
    if (have < 16) {
      store<u32>(g + GH_N, <u32>have);
      return;
    }
    ghash_blocks_generic(g, g + GH_BUF, 1);
  }
  const n = len >> 4;
  blocks(g, p, n);
  p += n << 4;
  len &= 15;
  memory.copy(g + GH_BUF, p, len);
  store<u32>(g + GH_N, <u32>len);
}

/** Completes a partial block with zeros (GCM pads A and C separately) and absorbs it. */
export function ghash_pad(g: usize): void {
  const have = <usize>load<u32>(g + GH_N);
  if (!have) return;
  memory.fill(g + GH_BUF + have, 0, 16 - have);
  ghash_blocks_generic(g, g + GH_BUF, 1);
  memory.fill(g + GH_BUF, 0, 16);
  store<u32>(g + GH_N, 0);
}

/** Pads and writes Y (16 bytes) to out. */
export function ghash_final(g: usize, out: usize): void {
  ghash_pad(g);
  v128.store(out, v128.load(g + GH_Y));
}

const MUL_TMP = memory.data(192, 16);

/** out = a·b in GF(2^128), GCM bit order (one generic multiply; exported for tests). */
export function ghash_mul(a: usize, b: usize, out: usize): void {
  prep(MUL_TMP, load_hi(b), load_lo(b));
  mul_acc(load_hi(a), load_lo(a), MUL_TMP);
  reduce();
  store_block(out, ZHI, ZLO);
  clear_z();
  memory.fill(MUL_TMP, 0, PREP_SIZE);
}
