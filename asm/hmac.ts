// HMAC (RFC 2104, FIPS 198-1) over SHA-1, SHA-256, SHA-384 and SHA-512. An HMAC context block
// (3 hash contexts: 384 bytes for SHA-1/SHA-256, 768 for SHA-384/SHA-512) holds the running inner hash, the
// inner state after K0 ^ ipad and the outer state after K0 ^ opad: the pads are absorbed once per key, each
// MAC is then inner update + final + one outer block.
import { hash_ctx_size, hash_block_len, hash_out_len, hash_init, hash_update, hash_final } from './hashes';

// K0 ^ ipad, then K0 ^ opad; wiped after use.
const PAD = memory.data(128, 16);

/** Keys ctx (RFC 2104 §2): K0 = key, or H(key) when longer than a block, zero-padded to a block. */
export function hmac_init(alg: u32, ctx: usize, key: usize, keyLen: usize): void {
  const s = hash_ctx_size(alg), bl = hash_block_len(alg);
  memory.fill(PAD, 0, 128);
  if (keyLen > bl) {
    hash_init(alg, ctx);
    hash_update(alg, ctx, key, keyLen);
    hash_final(alg, ctx, PAD);
  } else {
    memory.copy(PAD, key, keyLen);
  }
  for (let i: usize = 0; i < bl; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x3636363636363636);
  hash_init(alg, ctx + s);
  hash_update(alg, ctx + s, PAD, bl);
  // ipad ^ opad = 0x36 ^ 0x5c = 0x6a in every byte.
  for (let i: usize = 0; i < bl; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x6a6a6a6a6a6a6a6a);
  hash_init(alg, ctx + 2 * s);
  hash_update(alg, ctx + 2 * s, PAD, bl);
  memory.fill(PAD, 0, 128);
  memory.copy(ctx, ctx + s, s);
}

/** Restarts the running MAC (same key). */
export function hmac_reset(alg: u32, ctx: usize): void {
  const s = hash_ctx_size(alg);
  memory.copy(ctx, ctx + s, s);
}

export function hmac_update(alg: u32, ctx: usize, p: usize, len: usize): void {
  hash_update(alg, ctx, p, len);
}

/** Writes H((K0 ^ opad) || H((K0 ^ ipad) || text)) to out (hash_out_len bytes) and restarts the MAC. */
export function hmac_final(alg: u32, ctx: usize, out: usize): void {
  const s = hash_ctx_size(alg);
  hash_final(alg, ctx, out);
  memory.copy(ctx, ctx + 2 * s, s);
  hash_update(alg, ctx, out, hash_out_len(alg));
  hash_final(alg, ctx, out);
  memory.copy(ctx, ctx + s, s);
}
