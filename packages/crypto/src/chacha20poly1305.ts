// ChaCha20-Poly1305 AEAD (RFC 8439 §2.8) over the streaming WASM context of asm/chacha20poly1305.ts.
// Data goes through the 64 KiB scratch region in chunks, so any length works; the in-place calls of the
// TLS record layer allocate nothing. Opening never releases plaintext of a forged message: up to 64 KiB
// it is decrypted inside scratch and copied out only once the tag verified (wiped there either way);
// longer messages are authenticated in a first pass and decrypted in a second.
import type { Aead } from './types.js';
import { AUX_SIZE, SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm } from './wasm.js';

const KEY = 32;
const NONCE = 12;
const TAG = 16;
// aux layout: nonce at 0, computed tag at 16, received tag at 32, short AADs from 64.
const A_TAG = 16;
const A_RECV = 32;
const A_AAD = 64;
const EMPTY = new Uint8Array(0);

function checkRange(buf: Uint8Array, offset: number, length: number, extra: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 ||
      offset + length + extra > buf.length) {
    throw new RangeError('chacha20-poly1305: offset/length outside the buffer');
  }
}

export class ChaCha20Poly1305 extends WasmHandle implements Aead {
  readonly keyLength = KEY;
  readonly nonceLength = NONCE;
  readonly tagLength = TAG;

  constructor(key: Uint8Array) {
    if (key.length !== KEY) throw new RangeError('chacha20-poly1305: key must be 32 bytes');
    super(wasm().cp_ctx_size());
    const m = heap();
    const kp = aux();
    m.set(key, kp);
    wasm().cp_init(this.ptr, kp);
    m.fill(0, kp, kp + KEY);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    const n = plaintext.length;
    if (n > SCRATCH_SIZE - TAG) {
      const out = new Uint8Array(n + TAG);
      this.#seal(nonce, aad, plaintext, 0, n, out, 0);
      return out;
    }
    // One chunk: ciphertext and tag side by side in scratch, copied out by a single slice().
    const ctx = this.#begin(nonce, aad);
    const e = wasm();
    const m = heap();
    const sp = scratch();
    m.set(plaintext, sp);
    e.cp_encrypt(ctx, sp, n);
    e.cp_finish(ctx, sp + n);
    return m.slice(sp, sp + n + TAG);
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): void {
    checkRange(buf, offset, length, TAG);
    this.#seal(nonce, aad, buf, offset, length, buf, offset);
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array | null {
    const ctx = this.#begin(nonce, aad);
    if (sealed.length < TAG) return null;
    const n = sealed.length - TAG;
    if (n > SCRATCH_SIZE) {
      const out = new Uint8Array(n);
      return this.#verifyThenDecrypt(ctx, sealed, 0, n, out, 0) ? out : null;
    }
    const e = wasm();
    const m = heap();
    const sp = scratch();
    this.#decryptInScratch(ctx, sealed, 0, n);
    const out = this.#verify(ctx) ? m.slice(sp, sp + n) : null;
    m.fill(0, sp, sp + n);
    return out;
  }

  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): number {
    checkRange(buf, offset, length, 0);
    const ctx = this.#begin(nonce, aad);
    if (length < TAG) return -1;
    const n = length - TAG;
    if (n > SCRATCH_SIZE) return this.#verifyThenDecrypt(ctx, buf, offset, n, buf, offset) ? n : -1;
    const m = heap();
    const sp = scratch();
    this.#decryptInScratch(ctx, buf, offset, n);
    const ok = this.#verify(ctx);
    if (ok) buf.set(m.subarray(sp, sp + n), offset);
    m.fill(0, sp, sp + n);
    return ok ? n : -1;
  }

  /** Checks the nonce, runs cp_start, absorbs the AAD (through aux when short, else scratch); returns ctx. */
  #begin(nonce: Uint8Array, aad: Uint8Array): number {
    if (nonce.length !== NONCE) throw new RangeError('chacha20-poly1305: nonce must be 12 bytes');
    const ctx = this.ptr;
    const e = wasm();
    const m = heap();
    const ap = aux();
    m.set(nonce, ap);
    e.cp_start(ctx, ap);
    if (aad.length <= AUX_SIZE - A_AAD) {
      m.set(aad, ap + A_AAD);
      e.cp_aad(ctx, ap + A_AAD, aad.length);
    } else {
      const sp = scratch();
      for (let o = 0; o < aad.length; o += SCRATCH_SIZE) {
        const k = Math.min(SCRATCH_SIZE, aad.length - o);
        m.set(aad.subarray(o, o + k), sp);
        e.cp_aad(ctx, sp, k);
      }
    }
    return ctx;
  }

  /** Encrypts src[so, so+n) into dst[dof, dof+n) and writes the tag at dst[dof+n]; src and dst may be one. */
  #seal(nonce: Uint8Array, aad: Uint8Array, src: Uint8Array, so: number, n: number, dst: Uint8Array, dof: number): void {
    const ctx = this.#begin(nonce, aad);
    const e = wasm();
    const m = heap();
    const sp = scratch();
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      e.cp_encrypt(ctx, sp, k);
      dst.set(m.subarray(sp, sp + k), dof + o);
    }
    const tp = aux() + A_TAG;
    e.cp_finish(ctx, tp);
    dst.set(m.subarray(tp, tp + TAG), dof + n);
  }

  /** Copies ciphertext src[so, so+n) (n ≤ SCRATCH_SIZE) and its tag in, MACs and decrypts it in scratch. */
  #decryptInScratch(ctx: number, src: Uint8Array, so: number, n: number): void {
    const m = heap();
    const sp = scratch();
    m.set(src.subarray(so + n, so + n + TAG), aux() + A_RECV);
    m.set(src.subarray(so, so + n), sp);
    wasm().cp_decrypt(ctx, sp, n);
  }

  /** Finishes the MAC and compares it with the received tag in constant time. */
  #verify(ctx: number): boolean {
    const e = wasm();
    const ap = aux();
    e.cp_finish(ctx, ap + A_TAG);
    return e.ct_equal(ap + A_TAG, ap + A_RECV, TAG) === 1;
  }

  /** Messages over 64 KiB: a MAC-only pass over every chunk, then, if the tag verified, a decryption pass. */
  #verifyThenDecrypt(ctx: number, src: Uint8Array, so: number, n: number, dst: Uint8Array, dof: number): boolean {
    const e = wasm();
    const m = heap();
    const sp = scratch();
    m.set(src.subarray(so + n, so + n + TAG), aux() + A_RECV);
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      e.cp_mac(ctx, sp, k);
    }
    if (!this.#verify(ctx)) return false;
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      e.cp_xor(ctx, sp, k);
      dst.set(m.subarray(sp, sp + k), dof + o);
    }
    m.fill(0, sp, sp + SCRATCH_SIZE);
    return true;
  }
}
