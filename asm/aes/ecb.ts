// Block-wise encryption and decryption (ECB), up to 16 blocks per bitsliced pass (pass.ts).
import { BUF, wipe } from './layout';
import { copyBlocks, decryptPass, encryptPass } from './pass';

/** Encrypts `nblocks` 16-byte blocks from src to dst (dst may equal src). */
export function aes_encrypt_blocks(ctx: usize, src: usize, dst: usize, nblocks: usize): void {
  while (nblocks > 0) {
    const nb = nblocks < 16 ? nblocks : 16;
    const n = nb << 4;
    copyBlocks(BUF, src, n);
    encryptPass(ctx, nb);
    copyBlocks(dst, BUF, n);
    src += n;
    dst += n;
    nblocks -= nb;
  }
  wipe();
}

/** Decrypts `nblocks` 16-byte blocks from src to dst (dst may equal src). */
export function aes_decrypt_blocks(ctx: usize, src: usize, dst: usize, nblocks: usize): void {
  while (nblocks > 0) {
    const nb = nblocks < 16 ? nblocks : 16;
    const n = nb << 4;
    copyBlocks(BUF, src, n);
    decryptPass(ctx, nb);
    copyBlocks(dst, BUF, n);
    src += n;
    dst += n;
    nblocks -= nb;
  }
  wipe();
}
