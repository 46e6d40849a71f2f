// ChaCha20 (RFC 8439 §2.1–§2.4) with WASM SIMD. Four blocks are computed at once: v128 xN holds state
// word N of blocks ctr, ctr+1, ctr+2, ctr+3 (lanes 0..3). The block counter is 32 bits (word 12, wrapping
// mod 2^32 as in §2.3) and the nonce 96 bits (words 13..15).
//
// Stream context (CC_SIZE bytes): [0,64) the input state, word 12 = counter of the next block to compute;
// [64,320) a keystream buffer of four blocks; u32 at 320 = bytes of that buffer already used (256: empty).

export const CC_KS: usize = 64;
const CC_POS: usize = 320;
export const CC_SIZE: usize = 336;

// Rotations of every 32-bit lane (§2.1): 16 and 8 are byte permutations, 12 and 7 shifts.
// @ts-ignore: decorator
@inline function rotl16(v: v128): v128 {
  return i8x16.shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
// @ts-ignore: decorator
@inline function rotl8(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
}
// @ts-ignore: decorator
@inline function rotl12(v: v128): v128 {
  return v128.or(i32x4.shl(v, 12), i32x4.shr_u(v, 20));
}
// @ts-ignore: decorator
@inline function rotl7(v: v128): v128 {
  return v128.or(i32x4.shl(v, 7), i32x4.shr_u(v, 25));
}

/**
 * Words a, b, c, d (one v128 per word, one lane per block) become bytes [o, o+16) of the four blocks
 * (a 4×4 transpose of 32-bit lanes), XORed into the data at p + o, p + 64 + o, p + 128 + o, p + 192 + o.
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
 * the state at st) and stores the advanced counter. The whole loop runs in locals.
 */
export function chacha_groups(st: usize, p: usize, groups: usize): void {
  const k0 = load<u32>(st, 0), k1 = load<u32>(st, 4), k2 = load<u32>(st, 8), k3 = load<u32>(st, 12);
  const k4 = load<u32>(st, 16), k5 = load<u32>(st, 20), k6 = load<u32>(st, 24), k7 = load<u32>(st, 28);
  const k8 = load<u32>(st, 32), k9 = load<u32>(st, 36), k10 = load<u32>(st, 40), k11 = load<u32>(st, 44);
  const k13 = load<u32>(st, 52), k14 = load<u32>(st, 56), k15 = load<u32>(st, 60);
  let ctr = load<u32>(st, 48);
  const lanes = i32x4(0, 1, 2, 3);
  for (; groups > 0; groups--) {
    let x0 = i32x4.splat(k0), x1 = i32x4.splat(k1), x2 = i32x4.splat(k2), x3 = i32x4.splat(k3);
    let x4 = i32x4.splat(k4), x5 = i32x4.splat(k5), x6 = i32x4.splat(k6), x7 = i32x4.splat(k7);
    let x8 = i32x4.splat(k8), x9 = i32x4.splat(k9), x10 = i32x4.splat(k10), x11 = i32x4.splat(k11);
    const c12 = i32x4.add(i32x4.splat(ctr), lanes);
    let x12 = c12, x13 = i32x4.splat(k13), x14 = i32x4.splat(k14), x15 = i32x4.splat(k15);
    for (let i = 0; i < 10; i++) {
      // Column rounds (§2.3): QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15), interleaved.
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
      // Diagonal rounds: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14).
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
    // Add the input state (§2.3 step 3), then serialize little-endian and XOR (§2.4).
    x0 = i32x4.add(x0, i32x4.splat(k0)); x1 = i32x4.add(x1, i32x4.splat(k1));
    x2 = i32x4.add(x2, i32x4.splat(k2)); x3 = i32x4.add(x3, i32x4.splat(k3));
    xor4(p, x0, x1, x2, x3);
    x4 = i32x4.add(x4, i32x4.splat(k4)); x5 = i32x4.add(x5, i32x4.splat(k5));
    x6 = i32x4.add(x6, i32x4.splat(k6)); x7 = i32x4.add(x7, i32x4.splat(k7));
    xor4(p + 16, x4, x5, x6, x7);
    x8 = i32x4.add(x8, i32x4.splat(k8)); x9 = i32x4.add(x9, i32x4.splat(k9));
    x10 = i32x4.add(x10, i32x4.splat(k10)); x11 = i32x4.add(x11, i32x4.splat(k11));
    xor4(p + 32, x8, x9, x10, x11);
    x12 = i32x4.add(x12, c12); x13 = i32x4.add(x13, i32x4.splat(k13));
    x14 = i32x4.add(x14, i32x4.splat(k14)); x15 = i32x4.add(x15, i32x4.splat(k15));
    xor4(p + 48, x12, x13, x14, x15);
    ctr += 4;
    p += 256;
  }
  store<u32>(st, ctr, 48);
}

export function chacha_ctx_size(): usize {
  return CC_SIZE;
}

/** Sets the state of §2.3: constants, 256-bit key, 32-bit counter, 96-bit nonce; empties the buffer. */
export function chacha_init(ctx: usize, key: usize, nonce: usize, counter: u32): void {
  chacha_set_key(ctx, key);
  chacha_set_nonce(ctx, nonce, counter);
}

/** Constants "expand 32-byte k" and the key (words 0..11). */
export function chacha_set_key(ctx: usize, key: usize): void {
  store<u32>(ctx, 0x61707865, 0);
  store<u32>(ctx, 0x3320646e, 4);
  store<u32>(ctx, 0x79622d32, 8);
  store<u32>(ctx, 0x6b206574, 12);
  memory.copy(ctx + 16, key, 32);
}

/** Counter and nonce (words 12..15); the keystream buffer is emptied. */
export function chacha_set_nonce(ctx: usize, nonce: usize, counter: u32): void {
  store<u32>(ctx, counter, 48);
  memory.copy(ctx + 52, nonce, 12);
  memory.fill(ctx + CC_KS, 0, 256);
  store<u32>(ctx, 256, CC_POS);
}

/** Computes the next four blocks into the keystream buffer and marks it unused. */
export function chacha_refill(ctx: usize): void {
  memory.fill(ctx + CC_KS, 0, 256);
  chacha_groups(ctx, ctx + CC_KS, 1);
  store<u32>(ctx, 0, CC_POS);
}

/** Marks the first `used` bytes of the keystream buffer as consumed. */
export function chacha_skip(ctx: usize, used: u32): void {
  store<u32>(ctx, used, CC_POS);
}

/**
 * XORs len bytes at p in place with the keystream, continuing where the previous call stopped, so a
 * message may be split into calls of any lengths.
 */
export function chacha_xor(ctx: usize, p: usize, len: usize): void {
  let pos = <usize>load<u32>(ctx, CC_POS);
  let ks = ctx + CC_KS + pos;
  // Rest of the buffered blocks first.
  while (len >= 16 && pos <= 240) {
    v128.store(p, v128.xor(v128.load(p), v128.load(ks)));
    p += 16; ks += 16; pos += 16; len -= 16;
  }
  while (len > 0 && pos < 256) {
    store<u8>(p, load<u8>(p) ^ load<u8>(ks));
    p++; ks++; pos++; len--;
  }
  const groups = len >> 8;
  if (groups > 0) {
    chacha_groups(ctx, p, groups);
    p += groups << 8;
    len &= 255;
  }
  if (len > 0) {
    chacha_refill(ctx);
    ks = ctx + CC_KS;
    pos = len;
    while (len >= 16) {
      v128.store(p, v128.xor(v128.load(p), v128.load(ks)));
      p += 16; ks += 16; len -= 16;
    }
    while (len > 0) {
      store<u8>(p, load<u8>(p) ^ load<u8>(ks));
      p++; ks++; len--;
    }
  }
  store<u32>(ctx, <u32>pos, CC_POS);
}
