// The TLS 1.2 PRF (RFC 5246 §5) over asm/prf.ts: PRF(secret, label, seed) = P_hash(secret, label || seed).
import { hashSpec } from './hash-spec.js';
import { SCRATCH_SIZE, heap, scratch, wasm } from './wasm.js';

const encoder = new TextEncoder();

/**
 * `length` bytes of PRF(secret, label, seed) with P_SHA256 or P_SHA384 (RFC 5246 §5; the suite's PRF hash).
 * A string label is taken as ASCII (RFC 5246 labels are). The whole P_hash loop is one WASM call; secret,
 * label, seed and output together must fit the 64 KiB scratch region (TLS uses a few hundred bytes).
 */
export function prf(
  alg: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string | Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (alg !== 'sha256' && alg !== 'sha384') throw new TypeError(`prf: unsupported hash '${String(alg)}'`);
  const spec = hashSpec(alg);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('prf: length must be a non-negative integer');
  const l = typeof label === 'string' ? encoder.encode(label) : label;
  const total = secret.length + l.length + seed.length + length;
  if (total > SCRATCH_SIZE) throw new RangeError('prf: secret, label, seed and output over 64 KiB');
  const m = heap();
  const sp = scratch();
  const seedPtr = sp + secret.length;
  const outPtr = seedPtr + l.length + seed.length;
  m.set(secret, sp);
  m.set(l, seedPtr);
  m.set(seed, seedPtr + l.length);
  wasm().tls12_prf(spec.id, sp, secret.length, seedPtr, l.length + seed.length, outPtr, length);
  const out = m.slice(outPtr, outPtr + length);
  m.fill(0, sp, sp + total);
  return out;
}
