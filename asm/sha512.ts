// SHA-512 (FIPS 180-4 §6.4) and SHA-384 (§6.5: other initial value, digest truncated to 48 bytes).
// Context block (SHA512_CTX bytes): H0..H7 as native u64 at 0, message length in bytes (u64) at 64, bytes
// buffered (u32) at 72, the partial block at 128. As in sha256.ts, a..h live in locals and all 80 rounds are
// unrolled; the schedule is computed with SIMD (two words per v128) into WK = W[t] + K[t], interleaved with
// the rounds.
import { count_compressions } from './hash_count';

const SHA512_CTX: usize = 256;

// §4.2.3: K[t], the first 64 bits of the fractional parts of the cube roots of the first 80 primes.
const K = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
], 16);
// W[t] + K[t] of the block being compressed.
const WK = memory.data(640, 16);

@inline function S0(x: u64): u64 { return rotr(x, 28) ^ rotr(x, 34) ^ rotr(x, 39); }
@inline function S1(x: u64): u64 { return rotr(x, 14) ^ rotr(x, 18) ^ rotr(x, 41); }
// σ0 = ROTR1 ^ ROTR8 ^ SHR7 and σ1 = ROTR19 ^ ROTR61 ^ SHR6 on two lanes (§4.1.3); ROTR8 is a byte shuffle.
@inline function s0(x: v128): v128 {
  const r8 = i8x16.shuffle(x, x, 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8);
  return v128.xor(v128.xor(v128.xor(i64x2.shr_u(x, 1), i64x2.shl(x, 63)), r8), i64x2.shr_u(x, 7));
}
@inline function s1(x: v128): v128 {
  return v128.xor(v128.xor(v128.xor(i64x2.shr_u(x, 19), i64x2.shl(x, 45)), v128.xor(i64x2.shr_u(x, 61), i64x2.shl(x, 3))), i64x2.shr_u(x, 6));
}
// Two big-endian words to native order.
@inline function be(x: v128): v128 {
  return i8x16.shuffle(x, x, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
}

/** Compresses n 128-byte blocks at p into the chaining value of ctx (§6.4.2). */
function sha512_blocks(ctx: usize, p: usize, n: usize): void {
  count_compressions(n); // test builds only (asm/hash_count.ts); nothing in the release build
  let a = load<u64>(ctx, 0), b = load<u64>(ctx, 8), c = load<u64>(ctx, 16), d = load<u64>(ctx, 24);
  let e = load<u64>(ctx, 32), f = load<u64>(ctx, 40), g = load<u64>(ctx, 48), h = load<u64>(ctx, 56);
  for (; n; n--, p += 128) {
    let w0 = be(v128.load(p, 0)), w1 = be(v128.load(p, 16)), w2 = be(v128.load(p, 32)), w3 = be(v128.load(p, 48));
    let w4 = be(v128.load(p, 64)), w5 = be(v128.load(p, 80)), w6 = be(v128.load(p, 96)), w7 = be(v128.load(p, 112));
    v128.store(WK, i64x2.add(w0, v128.load(K, 0)), 0);
    v128.store(WK, i64x2.add(w1, v128.load(K, 16)), 16);
    v128.store(WK, i64x2.add(w2, v128.load(K, 32)), 32);
    v128.store(WK, i64x2.add(w3, v128.load(K, 48)), 48);
    v128.store(WK, i64x2.add(w4, v128.load(K, 64)), 64);
    v128.store(WK, i64x2.add(w5, v128.load(K, 80)), 80);
    v128.store(WK, i64x2.add(w6, v128.load(K, 96)), 96);
    v128.store(WK, i64x2.add(w7, v128.load(K, 112)), 112);
    let x: u64, y = b ^ c; // y: a ^ b of the previous round, for Maj
    // §6.4.2 steps 1-3, the schedule (two words per step) running a few rounds ahead of its use. Each round:
    // h += W+K + Ch + Σ1(e); d += h; h += Maj + Σ0(a), with Ch = g ^ (e & (f ^ g)) and Maj = b ^ ((a ^ b) &
    // (b ^ c)), b ^ c being the previous round's a ^ b (x, y alternate). The roles of a..h rotate instead of moving.
    h = h + load<u64>(WK, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 8) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    f = f + load<u64>(WK, 16) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 24) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    d = d + load<u64>(WK, 32) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 40) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w0 = i64x2.add(i64x2.add(w0, s0(i64x2.shuffle(w0, w1, 1, 2))), i64x2.add(i64x2.shuffle(w4, w5, 1, 2), s1(w7)));
    v128.store(WK, i64x2.add(w0, v128.load(K, 128)), 128);
    b = b + load<u64>(WK, 48) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 56) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w1 = i64x2.add(i64x2.add(w1, s0(i64x2.shuffle(w1, w2, 1, 2))), i64x2.add(i64x2.shuffle(w5, w6, 1, 2), s1(w0)));
    v128.store(WK, i64x2.add(w1, v128.load(K, 144)), 144);
    h = h + load<u64>(WK, 64) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 72) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w2 = i64x2.add(i64x2.add(w2, s0(i64x2.shuffle(w2, w3, 1, 2))), i64x2.add(i64x2.shuffle(w6, w7, 1, 2), s1(w1)));
    v128.store(WK, i64x2.add(w2, v128.load(K, 160)), 160);
    f = f + load<u64>(WK, 80) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 88) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w3 = i64x2.add(i64x2.add(w3, s0(i64x2.shuffle(w3, w4, 1, 2))), i64x2.add(i64x2.shuffle(w7, w0, 1, 2), s1(w2)));
    v128.store(WK, i64x2.add(w3, v128.load(K, 176)), 176);
    d = d + load<u64>(WK, 96) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 104) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w4 = i64x2.add(i64x2.add(w4, s0(i64x2.shuffle(w4, w5, 1, 2))), i64x2.add(i64x2.shuffle(w0, w1, 1, 2), s1(w3)));
    v128.store(WK, i64x2.add(w4, v128.load(K, 192)), 192);
    b = b + load<u64>(WK, 112) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 120) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w5 = i64x2.add(i64x2.add(w5, s0(i64x2.shuffle(w5, w6, 1, 2))), i64x2.add(i64x2.shuffle(w1, w2, 1, 2), s1(w4)));
    v128.store(WK, i64x2.add(w5, v128.load(K, 208)), 208);
    h = h + load<u64>(WK, 128) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 136) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w6 = i64x2.add(i64x2.add(w6, s0(i64x2.shuffle(w6, w7, 1, 2))), i64x2.add(i64x2.shuffle(w2, w3, 1, 2), s1(w5)));
    v128.store(WK, i64x2.add(w6, v128.load(K, 224)), 224);
    f = f + load<u64>(WK, 144) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 152) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w7 = i64x2.add(i64x2.add(w7, s0(i64x2.shuffle(w7, w0, 1, 2))), i64x2.add(i64x2.shuffle(w3, w4, 1, 2), s1(w6)));
    v128.store(WK, i64x2.add(w7, v128.load(K, 240)), 240);
    d = d + load<u64>(WK, 160) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 168) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w0 = i64x2.add(i64x2.add(w0, s0(i64x2.shuffle(w0, w1, 1, 2))), i64x2.add(i64x2.shuffle(w4, w5, 1, 2), s1(w7)));
    v128.store(WK, i64x2.add(w0, v128.load(K, 256)), 256);
    b = b + load<u64>(WK, 176) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 184) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w1 = i64x2.add(i64x2.add(w1, s0(i64x2.shuffle(w1, w2, 1, 2))), i64x2.add(i64x2.shuffle(w5, w6, 1, 2), s1(w0)));
    v128.store(WK, i64x2.add(w1, v128.load(K, 272)), 272);
    h = h + load<u64>(WK, 192) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 200) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w2 = i64x2.add(i64x2.add(w2, s0(i64x2.shuffle(w2, w3, 1, 2))), i64x2.add(i64x2.shuffle(w6, w7, 1, 2), s1(w1)));
    v128.store(WK, i64x2.add(w2, v128.load(K, 288)), 288);
    f = f + load<u64>(WK, 208) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 216) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w3 = i64x2.add(i64x2.add(w3, s0(i64x2.shuffle(w3, w4, 1, 2))), i64x2.add(i64x2.shuffle(w7, w0, 1, 2), s1(w2)));
    v128.store(WK, i64x2.add(w3, v128.load(K, 304)), 304);
    d = d + load<u64>(WK, 224) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 232) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w4 = i64x2.add(i64x2.add(w4, s0(i64x2.shuffle(w4, w5, 1, 2))), i64x2.add(i64x2.shuffle(w0, w1, 1, 2), s1(w3)));
    v128.store(WK, i64x2.add(w4, v128.load(K, 320)), 320);
    b = b + load<u64>(WK, 240) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 248) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w5 = i64x2.add(i64x2.add(w5, s0(i64x2.shuffle(w5, w6, 1, 2))), i64x2.add(i64x2.shuffle(w1, w2, 1, 2), s1(w4)));
    v128.store(WK, i64x2.add(w5, v128.load(K, 336)), 336);
    h = h + load<u64>(WK, 256) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 264) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w6 = i64x2.add(i64x2.add(w6, s0(i64x2.shuffle(w6, w7, 1, 2))), i64x2.add(i64x2.shuffle(w2, w3, 1, 2), s1(w5)));
    v128.store(WK, i64x2.add(w6, v128.load(K, 352)), 352);
    f = f + load<u64>(WK, 272) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 280) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w7 = i64x2.add(i64x2.add(w7, s0(i64x2.shuffle(w7, w0, 1, 2))), i64x2.add(i64x2.shuffle(w3, w4, 1, 2), s1(w6)));
    v128.store(WK, i64x2.add(w7, v128.load(K, 368)), 368);
    d = d + load<u64>(WK, 288) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 296) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w0 = i64x2.add(i64x2.add(w0, s0(i64x2.shuffle(w0, w1, 1, 2))), i64x2.add(i64x2.shuffle(w4, w5, 1, 2), s1(w7)));
    v128.store(WK, i64x2.add(w0, v128.load(K, 384)), 384);
    b = b + load<u64>(WK, 304) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 312) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w1 = i64x2.add(i64x2.add(w1, s0(i64x2.shuffle(w1, w2, 1, 2))), i64x2.add(i64x2.shuffle(w5, w6, 1, 2), s1(w0)));
    v128.store(WK, i64x2.add(w1, v128.load(K, 400)), 400);
    h = h + load<u64>(WK, 320) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 328) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w2 = i64x2.add(i64x2.add(w2, s0(i64x2.shuffle(w2, w3, 1, 2))), i64x2.add(i64x2.shuffle(w6, w7, 1, 2), s1(w1)));
    v128.store(WK, i64x2.add(w2, v128.load(K, 416)), 416);
    f = f + load<u64>(WK, 336) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 344) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w3 = i64x2.add(i64x2.add(w3, s0(i64x2.shuffle(w3, w4, 1, 2))), i64x2.add(i64x2.shuffle(w7, w0, 1, 2), s1(w2)));
    v128.store(WK, i64x2.add(w3, v128.load(K, 432)), 432);
    d = d + load<u64>(WK, 352) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 360) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w4 = i64x2.add(i64x2.add(w4, s0(i64x2.shuffle(w4, w5, 1, 2))), i64x2.add(i64x2.shuffle(w0, w1, 1, 2), s1(w3)));
    v128.store(WK, i64x2.add(w4, v128.load(K, 448)), 448);
    b = b + load<u64>(WK, 368) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 376) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w5 = i64x2.add(i64x2.add(w5, s0(i64x2.shuffle(w5, w6, 1, 2))), i64x2.add(i64x2.shuffle(w1, w2, 1, 2), s1(w4)));
    v128.store(WK, i64x2.add(w5, v128.load(K, 464)), 464);
    h = h + load<u64>(WK, 384) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 392) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w6 = i64x2.add(i64x2.add(w6, s0(i64x2.shuffle(w6, w7, 1, 2))), i64x2.add(i64x2.shuffle(w2, w3, 1, 2), s1(w5)));
    v128.store(WK, i64x2.add(w6, v128.load(K, 480)), 480);
    f = f + load<u64>(WK, 400) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 408) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w7 = i64x2.add(i64x2.add(w7, s0(i64x2.shuffle(w7, w0, 1, 2))), i64x2.add(i64x2.shuffle(w3, w4, 1, 2), s1(w6)));
    v128.store(WK, i64x2.add(w7, v128.load(K, 496)), 496);
    d = d + load<u64>(WK, 416) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 424) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w0 = i64x2.add(i64x2.add(w0, s0(i64x2.shuffle(w0, w1, 1, 2))), i64x2.add(i64x2.shuffle(w4, w5, 1, 2), s1(w7)));
    v128.store(WK, i64x2.add(w0, v128.load(K, 512)), 512);
    b = b + load<u64>(WK, 432) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 440) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w1 = i64x2.add(i64x2.add(w1, s0(i64x2.shuffle(w1, w2, 1, 2))), i64x2.add(i64x2.shuffle(w5, w6, 1, 2), s1(w0)));
    v128.store(WK, i64x2.add(w1, v128.load(K, 528)), 528);
    h = h + load<u64>(WK, 448) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 456) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w2 = i64x2.add(i64x2.add(w2, s0(i64x2.shuffle(w2, w3, 1, 2))), i64x2.add(i64x2.shuffle(w6, w7, 1, 2), s1(w1)));
    v128.store(WK, i64x2.add(w2, v128.load(K, 544)), 544);
    f = f + load<u64>(WK, 464) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 472) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w3 = i64x2.add(i64x2.add(w3, s0(i64x2.shuffle(w3, w4, 1, 2))), i64x2.add(i64x2.shuffle(w7, w0, 1, 2), s1(w2)));
    v128.store(WK, i64x2.add(w3, v128.load(K, 560)), 560);
    d = d + load<u64>(WK, 480) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 488) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    w4 = i64x2.add(i64x2.add(w4, s0(i64x2.shuffle(w4, w5, 1, 2))), i64x2.add(i64x2.shuffle(w0, w1, 1, 2), s1(w3)));
    v128.store(WK, i64x2.add(w4, v128.load(K, 576)), 576);
    b = b + load<u64>(WK, 496) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 504) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    w5 = i64x2.add(i64x2.add(w5, s0(i64x2.shuffle(w5, w6, 1, 2))), i64x2.add(i64x2.shuffle(w1, w2, 1, 2), s1(w4)));
    v128.store(WK, i64x2.add(w5, v128.load(K, 592)), 592);
    h = h + load<u64>(WK, 512) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 520) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    w6 = i64x2.add(i64x2.add(w6, s0(i64x2.shuffle(w6, w7, 1, 2))), i64x2.add(i64x2.shuffle(w2, w3, 1, 2), s1(w5)));
    v128.store(WK, i64x2.add(w6, v128.load(K, 608)), 608);
    f = f + load<u64>(WK, 528) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 536) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    w7 = i64x2.add(i64x2.add(w7, s0(i64x2.shuffle(w7, w0, 1, 2))), i64x2.add(i64x2.shuffle(w3, w4, 1, 2), s1(w6)));
    v128.store(WK, i64x2.add(w7, v128.load(K, 624)), 624);
    d = d + load<u64>(WK, 544) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 552) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    b = b + load<u64>(WK, 560) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 568) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    h = h + load<u64>(WK, 576) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + load<u64>(WK, 584) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    f = f + load<u64>(WK, 592) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + load<u64>(WK, 600) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    d = d + load<u64>(WK, 608) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + load<u64>(WK, 616) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    b = b + load<u64>(WK, 624) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + load<u64>(WK, 632) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    // Step 4: the new chaining value.
    a += load<u64>(ctx, 0); b += load<u64>(ctx, 8); c += load<u64>(ctx, 16); d += load<u64>(ctx, 24);
    e += load<u64>(ctx, 32); f += load<u64>(ctx, 40); g += load<u64>(ctx, 48); h += load<u64>(ctx, 56);
    store<u64>(ctx, a, 0); store<u64>(ctx, b, 8); store<u64>(ctx, c, 16); store<u64>(ctx, d, 24);
    store<u64>(ctx, e, 32); store<u64>(ctx, f, 40); store<u64>(ctx, g, 48); store<u64>(ctx, h, 56);
  }
}

