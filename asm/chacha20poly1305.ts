// ChaCha20-Poly1305 AEAD (RFC 8439 §2.8) as a streaming context: cp_start, any number of cp_aad calls,
// then any number of cp_encrypt / cp_decrypt calls (in place, any lengths), then cp_finish. For decryption
// that must not release plaintext before the tag is checked, cp_mac absorbs ciphertext without decrypting
// and cp_xor decrypts without absorbing: the caller verifies the tag in between.
//
// cp_seal / cp_open do a whole message held in one buffer in a single call (the record-layer path).
//
// Context (CP_SIZE bytes): a ChaCha20 stream context (which keeps the key) at 0, a Poly1305 context at
// CP_POLY, then the AAD and ciphertext lengths (u64), a phase flag (0: AAD, 1: data), the 16-byte
// lengths block and a slot for the computed tag.
import { CC_KS, CC_POS, CC_SIZE, chacha_groups, chacha_set_key, chacha_set_nonce, chacha_skip, chacha_xor } from './chacha20';
import { MODE_OPEN, MODE_SEAL, chacha_block, chacha_core, chacha_ks4 } from './chacha_core';
import { ct_equal } from './ct';
import { POLY_BLEN, POLY_HIBIT, POLY_SIZE, poly_blocks, poly_init, poly_pad16, poly_padded, poly_update, poly_finish } from './poly1305';

// The standalone primitives, for the chacha20() / poly1305() facades.
export { chacha_ctx_size, chacha_init, chacha_xor } from './chacha20';
export { poly_ctx_size, poly_init, poly_update, poly_finish } from './poly1305';

const CP_POLY: usize = CC_SIZE;
const CP_AADLEN: usize = CP_POLY + POLY_SIZE;
const CP_CTLEN: usize = CP_AADLEN + 8;
const CP_PHASE: usize = CP_CTLEN + 8;
const CP_BLOCK: usize = CP_PHASE + 8;
const CP_TAG: usize = CP_BLOCK + 16;
const CP_SIZE: usize = CP_TAG + 16;

export function cp_ctx_size(): usize {
  return CP_SIZE;
}

/** Stores the 32-byte key. */
export function cp_init(ctx: usize, key: usize): void {
  chacha_set_key(ctx, key);
}

/**
 * Starts a message under a 12-byte nonce. Blocks 0..3 are computed at once: block 0 gives the Poly1305
 * key (§2.6) and blocks 1..3 stay buffered as the first keystream of the message (counter 1, §2.8).
 */
export function cp_start(ctx: usize, nonce: usize): void {
  chacha_set_nonce(ctx, nonce, 0);
  chacha_groups(ctx, ctx + CC_KS, 1);
  poly_init(ctx + CP_POLY, ctx + CC_KS);
  memory.fill(ctx + CC_KS, 0, 64);
  chacha_skip(ctx, 64);
  store<u64>(ctx, 0, CP_AADLEN);
  store<u64>(ctx, 0, CP_CTLEN);
  store<u32>(ctx, 0, CP_PHASE);
}

/** Absorbs additional data; all of it comes before any ciphertext. */
export function cp_aad(ctx: usize, p: usize, len: usize): void {
  poly_update(ctx + CP_POLY, p, len);
  store<u64>(ctx, load<u64>(ctx, CP_AADLEN) + <u64>len, CP_AADLEN);
}

// Ends the AAD with its pad16 at the first ciphertext byte (or at finish).
// @ts-ignore: decorator
@inline function begin_data(ctx: usize): void {
  if (load<u32>(ctx, CP_PHASE) == 0) {
    poly_pad16(ctx + CP_POLY);
    store<u32>(ctx, 1, CP_PHASE);
  }
}

/** Absorbs ciphertext at p without decrypting it. */
export function cp_mac(ctx: usize, p: usize, len: usize): void {
  begin_data(ctx);
  poly_update(ctx + CP_POLY, p, len);
  store<u64>(ctx, load<u64>(ctx, CP_CTLEN) + <u64>len, CP_CTLEN);
}

/** XORs len bytes at p with the keystream (counter 1 onwards), without touching the MAC. */
export function cp_xor(ctx: usize, p: usize, len: usize): void {
  chacha_xor(ctx, p, len);
}

