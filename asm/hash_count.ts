// Test instrumentation: a count of compression-function calls (SHA-1, SHA-256, SHA-512/384 blocks), for the
// constant-work tests of asm/cbc_mac.ts. Compiled in only when the build defines the constant
// SANSTLS_COUNT_COMPRESSIONS (asc --use SANSTLS_COUNT_COMPRESSIONS=1, as packages/crypto/test/cbc-mac.test.ts
// does with the entry asm/cbc_mac_counting.ts). The release build (scripts/build-asm.mjs) does not define it:
// `isDefined` is a compile-time constant, the branch is dropped and the counter with it.

let compressions: u32 = 0;

/** Called by the compression functions with the number of blocks they are about to compress. */
@inline export function count_compressions(n: usize): void {
  if (isDefined(SANSTLS_COUNT_COMPRESSIONS)) compressions += <u32>n;
}

/** Blocks compressed since the last reset (counting build only; always 0 otherwise). */
export function compressions_count(): u32 {
  return compressions;
}

export function compressions_reset(): void {
  compressions = 0;
}
