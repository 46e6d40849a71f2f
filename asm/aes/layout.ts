// Layout of an AES context (a block the TypeScript side allocates) and the static work buffers.
// Round keys are stored bitsliced (see bitslice.ts): 8 v128 planes per round key, key byte p of every
// one of the 8 blocks at byte lane p, so AddRoundKey is 8 XORs.

/** u32 at offset 0: the number of rounds Nr (10, 12 or 14; FIPS-197 §5, Fig. 4). */
export const CTX_NR: usize = 0;
/** Offset of round key 0; round key r is 128 bytes at CTX_RK + 128 r. */
export const CTX_RK: usize = 64;
/** Bytes of one bitsliced round key (8 planes of 16 bytes). */
export const RK_BYTES: usize = 128;
/** Context bytes: enough for AES-256 (15 round keys). */
export const CTX_SIZE: usize = CTX_RK + 15 * RK_BYTES;

// Module-static work buffers. They hold key-dependent data during a call and are wiped before every
// export returns (wipe()). A pass handles up to 16 blocks: two groups of 8, interleaved (cipher.ts).
/** The 8 bitsliced planes of the first group of a pass. */
export const Q: usize = memory.data(128, 16);
/** The 8 bitsliced planes of the second group. */
export const Q2: usize = memory.data(128, 16);
/** 16 blocks in byte order: counter blocks, keystream, a zero-padded partial group. */
export const BUF: usize = memory.data(256, 16);
/** Copy of the ciphertext blocks of a CBC-decrypt pass (they chain into the next plaintexts). */
export const CBUF: usize = memory.data(256, 16);
/** The byte-order key schedule w[0..4(Nr+1)) during key expansion (FIPS-197 §5.2). */
export const W: usize = memory.data(240, 16);

/** Zeroes the static buffers: no key schedule, keystream or plaintext outlives a call. */
export function wipe(): void {
  const z = i64x2.splat(0);
  for (let o: usize = 0; o < 128; o += 16) {
    v128.store(Q + o, z);
    v128.store(Q2 + o, z);
  }
  for (let o: usize = 0; o < 256; o += 16) {
    v128.store(BUF + o, z);
    v128.store(CBUF + o, z);
  }
  for (let o: usize = 0; o < 240; o += 16) v128.store(W + o, z);
}
