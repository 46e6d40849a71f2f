// HKDF (RFC 5869) with HMAC-SHA-1/SHA-2, over asm/hkdf.ts: the expand loop runs in WASM.
import { hashSpec } from './hash-spec.js';
import { hmac } from './hmac.js';
import type { HashAlgorithm } from './types.js';
import { SCRATCH_SIZE, heap, scratch, wasm } from './wasm.js';

const EMPTY = new Uint8Array(0);

function checkLength(alg: HashAlgorithm, length: number, hashLen: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('hkdf: length must be a non-negative integer');
  if (length > 255 * hashLen) throw new RangeError(`hkdf: length over 255 * HashLen (${255 * hashLen} for ${alg})`);
}

/** Copies the inputs one after another into the scratch region; returns their pointers and the end. */
function place(inputs: Uint8Array[], extra: number): { ptrs: number[]; end: number } | undefined {
  let total = extra;
  for (const x of inputs) total += x.length;
  if (total > SCRATCH_SIZE) return undefined;
  const m = heap();
  let p = scratch();
  const ptrs: number[] = [];
  for (const x of inputs) {
    m.set(x, p);
    ptrs.push(p);
    p += x.length;
  }
  return { ptrs, end: p };
}

/**
 * HKDF-Extract (§2.2): PRK = HMAC-Hash(salt, IKM). A missing or empty salt means HashLen zero bytes, which
 * HMAC treats identically.
 */
export function hkdfExtract(alg: HashAlgorithm, salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array {
  const spec = hashSpec(alg);
  const s = salt ?? EMPTY;
  const at = place([s, ikm], spec.outputLength);
  if (!at) return hmac(alg, s, ikm); // large IKM: the streaming HMAC
  const [sp, ip] = at.ptrs as [number, number];
  wasm().hkdf_extract(spec.id, sp, s.length, ip, ikm.length, at.end);
  const m = heap();
  const prk = m.slice(at.end, at.end + spec.outputLength);
  m.fill(0, scratch(), at.end + spec.outputLength);
  return prk;
}

/**
 * HKDF-Expand (§2.3): `length` bytes of T(1) || T(2) || ..., T(i) = HMAC-Hash(PRK, T(i-1) || info || i).
 * Throws a RangeError when length > 255 * HashLen.
 */
export function hkdfExpand(alg: HashAlgorithm, prk: Uint8Array, info: Uint8Array | undefined, length: number): Uint8Array {
  const spec = hashSpec(alg);
  checkLength(alg, length, spec.outputLength);
  const inf = info ?? EMPTY;
  const at = place([prk, inf], length);
  if (!at) throw new RangeError('hkdf: PRK, info and output over 64 KiB');
  const [pp, ip] = at.ptrs as [number, number];
  wasm().hkdf_expand(spec.id, pp, prk.length, ip, inf.length, at.end, length);
  const m = heap();
  const okm = m.slice(at.end, at.end + length);
  m.fill(0, scratch(), at.end + length);
  return okm;
}

/**
 * HKDF (§2): Expand(Extract(salt, IKM), info, length), argument order as node:crypto's hkdfSync. One WASM
 * call when the inputs fit the scratch region. Throws a RangeError when length > 255 * HashLen.
 */
export function hkdf(
  alg: HashAlgorithm,
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const spec = hashSpec(alg);
  checkLength(alg, length, spec.outputLength);
  const s = salt ?? EMPTY;
  const inf = info ?? EMPTY;
  const at = place([s, ikm, inf], length);
  if (!at) {
    const prk = hkdfExtract(alg, s, ikm);
    try {
      return hkdfExpand(alg, prk, inf, length);
    } finally {
      prk.fill(0);
    }
  }
  const [sp, kp, ip] = at.ptrs as [number, number, number];
  wasm().hkdf(spec.id, sp, s.length, kp, ikm.length, ip, inf.length, at.end, length);
  const m = heap();
  const okm = m.slice(at.end, at.end + length);
  m.fill(0, scratch(), at.end + length);
  return okm;
}
