// Branch-free helpers on small non-negative integers (< 2^30): masks are -1 (all ones) or 0. They keep
// secret values (padding length, MAC position) out of branches and array indices; JavaScript engines make
// no hard timing promises: the WASM `tls_cbc_mte_open` (crypto cbc-mac.ts) is the path for the WASM Hmac; this is the fallback.

/** -1 when a < b, else 0. */
export const ltMask = (a: number, b: number): number => (a - b) >> 31;

/** -1 when x !== 0, else 0. */
export const nonZeroMask = (x: number): number => (x | -x) >> 31;

/** -1 when a === b, else 0. */
export const eqMask = (a: number, b: number): number => ~nonZeroMask(a ^ b);

/** OR of a[i] ^ b[i] over n bytes: 0 iff equal. Time depends on n only. */
export function diffBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, n: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d |= a[aOff + i]! ^ b[bOff + i]!;
  return d;
}
