// The decryption linear layers on bitsliced planes (FIPS-197 §5.3, InvCipher order: InvShiftRows,
// InvSubBytes, AddRoundKey, InvMixColumns).
//
// InvSubBytes is computed with the forward circuit: with S'(x) = S(x) ^ 0x63 = A(x^-1) (A the affine
// matrix of §5.1.1) and L = A^-1 (out bit i = in bits i+2, i+5, i+7 mod 8; the matrix of §5.3.2),
//   InvS(y) = (A^-1 (y ^ 0x63))^-1 = L(S'(L(y ^ 0x63))).
// The "^ 0x63" is folded into round keys 1..Nr (key.ts): it passes through InvMixColumns unchanged (every
// row of 0e 0b 0d 09 sums to 1) and through InvShiftRows. So a round is ISR, L, S', L, ARK, IMC.
//
// InvMixColumns = MixColumns ∘ P with P(a) = a ^ 4 (a ^ rot2(a)), since the circulant (02 03 01 01) times
// (05 00 04 00) is (0e 0b 0d 09). Multiplication by 4 = x^2 rewires planes (xtime applied twice):
// d0 = b6, d1 = b6^b7, d2 = b0^b7, d3 = b1^b6, d4 = b2^b6^b7, d5 = b3^b7, d6 = b4, d7 = b5.
import { invShiftRows, rotRow1, rotRow2 } from './shuffle';

/** Stores L(x) where x = the 8 planes given (bit i of L(x) = x_{i+2} ^ x_{i+5} ^ x_{i+7}). */
@inline function storeL(q: usize, x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128): void {
  v128.store(q, v128.xor(v128.xor(x2, x5), x7), 0);
  v128.store(q, v128.xor(v128.xor(x3, x6), x0), 16);
  v128.store(q, v128.xor(v128.xor(x4, x7), x1), 32);
  v128.store(q, v128.xor(v128.xor(x5, x0), x2), 48);
  v128.store(q, v128.xor(v128.xor(x6, x1), x3), 64);
  v128.store(q, v128.xor(v128.xor(x7, x2), x4), 80);
  v128.store(q, v128.xor(v128.xor(x0, x3), x5), 96);
  v128.store(q, v128.xor(v128.xor(x1, x4), x6), 112);
}

/** Initial AddRoundKey of InvCipher, then InvShiftRows and L of the first round. */
@inline export function invFirst(q: usize, rk: usize): void {
  storeL(q,
    invShiftRows(v128.xor(v128.load(q, 0), v128.load(rk, 0))),
    invShiftRows(v128.xor(v128.load(q, 16), v128.load(rk, 16))),
    invShiftRows(v128.xor(v128.load(q, 32), v128.load(rk, 32))),
    invShiftRows(v128.xor(v128.load(q, 48), v128.load(rk, 48))),
    invShiftRows(v128.xor(v128.load(q, 64), v128.load(rk, 64))),
    invShiftRows(v128.xor(v128.load(q, 80), v128.load(rk, 80))),
    invShiftRows(v128.xor(v128.load(q, 96), v128.load(rk, 96))),
    invShiftRows(v128.xor(v128.load(q, 112), v128.load(rk, 112))));
}

/**
 * After S' of a middle round (planes s0..s7): L, AddRoundKey, InvMixColumns, then InvShiftRows and L of
 * the next round; the result goes to q.
 */
