// SHA-256 (FIPS 180-4 §6.2). Context block (SHA256_CTX bytes): H0..H7 as native u32 at 0, message length
// in bytes (u64) at 32, bytes buffered (u32) at 40, the partial block at 64. The compression function keeps
// a..h in locals, computes the message schedule with SIMD into WK (W[t] + K[t]), and runs all 64 rounds unrolled.

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
// W[t] + K[t] of the block being compressed.
const WK = memory.data(256, 16);

@inline function S0(x: u32): u32 { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
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
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12);
  let e = load<u32>(ctx, 16), f = load<u32>(ctx, 20), g = load<u32>(ctx, 24), h = load<u32>(ctx, 28);
  const z = i32x4.splat(0);
  for (; n; n--, p += 64) {
    let w0 = be(v128.load(p, 0)), w1 = be(v128.load(p, 16)), w2 = be(v128.load(p, 32)), w3 = be(v128.load(p, 48));
    v128.store(WK, i32x4.add(w0, v128.load(K, 0)), 0);
    v128.store(WK, i32x4.add(w1, v128.load(K, 16)), 16);
    v128.store(WK, i32x4.add(w2, v128.load(K, 32)), 32);
    v128.store(WK, i32x4.add(w3, v128.load(K, 48)), 48);
    let v: v128, t: u32, u: u32, x: u32, y = b ^ c; // y: a ^ b of the previous round, for Maj
    // §6.2.2 steps 1-3, interleaved: the schedule (SIMD, four words per step: W[t+2], W[t+3] need σ1 of W[t],
    // W[t+1]) runs ahead of the rounds (a..h roles rotate instead of moving; t = h + W + K, u = Σ1 + Ch).
    t = h + load<u32>(WK, 0); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 4); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w0, v128.load(K, 64)), 64);
    t = f + load<u32>(WK, 8); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 12); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 16); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 20); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w1, v128.load(K, 80)), 80);
    t = b + load<u32>(WK, 24); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 28); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 32); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 36); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w2, v128.load(K, 96)), 96);
    t = f + load<u32>(WK, 40); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 44); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 48); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 52); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w3, v128.load(K, 112)), 112);
    t = b + load<u32>(WK, 56); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 60); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 64); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 68); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w0, v128.load(K, 128)), 128);
    t = f + load<u32>(WK, 72); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 76); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 80); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 84); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w1, v128.load(K, 144)), 144);
    t = b + load<u32>(WK, 88); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 92); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 96); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 100); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w2, v128.load(K, 160)), 160);
    t = f + load<u32>(WK, 104); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 108); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 112); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 116); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w3, v128.load(K, 176)), 176);
    t = b + load<u32>(WK, 120); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 124); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 128); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 132); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w0, s0(i32x4.shuffle(w0, w1, 1, 2, 3, 4))), i32x4.shuffle(w2, w3, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w3), z, 2, 3, 4, 4));
    w0 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w0, v128.load(K, 192)), 192);
    t = f + load<u32>(WK, 136); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 140); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 144); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 148); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w1, s0(i32x4.shuffle(w1, w2, 1, 2, 3, 4))), i32x4.shuffle(w3, w0, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w0), z, 2, 3, 4, 4));
    w1 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w1, v128.load(K, 208)), 208);
    t = b + load<u32>(WK, 152); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 156); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 160); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 164); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w2, s0(i32x4.shuffle(w2, w3, 1, 2, 3, 4))), i32x4.shuffle(w0, w1, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w1), z, 2, 3, 4, 4));
    w2 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w2, v128.load(K, 224)), 224);
    t = f + load<u32>(WK, 168); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 172); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 176); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 180); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    v = i32x4.add(i32x4.add(w3, s0(i32x4.shuffle(w3, w0, 1, 2, 3, 4))), i32x4.shuffle(w1, w2, 1, 2, 3, 4));
    v = i32x4.add(v, i32x4.shuffle(s1(w2), z, 2, 3, 4, 4));
    w3 = i32x4.add(v, i32x4.shuffle(z, s1(v), 0, 0, 4, 5));
    v128.store(WK, i32x4.add(w3, v128.load(K, 240)), 240);
    t = b + load<u32>(WK, 184); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 188); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 192); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 196); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    t = f + load<u32>(WK, 200); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 204); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 208); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 212); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    t = b + load<u32>(WK, 216); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 220); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
    t = h + load<u32>(WK, 224); u = S1(e) + (g ^ (e & (f ^ g))); d = d + t + u; x = a ^ b; h = t + S0(a) + (b ^ (x & y)) + u;
    t = g + load<u32>(WK, 228); u = S1(d) + (f ^ (d & (e ^ f))); c = c + t + u; y = h ^ a; g = t + S0(h) + (a ^ (y & x)) + u;
    t = f + load<u32>(WK, 232); u = S1(c) + (e ^ (c & (d ^ e))); b = b + t + u; x = g ^ h; f = t + S0(g) + (h ^ (x & y)) + u;
    t = e + load<u32>(WK, 236); u = S1(b) + (d ^ (b & (c ^ d))); a = a + t + u; y = f ^ g; e = t + S0(f) + (g ^ (y & x)) + u;
    t = d + load<u32>(WK, 240); u = S1(a) + (c ^ (a & (b ^ c))); h = h + t + u; x = e ^ f; d = t + S0(e) + (f ^ (x & y)) + u;
    t = c + load<u32>(WK, 244); u = S1(h) + (b ^ (h & (a ^ b))); g = g + t + u; y = d ^ e; c = t + S0(d) + (e ^ (y & x)) + u;
    t = b + load<u32>(WK, 248); u = S1(g) + (a ^ (g & (h ^ a))); f = f + t + u; x = c ^ d; b = t + S0(c) + (d ^ (x & y)) + u;
    t = a + load<u32>(WK, 252); u = S1(f) + (h ^ (f & (g ^ h))); e = e + t + u; y = b ^ c; a = t + S0(b) + (c ^ (y & x)) + u;
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

/** Absorbs len bytes at p. Whole blocks are compressed straight from p; the rest is buffered. */
export function sha256_update(ctx: usize, p: usize, len: usize): void {
  store<u64>(ctx, load<u64>(ctx, 32) + <u64>len, 32);
  let n = <usize>load<u32>(ctx, 40);
  if (n) {
    const k = min<usize>(64 - n, len);
    memory.copy(ctx + 64 + n, p, k);
    n += k; p += k; len -= k;
    if (n < 64) { store<u32>(ctx, <u32>n, 40); return; }
    sha256_blocks(ctx, ctx + 64, 1);
  }
  const nb = len >> 6;
  if (nb) sha256_blocks(ctx, p, nb);
  n = len & 63;
  memory.copy(ctx + 64, p + (nb << 6), n);
  store<u32>(ctx, <u32>n, 40);
}

/** Pads (§5.1.1), writes the 32-byte digest to out and restarts ctx. */
export function sha256_final(ctx: usize, out: usize): void {
  const buf = ctx + 64;
  let n = <usize>load<u32>(ctx, 40);
  store<u8>(buf + n++, 0x80);
  if (n > 56) { memory.fill(buf + n, 0, 64 - n); sha256_blocks(ctx, buf, 1); n = 0; }
  memory.fill(buf + n, 0, 56 - n);
  store<u64>(buf, bswap(load<u64>(ctx, 32) << 3), 56);
  sha256_blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap(load<u32>(ctx + i)));
  sha256_init(ctx);
}
