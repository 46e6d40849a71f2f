// Internal to @sanstls/crypto (index.ts does not re-export it): what the hash, HMAC, PRF and HKDF facades
// need to know of each hash, and the copy of input through the scratch region.
import type { HashAlgorithm } from './types.js';
import { SCRATCH_SIZE, heap, scratch } from './wasm.js';

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

export type Update = (ctx: number, p: number, n: number) => void;

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
