// ChaCha20-Poly1305 AEAD (RFC 8439 §2.8) over the streaming WASM context of asm/chacha20poly1305.ts.
// Data goes through the 64 KiB scratch region in chunks, so any length works; the in-place calls of the
// TLS record layer allocate nothing. A message up to 64 KiB − 16 with an AAD up to 960 bytes takes one
// WASM call (cp_seal / cp_open). Opening never releases plaintext of a forged message: a one-call open
// decrypts inside scratch and copies out only once the tag verified (cp_open wipes it otherwise, and the
// facade after copying); longer messages are authenticated in a first pass and decrypted in a second.
import type { Aead } from './types.js';
import { AUX_SIZE, SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm, type WasmExports } from './wasm.js';

const KEY = 32;
const NONCE = 12;
const TAG = 16;
// aux layout: nonce at 0, computed tag at 16, received tag at 32, short AADs from 64.
const A_TAG = 16;
const A_RECV = 32;
const A_AAD = 64;
const AAD_IN_AUX = AUX_SIZE - A_AAD;
/** Longest text done by one cp_seal / cp_open call, with its tag beside it in scratch. */
const ONE_CALL = SCRATCH_SIZE - TAG;
const EMPTY = new Uint8Array(0);

// Set by the first constructor, for the one-call paths: the module's exports and the scratch and aux
// pointers never change once instantiated; the heap view is renewed when memory growth has detached it
// (a detached view has byteLength 0, as has the initial EMPTY).
let ex: WasmExports;
let SP = 0;
let AP = 0;
let mem: Uint8Array = EMPTY;

function heapView(): Uint8Array {
  return mem.byteLength !== 0 ? mem : (mem = heap());
}

/** src into m at dst: an element loop for nonces and short AADs, cheaper there than set(). */
function put(m: Uint8Array, src: Uint8Array, dst: number): void {
  const n = src.length;
  if (n > 32) {
    m.set(src, dst);
    return;
  }
  for (let i = 0; i < n; i++) m[dst + i] = src[i]!;
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE) throw new RangeError('chacha20-poly1305: nonce must be 12 bytes');
}

/** buf[start, start+len) as a plain Uint8Array (a Buffer's subarray() would build a slower Buffer). */
function view(buf: Uint8Array, start: number, len: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, len);
}

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
    ex = wasm();
    ex.cp_init(this.ptr, kp);
    m.fill(0, kp, kp + KEY);
    SP = scratch();
    AP = kp;
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    const n = plaintext.length;
    if (n > ONE_CALL || aad.length > AAD_IN_AUX) {
      const out = new Uint8Array(n + TAG);
      this.#seal(nonce, aad, plaintext, 0, n, out, 0);
      return out;
    }
    // One call; ciphertext and tag side by side in scratch, copied out by a single slice().
    const m = this.#oneCall(nonce, aad, plaintext, 0, n);
    ex.cp_seal(this.ptr, AP, AP + A_AAD, aad.length, SP, n, SP + n);
    return m.slice(SP, SP + n + TAG);
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): void {
    checkRange(buf, offset, length, TAG);
    if (length > ONE_CALL || aad.length > AAD_IN_AUX) {
      this.#seal(nonce, aad, buf, offset, length, buf, offset);
      return;
    }
    const m = this.#oneCall(nonce, aad, buf, offset, length);
    ex.cp_seal(this.ptr, AP, AP + A_AAD, aad.length, SP, length, SP + length);
    buf.set(m.subarray(SP, SP + length + TAG), offset);
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array | null {
    if (sealed.length < TAG) {
      checkNonce(nonce);
      return null;
    }
    const n = sealed.length - TAG;
    if (n > ONE_CALL || aad.length > AAD_IN_AUX) {
      const ctx = this.#begin(nonce, aad);
      const out = new Uint8Array(n);
      return this.#verifyThenDecrypt(ctx, sealed, 0, n, out, 0) ? out : null;
    }
    // One call decrypts in scratch and checks the tag; on failure it has already wiped the plaintext.
    const m = this.#oneCall(nonce, aad, sealed, 0, n + TAG);
    if (ex.cp_open(this.ptr, AP, AP + A_AAD, aad.length, SP, n, SP + n) !== 1) return null;
    const out = m.slice(SP, SP + n);
    m.fill(0, SP, SP + n);
    return out;
  }

  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): number {
    checkRange(buf, offset, length, 0);
    if (length < TAG) {
      checkNonce(nonce);
      return -1;
    }
    const n = length - TAG;
    if (n > ONE_CALL || aad.length > AAD_IN_AUX) {
      const ctx = this.#begin(nonce, aad);
      return this.#verifyThenDecrypt(ctx, buf, offset, n, buf, offset) ? n : -1;
    }
    const m = this.#oneCall(nonce, aad, buf, offset, length);
    if (ex.cp_open(this.ptr, AP, AP + A_AAD, aad.length, SP, n, SP + n) !== 1) return -1;
    buf.set(m.subarray(SP, SP + n), offset);
    m.fill(0, SP, SP + n);
    return n;
  }

  /** For cp_seal / cp_open: nonce and AAD into aux, src[so, so+len) into scratch; returns the heap view. */
  #oneCall(nonce: Uint8Array, aad: Uint8Array, src: Uint8Array, so: number, len: number): Uint8Array {
    checkNonce(nonce);
    const m = heapView();
    put(m, nonce, AP);
    put(m, aad, AP + A_AAD);
    m.set(so === 0 && len === src.length ? src : view(src, so, len), SP);
    return m;
  }

  /** Checks the nonce, runs cp_start, absorbs the AAD (through aux when short, else scratch); returns ctx. */
  #begin(nonce: Uint8Array, aad: Uint8Array): number {
    checkNonce(nonce);
    const ctx = this.ptr;
    const e = wasm();
    const m = heap();
    const ap = aux();
    m.set(nonce, ap);
    e.cp_start(ctx, ap);
    if (aad.length <= AAD_IN_AUX) {
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
