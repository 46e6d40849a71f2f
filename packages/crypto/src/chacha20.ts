// ChaCha20 stream cipher (RFC 8439 §2.4) over the WASM SIMD core (asm/chacha20.ts).
import { AUX_SIZE, SCRATCH_SIZE, aux, heap, scratch, wasm } from './wasm.js';

/** The context lives in the aux region: [0, 512) context, 512 key, 544 nonce. */
const KEY_OFF = 512;
const NONCE_OFF = 544;

/**
 * XORs data with the ChaCha20 keystream of (key, nonce) starting at block `counter` and returns the result
 * in a new array: encryption and decryption alike. The block counter is 32 bits (RFC 8439 §2.3); a
 * message that would take it past 2^32 − 1 is refused rather than wrapped.
 */
export function chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new RangeError('chacha20: key must be 32 bytes');
  if (nonce.length !== 12) throw new RangeError('chacha20: nonce must be 12 bytes');
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) {
    throw new RangeError('chacha20: counter must be a 32-bit unsigned integer');
  }
  if (counter + Math.ceil(data.length / 64) > 0x100000000) throw new RangeError('chacha20: block counter would wrap');
  const e = wasm();
  const m = heap();
  const ctx = aux();
  if (e.chacha_ctx_size() > KEY_OFF || NONCE_OFF + 12 > AUX_SIZE) throw new Error('chacha20: aux region too small');
  m.set(key, ctx + KEY_OFF);
  m.set(nonce, ctx + NONCE_OFF);
  e.chacha_init(ctx, ctx + KEY_OFF, ctx + NONCE_OFF, counter >>> 0);
  const out = new Uint8Array(data.length);
  const sp = scratch();
  for (let o = 0; o < data.length; o += SCRATCH_SIZE) {
    const n = Math.min(SCRATCH_SIZE, data.length - o);
    m.set(data.subarray(o, o + n), sp);
    e.chacha_xor(ctx, sp, n);
    out.set(m.subarray(sp, sp + n), o);
  }
  m.fill(0, ctx, ctx + NONCE_OFF + 12);
  m.fill(0, sp, sp + Math.min(SCRATCH_SIZE, data.length));
  return out;
}
