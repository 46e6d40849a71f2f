// CBC (SP 800-38A §6.2). Encryption is inherently sequential: each block goes through the bitsliced
// cipher alone (7 of its 8 slots idle, no second group), so it runs at about 1/9 of the CTR speed.
// Decryption is parallel: up to 16 blocks per pass. `len` must be a multiple of 16; the 16 bytes at `iv`
// are replaced by the last ciphertext block, the chaining value for a following call.
import { BUF, CBUF, wipe } from './layout';
import { copyBlocks, decryptPass, encryptPass } from './pass';

/** CBC-encrypts `len` bytes (a multiple of 16) from src to dst (dst may equal src). */
export function aes_cbc_encrypt(ctx: usize, iv: usize, src: usize, dst: usize, len: usize): void {
  let x = v128.load(iv);
  for (let o: usize = 0; o < len; o += 16) {
    v128.store(BUF, v128.xor(x, v128.load(src + o)));
    encryptPass(ctx, 1);
    x = v128.load(BUF);
    v128.store(dst + o, x);
  }
  v128.store(iv, x);
  wipe();
}

/** CBC-decrypts `len` bytes (a multiple of 16) from src to dst (dst may equal src). */
export function aes_cbc_decrypt(ctx: usize, iv: usize, src: usize, dst: usize, len: usize): void {
  let prev = v128.load(iv);
  while (len > 0) {
    const n = len < 256 ? len : 256;
    // keep the ciphertext: dst may overwrite it and it is the next chaining input
    copyBlocks(CBUF, src, n);
    copyBlocks(BUF, src, n);
    decryptPass(ctx, n >> 4);
    for (let o: usize = 0; o < n; o += 16) {
      v128.store(dst + o, v128.xor(v128.load(BUF + o), prev));
      prev = v128.load(CBUF + o);
    }
    src += n;
    dst += n;
    len -= n;
  }
  v128.store(iv, prev);
  wipe();
}
