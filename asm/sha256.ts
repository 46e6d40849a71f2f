// SHA-256 (FIPS 180-4 §6.2). Context block (SHA256_CTX bytes): H0..H7 as native u32 at 0, message length
// in bytes (u64) at 32, bytes buffered (u32) at 40, the partial block at 64. The compression function keeps
// a..h in locals and runs all 64 rounds unrolled; the message schedule is computed with SIMD, four words per
// v128, interleaved with the rounds, which take W[t] + K[t] from lanes of a v128 local.
import { md64Finish, md64Update } from './md64';
import { count_compressions } from './hash_count';

const SHA256_CTX: usize = 128;

// §4.2.2: K[t], the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
], 16);
// Σ0 = ROTR2 ^ ROTR13 ^ ROTR22, Σ1 = ROTR6 ^ ROTR11 ^ ROTR25 (§4.1.2). Σ0 in nested form: fewer registers.
@inline function S0(x: u32): u32 { return rotr(x ^ rotr(x, 11) ^ rotr(x, 20), 2); }
@inline function S1(x: u32): u32 { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
// σ0 = ROTR7 ^ ROTR18 ^ SHR3 and σ1 = ROTR17 ^ ROTR19 ^ SHR10 on four lanes (§4.1.2).
@inline function s0(x: v128): v128 {
  return v128.xor(v128.xor(v128.xor(i32x4.shr_u(x, 7), i32x4.shl(x, 25)), v128.xor(i32x4.shr_u(x, 18), i32x4.shl(x, 14))), i32x4.shr_u(x, 3));
}
@inline function s1(x: v128): v128 {
  return v128.xor(v128.xor(v128.xor(i32x4.shr_u(x, 17), i32x4.shl(x, 15)), v128.xor(i32x4.shr_u(x, 19), i32x4.shl(x, 13))), i32x4.shr_u(x, 10));
}
// Four big-endian words to native order.
@inline function be(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/** Compresses n 64-byte blocks at p into the chaining value of ctx (§6.2.2). */
function sha256_blocks(ctx: usize, p: usize, n: usize): void {
  count_compressions(n); // test builds only (asm/hash_count.ts); nothing in the release build
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12);
  let e = load<u32>(ctx, 16), f = load<u32>(ctx, 20), g = load<u32>(ctx, 24), h = load<u32>(ctx, 28);
  const z = i32x4.splat(0);
  for (; n; n--, p += 64) {
    let w0 = be(v128.load(p, 0)), w1 = be(v128.load(p, 16)), w2 = be(v128.load(p, 32)), w3 = be(v128.load(p, 48));
    // §6.2.2 steps 1-3. Each round: h += W+K + Ch + Σ1(e); d += h; h += Maj + Σ0(a), with Ch = g ^ (e & (f ^ g))
    // and Maj = b ^ ((a ^ b) & (b ^ c)), b ^ c being the previous round's a ^ b (x, y alternate). The roles of
    // a..h rotate instead of moving. Schedule steps: W[t..t+3] from W[t-16..t-1]; W[t+2], W[t+3] need σ1 of
    // W[t], W[t+1], hence two σ1 passes.
    let v: v128, k: v128, x: u32, y = b ^ c;
    k = i32x4.add(w0, v128.load(K, 0));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w1, v128.load(K, 16));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w2, v128.load(K, 32));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w3, v128.load(K, 48));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w0, v128.load(K, 64));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w1, v128.load(K, 80));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w2, v128.load(K, 96));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w3, v128.load(K, 112));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w0, v128.load(K, 128));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w1, v128.load(K, 144));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w2, v128.load(K, 160));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w3, v128.load(K, 176));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w0, v128.load(K, 192));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w1, v128.load(K, 208));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    k = i32x4.add(w2, v128.load(K, 224));
    h = h + i32x4.extract_lane(k, 0) + (g ^ (e & (f ^ g))) + S1(e); d += h; x = a ^ b; h = h + (b ^ (x & y)) + S0(a);
    g = g + i32x4.extract_lane(k, 1) + (f ^ (d & (e ^ f))) + S1(d); c += g; y = h ^ a; g = g + (a ^ (y & x)) + S0(h);
    f = f + i32x4.extract_lane(k, 2) + (e ^ (c & (d ^ e))) + S1(c); b += f; x = g ^ h; f = f + (h ^ (x & y)) + S0(g);
    e = e + i32x4.extract_lane(k, 3) + (d ^ (b & (c ^ d))) + S1(b); a += e; y = f ^ g; e = e + (g ^ (y & x)) + S0(f);
    k = i32x4.add(w3, v128.load(K, 240));
    d = d + i32x4.extract_lane(k, 0) + (c ^ (a & (b ^ c))) + S1(a); h += d; x = e ^ f; d = d + (f ^ (x & y)) + S0(e);
    c = c + i32x4.extract_lane(k, 1) + (b ^ (h & (a ^ b))) + S1(h); g += c; y = d ^ e; c = c + (e ^ (y & x)) + S0(d);
    b = b + i32x4.extract_lane(k, 2) + (a ^ (g & (h ^ a))) + S1(g); f += b; x = c ^ d; b = b + (d ^ (x & y)) + S0(c);
    a = a + i32x4.extract_lane(k, 3) + (h ^ (f & (g ^ h))) + S1(f); e += a; y = b ^ c; a = a + (c ^ (y & x)) + S0(b);
    // Step 4: the new chaining value.
    a += load<u32>(ctx, 0); b += load<u32>(ctx, 4); c += load<u32>(ctx, 8); d += load<u32>(ctx, 12);
    e += load<u32>(ctx, 16); f += load<u32>(ctx, 20); g += load<u32>(ctx, 24); h += load<u32>(ctx, 28);
    store<u32>(ctx, a, 0); store<u32>(ctx, b, 4); store<u32>(ctx, c, 8); store<u32>(ctx, d, 12);
    store<u32>(ctx, e, 16); store<u32>(ctx, f, 20); store<u32>(ctx, g, 24); store<u32>(ctx, h, 28);
  }
}

/** Starts a SHA-256 computation in ctx (§5.3.3 initial hash value). */
export function sha256_init(ctx: usize): void {
  memory.fill(ctx, 0, SHA256_CTX);
  store<u32>(ctx, 0x6a09e667, 0);
  store<u32>(ctx, 0xbb67ae85, 4);
  store<u32>(ctx, 0x3c6ef372, 8);
  store<u32>(ctx, 0xa54ff53a, 12);
  store<u32>(ctx, 0x510e527f, 16);
  store<u32>(ctx, 0x9b05688c, 20);
  store<u32>(ctx, 0x1f83d9ab, 24);
  store<u32>(ctx, 0x5be0cd19, 28);
}

/** Absorbs len bytes at p. */
export function sha256_update(ctx: usize, p: usize, len: usize): void {
  md64Update(ctx, p, len, sha256_blocks);
}

/** Pads (§5.1.1), writes the 32-byte digest to out and restarts ctx. */
export function sha256_final(ctx: usize, out: usize): void {
  md64Finish(ctx, sha256_blocks);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap(load<u32>(ctx + i)));
  sha256_init(ctx);
}
