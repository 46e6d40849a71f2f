// SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) over asm/sha1.ts, asm/sha256.ts and asm/sha512.ts.
import type { Hash, HashAlgorithm } from './types.js';
import { SCRATCH_SIZE, WasmHandle, aux, heap, scratch, wasm } from './wasm.js';

/** What the facades need to know of each hash: WASM id (asm/hashes.ts), sizes and entry points. */
export interface HashSpec {
  readonly id: number;
  readonly outputLength: number;
  readonly blockLength: number;
  /** Bytes of a hash context block in linear memory. */
  readonly ctxSize: number;
  readonly init: string;
  readonly update: string;
  readonly final: string;
}

const SPECS: Readonly<Record<HashAlgorithm, HashSpec>> = {
  sha1: { id: 1, outputLength: 20, blockLength: 64, ctxSize: 128, init: 'sha1_init', update: 'sha1_update', final: 'sha1_final' },
  sha256: { id: 2, outputLength: 32, blockLength: 64, ctxSize: 128, init: 'sha256_init', update: 'sha256_update', final: 'sha256_final' },
  sha384: { id: 3, outputLength: 48, blockLength: 128, ctxSize: 256, init: 'sha384_init', update: 'sha512_update', final: 'sha384_final' },
  sha512: { id: 4, outputLength: 64, blockLength: 128, ctxSize: 256, init: 'sha512_init', update: 'sha512_update', final: 'sha512_final' },
};

/** The spec of alg; throws a TypeError for anything else. */
export function hashSpec(alg: HashAlgorithm): HashSpec {
  const s = Object.hasOwn(SPECS, alg) ? SPECS[alg] : undefined;
  if (!s) throw new TypeError(`sanstls crypto: unsupported hash '${String(alg)}'`);
  return s;
}

type Update = (ctx: number, p: number, n: number) => void;

/**
 * Feeds data to update(ctx, ·) through the scratch region, in chunks of at most SCRATCH_SIZE: one WASM call
 * per chunk. The scratch bytes are wiped afterwards (the data may be key material).
 */
export function absorb(update: Update, ctx: number, data: Uint8Array): void {
  const len = data.length;
  if (len === 0) return;
  const m = heap();
  const sp = scratch();
  if (len <= SCRATCH_SIZE) {
    m.set(data, sp);
    update(ctx, sp, len);
  } else {
    for (let o = 0; o < len; o += SCRATCH_SIZE) {
      const n = Math.min(SCRATCH_SIZE, len - o);
      m.set(data.subarray(o, o + n), sp);
      update(ctx, sp, n);
    }
  }
  m.fill(0, sp, sp + Math.min(len, SCRATCH_SIZE));
}

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
