// HMAC (RFC 2104) over SHA-1/SHA-2, on asm/hmac.ts: the key pads are absorbed once per key.
import { HMAC_CONTEXT } from './cbc-mac.js';
import { hash } from './hash.js';
import { hashSpec, type HashSpec } from './hash-spec.js';
import type { HashAlgorithm, Mac } from './types.js';
import { SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm } from './wasm.js';

/** Bytes of an HMAC context (asm/hmac.ts): running inner hash, keyed inner state, keyed outer state. */
const macCtxSize = (spec: HashSpec): number => 3 * spec.ctxSize;

/**
 * Keys the HMAC context at ctx. Keys longer than the scratch region are hashed here first, which is what
 * RFC 2104 §2 does with any key longer than a block (K0 = H(K)); the WASM side does it for the others.
 */
function keyContext(alg: HashAlgorithm, spec: HashSpec, ctx: number, key: Uint8Array): void {
  const k = key.length > SCRATCH_SIZE ? hash(alg, key) : key;
  const m = heap();
  const kp = scratch();
  m.set(k, kp);
  wasm().hmac_init(spec.id, ctx, kp, k.length);
  m.fill(0, kp, kp + k.length);
  if (k !== key) k.fill(0);
}

/** Feeds data to the MAC at ctx through the scratch region (as absorb() in hash-spec.ts), wiping it afterwards. */
function absorbMac(id: number, ctx: number, data: Uint8Array): void {
  const len = data.length;
  if (len === 0) return;
  const e = wasm();
  const m = heap();
  const sp = scratch();
  for (let o = 0; o < len; o += SCRATCH_SIZE) {
    const n = Math.min(SCRATCH_SIZE, len - o);
    m.set(n === len ? data : data.subarray(o, o + n), sp);
    e.hmac_update(id, ctx, sp, n);
  }
  m.fill(0, sp, sp + Math.min(len, SCRATCH_SIZE));
}

const NO_KEY = Symbol('no key');

/** A keyed HMAC whose state lives in a WASM block; `clone()` copies the block (key pads included). */
export class Hmac extends WasmHandle implements Mac {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  readonly #spec: HashSpec;

  constructor(algorithm: HashAlgorithm, key: Uint8Array);
  constructor(algorithm: HashAlgorithm, key: typeof NO_KEY);
  constructor(algorithm: HashAlgorithm, key: Uint8Array | typeof NO_KEY) {
    const spec = hashSpec(algorithm);
    if (key !== NO_KEY && !(key instanceof Uint8Array)) throw new TypeError('hmac: key must be a Uint8Array');
    super(macCtxSize(spec));
    this.algorithm = algorithm;
    this.outputLength = spec.outputLength;
    this.#spec = spec;
    if (key !== NO_KEY) keyContext(algorithm, spec, this.ptr, key);
  }

  update(data: Uint8Array): this {
    absorbMac(this.#spec.id, this.ptr, data);
    return this;
  }

  /** The MAC; the object is then reset to the same key and may be reused. */
  digest(): Uint8Array {
    const out = aux();
    const n = this.outputLength;
    wasm().hmac_final(this.#spec.id, this.ptr, out);
    const m = heap();
    const d = m.slice(out, out + n);
    m.fill(0, out, out + n);
    return d;
  }

  /**
   * Writes the MAC to out[offset, offset + outputLength) without allocating (the record layer's path), then
   * resets like digest().
   */
  digestInto(out: Uint8Array, offset = 0): void {
    const n = this.outputLength;
    if (!Number.isInteger(offset) || offset < 0 || offset + n > out.length) {
      throw new RangeError(`hmac: digestInto needs ${n} bytes at offset ${offset} of a ${out.length}-byte array`);
    }
    const p = aux();
    wasm().hmac_final(this.#spec.id, this.ptr, p);
    const m = heap();
    for (let i = 0; i < n; i++) out[offset + i] = m[p + i]!;
    m.fill(0, p, p + n);
  }

  /** Internal (cbc-mac.ts): the pointer of the HMAC context block. */
  [HMAC_CONTEXT](): number {
    return this.ptr;
  }

  clone(): Hmac {
    const c = new Hmac(this.algorithm, NO_KEY);
    const src = this.ptr;
    heap().copyWithin(c.ptr, src, src + macCtxSize(this.#spec));
    return c;
  }

  reset(): this {
    wasm().hmac_reset(this.#spec.id, this.ptr);
    return this;
  }
}

/** A new HMAC keyed with key; dispose() it when done. */
export function createHmac(algorithm: HashAlgorithm, key: Uint8Array): Mac {
  return new Hmac(algorithm, key);
}

/** One-shot HMAC. The context lives in the aux region (wiped afterwards): nothing is allocated. */
export function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  const spec = hashSpec(algorithm);
  const e = wasm();
  const id = spec.id;
  const ctx = aux();
  const size = macCtxSize(spec);
  const out = ctx + size;
  keyContext(algorithm, spec, ctx, key);
  absorbMac(id, ctx, data);
  e.hmac_final(id, ctx, out);
  const m = heap();
  const d = m.slice(out, out + spec.outputLength);
  m.fill(0, ctx, out + spec.outputLength);
  return d;
}
