// Poly1305 (RFC 8439 §2.5) in constant time. The accumulator h and the key part r are kept in five 26-bit
// limbs (radix 2^26) in u64, so each limb product is < 2^56 and ten of them sum below 2^64. Products that
// reach 2^130 fold back multiplied by 5, since 2^130 ≡ 5 (mod p = 2^130 − 5). Two blocks are absorbed per
// step as h ← (h + m1)·r² + m2·r, which halves the carry chain on the critical path. No branch and no
// memory index depends on the key or the data; the final reduction selects with masks.
//
// Context (POLY_SIZE bytes): h0..h4 at 0, r0..r4 at 40, r² limbs at 80 (all u64), s (the second key half)
// at 120, a partial block at 136 and its length (u32) at 152.

const M: u64 = 0x3ffffff;
const HIBIT: u64 = 1 << 24; // 2^128 in limb 4 (§2.5.1: the 0x01 byte after every full 16-byte block)
export const POLY_HIBIT = HIBIT;
const H: usize = 0;
const R: usize = 40;
const R2: usize = 80;
export const POLY_H = H;
export const POLY_R = R;
export const POLY_R2 = R2;
const S: usize = 120;
const BUF: usize = 136;
export const POLY_BUF = BUF;
export const POLY_BLEN: usize = 152;
export const POLY_SIZE: usize = 160;

/** Zeroes the POLY_SIZE bytes at ctx with ten v128 stores (memory.fill is a runtime call in V8). */
// @ts-ignore: decorator
@inline function wipe(ctx: usize): void {
  const z = i64x2.splat(0);
  v128.store(ctx, z, 0); v128.store(ctx, z, 16); v128.store(ctx, z, 32); v128.store(ctx, z, 48);
  v128.store(ctx, z, 64); v128.store(ctx, z, 80); v128.store(ctx, z, 96); v128.store(ctx, z, 112);
  v128.store(ctx, z, 128); v128.store(ctx, z, 144);
}

export function poly_ctx_size(): usize {
  return POLY_SIZE;
}

/** Absorbs n blocks of 16 bytes at p; hibit is HIBIT for full blocks, 0 for a final block already padded with 0x01. */
export function poly_blocks(ctx: usize, p: usize, n: usize, hibit: u64): void {
  let h0 = load<u64>(ctx, H), h1 = load<u64>(ctx, H + 8), h2 = load<u64>(ctx, H + 16);
  let h3 = load<u64>(ctx, H + 24), h4 = load<u64>(ctx, H + 32);
  const r0 = load<u64>(ctx, R), r1 = load<u64>(ctx, R + 8), r2 = load<u64>(ctx, R + 16);
  const r3 = load<u64>(ctx, R + 24), r4 = load<u64>(ctx, R + 32);
  const s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  const q0 = load<u64>(ctx, R2), q1 = load<u64>(ctx, R2 + 8), q2 = load<u64>(ctx, R2 + 16);
  const q3 = load<u64>(ctx, R2 + 24), q4 = load<u64>(ctx, R2 + 32);
  const u1 = q1 * 5, u2 = q2 * 5, u3 = q3 * 5, u4 = q4 * 5;
  let d0: u64, d1: u64, d2: u64, d3: u64, d4: u64, c: u64;
  while (n >= 2) {
    // h += m1 (limbs of bits 0, 26, 52, 78, 104 of the little-endian block, plus 2^128)
    let lo = load<u64>(p), hi = load<u64>(p, 8);
    h0 += lo & M;
    h1 += (lo >> 26) & M;
    h2 += ((lo >> 52) | (hi << 12)) & M;
    h3 += (hi >> 14) & M;
    h4 += (hi >> 40) | hibit;
    lo = load<u64>(p, 16); hi = load<u64>(p, 24);
    const m0 = lo & M;
    const m1 = (lo >> 26) & M;
    const m2 = ((lo >> 52) | (hi << 12)) & M;
    const m3 = (hi >> 14) & M;
    const m4 = (hi >> 40) | hibit;
    // d = h·r² + m2·r, limbs of weight 2^(26i); terms of weight ≥ 2^130 use 5·r.
    d0 = h0 * q0 + h1 * u4 + h2 * u3 + h3 * u2 + h4 * u1 + m0 * r0 + m1 * s4 + m2 * s3 + m3 * s2 + m4 * s1;
    d1 = h0 * q1 + h1 * q0 + h2 * u4 + h3 * u3 + h4 * u2 + m0 * r1 + m1 * r0 + m2 * s4 + m3 * s3 + m4 * s2;
    d2 = h0 * q2 + h1 * q1 + h2 * q0 + h3 * u4 + h4 * u3 + m0 * r2 + m1 * r1 + m2 * r0 + m3 * s4 + m4 * s3;
    d3 = h0 * q3 + h1 * q2 + h2 * q1 + h3 * q0 + h4 * u4 + m0 * r3 + m1 * r2 + m2 * r1 + m3 * r0 + m4 * s4;
    d4 = h0 * q4 + h1 * q3 + h2 * q2 + h3 * q1 + h4 * q0 + m0 * r4 + m1 * r3 + m2 * r2 + m3 * r1 + m4 * r0;
    // Partial carry in two interleaved chains; leaves h0, h2, h3 < 2^26, h1 < 2^26 + 2^9, h4 < 2^26 + 2^7.
    c = d0 >> 26; d0 &= M; d1 += c;   c = d3 >> 26; d3 &= M; d4 += c;
    c = d1 >> 26; d1 &= M; d2 += c;   c = d4 >> 26; d4 &= M; d0 += c * 5;
    c = d2 >> 26; d2 &= M; d3 += c;   c = d0 >> 26; d0 &= M; d1 += c;
    c = d3 >> 26; d3 &= M; d4 += c;
    h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
    p += 32;
    n -= 2;
  }
  if (n > 0) {
    const lo = load<u64>(p), hi = load<u64>(p, 8);
    h0 += lo & M;
    h1 += (lo >> 26) & M;
    h2 += ((lo >> 52) | (hi << 12)) & M;
    h3 += (hi >> 14) & M;
    h4 += (hi >> 40) | hibit;
    d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
    d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
    d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
    d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
    d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
    c = d0 >> 26; d0 &= M; d1 += c;   c = d3 >> 26; d3 &= M; d4 += c;
    c = d1 >> 26; d1 &= M; d2 += c;   c = d4 >> 26; d4 &= M; d0 += c * 5;
    c = d2 >> 26; d2 &= M; d3 += c;   c = d0 >> 26; d0 &= M; d1 += c;
    c = d3 >> 26; d3 &= M; d4 += c;
    h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
  }
  store<u64>(ctx, h0, H); store<u64>(ctx, h1, H + 8); store<u64>(ctx, h2, H + 16);
  store<u64>(ctx, h3, H + 24); store<u64>(ctx, h4, H + 32);
}

