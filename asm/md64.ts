// Merkle–Damgård buffering and padding shared by SHA-1 and SHA-256 (FIPS 180-4 §5.1.1), whose blocks are
// 64 bytes and whose contexts share one layout: chaining value at 0, byte count (u64) at 32, buffered byte
// count (u32) at 40, the partial block at 64. Only the compression function differs.

/** Compresses `n` whole blocks at `p` into the chaining value of `ctx`. */
export type Compress64 = (ctx: usize, p: usize, n: usize) => void;

/** Absorbs len bytes at p: whole blocks are compressed straight from p, the rest is buffered. */
@inline
export function md64Update(ctx: usize, p: usize, len: usize, compress: Compress64): void {
  store<u64>(ctx, load<u64>(ctx, 32) + <u64>len, 32);
  let n = <usize>load<u32>(ctx, 40);
  if (n) {
    const k = min<usize>(64 - n, len);
    memory.copy(ctx + 64 + n, p, k);
    n += k; p += k; len -= k;
    if (n < 64) { store<u32>(ctx, <u32>n, 40); return; }
    compress(ctx, ctx + 64, 1);
  }
  const nb = len >> 6;
  if (nb) compress(ctx, p, nb);
  n = len & 63;
  memory.copy(ctx + 64, p + (nb << 6), n);
  store<u32>(ctx, <u32>n, 40);
}

/** Appends the padding and the bit length (§5.1.1) and compresses the last block(s). */
@inline
export function md64Finish(ctx: usize, compress: Compress64): void {
  const buf = ctx + 64;
  let n = <usize>load<u32>(ctx, 40);
  store<u8>(buf + n++, 0x80);
  if (n > 56) { memory.fill(buf + n, 0, 64 - n); compress(ctx, buf, 1); n = 0; }
  memory.fill(buf + n, 0, 56 - n);
  store<u64>(buf, bswap(load<u64>(ctx, 32) << 3), 56);
  compress(ctx, buf, 1);
}