/** Starts a SHA-512 computation in ctx (§5.3.5 initial hash value). */
export function sha512_init(ctx: usize): void {
  memory.fill(ctx, 0, SHA512_CTX);
  store<u64>(ctx, 0x6a09e667f3bcc908, 0);
  store<u64>(ctx, 0xbb67ae8584caa73b, 8);
  store<u64>(ctx, 0x3c6ef372fe94f82b, 16);
  store<u64>(ctx, 0xa54ff53a5f1d36f1, 24);
  store<u64>(ctx, 0x510e527fade682d1, 32);
  store<u64>(ctx, 0x9b05688c2b3e6c1f, 40);
  store<u64>(ctx, 0x1f83d9abfb41bd6b, 48);
  store<u64>(ctx, 0x5be0cd19137e2179, 56);
}

/** Starts a SHA-384 computation in ctx (§5.3.4 initial hash value). */
export function sha384_init(ctx: usize): void {
  memory.fill(ctx, 0, SHA512_CTX);
  store<u64>(ctx, 0xcbbb9d5dc1059ed8, 0);
  store<u64>(ctx, 0x629a292a367cd507, 8);
  store<u64>(ctx, 0x9159015a3070dd17, 16);
  store<u64>(ctx, 0x152fecd8f70e5939, 24);
  store<u64>(ctx, 0x67332667ffc00b31, 32);
  store<u64>(ctx, 0x8eb44a8768581511, 40);
  store<u64>(ctx, 0xdb0c2e0d64f98fa7, 48);
  store<u64>(ctx, 0x47b5481dbefa4fa4, 56);
}

