// A Montgomery context in linear memory (asm/bignum): one odd modulus, its constants and working slots.
// Numbers enter and leave as big-endian bytes through the scratch region, which is wiped after each use.
import { SCRATCH_SIZE, WasmHandle, heap, scratch, wasm } from '../wasm.js';

/** Caller slots of a context (asm/bignum/layout.ts: S_USER = 10 .. 15). */
export const SLOT = { X: 10, T: 11, W: 12, U: 13, K1: 14, K2: 15 } as const;

/** Scratch offset where exponents are placed, clear of the number I/O at offset 0. */
const EXP_OFFSET = SCRATCH_SIZE / 2;

/** Strips leading zero bytes (public values, or lengths that are public). */
export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

export class Modulus extends WasmHandle {
  /** Limbs (32-bit) of the context: a multiple of 4, enough for the modulus. */
  readonly limbs: number;
  /** Bytes of the modulus, without leading zeros. */
  readonly byteLength: number;
  readonly bits: number;

  /** `mod`: big-endian, odd, first byte non-zero. */
  constructor(mod: Uint8Array) {
    if (mod.length === 0 || mod[0] === 0 || !(mod[mod.length - 1]! & 1)) {
      throw new RangeError('modulus must be odd and given without leading zeros');
    }
    if (mod.length > 2048) throw new RangeError('modulus over 16384 bits');
    const e = wasm();
    const limbs: number = e.bn_limbs_for(mod.length);
    super(e.bn_ctx_size(limbs));
    this.limbs = limbs;
    this.byteLength = mod.length;
    const s = scratch();
    heap().set(mod, s);
    e.bn_init(this.ptr, s, mod.length);
    heap().fill(0, s, s + mod.length);
    this.bits = e.bn_bits(this.ptr);
  }

  get ctx(): number {
    return this.ptr;
  }

  slot(i: number): number {
    return wasm().bn_slot(this.ptr, i);
  }

  /** Loads big-endian bytes (at most 4*limbs of them) into slot i as a plain number. */
  load(i: number, bytes: Uint8Array): void {
    if (bytes.length > this.limbs * 4) throw new RangeError('number longer than the modulus');
    const s = scratch();
    heap().set(bytes, s);
    wasm().bn_load(this.slot(i), s, bytes.length, this.limbs);
    heap().fill(0, s, s + bytes.length);
  }

  /** Slot i as `len` big-endian bytes. */
  store(i: number, len: number): Uint8Array {
    const s = scratch();
    wasm().bn_store(s, this.slot(i), this.limbs, len);
    const m = heap();
    const out = m.slice(s, s + len);
    m.fill(0, s, s + len);
    return out;
  }

  /** Writes raw bytes (an exponent) into slot i; they must fit its stride. */
  putBytes(i: number, bytes: Uint8Array): void {
    if (bytes.length > this.limbs * 4) throw new RangeError('exponent longer than the modulus');
    heap().set(bytes, this.slot(i));
  }

  /** Zeroes slots (all of their bytes, pads included). */
  wipe(...slots: number[]): void {
    const m = heap();
    const stride = this.slot(1) - this.slot(0);
    for (const i of slots) {
      const p = this.slot(i);
      m.fill(0, p, p + stride);
    }
  }

  /** Slot `dst` = slot `src`^e mod n for a PUBLIC exponent (variable time); both plain numbers. */
  powPublic(dst: number, src: number, e: Uint8Array): void {
    const x = wasm();
    const ep = scratch() + EXP_OFFSET;
    heap().set(e, ep);
    x.bn_to_mont(this.ptr, this.slot(dst), this.slot(src));
    x.bn_modexp_vartime(this.ptr, this.slot(dst), this.slot(dst), ep, e.length);
    x.bn_from_mont(this.ptr, this.slot(dst), this.slot(dst));
  }
}

/**
 * base^exp mod mod, constant time in the exponent's value (its byte length is public): for finite-field
 * Diffie-Hellman (RFC 7919) with a secret exponent. `mod` must be odd. The result has mod.length bytes.
 */
export function modPow(base: Uint8Array, exp: Uint8Array, mod: Uint8Array): Uint8Array {
  const m = stripZeros(mod);
  if (m.length === 0 || !(m[m.length - 1]! & 1)) throw new RangeError('modPow: modulus must be odd');
  if (exp.length > EXP_OFFSET || base.length > EXP_OFFSET / 2) throw new RangeError('modPow: input too long');
  const out = new Uint8Array(mod.length);
  if (m.length === 1 && m[0] === 1) return out; // everything is 0 mod 1
  const ctx = new Modulus(m);
  const x = wasm();
  const s = scratch();
  try {
    // Base of any length: its limbs go to the second quarter of scratch, then bn_reduce.
    const bl = Math.max(1, (base.length + 3) >> 2);
    const limbsAt = s + EXP_OFFSET / 2;
    heap().set(base, s);
    x.bn_load(limbsAt, s, base.length, bl);
    x.bn_reduce(ctx.ctx, ctx.slot(SLOT.X), limbsAt, bl);
    heap().set(exp, s + EXP_OFFSET);
    x.bn_modexp(ctx.ctx, ctx.slot(SLOT.T), ctx.slot(SLOT.X), s + EXP_OFFSET, exp.length);
    x.bn_from_mont(ctx.ctx, ctx.slot(SLOT.T), ctx.slot(SLOT.T));
    out.set(ctx.store(SLOT.T, m.length), mod.length - m.length);
    return out;
  } finally {
    heap().fill(0, s, s + EXP_OFFSET + exp.length);
    ctx.dispose();
  }
}
