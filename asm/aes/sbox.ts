// The AES S-box on 8 bitsliced planes, as the straight-line circuit of Boyar and Peralta with 32 AND and
// 83 XOR/XNOR gates (115 in all; "A new combinational logic minimization technique with applications to
// cryptology", SEA 2010, and J. Cryptology 26(2), 2013): a 23-XOR top linear layer, a shared nonlinear
// middle (inversion through GF(2^4)), a 30-gate bottom linear layer. U0 is the most significant bit
// (plane 7), S0 likewise.
//
// The circuit's four XNOR outputs (S1, S2, S6, S7) are computed here as XORs, so this returns
// S'(x) = S(x) ^ 0x63. The constant is restored by XORing 0x63 into round keys 1..Nr (key.ts): it goes
// unchanged through ShiftRows and MixColumns (every MixColumns row sums to 2^3^1^1 = 1).
//
// The outputs go straight (in locals) into the linear layer that follows, chosen by `then`, a
// compile-time constant at every call site: the inlined branches fold away.
import { shiftAdd, shiftMixAdd } from './mix';
import { invLast, invMiddle } from './invmix';

/** Linear layers that can follow the S-box. */
export const THEN_STORE: u32 = 0; // none: store S'(x) back to q
export const THEN_MIX: u32 = 1; // ShiftRows, MixColumns, AddRoundKey (mix.ts)
export const THEN_LAST: u32 = 2; // ShiftRows, AddRoundKey
export const THEN_INV_MIDDLE: u32 = 3; // L, AddRoundKey, InvMixColumns, InvShiftRows, L (invmix.ts)
export const THEN_INV_LAST: u32 = 4; // L, AddRoundKey

/**
 * Applies S' = S ^ 0x63 to every byte of the 8 planes at q, then the linear layer `then` with round key
 * rk; the result replaces the planes at q.
 */
