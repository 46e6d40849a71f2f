// SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) over asm/sha1.ts, asm/sha256.ts and asm/sha512.ts.
import { absorb, hashSpec, type HashSpec, type Update } from './hash-spec.js';
import type { Hash, HashAlgorithm } from './types.js';
import { WasmHandle, aux, heap, wasm } from './wasm.js';

const NO_INIT = Symbol('no init');

/** A running SHA-1/SHA-2 hash whose state lives in a WASM block; `clone()` copies the block. */
export class WasmHash extends WasmHandle implements Hash {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  readonly blockLength: number;
  readonly #spec: HashSpec;
  readonly #update: Update;
  readonly #final: (ctx: number, out: number) => void;

  constructor(algorithm: HashAlgorithm, mode?: typeof NO_INIT) {
    const spec = hashSpec(algorithm);
    super(spec.ctxSize);
    const e = wasm();
    this.algorithm = algorithm;
    this.outputLength = spec.outputLength;
    this.blockLength = spec.blockLength;
    this.#spec = spec;
    this.#update = e[spec.update];
    this.#final = e[spec.final];
    if (mode !== NO_INIT) e[spec.init](this.ptr);
  }

  update(data: Uint8Array): this {
    absorb(this.#update, this.ptr, data);
    return this;
  }

  /** The digest; the hash is then reset (FIPS 180-4 initial value) and may be reused. */
  digest(): Uint8Array {
    const out = aux();
    this.#final(this.ptr, out);
    const m = heap();
    const d = m.slice(out, out + this.outputLength);
    m.fill(0, out, out + this.outputLength);
    return d;
  }

  /** An independent copy of the running state. */
  clone(): WasmHash {
    const c = new WasmHash(this.algorithm, NO_INIT);
    const src = this.ptr;
    heap().copyWithin(c.ptr, src, src + this.#spec.ctxSize);
    return c;
  }

  reset(): this {
    wasm()[this.#spec.init](this.ptr);
    return this;
  }
}

/** A new running hash; dispose() it when done (or let the garbage collector free its block). */
export function createHash(algorithm: HashAlgorithm): Hash {
  return new WasmHash(algorithm);
}

/** One-shot digest. The context lives in the aux region: nothing is allocated. */
export function hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  const spec = hashSpec(algorithm);
  const e = wasm();
  const ctx = aux();
  const out = ctx + spec.ctxSize;
  e[spec.init](ctx);
  absorb(e[spec.update], ctx, data);
  e[spec.final](ctx, out); // restarts, which wipes the context
  const m = heap();
  const d = m.slice(out, out + spec.outputLength);
  m.fill(0, ctx, out + spec.outputLength);
  return d;
}

export const sha1 = (data: Uint8Array): Uint8Array => hash('sha1', data);
export const sha256 = (data: Uint8Array): Uint8Array => hash('sha256', data);
export const sha384 = (data: Uint8Array): Uint8Array => hash('sha384', data);
export const sha512 = (data: Uint8Array): Uint8Array => hash('sha512', data);
