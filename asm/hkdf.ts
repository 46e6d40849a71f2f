// HKDF (RFC 5869) with HMAC-SHA-*: the extract step and the expand loop run here on the fixed work area.
import { MAC_WORK, MAC_WORK_SIZE, hash_out_len } from './hashes';
import { hmac_init, hmac_update, hmac_final } from './hmac';

// PRK between the two steps of hkdf(); wiped after use.
const PRK = memory.data(64, 16);

/** §2.2: PRK = HMAC-Hash(salt, IKM), hash_out_len bytes to prk. An empty salt equals HashLen zero bytes. */
export function hkdf_extract(alg: u32, salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, prk: usize): void {
  hmac_init(alg, MAC_WORK, salt, saltLen);
  hmac_update(alg, MAC_WORK, ikm, ikmLen);
  hmac_final(alg, MAC_WORK, prk);
  memory.fill(MAC_WORK, 0, MAC_WORK_SIZE);
}

/**
 * §2.3: T(0) = empty, T(i) = HMAC-Hash(PRK, T(i-1) || info || i); the first len bytes of T(1) || T(2) || ...
 * go to out. The caller checks len <= 255 * HashLen.
 */
export function hkdf_expand(alg: u32, prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, len: usize): void {
  const ctx = MAC_WORK, t = MAC_WORK + 768, ctr = t + 64;
  const n = hash_out_len(alg);
  hmac_init(alg, ctx, prk, prkLen);
  for (let i: u32 = 1; len; i++) {
    if (i > 1) hmac_update(alg, ctx, t, n);
    hmac_update(alg, ctx, info, infoLen);
    store<u8>(ctr, <u8>i);
    hmac_update(alg, ctx, ctr, 1);
    hmac_final(alg, ctx, t);
    const k = min<usize>(n, len);
    memory.copy(out, t, k);
    out += k;
    len -= k;
  }
  memory.fill(MAC_WORK, 0, MAC_WORK_SIZE);
}

/** Extract then expand in one call. */
export function hkdf(alg: u32, salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, info: usize, infoLen: usize, out: usize, len: usize): void {
  hkdf_extract(alg, salt, saltLen, ikm, ikmLen, PRK);
  hkdf_expand(alg, PRK, hash_out_len(alg), info, infoLen, out, len);
  memory.fill(PRK, 0, 64);
}
