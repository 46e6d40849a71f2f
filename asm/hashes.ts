// Dispatch over the four hashes by algorithm id, for HMAC, the TLS 1.2 PRF and HKDF; and the fixed work area
// of the PRF and HKDF loops. Internal: asm/index.ts does not re-export this file.
import { sha1_init, sha1_update, sha1_final } from './sha1';
import { sha256_init, sha256_update, sha256_final } from './sha256';
import { sha512_init, sha384_init, sha512_update, sha512_final, sha384_final } from './sha512';

// Algorithm ids, as passed by packages/crypto/src (hash.ts HASH_IDS).
export const HASH_SHA1: u32 = 1;
export const HASH_SHA256: u32 = 2;
export const HASH_SHA384: u32 = 3;
export const HASH_SHA512: u32 = 4;

/** Bytes of a hash context of alg. */
export function hash_ctx_size(alg: u32): usize {
  return alg >= HASH_SHA384 ? 256 : 128; // SHA512_CTX, SHA256_CTX = SHA1_CTX
}
export function hash_block_len(alg: u32): usize {
  return alg >= HASH_SHA384 ? 128 : 64;
}
export function hash_out_len(alg: u32): usize {
  return alg == HASH_SHA1 ? 20 : alg == HASH_SHA256 ? 32 : alg == HASH_SHA384 ? 48 : 64;
}

export function hash_init(alg: u32, ctx: usize): void {
  if (alg == HASH_SHA256) sha256_init(ctx);
  else if (alg == HASH_SHA384) sha384_init(ctx);
  else if (alg == HASH_SHA512) sha512_init(ctx);
  else sha1_init(ctx);
}
export function hash_update(alg: u32, ctx: usize, p: usize, len: usize): void {
  if (alg == HASH_SHA256) sha256_update(ctx, p, len);
  else if (alg >= HASH_SHA384) sha512_update(ctx, p, len);
  else sha1_update(ctx, p, len);
}
/** Writes the digest to out and restarts ctx. */
export function hash_final(alg: u32, ctx: usize, out: usize): void {
  if (alg == HASH_SHA256) sha256_final(ctx, out);
  else if (alg == HASH_SHA384) sha384_final(ctx, out);
  else if (alg == HASH_SHA512) sha512_final(ctx, out);
  else sha1_final(ctx, out);
}

/** Work area of the PRF and HKDF loops: an HMAC context (up to 768 bytes) and two hash outputs. */
export const MAC_WORK = memory.data(768 + 128, 64);
export const MAC_WORK_SIZE: usize = 768 + 128;
