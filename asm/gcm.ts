// AES-GCM (NIST SP 800-38D §7), streaming, in place: a context holds the GHASH key and tables, the AES key
// schedule, J0, E_K(J0), the counter, a keystream cache, the GHASH state and the lengths. Call order:
// gcm_init once per key, then per message gcm_start, gcm_aad*, (gcm_encrypt | gcm_decrypt)*, gcm_finish.
// Chunks may have any length.
// A verify-then-decrypt pass is also possible: gcm_hash_ct* then gcm_finish, compare, then gcm_ctr*.
import { aes_ctr32, aes_ctx_size, aes_encrypt_blocks, aes_init } from './aes';
import { ghash_final, ghash_init, ghash_pad, ghash_reset, ghash_set_wide, ghash_update, GHASH_CTX_SIZE, GHASH_WIDE_SIZE } from './ghash/ghash';

const G_GH: usize = 0; // GHASH context
const G_J0: usize = GHASH_CTX_SIZE; // pre-counter block J0
const G_CTR: usize = G_J0 + 16; // next counter block for aes_ctr32
const G_EJ0: usize = G_J0 + 32; // E_K(J0), the tag mask
const G_TMP: usize = G_J0 + 48; // 16 bytes of work space
const G_KPOS: usize = G_J0 + 64; // u32: next unused byte of G_KS
const G_KEND: usize = G_J0 + 68; // u32: end of the valid keystream in G_KS
const G_PEND: usize = G_J0 + 72; // u32: bytes used of a partial block aes_ctr32 ended on (0: none)
const G_PHASE: usize = G_J0 + 76; // u32: 0 no message, 1 AAD, 2 text, 3 tag written (gcm_ctr only)
const G_ALEN: usize = G_J0 + 80; // u64: AAD bytes
const G_CLEN: usize = G_J0 + 88; // u64: text bytes
const G_KS: usize = G_J0 + 128; // keystream cache: 8 blocks
const G_AES: usize = G_J0 + 256; // AES context (64-byte aligned)

/** SP 800-38D §5.2.1.1: len(P) <= 2^39 - 256 bits. */
const MAX_TEXT: u64 = (<u64>1 << 36) - 32;

/** Bytes of a GCM context. */
export function gcm_ctx_size(): usize {
  return G_AES + aes_ctx_size();
}

/** Bytes of the optional 16-way GHASH block (see ghash_set_wide): handed over for bulk data. */
export function gcm_wide_size(): usize {
  return GHASH_WIDE_SIZE;
}

/** Gives the context its 16-way GHASH block at w (after gcm_init, between messages). */
export function gcm_set_wide(c: usize, w: usize): void {
  ghash_set_wide(c + G_GH, w);
}

/** Expands the key (16, 24 or 32 bytes) and derives H = E_K(0^128). Returns 0 for other key lengths. */
export function gcm_init(c: usize, key: usize, keyLen: usize): u32 {
  if (keyLen != 16 && keyLen != 24 && keyLen != 32) return 0;
  aes_init(c + G_AES, key, keyLen);
  const t = c + G_TMP;
  memory.fill(t, 0, 16);
  aes_encrypt_blocks(c + G_AES, t, t, 1);
  ghash_init(c + G_GH, t);
  memory.fill(t, 0, 16);
  store<u32>(c + G_PHASE, 0);
  return 1;
}

// @ts-ignore: decorator
@inline function lengths_block(t: usize, a: u64, b: u64): void {
  store<u64>(t, bswap<u64>(a << 3), 0);
  store<u64>(t, bswap<u64>(b << 3), 8);
}

/**
 * Starts a message with an IV of ivLen bytes (§7.1 step 2): J0 = IV || 0^31 || 1 for 96-bit IVs, otherwise
 * J0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64). Returns 0 (and starts nothing) for an empty IV.
 */
export function gcm_start(c: usize, iv: usize, ivLen: usize): u32 {
  store<u32>(c + G_PHASE, 0);
  if (ivLen == 0) return 0;
  const j0 = c + G_J0;
  const g = c + G_GH;
  ghash_reset(g);
  if (ivLen == 12) {
    memory.copy(j0, iv, 12);
    store<u32>(j0, 0x01000000, 12);
  } else {
    ghash_update(g, iv, ivLen);
    ghash_pad(g);
    const t = c + G_TMP;
    lengths_block(t, 0, <u64>ivLen);
    ghash_update(g, t, 16);
    ghash_final(g, j0);
    ghash_reset(g);
  }
  // One bitsliced AES pass makes 8 blocks anyway: E_K(J0) for the tag and the keystream of the first 7
  // counter blocks inc32(J0).. (GCTR, §6.5), so short messages cost one pass in all.
  const ks = c + G_KS;
  v128.store(c + G_CTR, v128.load(j0));
  memory.fill(ks, 0, 128);
  aes_ctr32(c + G_AES, c + G_CTR, ks, ks, 128);
  v128.store(c + G_EJ0, v128.load(ks));
  store<u32>(c + G_KPOS, 16);
  store<u32>(c + G_KEND, 128);
  store<u32>(c + G_PEND, 0);
  store<u64>(c + G_ALEN, 0);
  store<u64>(c + G_CLEN, 0);
  store<u32>(c + G_PHASE, 1);
  return 1;
}