@inline export function subBytes(q: usize, rk: usize, then: u32): void {
  const U7 = v128.load(q, 0);
  const U6 = v128.load(q, 16);
  const U5 = v128.load(q, 32);
  const U4 = v128.load(q, 48);
  const U3 = v128.load(q, 64);
  const U2 = v128.load(q, 80);
  const U1 = v128.load(q, 96);
  const U0 = v128.load(q, 112);

  // top linear layer (23 XOR)
  const y14 = v128.xor(U3, U5);
  const y13 = v128.xor(U0, U6);
  const y9 = v128.xor(U0, U3);
  const y8 = v128.xor(U0, U5);
  const t0 = v128.xor(U1, U2);
  const y1 = v128.xor(t0, U7);
  const y4 = v128.xor(y1, U3);
  const y12 = v128.xor(y13, y14);
  const y2 = v128.xor(y1, U0);
  const y5 = v128.xor(y1, U6);
  const y3 = v128.xor(y5, y8);
  const t1 = v128.xor(U4, y12);
  const y15 = v128.xor(t1, U5);
  const y20 = v128.xor(t1, U1);
  const y6 = v128.xor(y15, U7);
  const y10 = v128.xor(y15, t0);
  const y11 = v128.xor(y20, y9);
  const y7 = v128.xor(U7, y11);
  const y17 = v128.xor(y10, y11);
  const y19 = v128.xor(y10, y8);
  const y16 = v128.xor(t0, y11);
  const y21 = v128.xor(y13, y16);
  const y18 = v128.xor(U0, y16);

  // shared nonlinear middle: inversion in GF(2^4)^2 (32 AND, 30 XOR)
  const t2 = v128.and(y12, y15);
  const t3 = v128.and(y3, y6);
  const t4 = v128.xor(t3, t2);
  const t5 = v128.and(y4, U7);
  const t6 = v128.xor(t5, t2);
  const t7 = v128.and(y13, y16);
  const t8 = v128.and(y5, y1);
  const t9 = v128.xor(t8, t7);
  const t10 = v128.and(y2, y7);
  const t11 = v128.xor(t10, t7);
  const t12 = v128.and(y9, y11);
  const t13 = v128.and(y14, y17);
  const t14 = v128.xor(t13, t12);
  const t15 = v128.and(y8, y10);
  const t16 = v128.xor(t15, t12);
  const t17 = v128.xor(t4, t14);
  const t18 = v128.xor(t6, t16);
  const t19 = v128.xor(t9, t14);
  const t20 = v128.xor(t11, t16);
  const t21 = v128.xor(t17, y20);
  const t22 = v128.xor(t18, y19);
  const t23 = v128.xor(t19, y21);
  const t24 = v128.xor(t20, y18);
  const t25 = v128.xor(t21, t22);
  const t26 = v128.and(t21, t23);
  const t27 = v128.xor(t24, t26);
  const t28 = v128.and(t25, t27);
  const t29 = v128.xor(t28, t22);
  const t30 = v128.xor(t23, t24);
  const t31 = v128.xor(t22, t26);
  const t32 = v128.and(t31, t30);
  const t33 = v128.xor(t32, t24);
  const t34 = v128.xor(t23, t33);
  const t35 = v128.xor(t27, t33);
  const t36 = v128.and(t24, t35);
  const t37 = v128.xor(t36, t34);
  const t38 = v128.xor(t27, t36);
  const t39 = v128.and(t29, t38);
  const t40 = v128.xor(t25, t39);
  const t41 = v128.xor(t40, t37);
  const t42 = v128.xor(t29, t33);
  const t43 = v128.xor(t29, t40);
  const t44 = v128.xor(t33, t37);
  const t45 = v128.xor(t42, t41);
  const z0 = v128.and(t44, y15);
  const z1 = v128.and(t37, y6);
  const z2 = v128.and(t33, U7);
  const z3 = v128.and(t43, y16);
  const z4 = v128.and(t40, y1);
  const z5 = v128.and(t29, y7);
  const z6 = v128.and(t42, y11);
  const z7 = v128.and(t45, y17);
  const z8 = v128.and(t41, y10);
  const z9 = v128.and(t44, y12);
  const z10 = v128.and(t37, y3);
  const z11 = v128.and(t33, y4);
  const z12 = v128.and(t43, y13);
  const z13 = v128.and(t40, y5);
  const z14 = v128.and(t29, y2);
  const z15 = v128.and(t42, y9);
  const z16 = v128.and(t45, y14);
  const z17 = v128.and(t41, y8);

  // bottom linear layer (30 XOR; the XNORs of the paper are plain XORs here, see above)
  const t46 = v128.xor(z15, z16);
  const t47 = v128.xor(z10, z11);
  const t48 = v128.xor(z5, z13);
  const t49 = v128.xor(z9, z10);
  const t50 = v128.xor(z2, z12);
  const t51 = v128.xor(z2, z5);
  const t52 = v128.xor(z7, z8);
  const t53 = v128.xor(z0, z3);
  const t54 = v128.xor(z6, z7);
  const t55 = v128.xor(z16, z17);
  const t56 = v128.xor(z12, t48);
  const t57 = v128.xor(t50, t53);
  const t58 = v128.xor(z4, t46);
  const t59 = v128.xor(z3, t54);
  const t60 = v128.xor(t46, t57);
  const t61 = v128.xor(z14, t57);
  const t62 = v128.xor(t52, t58);
  const t63 = v128.xor(t49, t58);
  const t64 = v128.xor(z4, t59);
  const t65 = v128.xor(t61, t62);
  const t66 = v128.xor(z1, t63);
  const S0 = v128.xor(t59, t63);
  const S6 = v128.xor(t56, t62);
  const S7 = v128.xor(t48, t60);
  const t67 = v128.xor(t64, t65);
  const S3 = v128.xor(t53, t66);
  const S4 = v128.xor(t51, t66);
  const S5 = v128.xor(t47, t65);
  const S1 = v128.xor(t64, S3);
  const S2 = v128.xor(t55, t67);

  if (then == THEN_MIX) shiftMixAdd(q, rk, S7, S6, S5, S4, S3, S2, S1, S0);
  else if (then == THEN_LAST) shiftAdd(q, rk, S7, S6, S5, S4, S3, S2, S1, S0);
  else if (then == THEN_INV_MIDDLE) invMiddle(q, rk, S7, S6, S5, S4, S3, S2, S1, S0);
  else if (then == THEN_INV_LAST) invLast(q, rk, S7, S6, S5, S4, S3, S2, S1, S0);
  else {
    v128.store(q, S7, 0);
    v128.store(q, S6, 16);
    v128.store(q, S5, 32);
    v128.store(q, S4, 48);
    v128.store(q, S3, 64);
    v128.store(q, S2, 80);
    v128.store(q, S1, 96);
    v128.store(q, S0, 112);
  }
}
