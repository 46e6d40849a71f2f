import { heap, wasm, SCRATCH_SIZE, scratch } from './wasm.js';

/**
 * Constant-time comparison for tags and MACs: the time depends on the lengths only, never on where the
 * inputs differ. Arrays of different lengths are unequal.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const n = a.length;
  if (n > SCRATCH_SIZE / 2) throw new RangeError('constantTimeEqual: inputs over 32 KiB');
  const e = wasm();
  const m = heap();
  const pa = scratch();
  const pb = pa + n;
  m.set(a, pa);
  m.set(b, pb);
  const eq = e.ct_equal(pa, pb, n) === 1;
  m.fill(0, pa, pb + n);
  return eq;
}