/** Starts a MAC with the 32-byte one-time key: r clamped (§2.5.1), s kept, h = 0, r² precomputed. */
export function poly_init(ctx: usize, key: usize): void {
  wipe(ctx);
  // r &= 0x0ffffffc0ffffffc0ffffffc0fffffff, then split into 26-bit limbs.
  const t0 = <u64>(load<u32>(key, 0) & 0x0fffffff);
  const t1 = <u64>(load<u32>(key, 4) & 0x0ffffffc);
  const t2 = <u64>(load<u32>(key, 8) & 0x0ffffffc);
  const t3 = <u64>(load<u32>(key, 12) & 0x0ffffffc);
  const lo = t0 | (t1 << 32), hi = t2 | (t3 << 32);
  const r0 = lo & M, r1 = (lo >> 26) & M, r2 = ((lo >> 52) | (hi << 12)) & M, r3 = (hi >> 14) & M, r4 = hi >> 40;
  store<u64>(ctx, r0, R); store<u64>(ctx, r1, R + 8); store<u64>(ctx, r2, R + 16);
  store<u64>(ctx, r3, R + 24); store<u64>(ctx, r4, R + 32);
  v128.store(ctx + S, v128.load(key, 16));
  // r² mod p, fully carried so every limb is < 2^26.
  const s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  let d0 = r0 * r0 + r1 * s4 + r2 * s3 + r3 * s2 + r4 * s1;
  let d1 = r0 * r1 + r1 * r0 + r2 * s4 + r3 * s3 + r4 * s2;
  let d2 = r0 * r2 + r1 * r1 + r2 * r0 + r3 * s4 + r4 * s3;
  let d3 = r0 * r3 + r1 * r2 + r2 * r1 + r3 * r0 + r4 * s4;
  let d4 = r0 * r4 + r1 * r3 + r2 * r2 + r3 * r1 + r4 * r0;
  let c: u64;
  for (let i = 0; i < 2; i++) {
    c = d0 >> 26; d0 &= M; d1 += c;
    c = d1 >> 26; d1 &= M; d2 += c;
    c = d2 >> 26; d2 &= M; d3 += c;
    c = d3 >> 26; d3 &= M; d4 += c;
    c = d4 >> 26; d4 &= M; d0 += c * 5;
  }
  store<u64>(ctx, d0, R2); store<u64>(ctx, d1, R2 + 8); store<u64>(ctx, d2, R2 + 16);
  store<u64>(ctx, d3, R2 + 24); store<u64>(ctx, d4, R2 + 32);
}