/**
 * At the first data call, when len is whole 256-byte groups or leaves more than 192 bytes past them,
 * restarts the keystream at counter 1 instead of using the buffered blocks 1..3: the same number of
 * blocks is computed, and every group goes through the stitched loop.
 */
// @ts-ignore: decorator
@inline function realign(ctx: usize, len: usize): void {
  const rest = len & 255;
  if (load<u64>(ctx, CP_CTLEN) == 0 && len >= 256 && (rest == 0 || rest > 192)) {
    store<u32>(ctx, 1, 48); // word 12, the block counter
    memory.fill(ctx + CC_KS, 0, 256);
    chacha_skip(ctx, 256);
  }
}

/**
 * Encrypts len bytes at p in place and absorbs the ciphertext. Whole 256-byte groups go through the
 * stitched loop (cipher and MAC in one pass); the buffered keystream and the tail take the plain path.
 */
export function cp_encrypt(ctx: usize, p: usize, len: usize): void {
  begin_data(ctx);
  realign(ctx, len);
  const po = ctx + CP_POLY;
  store<u64>(ctx, load<u64>(ctx, CP_CTLEN) + <u64>len, CP_CTLEN);
  const k = min<usize>(len, 256 - <usize>load<u32>(ctx, CC_POS));
  chacha_xor(ctx, p, k);
  poly_update(po, p, k);
  p += k;
  len -= k;
  // Here the keystream buffer is empty unless len is 0, so the ciphertext so far is a whole number of
  // 64-byte blocks and the MAC has no partial block; checked anyway, as the stitched loop needs it.
  const groups = len >> 8;
  if (groups > 0 && load<u32>(po, POLY_BLEN) == 0) {
    chacha_core(ctx, p, groups, po, MODE_SEAL);
    poly_blocks(po, p + ((groups - 1) << 8), 16, POLY_HIBIT); // the last group, one behind in the loop
    p += groups << 8;
    len &= 255;
  }
  chacha_xor(ctx, p, len);
  poly_update(po, p, len);
}

/** Absorbs the ciphertext at p and decrypts it in place, stitched like cp_encrypt. */
export function cp_decrypt(ctx: usize, p: usize, len: usize): void {
  begin_data(ctx);
  realign(ctx, len);
  const po = ctx + CP_POLY;
  store<u64>(ctx, load<u64>(ctx, CP_CTLEN) + <u64>len, CP_CTLEN);
  const k = min<usize>(len, 256 - <usize>load<u32>(ctx, CC_POS));
  poly_update(po, p, k);
  chacha_xor(ctx, p, k);
  p += k;
  len -= k;
  const groups = len >> 8;
  if (groups > 0 && load<u32>(po, POLY_BLEN) == 0) {
    chacha_core(ctx, p, groups, po, MODE_OPEN);
    p += groups << 8;
    len &= 255;
  }
  poly_update(po, p, len);
  chacha_xor(ctx, p, len);
}

/** Writes the 16-byte tag to out: pad16(ciphertext) || le64(aad length) || le64(ciphertext length). */
export function cp_finish(ctx: usize, out: usize): void {
  begin_data(ctx);
  const po = ctx + CP_POLY;
  poly_pad16(po);
  store<u64>(ctx, load<u64>(ctx, CP_AADLEN), CP_BLOCK);
  store<u64>(ctx, load<u64>(ctx, CP_CTLEN), CP_BLOCK + 8);
  poly_update(po, ctx + CP_BLOCK, 16);
  poly_finish(po, out);
}

/** XORs len bytes at p with the keystream at ks. */
// @ts-ignore: decorator
@inline function xor_ks(p: usize, ks: usize, len: usize): void {
  while (len >= 16) {
    v128.store(p, v128.xor(v128.load(p), v128.load(ks)));
    p += 16; ks += 16; len -= 16;
  }
  while (len > 0) {
    store<u8>(p, load<u8>(p) ^ load<u8>(ks));
    p++; ks++; len--;
  }
}

