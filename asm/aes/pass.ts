// One pass of the cipher over up to 16 blocks in BUF (byte order), in place: 16 blocks as two
// interleaved 8-block groups, 8 or fewer as one group (blocks beyond `nblocks` are computed and ignored).
// Modes fill BUF, call a pass, and read BUF. The passes are real functions (not inlined) so that each
// cipher body exists once in the module; a call per 16 blocks costs nothing measurable.
import { BUF, Q, Q2 } from './layout';
import { transpose } from './bitslice';
import { decrypt16, decrypt8, encrypt16, encrypt8 } from './cipher';

/** Encrypts the first `nblocks` (1..16) blocks of BUF in place. */
export function encryptPass(ctx: usize, nblocks: usize): void {
  if (nblocks > 8) {
    transpose(BUF, Q);
    transpose(BUF + 128, Q2);
    encrypt16(ctx, Q, Q2);
    transpose(Q, BUF);
    transpose(Q2, BUF + 128);
  } else {
    transpose(BUF, Q);
    encrypt8(ctx, Q);
    transpose(Q, BUF);
  }
}

/** Decrypts the first `nblocks` (1..16) blocks of BUF in place. */
export function decryptPass(ctx: usize, nblocks: usize): void {
  if (nblocks > 8) {
    transpose(BUF, Q);
    transpose(BUF + 128, Q2);
    decrypt16(ctx, Q, Q2);
    transpose(Q, BUF);
    transpose(Q2, BUF + 128);
  } else {
    transpose(BUF, Q);
    decrypt8(ctx, Q);
    transpose(Q, BUF);
  }
}

/** Copies n bytes (a multiple of 16) from src to dst, 16 at a time. */
@inline export function copyBlocks(dst: usize, src: usize, n: usize): void {
  for (let o: usize = 0; o < n; o += 16) v128.store(dst + o, v128.load(src + o));
}