/** Absorbs AAD. Returns 0 when no message is started or text has already been processed. */
export function gcm_aad(c: usize, p: usize, len: usize): u32 {
  if (load<u32>(c + G_PHASE) != 1) return 0;
  ghash_update(c + G_GH, p, len);
  store<u64>(c + G_ALEN, load<u64>(c + G_ALEN) + <u64>len);
  return 1;
}

/** Moves to the text phase (padding the AAD) and counts len text bytes; 0 when not allowed or too long. */
function text(c: usize, len: usize): u32 {
  const phase = load<u32>(c + G_PHASE);
  if (phase != 1 && phase != 2) return 0;
  const total = load<u64>(c + G_CLEN) + <u64>len;
  if (total > MAX_TEXT) return 0;
  if (phase == 1) {
    ghash_pad(c + G_GH);
    store<u32>(c + G_PHASE, 2);
  }
  store<u64>(c + G_CLEN, total);
  return 1;
}

/** dst ^= src over n bytes. */
// @ts-ignore: decorator
@inline function xor_into(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.xor(v128.load(dst + i), v128.load(src + i)));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(dst + i) ^ load<u8>(src + i));
}

/**
 * XORs the GCTR keystream (§6.5) into len bytes at p: first what is left in the cache, then aes_ctr32
 * straight on the data. When aes_ctr32 ended inside a block and more text follows in a later call, the
 * rest of that block's keystream is regenerated from the previous counter.
 */
function ctr(c: usize, p: usize, len: usize): void {
  const ks = c + G_KS;
  let pos = <usize>load<u32>(c + G_KPOS), end = <usize>load<u32>(c + G_KEND);
  const pend = <usize>load<u32>(c + G_PEND);
  if (pend && len) {
    const t = c + G_TMP;
    v128.store(t, v128.load(c + G_CTR));
    store<u32>(t, bswap<u32>(bswap<u32>(load<u32>(t, 12)) - 1), 12);
    memory.fill(ks, 0, 16);
    aes_ctr32(c + G_AES, t, ks, ks, 16);
    memory.fill(t, 0, 16);
    pos = pend;
    end = 16;
    store<u32>(c + G_PEND, 0);
  }
  let n = end - pos;
  if (n > len) n = len;
  xor_into(p, ks + pos, n);
  pos += n;
  p += n;
  len -= n;
  if (len) {
    aes_ctr32(c + G_AES, c + G_CTR, p, p, len);
    store<u32>(c + G_PEND, <u32>(len & 15));
  }
  store<u32>(c + G_KPOS, <u32>pos);
  store<u32>(c + G_KEND, <u32>end);
}

/** Encrypts len bytes at p in place and absorbs the ciphertext. Returns 0 when not allowed. */
export function gcm_encrypt(c: usize, p: usize, len: usize): u32 {
  if (!text(c, len)) return 0;
  ctr(c, p, len);
  ghash_update(c + G_GH, p, len);
  return 1;
}

/** Absorbs len bytes of ciphertext at p and decrypts them in place. Returns 0 when not allowed. */
export function gcm_decrypt(c: usize, p: usize, len: usize): u32 {
  if (!text(c, len)) return 0;
  ghash_update(c + G_GH, p, len);
  ctr(c, p, len);
  return 1;
}

/** Absorbs ciphertext without decrypting it (first pass of verify-then-decrypt). */
export function gcm_hash_ct(c: usize, p: usize, len: usize): u32 {
  if (!text(c, len)) return 0;
  ghash_update(c + G_GH, p, len);
  return 1;
}

/** Decrypts (or encrypts) len bytes at p in place without touching GHASH (second pass). 0 if no nonce. */
export function gcm_ctr(c: usize, p: usize, len: usize): u32 {
  if (load<u32>(c + G_PHASE) == 0) return 0;
  ctr(c, p, len);
  return 1;
}

/**
 * Writes the 16-byte tag T = GCTR(J0, GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64)) (§7.1
 * steps 5-6) to out and ends the message. The counter is kept, so gcm_ctr may still decrypt afterwards.
 */
export function gcm_finish(c: usize, out: usize): u32 {
  const phase = load<u32>(c + G_PHASE);
  if (phase != 1 && phase != 2) return 0;
  const g = c + G_GH;
  ghash_pad(g);
  const t = c + G_TMP;
  lengths_block(t, load<u64>(c + G_ALEN), load<u64>(c + G_CLEN));
  ghash_update(g, t, 16);
  ghash_final(g, out);
  v128.store(out, v128.xor(v128.load(out), v128.load(c + G_EJ0)));
  memory.fill(t, 0, 16);
  ghash_reset(g);
  store<u32>(c + G_PHASE, 3);
  return 1;
}