/** Absorbs len bytes at p; the message may be split into calls of any lengths. */
export function poly_update(ctx: usize, p: usize, len: usize): void {
  let bl = <usize>load<u32>(ctx, POLY_BLEN);
  if (bl > 0) {
    const take = min<usize>(16 - bl, len);
    memory.copy(ctx + BUF + bl, p, take);
    bl += take; p += take; len -= take;
    if (bl < 16) {
      store<u32>(ctx, <u32>bl, POLY_BLEN);
      return;
    }
    poly_blocks(ctx, ctx + BUF, 1, HIBIT);
    bl = 0;
  }
  const n = len >> 4;
  if (n > 0) {
    poly_blocks(ctx, p, n, HIBIT);
    p += n << 4;
    len &= 15;
  }
  if (len > 0) {
    memory.copy(ctx + BUF, p, len);
    bl = len;
  }
  store<u32>(ctx, <u32>bl, POLY_BLEN);
}

/**
 * Absorbs len bytes at p zero-padded to a multiple of 16 (data then pad16, §2.8) when no partial block is
 * pending: whole blocks straight from p, the last partial one through the block buffer.
 */
export function poly_padded(ctx: usize, p: usize, len: usize): void {
  const n = len >> 4;
  if (n > 0) poly_blocks(ctx, p, n, HIBIT);
  let r = len & 15;
  if (r > 0) {
    p += n << 4;
    const b = ctx + BUF;
    v128.store(b, i64x2.splat(0));
    for (let i: usize = 0; i < r; i++) store<u8>(b + i, load<u8>(p + i));
    poly_blocks(ctx, b, 1, HIBIT);
  }
}

/** Zero-pads a pending partial block to 16 bytes and absorbs it as a full block (the pad16 of §2.8). */
export function poly_pad16(ctx: usize): void {
  const bl = <usize>load<u32>(ctx, POLY_BLEN);
  if (bl > 0) {
    memory.fill(ctx + BUF + bl, 0, 16 - bl);
    poly_blocks(ctx, ctx + BUF, 1, HIBIT);
    store<u32>(ctx, 0, POLY_BLEN);
  }
}

/** Writes the 16-byte tag (h mod p) + s mod 2^128 to out and wipes the context. */
export function poly_finish(ctx: usize, out: usize): void {
  const bl = <usize>load<u32>(ctx, POLY_BLEN);
  if (bl > 0) {
    // Final partial block: append 0x01, zero-fill, no 2^128 bit (§2.5.1).
    store<u8>(ctx + BUF + bl, 1);
    memory.fill(ctx + BUF + bl + 1, 0, 15 - bl);
    poly_blocks(ctx, ctx + BUF, 1, 0);
  }
  let h0 = load<u64>(ctx, H), h1 = load<u64>(ctx, H + 8), h2 = load<u64>(ctx, H + 16);
  let h3 = load<u64>(ctx, H + 24), h4 = load<u64>(ctx, H + 32);
  // Two full carry passes: afterwards every limb is < 2^26, so h < 2^130.
  let c: u64;
  for (let i = 0; i < 2; i++) {
    c = h0 >> 26; h0 &= M; h1 += c;
    c = h1 >> 26; h1 &= M; h2 += c;
    c = h2 >> 26; h2 &= M; h3 += c;
    c = h3 >> 26; h3 &= M; h4 += c;
    c = h4 >> 26; h4 &= M; h0 += c * 5;
  }
  // g = h + 5 − 2^130; h ≥ p exactly when g ≥ 0, then h mod p = g. Select with a mask.
  let g0 = h0 + 5;
  c = g0 >> 26; g0 &= M;
  let g1 = h1 + c; c = g1 >> 26; g1 &= M;
  let g2 = h2 + c; c = g2 >> 26; g2 &= M;
  let g3 = h3 + c; c = g3 >> 26; g3 &= M;
  const g4 = h4 + c - (1 << 26);
  const useG = (g4 >> 63) - 1; // all ones when g4 ≥ 0 (no borrow), 0 otherwise
  const keepH = ~useG;
  h0 = (h0 & keepH) | (g0 & useG);
  h1 = (h1 & keepH) | (g1 & useG);
  h2 = (h2 & keepH) | (g2 & useG);
  h3 = (h3 & keepH) | (g3 & useG);
  h4 = (h4 & keepH) | (g4 & useG);
  // h mod 2^128 as two 64-bit words, plus s with the carry between them.
  const w0 = h0 | (h1 << 26) | (h2 << 52);
  const w1 = (h2 >> 12) | (h3 << 14) | (h4 << 40);
  const t0 = w0 + load<u64>(ctx, S);
  const carry = <u64>(t0 < w0);
  const t1 = w1 + load<u64>(ctx, S + 8) + carry;
  store<u64>(out, t0);
  store<u64>(out, t1, 8);
  wipe(ctx);
}
