// Constant-time check of a decrypted TLS MAC-then-encrypt CBC record (RFC 5246 §6.2.3.2), against Lucky
// Thirteen (AlFardan and Paterson, IEEE S&P 2013). The method is the one of OpenSSL's
// ssl3_cbc_digest_record / ssl3_cbc_copy_mac as explained by A. Langley ("Lucky Thirteen attack on TLS
// CBC", 2013); the code is our own.
//
// The record body is content ‖ MAC ‖ padding ‖ padding_length. Its length L is public; the padding length,
// hence the content length n and the MAC position, are secret. Everything below runs in time that depends on
// L and the hash only: the only branches and memory indices are functions of L, of the algorithm and of loop
// counters; secret values only enter arithmetic masks (and SIMD compares).
//
// HMAC's inner hash runs over header(13) ‖ content: msgLen = 13 + n bytes after the key block. With
// M = 13 + (L - macLen - 1) the longest possible message and m0 = max(13, M - 255) the shortest, the blocks
// before `start` = floor(m0 / B) hold message bytes whatever n is and are compressed straight from memory.
// Blocks start..last, last = floor((M + lengthField) / B) (the final block of the longest message), are each
// rebuilt with masks as they would look in the padded message of length msgLen: message byte, 0x80 at
// msgLen, zeros after, and the bit length in the last lengthField bytes of the block f = floor((msgLen +
// lengthField) / B) where the padded message ends. All of them are compressed; the chaining value after
// block f is kept with a mask. So the inner hash always costs last + 1 compressions, the outer one more.
import { hash_ctx_size, hash_block_len, hash_out_len, hash_update, HASH_SHA1, HASH_SHA512 } from './hashes';

// Work hash context: a copy of the keyed inner (then outer) context of the HMAC block (up to 256 bytes).
const ST = memory.data(256, 16);
// Chaining value selected after block f (up to 64 bytes, native word order as in the hash contexts).
const SEL = memory.data(64, 16);
// One block being built (up to 128 bytes).
const BLK = memory.data(128, 16);
// The message bytes of blocks start..last (at most 6 blocks of 64 or 4 of 128 bytes), zero past the record.
const TAIL = memory.data(512, 16);
// The pseudo-header seq_num ‖ type ‖ version ‖ length (13 bytes).
const HDR = memory.data(16, 16);
// Computed MAC (64 bytes).
const MACC = memory.data(64, 16);
// The window holding the received MAC, shifted in place: up to 255 + 64 bytes, plus room for the loads
// of the shift steps (up to 16 bytes past macLen + 255 + 128).
const SHB_SIZE: usize = 512;
const SHB = memory.data(<i32>SHB_SIZE, 16);

const HEADER_LEN: i32 = 13;
// The TLSCompressed.length field of the pseudo-header has 16 bits.
const MAX_CONTENT: i32 = 0xffff;

// Masks on small non-negative i32 values (< 2^30): all ones or zero, computed without compares.
/** -1 when a < b, else 0. */
@inline function ltMask(a: i32, b: i32): i32 { return (a - b) >> 31; }
/** -1 when x != 0, else 0. */
@inline function nzMask(x: i32): i32 { return (x | (0 - x)) >> 31; }
/** -1 when a == b, else 0. */
@inline function eqMask(a: i32, b: i32): i32 { return ~nzMask(a ^ b); }

/** Writes the big-endian digest of the chaining value at st (native words: u32, or u64 for B = 128). */
@inline function digestOut(st: usize, out: usize, outLen: usize, wide: bool): void {
  if (wide) for (let i: usize = 0; i < outLen; i += 8) store<u64>(out + i, bswap(load<u64>(st + i)));
  else for (let i: usize = 0; i < outLen; i += 4) store<u32>(out + i, bswap(load<u32>(st + i)));
}

function wipe(): void {
  memory.fill(ST, 0, 256);
  memory.fill(SEL, 0, 64);
  memory.fill(BLK, 0, 128);
  memory.fill(TAIL, 0, 512);
  memory.fill(HDR, 0, 16);
  memory.fill(MACC, 0, 64);
  memory.fill(SHB, 0, SHB_SIZE);
}

/**
 * Verifies the decrypted MAC-then-encrypt record body rec[0, recLen) = content ‖ MAC ‖ padding ‖
 * padding_length under the HMAC context `hmac` (asm/hmac.ts layout; only its keyed inner and outer states
 * are read, the running MAC is left alone). `seq` points to the 8-byte sequence number; `type` and
 * `version` complete the pseudo-header. Returns 1 when the padding (every one of the padding_length + 1
 * last bytes equals padding_length) and the MAC are both right, else 0, and writes the content length as a
 * u32 to outLen (0 when 0 is returned). alg: 1 SHA-1, 2 SHA-256, 3 SHA-384, 4 SHA-512.
 *
 * Time depends on recLen and alg only. recLen below macLen + 1, or leaving more than 65535 content bytes,
 * returns 0 at once (a public condition).
 */