/** Absorbs len bytes at p (SHA-512 and SHA-384). */
export function sha512_update(ctx: usize, p: usize, len: usize): void {
  store<u64>(ctx, load<u64>(ctx, 64) + <u64>len, 64);
  let n = <usize>load<u32>(ctx, 72);
  if (n) {
    const k = min<usize>(128 - n, len);
    memory.copy(ctx + 128 + n, p, k);
    n += k; p += k; len -= k;
    if (n < 128) { store<u32>(ctx, <u32>n, 72); return; }
    sha512_blocks(ctx, ctx + 128, 1);
  }
  const nb = len >> 7;
  if (nb) sha512_blocks(ctx, p, nb);
  n = len & 127;
  memory.copy(ctx + 128, p + (nb << 7), n);
  store<u32>(ctx, <u32>n, 72);
}

// Pads (§5.1.2: a 128-bit length; byte counts below 2^64 give its upper half as len >> 61) and compresses.
function sha512_pad(ctx: usize): void {
  const buf = ctx + 128;
  let n = <usize>load<u32>(ctx, 72);
  store<u8>(buf + n++, 0x80);
  if (n > 112) { memory.fill(buf + n, 0, 128 - n); sha512_blocks(ctx, buf, 1); n = 0; }
  memory.fill(buf + n, 0, 112 - n);
  const len = load<u64>(ctx, 64);
  store<u64>(buf, bswap(len >> 61), 112);
  store<u64>(buf, bswap(len << 3), 120);
  sha512_blocks(ctx, buf, 1);
}

/** Writes the 64-byte SHA-512 digest to out and restarts ctx. */
export function sha512_final(ctx: usize, out: usize): void {
  sha512_pad(ctx);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(out + i, bswap(load<u64>(ctx + i)));
  sha512_init(ctx);
}

/** Writes the 48-byte SHA-384 digest (H0..H5) to out and restarts ctx. */
export function sha384_final(ctx: usize, out: usize): void {
  sha512_pad(ctx);
  for (let i: usize = 0; i < 48; i += 8) store<u64>(out + i, bswap(load<u64>(ctx + i)));
  sha384_init(ctx);
}
