// ChaCha20 stream (RFC 8439 §2.3–§2.4) over the 4-block SIMD loop of asm/chacha_core.ts. The block
// counter is 32 bits (word 12, wrapping mod 2^32 as in §2.3) and the nonce 96 bits (words 13..15).
//
// Stream context (CC_SIZE bytes): [0,64) the input state, word 12 = counter of the next block to compute;
// [64,320) a keystream buffer of four blocks; u32 at 320 = bytes of that buffer already used (256: empty).

import { MODE_XOR, chacha_core } from './chacha_core';

export const CC_KS: usize = 64;
export const CC_POS: usize = 320;
export const CC_SIZE: usize = 336;

/** XORs groups × 256 bytes at p with the keystream of the next 4·groups blocks; advances the counter. */
export function chacha_groups(st: usize, p: usize, groups: usize): void {
  chacha_core(st, p, groups, 0, MODE_XOR);
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