export function tls_cbc_mte_open(
  alg: u32, hmac: usize, seq: usize, type: u32, version: u32, rec: usize, recLen: usize, outLen: usize,
): u32 {
  store<u32>(outLen, 0);
  if (alg < HASH_SHA1 || alg > HASH_SHA512) return 0;
  const macLen = <i32>hash_out_len(alg);
  const B = <i32>hash_block_len(alg);
  const wide = B == 128;
  const shift = wide ? 7 : 6;
  const lenField = wide ? 16 : 8;
  const s = hash_ctx_size(alg);
  if (recLen < <usize>(macLen + 1) || recLen - <usize>(macLen + 1) > <usize>MAX_CONTENT) return 0;
  const L = <i32>recLen;

  // 1. Padding. good stays -1 while the record checks out; first padding_length + 1 + MAC must fit.
  const padLen = <i32>load<u8>(rec + L - 1);
  const maxContent = L - macLen - 1;
  let good = ~ltMask(maxContent - padLen, 0);
  // Every byte among the last padding_length + 1 equals padding_length: scan a fixed window of
  // min(256, L) bytes (padding_length + 1 <= 256) and mask the comparison by position k from the end.
  let diff = 0;
  if (L >= 256) {
    // 16 lanes at a time: lane l of chunk c is k = 255 - 16c - l; in the padding when k <= padLen.
    const pv = i8x16.splat(<i8>padLen);
    const kdown = i8x16(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    let acc = i64x2.splat(0);
    for (let c = 0; c < 256; c += 16) {
      const k = i8x16.add(kdown, i8x16.splat(<i8>(240 - c)));
      acc = v128.or(acc, v128.and(v128.xor(v128.load(rec + L - 256 + c), pv), i8x16.le_u(k, pv)));
    }
    const x = i64x2.extract_lane(acc, 0) | i64x2.extract_lane(acc, 1);
    const y = <u32>x | <u32>(x >> 32);
    diff = <i32>((y | (y >> 16)) & 0xffff);
  } else {
    for (let k = 0; k < L; k++) {
      diff |= (<i32>load<u8>(rec + L - 1 - k) ^ padLen) & ltMask(k, padLen + 1);
    }
  }
  good &= ~nzMask(diff);
  // With bad padding, proceed as if there were none (only padding_length is dropped): RFC 5246 §6.2.3.2
  // asks for a MAC computed anyway, so that the failure takes the same time.
  const n = maxContent - (padLen & good);

  // 2. HMAC(seq ‖ type ‖ version ‖ n ‖ content[0, n)).
  memory.copy(HDR, seq, 8);
  store<u8>(HDR, <u8>type, 8);
  store<u8>(HDR, <u8>(version >> 8), 9);
  store<u8>(HDR, <u8>version, 10);
  store<u8>(HDR, <u8>(n >> 8), 11);
  store<u8>(HDR, <u8>n, 12);

  const msgLen = HEADER_LEN + n; // secret
  const M = HEADER_LEN + maxContent; // public: the longest message
  const m0 = max(HEADER_LEN, M - 255); // public: the shortest
  const start = m0 >> shift;
  const last = (M + lenField) >> shift;
  const f = (msgLen + lenField) >> shift; // secret: block holding the length field

  memory.copy(ST, hmac + s, s); // keyed inner state, nothing buffered
  // Blocks 0 .. start-1: message bytes at every n. Block 0 starts with the header; block i >= 1 is
  // rec[iB - 13, (i+1)B - 13).
  if (start > 0) {
    memory.copy(BLK, HDR, HEADER_LEN);
    memory.copy(BLK + HEADER_LEN, rec, B - HEADER_LEN);
    hash_update(alg, ST, BLK, B);
    if (start > 1) hash_update(alg, ST, rec + B - HEADER_LEN, (start - 1) << shift);
  }

  // Message bytes of blocks start..last into TAIL (public positions), zero past the record.
  const tailBase = start << shift;
  const tailLen = (last - start + 1) << shift;
  memory.fill(TAIL, 0, tailLen);
  let t = 0;
  if (tailBase < HEADER_LEN) {
    t = HEADER_LEN - tailBase;
    memory.copy(TAIL, HDR + tailBase, t);
  }
  const r0 = tailBase + t - HEADER_LEN; // first record byte in TAIL, at TAIL + t
  memory.copy(TAIL + t, rec + r0, min(tailLen - t, L - r0));

  // The bit length of the inner message (key block included), big-endian, in the last lenField bytes of
  // the final block: the upper half of the last 16-byte lane group for B = 64, all of it (the high 64 bits
  // are 0) for B = 128.
  const bits = (<u64>(B + msgLen)) << 3;
  const lenVec = i64x2.replace_lane(i64x2.splat(0), 1, bswap(bits));
  const lenLanes = wide ? i64x2.splat(-1) : i64x2(0, -1);
  const x80 = i8x16.splat(<i8>0x80);
  const iota1 = i8x16(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
  const lastChunk = B - 16;
  let sel0 = i64x2.splat(0), sel1 = i64x2.splat(0), sel2 = i64x2.splat(0), sel3 = i64x2.splat(0);

  for (let i = start; i <= last; i++) {
    // e - 1 = position of the 0x80 byte in this block, clamped to [-1, B]: lanes j < e - 1 keep the
    // message byte, lane j == e - 1 gets 0x80 (compared as j + 1 against e, unsigned bytes).
    let e = msgLen - (i << shift) + 1;
    e &= ~(e >> 31);
    const over = ltMask(B + 1, e);
    e = (e & ~over) | ((B + 1) & over);
    const ev = i8x16.splat(<i8>e);
    const isFinal = i32x4.splat(eqMask(i, f));
    const src = TAIL + ((i - start) << shift);
    for (let c = 0; c < B; c += 16) {
      const j1 = i8x16.add(iota1, i8x16.splat(<i8>c));
      let b = v128.or(
        v128.and(v128.load(src + c), i8x16.lt_u(j1, ev)),
        v128.and(x80, i8x16.eq(j1, ev)),
      );
      if (c == lastChunk) b = v128.bitselect(lenVec, b, v128.and(lenLanes, isFinal));
      v128.store(BLK + c, b);
    }
    hash_update(alg, ST, BLK, B);
    // Keep the chaining value after block f.
    sel0 = v128.or(sel0, v128.and(v128.load(ST, 0), isFinal));
    sel1 = v128.or(sel1, v128.and(v128.load(ST, 16), isFinal));
    sel2 = v128.or(sel2, v128.and(v128.load(ST, 32), isFinal));
    sel3 = v128.or(sel3, v128.and(v128.load(ST, 48), isFinal));
  }
  v128.store(SEL, sel0, 0);
  v128.store(SEL, sel1, 16);
  v128.store(SEL, sel2, 32);
  v128.store(SEL, sel3, 48);

  // Outer hash: one block, inner digest ‖ 0x80 ‖ zeros ‖ bit length of (key block + digest).
  memory.copy(ST, hmac + 2 * s, s);
  memory.fill(BLK, 0, B);
  digestOut(SEL, BLK, macLen, wide);
  store<u8>(BLK + macLen, 0x80);
  store<u64>(BLK + B - 8, bswap((<u64>(B + macLen)) << 3));
  hash_update(alg, ST, BLK, B);
  digestOut(ST, MACC, macLen, wide);

  // 3. The received MAC rec[n, n + macLen): copy the window it may lie in, rec[scanStart, L - 1), to SHB
  // and shift it left by the secret sft = n - scanStart in [0, 255], one bit of sft at a time from the top:
  // the step for bit b moves every byte by 2^b when that bit is set (bitselect with a mask; the load
  // offsets are public). After the step for bit b only the first macLen + 2^b - 1 bytes still matter (the
  // lower bits move bytes by at most that much). The MAC then starts SHB. In place, ascending: every load
  // reads bytes not yet written by this step.
  const scanStart = max(0, maxContent - 255);
  const winLen = L - 1 - scanStart; // <= 255 + macLen
  memory.fill(SHB, 0, SHB_SIZE);
  memory.copy(SHB, rec + scanStart, winLen);
  const sft = n - scanStart;
  for (let b = 7; b >= 0; b--) {
    const step = 1 << b;
    const m = i32x4.splat(0 - ((sft >> b) & 1));
    const need = macLen + step - 1;
    for (let o = 0; o < need; o += 16) {
      v128.store(SHB + o, v128.bitselect(v128.load(SHB + o + step), v128.load(SHB + o), m));
    }
  }

  // 4. Compare.
  let d = 0;
  for (let k = 0; k < macLen; k++) d |= <i32>(load<u8>(MACC + k) ^ load<u8>(SHB + k));
  good &= ~nzMask(d);

  store<u32>(outLen, <u32>(n & good));
  wipe();
  return <u32>(good & 1);
}
