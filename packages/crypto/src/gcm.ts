// AES-GCM AEAD (NIST SP 800-38D; RFC 5288 for TLS 1.2) over the streaming WASM context of asm/gcm.ts.
// Data passes through the 64 KiB scratch region in chunks, so any length works, and the in-place calls
// of the record layer allocate no linear memory. Opening verifies the tag over the whole ciphertext
// before decrypting any of it: a forged message never yields plaintext and leaves buf untouched.
import type { Aead } from './types.js';
import { AUX_SIZE, SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm } from './wasm.js';

// aux layout: computed tag at 0, received tag at 16, key at 32, nonce or short AAD from 64.
const A_TAG = 0;
const A_RECV = 16;
const A_KEY = 32;
const A_IN = 64;
const IN_MAX = AUX_SIZE - A_IN;
const EMPTY = new Uint8Array(0);
/**
 * From this many bytes of text, GHASH runs use the 16-way tables; they are built (about 11 KiB) the first
 * time such a message comes, so a context that only ever sees short messages (an idle TLS connection's
 * handshake records) stays small.
 */
const WIDE_FROM = 512;
/** SP 800-38D §5.2.1.2: 128, 120, 112, 104, 96 bits, and 64 or 32 for special applications. */
const TAG_LENGTHS = [16, 15, 14, 13, 12, 8, 4];

function checkRange(buf: Uint8Array, offset: number, length: number, extra: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 ||
      offset + length + extra > buf.length) {
    throw new RangeError('aes-gcm: offset/length outside the buffer');
  }
}

/** AES-128/192/256-GCM bound to one key. Nonces may have any non-empty length; 12 bytes is the norm. */
export class AesGcm extends WasmHandle implements Aead {
  readonly keyLength: number;
  readonly nonceLength = 12;
  readonly tagLength: number;
  #wide = false;

  /** `tagLength` (default 16) truncates tags as SP 800-38D §5.2.1.2 allows; TLS always uses 16. */
  constructor(key: Uint8Array, tagLength = 16) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError('aes-gcm: key must be 16, 24 or 32 bytes');
    }
    if (!TAG_LENGTHS.includes(tagLength)) throw new RangeError(`aes-gcm: unsupported tag length ${tagLength}`);
    super(wasm().gcm_ctx_size());
    this.keyLength = key.length;
    this.tagLength = tagLength;
    const m = heap();
    const kp = aux() + A_KEY;
    m.set(key, kp);
    wasm().gcm_init(this.ptr, kp, key.length);
    m.fill(0, kp, kp + key.length);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    const out = new Uint8Array(plaintext.length + this.tagLength);
    this.#seal(nonce, aad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): void {
    checkRange(buf, offset, length, this.tagLength);
    this.#seal(nonce, aad, buf, offset, length, buf, offset);
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array | null {
    if (sealed.length < this.tagLength) return null;
    const n = sealed.length - this.tagLength;
    const out = new Uint8Array(n);
    return this.#open(nonce, aad, sealed, 0, n, out, 0) ? out : null;
  }

  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): number {
    checkRange(buf, offset, length, 0);
    if (length < this.tagLength) return -1;
    const n = length - this.tagLength;
    return this.#open(nonce, aad, buf, offset, n, buf, offset) ? n : -1;
  }

  /** gcm_start with the nonce, then the AAD; each goes through aux when short, else through scratch. */
  #begin(nonce: Uint8Array, aad: Uint8Array, textLength: number): void {
    if (nonce.length === 0) throw new RangeError('aes-gcm: empty nonce');
    const e = wasm();
    if (!this.#wide && textLength >= WIDE_FROM) {
      e.gcm_set_wide(this.ptr, this.attach(e.gcm_wide_size()));
      this.#wide = true;
    }
    const m = heap();
    const ctx = this.ptr;
    const ip = aux() + A_IN;
    const sp = scratch();
    if (nonce.length <= IN_MAX) {
      m.set(nonce, ip);
      e.gcm_start(ctx, ip, nonce.length);
    } else {
      if (nonce.length > SCRATCH_SIZE) throw new RangeError('aes-gcm: nonce over 64 KiB');
      m.set(nonce, sp);
      e.gcm_start(ctx, sp, nonce.length);
    }
    if (aad.length <= IN_MAX) {
      m.set(aad, ip);
      e.gcm_aad(ctx, ip, aad.length);
    } else {
      for (let o = 0; o < aad.length; o += SCRATCH_SIZE) {
        const k = Math.min(SCRATCH_SIZE, aad.length - o);
        m.set(aad.subarray(o, o + k), sp);
        e.gcm_aad(ctx, sp, k);
      }
    }
  }

  /** Encrypts src[so, so+n) into dst[dof, dof+n) and writes the tag after it; src and dst may be the same. */
  #seal(nonce: Uint8Array, aad: Uint8Array, src: Uint8Array, so: number, n: number, dst: Uint8Array, dof: number): void {
    this.#begin(nonce, aad, n);
    const e = wasm();
    const m = heap();
    const ctx = this.ptr;
    const sp = scratch();
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      if (e.gcm_encrypt(ctx, sp, k) !== 1) throw new RangeError('aes-gcm: message too long');
      dst.set(m.subarray(sp, sp + k), dof + o);
    }
    const tp = aux() + A_TAG;
    e.gcm_finish(ctx, tp);
    for (let i = 0; i < this.tagLength; i++) dst[dof + n + i] = m[tp + i]!; // no view for 16 bytes
  }

  /**
   * Verifies the tag at src[so+n, so+n+tagLength) over the ciphertext src[so, so+n), then decrypts it into
   * dst[dof, dof+n). On failure dst is untouched, scratch is wiped and false is returned.
   */
  #open(nonce: Uint8Array, aad: Uint8Array, src: Uint8Array, so: number, n: number, dst: Uint8Array, dof: number): boolean {
    this.#begin(nonce, aad, n);
    const e = wasm();
    const m = heap();
    const ctx = this.ptr;
    const sp = scratch();
    const ap = aux();
    const t = this.tagLength;
    for (let i = 0; i < t; i++) m[ap + A_RECV + i] = src[so + n + i]!;
    const one = n <= SCRATCH_SIZE;
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      if (e.gcm_hash_ct(ctx, sp, k) !== 1) {
        m.fill(0, sp, sp + SCRATCH_SIZE);
        return false; // longer than GCM allows: no valid tag exists
      }
    }
    e.gcm_finish(ctx, ap + A_TAG);
    const ok = e.ct_equal(ap + A_TAG, ap + A_RECV, t) === 1;
    m.fill(0, ap, ap + 32);
    if (!ok) {
      m.fill(0, sp, sp + Math.min(n, SCRATCH_SIZE));
      return false;
    }
    if (one) {
      // The single chunk is still in scratch: decrypt it there.
      e.gcm_ctr(ctx, sp, n);
      dst.set(m.subarray(sp, sp + n), dof);
      m.fill(0, sp, sp + n);
      return true;
    }
    for (let o = 0; o < n; o += SCRATCH_SIZE) {
      const k = Math.min(SCRATCH_SIZE, n - o);
      m.set(src.subarray(so + o, so + o + k), sp);
      e.gcm_ctr(ctx, sp, k);
      dst.set(m.subarray(sp, sp + k), dof + o);
    }
    m.fill(0, sp, sp + SCRATCH_SIZE);
    return true;
  }
}
