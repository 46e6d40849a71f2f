// Byte permutations of the state, applied to one bitsliced plane (lane p = FIPS-197 state byte
// p = 4 c + r, column c, row r; §3.4). Each is one i8x16.shuffle.

/** ShiftRows (FIPS-197 §5.1.2): s'[r, c] = s[r, (c + r) mod 4]. */
@inline export function shiftRows(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}

/** InvShiftRows (§5.3.1): s'[r, c] = s[r, (c - r) mod 4]. */
@inline export function invShiftRows(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);
}

/** Rotation inside every column by one row: s'[r, c] = s[r + 1 mod 4, c]. */
@inline export function rotRow1(x: v128): v128 {
  return i8x16.shuffle(x, x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}

/** Rotation inside every column by two rows: s'[r, c] = s[r + 2 mod 4, c]. */
@inline export function rotRow2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}

/** rotRow1(shiftRows(x)) in one shuffle. */
@inline export function shiftRowsRot1(x: v128): v128 {
  return i8x16.shuffle(x, x, 5, 10, 15, 0, 9, 14, 3, 4, 13, 2, 7, 8, 1, 6, 11, 12);
}
