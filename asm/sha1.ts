// SHA-1 (FIPS 180-4 §6.1), for TLS 1.2 CBC suites' HMAC-SHA1 and legacy signatures. Context block
// (SHA1_CTX bytes): H0..H4 as native u32 at 0, message length in bytes (u64) at 32, bytes buffered (u32) at
// 40, the partial block at 64. a..e live in locals and all 80 rounds are unrolled; the schedule is computed
// with SIMD, four words per v128, into WK = W[t] + K[t], interleaved with the rounds.
import { md64Finish, md64Update } from './md64';
import { count_compressions } from './hash_count';

const SHA1_CTX: usize = 128;

// W[t] + K[t] of the block being compressed.
const WK = memory.data(320, 16);

@inline function rotl1(x: v128): v128 { return v128.or(i32x4.shl(x, 1), i32x4.shr_u(x, 31)); }
@inline function be(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/** Compresses n 64-byte blocks at p into the chaining value of ctx (§6.1.2). */
function sha1_blocks(ctx: usize, p: usize, n: usize): void {
  count_compressions(n); // test builds only (asm/hash_count.ts); nothing in the release build
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12), e = load<u32>(ctx, 16);
  // §4.2.1: K for rounds 0-19, 20-39, 40-59, 60-79.
  const k0 = i32x4.splat(0x5a827999), k1 = i32x4.splat(0x6ed9eba1), k2 = i32x4.splat(0x8f1bbcdc), k3 = i32x4.splat(0xca62c1d6);
  const z = i32x4.splat(0);
  for (; n; n--, p += 64) {
    let w0 = be(v128.load(p, 0)), w1 = be(v128.load(p, 16)), w2 = be(v128.load(p, 32)), w3 = be(v128.load(p, 48)), v: v128;
    let w4: v128, w5: v128, w6: v128, w7: v128;
    v128.store(WK, i32x4.add(w0, k0), 0);
    v128.store(WK, i32x4.add(w1, k0), 16);
    v128.store(WK, i32x4.add(w2, k0), 32);
    v128.store(WK, i32x4.add(w3, k0), 48);
    // §6.1.2 steps 1-4; the roles of a..e rotate instead of moving. Schedule steps (w0..w7 hold W[t-32..t-1]):
    // for t < 32, W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), where lane 3 (W[t+3]) needs W[t] and is
    // fixed up afterwards; for t >= 32, the recurrence applied twice gives
    // W[t] = ROTL2(W[t-6] ^ W[t-16] ^ W[t-28] ^ W[t-32]), four independent lanes.
    e = e + load<u32>(WK, 0) + (d ^ (b & (c ^ d))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 4) + (c ^ (a & (b ^ c))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 8) + (b ^ (e & (a ^ b))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 12) + (a ^ (d & (e ^ a))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 16) + (e ^ (c & (d ^ e))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 20) + (d ^ (b & (c ^ d))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 24) + (c ^ (a & (b ^ c))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 28) + (b ^ (e & (a ^ b))) + rotl(d, 5); e = rotl(e, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w3, z, 1, 2, 3, 4), w2), v128.xor(i32x4.shuffle(w0, w1, 2, 3, 4, 5), w0));
    v = rotl1(v);
    w4 = v128.xor(v, rotl1(i32x4.shuffle(z, v, 0, 0, 0, 4)));
    v128.store(WK, i32x4.add(w4, k0), 64);
    b = b + load<u32>(WK, 32) + (a ^ (d & (e ^ a))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 36) + (e ^ (c & (d ^ e))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 40) + (d ^ (b & (c ^ d))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 44) + (c ^ (a & (b ^ c))) + rotl(e, 5); a = rotl(a, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w4, z, 1, 2, 3, 4), w3), v128.xor(i32x4.shuffle(w1, w2, 2, 3, 4, 5), w1));
    v = rotl1(v);
    w5 = v128.xor(v, rotl1(i32x4.shuffle(z, v, 0, 0, 0, 4)));
    v128.store(WK, i32x4.add(w5, k1), 80);
    c = c + load<u32>(WK, 48) + (b ^ (e & (a ^ b))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 52) + (a ^ (d & (e ^ a))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 56) + (e ^ (c & (d ^ e))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 60) + (d ^ (b & (c ^ d))) + rotl(a, 5); b = rotl(b, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w5, z, 1, 2, 3, 4), w4), v128.xor(i32x4.shuffle(w2, w3, 2, 3, 4, 5), w2));
    v = rotl1(v);
    w6 = v128.xor(v, rotl1(i32x4.shuffle(z, v, 0, 0, 0, 4)));
    v128.store(WK, i32x4.add(w6, k1), 96);
    d = d + load<u32>(WK, 64) + (c ^ (a & (b ^ c))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 68) + (b ^ (e & (a ^ b))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 72) + (a ^ (d & (e ^ a))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 76) + (e ^ (c & (d ^ e))) + rotl(b, 5); c = rotl(c, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w6, z, 1, 2, 3, 4), w5), v128.xor(i32x4.shuffle(w3, w4, 2, 3, 4, 5), w3));
    v = rotl1(v);
    w7 = v128.xor(v, rotl1(i32x4.shuffle(z, v, 0, 0, 0, 4)));
    v128.store(WK, i32x4.add(w7, k1), 112);
    e = e + load<u32>(WK, 80) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 84) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 88) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 92) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w6, w7, 2, 3, 4, 5), w4), v128.xor(w1, w0));
    w0 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w0, k1), 128);
    a = a + load<u32>(WK, 96) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 100) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 104) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 108) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w7, w0, 2, 3, 4, 5), w5), v128.xor(w2, w1));
    w1 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w1, k1), 144);
    b = b + load<u32>(WK, 112) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 116) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 120) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 124) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w0, w1, 2, 3, 4, 5), w6), v128.xor(w3, w2));
    w2 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w2, k2), 160);
    c = c + load<u32>(WK, 128) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 132) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 136) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 140) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w1, w2, 2, 3, 4, 5), w7), v128.xor(w4, w3));
    w3 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w3, k2), 176);
    d = d + load<u32>(WK, 144) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 148) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 152) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 156) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w2, w3, 2, 3, 4, 5), w0), v128.xor(w5, w4));
    w4 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w4, k2), 192);
    e = e + load<u32>(WK, 160) + ((b & c) | (d & (b | c))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 164) + ((a & b) | (c & (a | b))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 168) + ((e & a) | (b & (e | a))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 172) + ((d & e) | (a & (d | e))) + rotl(c, 5); d = rotl(d, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w3, w4, 2, 3, 4, 5), w1), v128.xor(w6, w5));
    w5 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w5, k2), 208);
    a = a + load<u32>(WK, 176) + ((c & d) | (e & (c | d))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 180) + ((b & c) | (d & (b | c))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 184) + ((a & b) | (c & (a | b))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 188) + ((e & a) | (b & (e | a))) + rotl(d, 5); e = rotl(e, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w4, w5, 2, 3, 4, 5), w2), v128.xor(w7, w6));
    w6 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w6, k2), 224);
    b = b + load<u32>(WK, 192) + ((d & e) | (a & (d | e))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 196) + ((c & d) | (e & (c | d))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 200) + ((b & c) | (d & (b | c))) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 204) + ((a & b) | (c & (a | b))) + rotl(e, 5); a = rotl(a, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w5, w6, 2, 3, 4, 5), w3), v128.xor(w0, w7));
    w7 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w7, k3), 240);
    c = c + load<u32>(WK, 208) + ((e & a) | (b & (e | a))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 212) + ((d & e) | (a & (d | e))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 216) + ((c & d) | (e & (c | d))) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 220) + ((b & c) | (d & (b | c))) + rotl(a, 5); b = rotl(b, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w6, w7, 2, 3, 4, 5), w4), v128.xor(w1, w0));
    w0 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w0, k3), 256);
    d = d + load<u32>(WK, 224) + ((a & b) | (c & (a | b))) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 228) + ((e & a) | (b & (e | a))) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 232) + ((d & e) | (a & (d | e))) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 236) + ((c & d) | (e & (c | d))) + rotl(b, 5); c = rotl(c, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w7, w0, 2, 3, 4, 5), w5), v128.xor(w2, w1));
    w1 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w1, k3), 272);
    e = e + load<u32>(WK, 240) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 244) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 248) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 252) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w0, w1, 2, 3, 4, 5), w6), v128.xor(w3, w2));
    w2 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w2, k3), 288);
    a = a + load<u32>(WK, 256) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 260) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 264) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 268) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    v = v128.xor(v128.xor(i32x4.shuffle(w1, w2, 2, 3, 4, 5), w7), v128.xor(w4, w3));
    w3 = v128.or(i32x4.shl(v, 2), i32x4.shr_u(v, 30));
    v128.store(WK, i32x4.add(w3, k3), 304);
    b = b + load<u32>(WK, 272) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 276) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 280) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 284) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 288) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 292) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 296) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    e = e + load<u32>(WK, 300) + (b ^ c ^ d) + rotl(a, 5); b = rotl(b, 30);
    d = d + load<u32>(WK, 304) + (a ^ b ^ c) + rotl(e, 5); a = rotl(a, 30);
    c = c + load<u32>(WK, 308) + (e ^ a ^ b) + rotl(d, 5); e = rotl(e, 30);
    b = b + load<u32>(WK, 312) + (d ^ e ^ a) + rotl(c, 5); d = rotl(d, 30);
    a = a + load<u32>(WK, 316) + (c ^ d ^ e) + rotl(b, 5); c = rotl(c, 30);
    // Step 5: the new chaining value.
    a += load<u32>(ctx, 0); b += load<u32>(ctx, 4); c += load<u32>(ctx, 8); d += load<u32>(ctx, 12); e += load<u32>(ctx, 16);
    store<u32>(ctx, a, 0); store<u32>(ctx, b, 4); store<u32>(ctx, c, 8); store<u32>(ctx, d, 12); store<u32>(ctx, e, 16);
  }
}

/** Starts a SHA-1 computation in ctx (§5.3.1 initial hash value). */
export function sha1_init(ctx: usize): void {
  memory.fill(ctx, 0, SHA1_CTX);
  store<u32>(ctx, 0x67452301, 0);
  store<u32>(ctx, 0xefcdab89, 4);
  store<u32>(ctx, 0x98badcfe, 8);
  store<u32>(ctx, 0x10325476, 12);
  store<u32>(ctx, 0xc3d2e1f0, 16);
}

/** Absorbs len bytes at p. */
export function sha1_update(ctx: usize, p: usize, len: usize): void {
  md64Update(ctx, p, len, sha1_blocks);
}

/** Pads (§5.1.1), writes the 20-byte digest to out and restarts ctx. */
export function sha1_final(ctx: usize, out: usize): void {
  md64Finish(ctx, sha1_blocks);
  for (let i: usize = 0; i < 20; i += 4) store<u32>(out + i, bswap(load<u32>(ctx + i)));
  sha1_init(ctx);
}