/**
 * The whole message of cp_seal / cp_open (mode MODE_SEAL / MODE_OPEN): tag to tagOut. Computes only the
 * blocks the message needs. With g = len >> 8 whole groups and a tail of t = len & 255 bytes, the groups
 * run stitched from counter 1 and the tail takes blocks 1 + 4g onwards. Block 0 (the Poly1305 key, §2.6)
 * is computed in one 4-block call together with the first three tail blocks (a tail over 192 bytes takes
 * one more block alone), or alone by chacha_block when there is no tail.
 */
function cp_whole(ctx: usize, nonce: usize, aad: usize, aadLen: usize, p: usize, len: usize, tagOut: usize, mode: u32): void {
  const po = ctx + CP_POLY;
  const ks = ctx + CC_KS;
  store<u32>(ctx, load<u32>(nonce, 0), 52);
  store<u32>(ctx, load<u32>(nonce, 4), 56);
  store<u32>(ctx, load<u32>(nonce, 8), 60);
  const groups = len >> 8;
  const tail = len & 255;
  const t = <u32>(1 + (groups << 2)); // counter of the first tail block (no wrap: len < 2^32 − 64)
  if (tail > 0 || groups == 0) {
    chacha_ks4(ctx, i32x4(0, t, t + 1, t + 2), ks);
  } else {
    chacha_block(ctx, 0, ks);
  }
  poly_init(po, ks);
  const z = i64x2.splat(0);
  v128.store(ks, z, 0); v128.store(ks, z, 16); v128.store(ks, z, 32); v128.store(ks, z, 48);
  poly_padded(po, aad, aadLen);
  if (groups > 0) {
    store<u32>(ctx, 1, 48);
    chacha_core(ctx, p, groups, po, mode);
    if (mode == MODE_SEAL) poly_blocks(po, p + ((groups - 1) << 8), 16, POLY_HIBIT); // one behind in the loop
    p += groups << 8;
  }
  if (tail > 0) {
    if (mode == MODE_OPEN) poly_padded(po, p, tail);
    const first = min<usize>(tail, 192);
    xor_ks(p, ks + 64, first);
    if (tail > 192) {
      chacha_block(ctx, t + 3, ks);
      xor_ks(p + 192, ks, tail - 192);
    }
    if (mode == MODE_SEAL) poly_padded(po, p, tail);
  }
  store<u64>(ctx, <u64>aadLen, CP_BLOCK);
  store<u64>(ctx, <u64>len, CP_BLOCK + 8);
  poly_blocks(po, ctx + CP_BLOCK, 1, POLY_HIBIT);
  poly_finish(po, tagOut);
  // Leftover keystream of this nonce, wiped like the key block.
  v128.store(ks, z, 0); v128.store(ks, z, 16); v128.store(ks, z, 32); v128.store(ks, z, 48);
  v128.store(ks, z, 64); v128.store(ks, z, 80); v128.store(ks, z, 96); v128.store(ks, z, 112);
  v128.store(ks, z, 128); v128.store(ks, z, 144); v128.store(ks, z, 160); v128.store(ks, z, 176);
  v128.store(ks, z, 192); v128.store(ks, z, 208); v128.store(ks, z, 224); v128.store(ks, z, 240);
}

/** One call for a whole message: encrypts len bytes at p in place under the nonce and AAD, tag to tagOut. */
export function cp_seal(ctx: usize, nonce: usize, aad: usize, aadLen: usize, p: usize, len: usize, tagOut: usize): void {
  cp_whole(ctx, nonce, aad, aadLen, p, len, tagOut, MODE_SEAL);
}

/**
 * One call for a whole message: decrypts len bytes at p in place, then compares the computed tag with
 * the one at tag in constant time (ct_equal). Returns 1 if they match; otherwise wipes the len bytes at p
 * (the plaintext never leaves this call) and returns 0.
 */
export function cp_open(ctx: usize, nonce: usize, aad: usize, aadLen: usize, p: usize, len: usize, tag: usize): u32 {
  cp_whole(ctx, nonce, aad, aadLen, p, len, ctx + CP_TAG, MODE_OPEN);
  const ok = ct_equal(ctx + CP_TAG, tag, 16);
  v128.store(ctx + CP_TAG, i64x2.splat(0));
  if (ok == 0) memory.fill(p, 0, len);
  return ok;
}
