// Modular exponentiation in the Montgomery domain. bn_modexp: fixed window, constant time in the exponent
// (its length is public): the same squarings and multiplications for every exponent of that length, and
// each table entry is fetched by reading all entries under masks, never by a secret-dependent address.
// bn_modexp_vartime: plain square-and-multiply for public exponents (RSA e).
import { S_ACC, S_R1, S_SEL, S_TABLE, limbs, slot } from './layout';
import { mont_mul, mont_sqr } from './montgomery';

/** Window width for an exponent of `bits` bits (public): 2^w - 2 table products vs bits/w multiplications. */
// @ts-ignore: decorator
@inline function windowFor(bits: usize): u32 {
  return bits > 512 ? 5 : bits > 128 ? 4 : bits > 32 ? 3 : 1;
}

/** Bit i (0 = least significant) of the big-endian number of len bytes at e; 0 beyond its length. */
// @ts-ignore: decorator
@inline function bit(e: usize, len: usize, i: usize): u32 {
  return i < (len << 3) ? (<u32>load<u8>(e + len - 1 - (i >> 3)) >>> <u32>(i & 7)) & 1 : 0;
}

/**
 * dst = table[idx] for idx < count entries of nb bytes, `stride` apart: every entry is read and
 * and-ed with a mask that is all ones only for idx, so the memory access pattern does not depend on idx.
 */
function ctSelect(dst: usize, table: usize, stride: usize, count: u32, idx: u32, nv: usize): void {
  memory.fill(dst, 0, nv);
  for (let i: u32 = 0; i < count; i++) {
    const d = i ^ idx;
    const m = i32x4.splat(<i32>(((d | (0 - d)) >>> 31) - 1)); // all ones iff i == idx
    const e = table + <usize>i * stride;
    for (let j: usize = 0; j < nv; j += 16) {
      v128.store(dst + j, v128.or(v128.load(dst + j), v128.and(v128.load(e + j), m)));
    }
  }
}

/**
 * r = base^e in the Montgomery domain (base, r in Montgomery form, base < N) for the big-endian exponent of
 * len bytes at e. Work depends on len and n only. r may alias base.
 */
export function bn_modexp(ctx: usize, r: usize, base: usize, e: usize, len: usize): void {
  const n = limbs(ctx);
  const nb = <usize>n << 2;
  // Entries are read 16 bytes at a time: round up; the extra limbs are zero pads in every slot.
  const nv = (nb + 15) & ~15;
  const bits = len << 3;
  const w = windowFor(bits);
  const count: u32 = 1 << w;
  const t0 = slot(ctx, S_TABLE);
  const stride = slot(ctx, S_TABLE + 1) - t0;
  const sel = slot(ctx, S_SEL);
  const acc = slot(ctx, S_ACC);
  // table[i] = base^i (Montgomery form)
  memory.copy(t0, slot(ctx, S_R1), nb);
  memory.copy(t0 + stride, base, nb);
  for (let i: u32 = 2; i < count; i++) {
    mont_mul(ctx, t0 + <usize>i * stride, t0 + <usize>(i - 1) * stride, base);
  }
  memory.copy(acc, t0, nb);
  const windows = (bits + w - 1) / w;
  for (let k = windows; k-- > 0; ) {
    for (let s: u32 = 0; s < w; s++) mont_sqr(ctx, acc, acc);
    let idx: u32 = 0;
    for (let s = w; s-- > 0; ) idx = (idx << 1) | bit(e, len, k * w + s);
    ctSelect(sel, t0, stride, count, idx, nv);
    mont_mul(ctx, acc, acc, sel);
  }
  memory.copy(r, acc, nb);
  memory.fill(acc, 0, nb);
  memory.fill(sel, 0, nb);
  for (let i: u32 = 0; i < count; i++) memory.fill(t0 + <usize>i * stride, 0, nb);
}

/** r = base^e (Montgomery domain) for a PUBLIC exponent: time depends on e. r may alias base. */
export function bn_modexp_vartime(ctx: usize, r: usize, base: usize, e: usize, len: usize): void {
  const nb = <usize>limbs(ctx) << 2;
  const acc = slot(ctx, S_ACC);
  const b = slot(ctx, S_SEL);
  memory.copy(b, base, nb);
  let i = len << 3;
  while (i > 0 && !bit(e, len, i - 1)) i--; // skip leading zero bits
  if (i == 0) {
    memory.copy(r, slot(ctx, S_R1), nb); // e = 0
    return;
  }
  memory.copy(acc, b, nb); // the top bit
  for (i--; i-- > 0; ) {
    mont_sqr(ctx, acc, acc);
    if (bit(e, len, i)) mont_mul(ctx, acc, acc, b);
  }
  memory.copy(r, acc, nb);
}
