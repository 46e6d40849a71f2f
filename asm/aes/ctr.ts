// Counter mode (SP 800-38A §6.5): keystream = E(counter blocks), up to 16 blocks per bitsliced pass.
// aes_ctr32 increments only the last 32 bits, big-endian, mod 2^32 (GCM's inc32, SP 800-38D §6.2);
// aes_ctr128 increments the whole block as a 128-bit big-endian integer. A partial final block uses up
// a whole counter value. Counter arithmetic is branch-free (carries are compare results, not jumps).
import { BUF, wipe } from './layout';
import { encryptPass } from './pass';

/** XORs the keystream in BUF into `len` <= 256 bytes from src to dst. */
@inline function xorKeystream(src: usize, dst: usize, len: usize): void {
  let o: usize = 0;
  for (; o + 16 <= len; o += 16) v128.store(dst + o, v128.xor(v128.load(src + o), v128.load(BUF + o)));
  for (; o < len; o++) store<u8>(dst + o, load<u8>(src + o) ^ load<u8>(BUF + o));
}

/**
 * XORs AES-CTR keystream into `len` bytes from src to dst (which may alias). The 16-byte block at `ctr`
 * is the first counter block; its last 4 bytes are a big-endian counter, incremented mod 2^32. On
 * return `ctr` holds the counter block that follows the last one used.
 */
export function aes_ctr32(ctx: usize, ctr: usize, src: usize, dst: usize, len: usize): void {
  const head = v128.load(ctr); // bytes 0..11 are fixed
  let c = bswap<u32>(load<u32>(ctr, 12));
  while (len > 0) {
    const n = len < 256 ? len : 256;
    const nb = <u32>((n + 15) >> 4);
    for (let j: u32 = 0; j < nb; j++) {
      v128.store(BUF + (j << 4), i32x4.replace_lane(head, 3, bswap<u32>(c + j)));
    }
    encryptPass(ctx, nb);
    xorKeystream(src, dst, n);
    c += nb;
    src += n;
    dst += n;
    len -= n;
  }
  store<u32>(ctr, bswap<u32>(c), 12);
  wipe();
}

/** As aes_ctr32, with the whole 16-byte block at `ctr` a 128-bit big-endian counter (mod 2^128). */
export function aes_ctr128(ctx: usize, ctr: usize, src: usize, dst: usize, len: usize): void {
  let hi = bswap<u64>(load<u64>(ctr, 0));
  let lo = bswap<u64>(load<u64>(ctr, 8));
  while (len > 0) {
    const n = len < 256 ? len : 256;
    const nb = <u64>((n + 15) >> 4);
    for (let j: u64 = 0; j < nb; j++) {
      const l = lo + j;
      const h = hi + <u64>(l < lo); // carry
      const p = BUF + (<usize>j << 4);
      store<u64>(p, bswap<u64>(h), 0);
      store<u64>(p, bswap<u64>(l), 8);
    }
    encryptPass(ctx, <usize>nb);
    xorKeystream(src, dst, n);
    const l = lo + nb;
    hi += <u64>(l < lo);
    lo = l;
    src += n;
    dst += n;
    len -= n;
  }
  store<u64>(ctr, bswap<u64>(hi), 0);
  store<u64>(ctr, bswap<u64>(lo), 8);
  wipe();
}