@inline export function invMiddle(
  q: usize, rk: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128,
): void {
  // z = L(s) ^ k
  const z0 = v128.xor(v128.xor(v128.xor(s2, s5), s7), v128.load(rk, 0));
  const z1 = v128.xor(v128.xor(v128.xor(s3, s6), s0), v128.load(rk, 16));
  const z2 = v128.xor(v128.xor(v128.xor(s4, s7), s1), v128.load(rk, 32));
  const z3 = v128.xor(v128.xor(v128.xor(s5, s0), s2), v128.load(rk, 48));
  const z4 = v128.xor(v128.xor(v128.xor(s6, s1), s3), v128.load(rk, 64));
  const z5 = v128.xor(v128.xor(v128.xor(s7, s2), s4), v128.load(rk, 80));
  const z6 = v128.xor(v128.xor(v128.xor(s0, s3), s5), v128.load(rk, 96));
  const z7 = v128.xor(v128.xor(v128.xor(s1, s4), s6), v128.load(rk, 112));
  // u = P(z) = z ^ 4 w, w = z ^ rot2(z)
  const w0 = v128.xor(z0, rotRow2(z0));
  const w1 = v128.xor(z1, rotRow2(z1));
  const w2 = v128.xor(z2, rotRow2(z2));
  const w3 = v128.xor(z3, rotRow2(z3));
  const w4 = v128.xor(z4, rotRow2(z4));
  const w5 = v128.xor(z5, rotRow2(z5));
  const w6 = v128.xor(z6, rotRow2(z6));
  const w7 = v128.xor(z7, rotRow2(z7));
  const w67 = v128.xor(w6, w7);
  const u0 = v128.xor(z0, w6);
  const u1 = v128.xor(z1, w67);
  const u2 = v128.xor(z2, v128.xor(w0, w7));
  const u3 = v128.xor(z3, v128.xor(w1, w6));
  const u4 = v128.xor(z4, v128.xor(w2, w67));
  const u5 = v128.xor(z5, v128.xor(w3, w7));
  const u6 = v128.xor(z6, w4);
  const u7 = v128.xor(z7, w5);
  // MixColumns(u): r = rot1(u), t = u ^ r, out = xtime(t) ^ r ^ rot2(t) (see mix.ts)
  const r0 = rotRow1(u0), t0 = v128.xor(u0, r0);
  const r1 = rotRow1(u1), t1 = v128.xor(u1, r1);
  const r2 = rotRow1(u2), t2 = v128.xor(u2, r2);
  const r3 = rotRow1(u3), t3 = v128.xor(u3, r3);
  const r4 = rotRow1(u4), t4 = v128.xor(u4, r4);
  const r5 = rotRow1(u5), t5 = v128.xor(u5, r5);
  const r6 = rotRow1(u6), t6 = v128.xor(u6, r6);
  const r7 = rotRow1(u7), t7 = v128.xor(u7, r7);
  storeL(q,
    invShiftRows(v128.xor(v128.xor(t7, r0), rotRow2(t0))),
    invShiftRows(v128.xor(v128.xor(v128.xor(t0, t7), r1), rotRow2(t1))),
    invShiftRows(v128.xor(v128.xor(t1, r2), rotRow2(t2))),
    invShiftRows(v128.xor(v128.xor(v128.xor(t2, t7), r3), rotRow2(t3))),
    invShiftRows(v128.xor(v128.xor(v128.xor(t3, t7), r4), rotRow2(t4))),
    invShiftRows(v128.xor(v128.xor(t4, r5), rotRow2(t5))),
    invShiftRows(v128.xor(v128.xor(t5, r6), rotRow2(t6))),
    invShiftRows(v128.xor(v128.xor(t6, r7), rotRow2(t7))));
}

/** After S' of the last round (planes s0..s7): L and AddRoundKey (round key 0); the result goes to q. */
@inline export function invLast(
  q: usize, rk: usize, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128,
): void {
  // L(s) ^ k
  v128.store(q, v128.xor(v128.xor(v128.xor(s2, s5), s7), v128.load(rk, 0)), 0);
  v128.store(q, v128.xor(v128.xor(v128.xor(s3, s6), s0), v128.load(rk, 16)), 16);
  v128.store(q, v128.xor(v128.xor(v128.xor(s4, s7), s1), v128.load(rk, 32)), 32);
  v128.store(q, v128.xor(v128.xor(v128.xor(s5, s0), s2), v128.load(rk, 48)), 48);
  v128.store(q, v128.xor(v128.xor(v128.xor(s6, s1), s3), v128.load(rk, 64)), 64);
  v128.store(q, v128.xor(v128.xor(v128.xor(s7, s2), s4), v128.load(rk, 80)), 80);
  v128.store(q, v128.xor(v128.xor(v128.xor(s0, s3), s5), v128.load(rk, 96)), 96);
  v128.store(q, v128.xor(v128.xor(v128.xor(s1, s4), s6), v128.load(rk, 112)), 112);
}
