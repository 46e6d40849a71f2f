// AES (FIPS-197) on the constant-time bitsliced WASM core (asm/aes/): a block cipher handle, CTR
// (SP 800-38A §6.5) and CBC (§6.2, without padding or with PKCS#7). Data goes through the scratch
// region in chunks of SCRATCH_SIZE bytes, so inputs of any size work; the scratch bytes used are wiped
// before each method returns.
import { aux, heap, scratch, SCRATCH_SIZE, wasm, WasmHandle } from './wasm.js';

const BLOCK = 16;
/** Bytes after the key schedule in an AesCtr block: the counter block, then one keystream block. */
const CTR_STATE = 32;

let ctxBytes = 0;
function ctxSize(): number {
  return (ctxBytes ||= wasm().aes_ctx_size() as number);
}

function bytes(name: string, v: Uint8Array): void {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function checkKey(key: Uint8Array): void {
  bytes('AES key', key);
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

function checkBlock(name: string, v: Uint8Array): void {
  bytes(name, v);
  if (v.length !== BLOCK) throw new RangeError(`${name} must be 16 bytes, got ${v.length}`);
}

function checkBlocks(name: string, length: number): void {
  if (length % BLOCK !== 0) throw new RangeError(`${name}: length ${length} is not a multiple of 16`);
}

/** Validates buf[offset, offset + length) and returns length. */
function checkRange(buf: Uint8Array, offset: number, length: number): number {
  bytes('buf', buf);
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > buf.length) {
    throw new RangeError(`range [${offset}, ${offset}+${length}) outside a buffer of ${buf.length} bytes`);
  }
  return length;
}

/**
 * Runs `op(src = dst pointer, n)` over in[inOff, inOff+len) in scratch-sized chunks, writing the result to
 * out[outOff, ...) (out may be in). The scratch bytes are wiped afterwards.
 */
function chunked(
  input: Uint8Array, inOff: number, out: Uint8Array, outOff: number, len: number,
  op: (p: number, n: number) => void,
): void {
  const p = scratch();
  let done = 0;
  while (done < len) {
    const n = Math.min(SCRATCH_SIZE, len - done);
    heap().set(input.subarray(inOff + done, inOff + done + n), p);
    op(p, n);
    const m = heap();
    out.set(m.subarray(p, p + n), outOff + done);
    done += n;
  }
  heap().fill(0, p, p + Math.min(len, SCRATCH_SIZE));
}

/** A key schedule in linear memory: the part every AES handle shares. */
abstract class AesKey extends WasmHandle {
  /** Key length in bytes: 16, 24 or 32. */
  readonly keyLength: number;

  protected constructor(key: Uint8Array, extra = 0) {
    checkKey(key);
    super(ctxSize() + extra);
    this.keyLength = key.length;
    const a = aux();
    heap().set(key, a);
    wasm().aes_init(this.ptr, a, key.length);
    heap().fill(0, a, a + key.length);
  }
}

/** The AES block cipher for one key: single blocks and ECB runs of blocks. */
export class Aes extends AesKey {
  constructor(key: Uint8Array) {
    super(key);
  }

  /** Encrypts one 16-byte block into `out` (a new array by default), which is returned. */
  encryptBlock(block: Uint8Array, out: Uint8Array = new Uint8Array(BLOCK)): Uint8Array {
    checkBlock('block', block);
    checkBlock('out', out);
    chunked(block, 0, out, 0, BLOCK, (p) => wasm().aes_encrypt_blocks(this.ptr, p, p, 1));
    return out;
  }

  /** Decrypts one 16-byte block into `out` (a new array by default), which is returned. */
  decryptBlock(block: Uint8Array, out: Uint8Array = new Uint8Array(BLOCK)): Uint8Array {
    checkBlock('block', block);
    checkBlock('out', out);
    chunked(block, 0, out, 0, BLOCK, (p) => wasm().aes_decrypt_blocks(this.ptr, p, p, 1));
    return out;
  }

  /** Encrypts every 16-byte block of `data` independently (ECB); the length must be a multiple of 16. */
  encryptBlocks(data: Uint8Array): Uint8Array {
    bytes('data', data);
    checkBlocks('encryptBlocks', data.length);
    const out = new Uint8Array(data.length);
    chunked(data, 0, out, 0, data.length, (p, n) => wasm().aes_encrypt_blocks(this.ptr, p, p, n / BLOCK));
    return out;
  }

  /** Decrypts every 16-byte block of `data` independently (ECB); the length must be a multiple of 16. */
  decryptBlocks(data: Uint8Array): Uint8Array {
    bytes('data', data);
    checkBlocks('decryptBlocks', data.length);
    const out = new Uint8Array(data.length);
    chunked(data, 0, out, 0, data.length, (p, n) => wasm().aes_decrypt_blocks(this.ptr, p, p, n / BLOCK));
    return out;
  }
}

export interface AesCtrOptions {
  /**
   * Width of the big-endian counter in the last bytes of the counter block: 128 (default) increments the
   * whole block (node:crypto's aes-*-ctr), 32 only its last 4 bytes, mod 2^32 (GCM's inc32).
   */
  counterBits?: 32 | 128;
}

/**
 * AES-CTR as a stream: `xor` calls continue the keystream where the previous one stopped, at any byte
 * boundary (like node:crypto's Cipher.update). Encryption and decryption are the same operation.
 */
export class AesCtr extends AesKey {
  readonly counterBits: 32 | 128;
  /** Bytes of the saved keystream block already used (0 = none saved). */
  #used = 0;

  constructor(key: Uint8Array, counter: Uint8Array, options: AesCtrOptions = {}) {
    const bits = options.counterBits ?? 128;
    if (bits !== 32 && bits !== 128) throw new RangeError('counterBits must be 32 or 128');
    checkBlock('counter', counter);
    super(key, CTR_STATE);
    this.counterBits = bits;
    this.setCounter(counter);
  }

  /** Restarts the keystream at the 16-byte counter block `counter` (same key, new nonce). */
  setCounter(counter: Uint8Array): this {
    checkBlock('counter', counter);
    const c = this.#state();
    heap().set(counter, c);
    heap().fill(0, c + BLOCK, c + 2 * BLOCK);
    this.#used = 0;
    return this;
  }

  /** The next unused counter block (a copy). */
  get counter(): Uint8Array {
    const c = this.#state();
    return heap().slice(c, c + BLOCK);
  }

  /** XORs the next data.length keystream bytes into a copy of `data`. */
  xor(data: Uint8Array): Uint8Array {
    bytes('data', data);
    const out = new Uint8Array(data.length);
    this.#run(data, 0, out, 0, data.length);
    return out;
  }

  /** XORs the next `length` keystream bytes into buf[offset, offset + length), in place. */
  xorInPlace(buf: Uint8Array, offset = 0, length = buf.length - offset): void {
    this.#run(buf, offset, buf, offset, checkRange(buf, offset, length));
  }

  #state(): number {
    return this.ptr + ctxSize();
  }

  #run(input: Uint8Array, inOff: number, out: Uint8Array, outOff: number, len: number): void {
    const ctx = this.ptr;
    const c = this.#state();
    const ks = c + BLOCK;
    const fn = this.counterBits === 32 ? wasm().aes_ctr32 : wasm().aes_ctr128;
    // 1. the rest of a keystream block started by the previous call
    let i = 0;
    if (this.#used > 0) {
      const m = heap();
      const take = Math.min(len, BLOCK - this.#used);
      for (; i < take; i++) out[outOff + i] = input[inOff + i]! ^ m[ks + this.#used + i]!;
      this.#used += take;
      if (this.#used === BLOCK) {
        m.fill(0, ks, ks + BLOCK);
        this.#used = 0;
      }
    }
    // 2. whole blocks
    const whole = (len - i) & ~(BLOCK - 1);
    if (whole > 0) chunked(input, inOff + i, out, outOff + i, whole, (p, n) => fn(ctx, c, p, p, n));
    i += whole;
    // 3. a final partial block: keep its keystream for the next call
    if (i < len) {
      const m = heap();
      m.fill(0, ks, ks + BLOCK);
      fn(ctx, c, ks, ks, BLOCK);
      const r = len - i;
      for (let j = 0; j < r; j++) out[outOff + i + j] = input[inOff + i + j]! ^ m[ks + j]!;
      this.#used = r;
    }
  }
}

/**
 * AES-CBC. `encrypt`/`decrypt` work on whole blocks without padding; the *Pkcs7 methods add and check
 * PKCS#7 padding (RFC 5652 §6.3). Encryption is sequential, so it is several times slower than decryption.
 */
export class AesCbc extends AesKey {
  constructor(key: Uint8Array) {
    super(key);
  }

  /** Encrypts `data` (a multiple of 16 bytes) with initial vector `iv` into a new array. */
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    bytes('data', data);
    checkBlocks('encrypt', data.length);
    const out = new Uint8Array(data.length);
    this.#run(true, iv.slice(), data, 0, out, 0, data.length);
    return out;
  }

  /** Decrypts `data` (a multiple of 16 bytes) with initial vector `iv` into a new array. */
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    bytes('data', data);
    checkBlocks('decrypt', data.length);
    const out = new Uint8Array(data.length);
    this.#run(false, iv.slice(), data, 0, out, 0, data.length);
    return out;
  }

  /**
   * Encrypts buf[offset, offset + length) in place (length a multiple of 16). `iv` is updated in place
   * to the last ciphertext block, so a following call continues the chain.
   */
  encryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    checkRange(buf, offset, length);
    checkBlocks('encryptInPlace', length);
    this.#run(true, iv, buf, offset, buf, offset, length);
  }

  /**
   * Decrypts buf[offset, offset + length) in place (length a multiple of 16). `iv` is updated in place
   * to the last ciphertext block, so a following call continues the chain.
   */
  decryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    checkRange(buf, offset, length);
    checkBlocks('decryptInPlace', length);
    this.#run(false, iv, buf, offset, buf, offset, length);
  }

  /** Pads `data` with PKCS#7 (1..16 bytes of value n) and encrypts it. */
  encryptPkcs7(iv: Uint8Array, data: Uint8Array): Uint8Array {
    bytes('data', data);
    const pad = BLOCK - (data.length % BLOCK);
    const out = new Uint8Array(data.length + pad);
    out.set(data);
    out.fill(pad, data.length);
    this.#run(true, iv.slice(), out, 0, out, 0, out.length);
    return out;
  }

  /**
   * Decrypts and removes PKCS#7 padding. Returns null when the ciphertext is not a positive multiple of
   * 16 bytes or the padding is wrong; which padding byte is wrong does not change the instructions run
   * (the check reads the whole last block with arithmetic masks, no early exit).
   */
  decryptPkcs7(iv: Uint8Array, data: Uint8Array): Uint8Array | null {
    bytes('data', data);
    checkBlock('iv', iv);
    const n = data.length;
    if (n === 0 || n % BLOCK !== 0) return null;
    const out = new Uint8Array(n);
    this.#run(false, iv.slice(), data, 0, out, 0, n);
    const pad = out[n - 1]!;
    // bad != 0 when pad is 0 or over 16, or a byte among the last `pad` differs from pad
    let bad = ((pad - 1) >>> 31) | ((BLOCK - pad) >>> 31);
    for (let i = 1; i <= BLOCK; i++) {
      const inPad = -((i - pad - 1) >>> 31); // all ones when i <= pad
      bad |= (out[n - i]! ^ pad) & inPad;
    }
    if (bad !== 0) {
      out.fill(0);
      return null;
    }
    const plain = out.slice(0, n - pad);
    out.fill(0);
    return plain;
  }

  #run(enc: boolean, iv: Uint8Array, input: Uint8Array, inOff: number, out: Uint8Array, outOff: number, len: number): void {
    checkBlock('iv', iv);
    const ctx = this.ptr;
    const a = aux();
    heap().set(iv, a);
    const fn = enc ? wasm().aes_cbc_encrypt : wasm().aes_cbc_decrypt;
    chunked(input, inOff, out, outOff, len, (p, n) => fn(ctx, a, p, p, n));
    const m = heap();
    iv.set(m.subarray(a, a + BLOCK));
    m.fill(0, a, a + BLOCK);
  }
}
