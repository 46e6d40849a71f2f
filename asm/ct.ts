/**
 * Constant-time equality of two byte strings of equal length: the running time depends on `len` only.
 * Returns 1 when equal, 0 otherwise, with no early exit (tag and MAC checks, RFC 5246 §6.2.3.2 note).
 */
export function ct_equal(a: usize, b: usize, len: usize): u32 {
  let acc: u32 = 0;
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) {
    const x = load<u64>(a + i) ^ load<u64>(b + i);
    acc |= <u32>x | <u32>(x >>> 32);
  }
  for (; i < len; i++) acc |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  // acc == 0 -> 1, else 0, without a branch: (acc | -acc) has its top bit set iff acc != 0.
  return 1 ^ ((acc | (0 - acc)) >>> 31);
}
