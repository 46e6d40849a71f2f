// The encryption linear layer on bitsliced planes: ShiftRows, MixColumns, AddRoundKey.
// MixColumns (FIPS-197 §5.1.3) per column, with a = the ShiftRows output and rows taken mod 4:
//   s'[r] = 2 a[r] ^ 3 a[r+1] ^ a[r+2] ^ a[r+3] = 2 t[r] ^ a[r+1] ^ t[r+2],   t[r] = a[r] ^ a[r+1],
// so per plane: t = a ^ rot1(a), out = xtime(t) ^ rot1(a) ^ rot2(t). xtime (§4.2.1, multiplication by x
// modulo x^8+x^4+x^3+x+1) only rewires planes: b0' = b7, b1' = b0^b7, b2' = b1, b3' = b2^b7,
// b4' = b3^b7, b5' = b4, b6' = b5, b7' = b6.
import { rotRow2, shiftRows, shiftRowsRot1 } from './shuffle';

/** q ^= round key at rk (AddRoundKey, §5.1.4). */
@inline export function addRoundKey(q: usize, rk: usize): void {
  v128.store(q, v128.xor(v128.load(q, 0), v128.load(rk, 0)), 0);
  v128.store(q, v128.xor(v128.load(q, 16), v128.load(rk, 16)), 16);
  v128.store(q, v128.xor(v128.load(q, 32), v128.load(rk, 32)), 32);
  v128.store(q, v128.xor(v128.load(q, 48), v128.load(rk, 48)), 48);
  v128.store(q, v128.xor(v128.load(q, 64), v128.load(rk, 64)), 64);
  v128.store(q, v128.xor(v128.load(q, 80), v128.load(rk, 80)), 80);
  v128.store(q, v128.xor(v128.load(q, 96), v128.load(rk, 96)), 96);
  v128.store(q, v128.xor(v128.load(q, 112), v128.load(rk, 112)), 112);
}

/** ShiftRows, MixColumns and AddRoundKey of a middle round on planes s0..s7; the result goes to q. */
@inline export function shiftMixAdd(
  q: usize, rk: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128,
): void {
  // r_i = rot1(a_i), t_i = a_i ^ rot1(a_i), a = ShiftRows(s)
  const r0 = shiftRowsRot1(s0), t0 = v128.xor(shiftRows(s0), r0);
  const r1 = shiftRowsRot1(s1), t1 = v128.xor(shiftRows(s1), r1);
  const r2 = shiftRowsRot1(s2), t2 = v128.xor(shiftRows(s2), r2);
  const r3 = shiftRowsRot1(s3), t3 = v128.xor(shiftRows(s3), r3);
  const r4 = shiftRowsRot1(s4), t4 = v128.xor(shiftRows(s4), r4);
  const r5 = shiftRowsRot1(s5), t5 = v128.xor(shiftRows(s5), r5);
  const r6 = shiftRowsRot1(s6), t6 = v128.xor(shiftRows(s6), r6);
  const r7 = shiftRowsRot1(s7), t7 = v128.xor(shiftRows(s7), r7);
  // out_i = xtime(t)_i ^ r_i ^ rot2(t_i) ^ k_i
  v128.store(q, v128.xor(v128.xor(t7, r0), v128.xor(rotRow2(t0), v128.load(rk, 0))), 0);
  v128.store(q, v128.xor(v128.xor(v128.xor(t0, t7), r1), v128.xor(rotRow2(t1), v128.load(rk, 16))), 16);
  v128.store(q, v128.xor(v128.xor(t1, r2), v128.xor(rotRow2(t2), v128.load(rk, 32))), 32);
  v128.store(q, v128.xor(v128.xor(v128.xor(t2, t7), r3), v128.xor(rotRow2(t3), v128.load(rk, 48))), 48);
  v128.store(q, v128.xor(v128.xor(v128.xor(t3, t7), r4), v128.xor(rotRow2(t4), v128.load(rk, 64))), 64);
  v128.store(q, v128.xor(v128.xor(t4, r5), v128.xor(rotRow2(t5), v128.load(rk, 80))), 80);
  v128.store(q, v128.xor(v128.xor(t5, r6), v128.xor(rotRow2(t6), v128.load(rk, 96))), 96);
  v128.store(q, v128.xor(v128.xor(t6, r7), v128.xor(rotRow2(t7), v128.load(rk, 112))), 112);
}

/** ShiftRows and AddRoundKey of the final round (no MixColumns, §5.1); the result goes to q. */
@inline export function shiftAdd(
  q: usize, rk: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128,
): void {
  v128.store(q, v128.xor(shiftRows(s0), v128.load(rk, 0)), 0);
  v128.store(q, v128.xor(shiftRows(s1), v128.load(rk, 16)), 16);
  v128.store(q, v128.xor(shiftRows(s2), v128.load(rk, 32)), 32);
  v128.store(q, v128.xor(shiftRows(s3), v128.load(rk, 48)), 48);
  v128.store(q, v128.xor(shiftRows(s4), v128.load(rk, 64)), 64);
  v128.store(q, v128.xor(shiftRows(s5), v128.load(rk, 80)), 80);
  v128.store(q, v128.xor(shiftRows(s6), v128.load(rk, 96)), 96);
  v128.store(q, v128.xor(shiftRows(s7), v128.load(rk, 112)), 112);
}
