// Key expansion (FIPS-197 §5.2) into bitsliced round keys. SubWord runs the bitsliced S-box circuit on
// one block, so no table is indexed by key bytes; every branch depends on the key length and the word
// index only.
import { CTX_NR, CTX_RK, CTX_SIZE, Q, RK_BYTES, W, wipe } from './layout';
import { transpose } from './bitslice';
import { subBytes, THEN_STORE } from './sbox';

/** Bytes of an AES context (any key size). */
export function aes_ctx_size(): usize {
  return CTX_SIZE;
}

/** SubWord (§5.2): the S-box on the 4 bytes of w (little-endian load order = byte order). */
function subWord(w: u32): u32 {
  memory.fill(Q, 0, 128);
  store<u32>(Q, w);
  transpose(Q, Q);
  subBytes(Q, 0, THEN_STORE);
  transpose(Q, Q);
  return load<u32>(Q) ^ 0x63636363; // subBytes computes S ^ 0x63
}

/**
 * Expands a 16, 24 or 32-byte key (AES-128/192/256) into the context: Nr, then Nr + 1 round keys as
 * 8 planes each (plane i, lane p = 0xff when bit i of key byte p is set, i.e. the key replicated over
 * the 8 bitsliced blocks). Round keys 1..Nr also carry 0x63 in every byte, the constant the S-box
 * circuit leaves out (see sbox.ts, invmix.ts).
 */
export function aes_init(ctx: usize, key: usize, keyLen: usize): void {
  if (keyLen != 16 && keyLen != 24 && keyLen != 32) unreachable();
  const nk = <u32>(keyLen >> 2);
  const nr = nk + 6;
  const nw: u32 = (nr + 1) << 2;
  memory.copy(W, key, keyLen);
  let rcon: u32 = 1;
  for (let i = nk; i < nw; i++) {
    let t = load<u32>(W + ((i - 1) << 2));
    if (i % nk == 0) {
      t = subWord(rotr<u32>(t, 8)) ^ rcon; // RotWord, SubWord, Rcon (byte 0 = low byte)
      rcon = (rcon << 1) ^ (0x11b & (0 - (rcon >> 7))); // xtime, public value
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(W + (i << 2), load<u32>(W + ((i - nk) << 2)) ^ t);
  }
  store<u32>(ctx, nr, CTX_NR);
  const c63 = i8x16.splat(0x63);
  for (let r: u32 = 0; r <= nr; r++) {
    let k = v128.load(W + (r << 4));
    if (r > 0) k = v128.xor(k, c63);
    const out = ctx + CTX_RK + <usize>r * RK_BYTES;
    // lane mask of bit i: shift bit i to the sign bit, then arithmetic shift right by 7
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 7), 7), 0);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 6), 7), 16);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 5), 7), 32);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 4), 7), 48);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 3), 7), 64);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 2), 7), 80);
    v128.store(out, i8x16.shr_s(i8x16.shl(k, 1), 7), 96);
    v128.store(out, i8x16.shr_s(k, 7), 112);
  }
  wipe();
}
