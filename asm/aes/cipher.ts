// Cipher and InvCipher (FIPS-197 §5.1, §5.3) on 8 blocks in bitsliced form: the planes at `q`, the
// bitsliced round keys of the context. Every block goes through the same instructions, whatever its
// value or the key's: no branch or memory index depends on either.
//
// The 16-block variants run two independent groups round by round: one S-box evaluation is a chain of
// dependent gates ending in a barrier (MixColumns needs all 8 outputs), so a second independent chain
// in the same instruction window lets the out-of-order core overlap them (+~20% measured on Zen 5).
import { CTX_NR, CTX_RK, RK_BYTES } from './layout';
import { subBytes, THEN_INV_LAST, THEN_INV_MIDDLE, THEN_LAST, THEN_MIX } from './sbox';
import { addRoundKey } from './mix';
import { invFirst } from './invmix';

/** Encrypts the 8 blocks held as planes at q, in place. */
@inline export function encrypt8(ctx: usize, q: usize): void {
  const nr = <usize>load<u32>(ctx, CTX_NR);
  let rk = ctx + CTX_RK;
  const last = rk + nr * RK_BYTES;
  addRoundKey(q, rk);
  for (rk += RK_BYTES; rk < last; rk += RK_BYTES) {
    subBytes(q, rk, THEN_MIX);
  }
  subBytes(q, last, THEN_LAST);
}

/** Decrypts the 8 blocks held as planes at q, in place (round keys used from Nr down to 0). */
@inline export function decrypt8(ctx: usize, q: usize): void {
  const nr = <usize>load<u32>(ctx, CTX_NR);
  const first = ctx + CTX_RK;
  let rk = first + nr * RK_BYTES;
  invFirst(q, rk);
  for (rk -= RK_BYTES; rk > first; rk -= RK_BYTES) {
    subBytes(q, rk, THEN_INV_MIDDLE);
  }
  subBytes(q, first, THEN_INV_LAST);
}

/** Encrypts two independent 8-block groups (planes at qa and qb), interleaved round by round. */
@inline export function encrypt16(ctx: usize, qa: usize, qb: usize): void {
  const nr = <usize>load<u32>(ctx, CTX_NR);
  let rk = ctx + CTX_RK;
  const last = rk + nr * RK_BYTES;
  addRoundKey(qa, rk);
  addRoundKey(qb, rk);
  for (rk += RK_BYTES; rk < last; rk += RK_BYTES) {
    subBytes(qa, rk, THEN_MIX);
    subBytes(qb, rk, THEN_MIX);
  }
  subBytes(qa, last, THEN_LAST);
  subBytes(qb, last, THEN_LAST);
}

/** Decrypts two independent 8-block groups (planes at qa and qb), interleaved round by round. */
@inline export function decrypt16(ctx: usize, qa: usize, qb: usize): void {
  const nr = <usize>load<u32>(ctx, CTX_NR);
  const first = ctx + CTX_RK;
  let rk = first + nr * RK_BYTES;
  invFirst(qa, rk);
  invFirst(qb, rk);
  for (rk -= RK_BYTES; rk > first; rk -= RK_BYTES) {
    subBytes(qa, rk, THEN_INV_MIDDLE);
    subBytes(qb, rk, THEN_INV_MIDDLE);
  }
  subBytes(qa, first, THEN_INV_LAST);
  subBytes(qb, first, THEN_INV_LAST);
}
