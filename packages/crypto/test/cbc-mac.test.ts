// cbcRecordOpen (asm/cbc_mac.ts): the constant-time check of a decrypted MAC-then-encrypt CBC record body
// content ‖ MAC ‖ padding ‖ padding_length (RFC 5246 §6.2.3.2), against a plain reference written here on
// node:crypto's HMAC; and the compression count of a build instrumented with asm/hash_count.ts.
import { execFileSync } from 'node:child_process';
import { createHmac as nodeHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hmac, canOpenCbcRecord, cbcRecordOpen, createHash, type HashAlgorithm, type Mac } from '@sanstls/crypto';

const ALGS: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const OUT: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
const BLOCK: Record<HashAlgorithm, number> = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 };
const ID: Record<HashAlgorithm, number> = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 };
const TYPE = 23;
const VERSION = 0x0303;

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0));
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = next() & 255;
      return b;
    },
  };
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}

/** RFC 5246 §6.2.3.1: seq_num ‖ type ‖ version ‖ length, then the content, under node:crypto's HMAC. */
function refMac(alg: HashAlgorithm, key: Uint8Array, seq: Uint8Array, type: number, version: number, content: Uint8Array) {
  const h = Uint8Array.of(type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff);
  return new Uint8Array(nodeHmac(alg, key).update(seq).update(h).update(content).digest());
}

/**
 * The reference: the RFC 5246 §6.2.3.2 check written plainly (early exits and all): content length, or -1
 * when the record is too short, a padding byte differs from padding_length, or the MAC differs.
 */
function refOpen(alg: HashAlgorithm, key: Uint8Array, seq: Uint8Array, type: number, version: number, body: Uint8Array): number {
  const macLen = OUT[alg];
  const L = body.length;
  if (L < macLen + 1) return -1;
  const pad = body[L - 1]!;
  if (pad + 1 + macLen > L) return -1;
  for (let i = L - 1 - pad; i < L; i++) if (body[i] !== pad) return -1;
  const n = L - 1 - pad - macLen;
  const mac = refMac(alg, key, seq, type, version, body.subarray(0, n));
  for (let i = 0; i < macLen; i++) if (body[n + i] !== mac[i]) return -1;
  return n;
}

/** content ‖ MAC ‖ padding ‖ padding_length with the MAC from node:crypto. */
function makeBody(alg: HashAlgorithm, key: Uint8Array, seq: Uint8Array, content: Uint8Array, pad: number): Uint8Array {
  const mac = refMac(alg, key, seq, TYPE, VERSION, content);
  const b = new Uint8Array(content.length + mac.length + pad + 1);
  b.set(content, 0);
  b.set(mac, content.length);
  b.fill(pad, content.length + mac.length);
  return b;
}

const maxPad = (alg: HashAlgorithm, L: number) => Math.min(255, L - OUT[alg] - 1);

/** Record lengths tried exhaustively and the 16 KiB+ ones (TLSCiphertext bodies are up to 2^14 + 2048). */
function lengths(alg: HashAlgorithm): number[] {
  const out: number[] = [];
  for (let L = OUT[alg] + 1; L <= 420; L++) out.push(L);
  for (const L of [16384, 16384 + 16, 16384 + OUT[alg] + 1, 16384 + OUT[alg] + 256, 17408, 16384 + 2048]) out.push(L);
  return out;
}

for (const alg of ALGS) {
  describe(`cbcRecordOpen, HMAC-${alg}`, () => {
    const macLen = OUT[alg];
    const r = rng(ID[alg] * 7919);
    const key = r.bytes(macLen);
    const seq = u64(0x0102030405060708n + BigInt(ID[alg]));
    const mac = new Hmac(alg, key);
    afterAll(() => mac.dispose());
    const open = (body: Uint8Array, s = seq, type = TYPE, version = VERSION) =>
      cbcRecordOpen(mac, s, type, version, body, 0, body.length);

    it('accepts every valid padding length at every record length', () => {
      let checked = 0;
      let expected = 0;
      for (const L of lengths(alg)) {
        expected += maxPad(alg, L) + 1;
        const content = r.bytes(L);
        for (let pad = 0; pad <= maxPad(alg, L); pad++) {
          const n = L - macLen - 1 - pad;
          const body = makeBody(alg, key, seq, content.subarray(0, n), pad);
          expect(body.length).toBe(L);
          const got = open(body);
          if (got !== n) expect({ L, pad, got }).toEqual({ L, pad, got: n });
          checked++;
        }
      }
      expect(checked).toBe(expected);
      expect(checked).toBeGreaterThan(50_000);
    });

    it('rejects records too short for MAC + padding_length, and padding_length beyond the record', () => {
      for (let L = 0; L <= macLen; L++) {
        const body = r.bytes(L);
        expect(open(body)).toBe(-1);
        expect(refOpen(alg, key, seq, TYPE, VERSION, body)).toBe(-1);
      }
      // Valid MAC over empty content, padding_length claiming more bytes than there are.
      for (let L = macLen + 1; L <= macLen + 300; L++) {
        const body = makeBody(alg, key, seq, new Uint8Array(0), L - macLen - 1);
        if (L - macLen - 1 <= 255) expect(open(body)).toBe(0);
        for (const v of [L - macLen, L - macLen + 1, L, 255]) {
          if (v > 255 || v <= L - macLen - 1) continue;
          body[L - 1] = v;
          expect(open(body)).toBe(-1);
        }
      }
    });

    it('rejects a wrong byte at every padding position, for many lengths and padding lengths', () => {
      for (const L of [macLen + 1, macLen + 17, 64, 80, 128, 144, 256, 272, 304, 400, 16384 + 16]) {
        if (L < macLen + 1) continue;
        for (const pad of [1, 2, 7, 15, 16, 17, 63, 64, 65, 127, 128, 129, 200, 254, 255]) {
          if (pad > maxPad(alg, L)) continue;
          const n = L - macLen - 1 - pad;
          const good = makeBody(alg, key, seq, r.bytes(n), pad);
          for (let i = n + macLen; i < L - 1; i++) {
            for (const x of [1, 0x80, 0xff]) {
              const body = good.slice();
              body[i]! ^= x;
              expect(open(body)).toBe(-1);
            }
          }
        }
      }
    });

    it('matches the reference for every padding_length value', () => {
      for (const L of [macLen + 1, 96, 160, 256, 288, 320, 384, 16384 + 256]) {
        if (L < macLen + 1) continue;
        for (const pad of [0, 3, 100, 255]) {
          if (pad > maxPad(alg, L)) continue;
          const body = makeBody(alg, key, seq, r.bytes(L - macLen - 1 - pad), pad);
          for (let v = 0; v < 256; v++) {
            body[L - 1] = v;
            const want = refOpen(alg, key, seq, TYPE, VERSION, body);
            expect(open(body)).toBe(want);
            if (v === pad) expect(want).toBe(L - macLen - 1 - pad);
          }
        }
      }
    });

    it('rejects a wrong MAC byte at every position and a wrong content byte', () => {
      for (const L of [macLen + 1, macLen + 16, 128, 208, 300, 400, 16384, 16384 + 2048]) {
        for (const pad of [0, 1, 16, 77, 128, 255]) {
          if (pad > maxPad(alg, L)) continue;
          const n = L - macLen - 1 - pad;
          const good = makeBody(alg, key, seq, r.bytes(n), pad);
          expect(open(good)).toBe(n);
          for (let i = 0; i < macLen; i++) {
            const body = good.slice();
            body[n + i]! ^= 1 << (i & 7);
            expect(open(body)).toBe(-1);
          }
          if (n > 0) {
            for (const i of [0, n >> 1, n - 1]) {
              const body = good.slice();
              body[i]! ^= 0x40;
              expect(open(body)).toBe(-1);
            }
          }
          // The MAC covers seq, type, version and length.
          const seq2 = seq.slice();
          seq2[7]! ^= 1;
          expect(open(good, seq2)).toBe(-1);
          expect(open(good, seq, 22)).toBe(-1);
          expect(open(good, seq, TYPE, 0x0302)).toBe(-1);
        }
      }
    });

    it('agrees with the reference on random and mutated records', () => {
      for (let t = 0; t < 3000; t++) {
        const L = macLen + 1 + r.int(t < 2800 ? 400 : 17000);
        let body: Uint8Array;
        const kind = r.int(4);
        if (kind === 0) body = r.bytes(L);
        else {
          const pad = r.int(maxPad(alg, L) + 1);
          body = makeBody(alg, key, seq, r.bytes(L - macLen - 1 - pad), pad);
          if (kind === 1) body[r.int(L)]! ^= 1 + r.int(255); // anywhere
          if (kind === 2) body[L - 1] = r.int(256); // padding_length
        }
        expect(open(body)).toBe(refOpen(alg, key, seq, TYPE, VERSION, body));
      }
    });

    it('reads record[offset, offset + length) of a larger array without modifying it', () => {
      const pad = 9;
      const body = makeBody(alg, key, seq, r.bytes(100), pad);
      const buf = r.bytes(body.length + 50);
      buf.set(body, 13);
      const before = buf.slice();
      expect(cbcRecordOpen(mac, seq, TYPE, VERSION, buf, 13, body.length)).toBe(100);
      expect(buf).toEqual(before);
      // A MAC in progress on the same object is unaffected (only the key is used).
      mac.update(new Uint8Array([1, 2, 3]));
      expect(cbcRecordOpen(mac, seq, TYPE, VERSION, buf, 13, body.length)).toBe(100);
      expect(Buffer.from(mac.digest())).toEqual(nodeHmac(alg, key).update(new Uint8Array([1, 2, 3])).digest());
      expect(() => cbcRecordOpen(mac, seq, TYPE, VERSION, buf, 60, body.length)).toThrow(RangeError);
      expect(() => cbcRecordOpen(mac, seq.subarray(1), TYPE, VERSION, buf, 13, body.length)).toThrow(RangeError);
    });

    it('digestInto writes the MAC at an offset and resets like digest()', () => {
      const m = new Hmac(alg, key);
      for (const len of [0, 1, 63, 64, 65, 1000]) {
        const data = r.bytes(len);
        const out = new Uint8Array(macLen + 10).fill(0xee);
        m.update(data).digestInto(out, 5);
        expect(Buffer.from(out.subarray(5, 5 + macLen))).toEqual(nodeHmac(alg, key).update(data).digest());
        expect(out.subarray(0, 5).every((x) => x === 0xee) && out.subarray(5 + macLen).every((x) => x === 0xee)).toBe(true);
        const whole = new Uint8Array(macLen);
        m.update(data).digestInto(whole);
        expect(whole).toEqual(m.update(data).digest());
      }
      expect(() => m.digestInto(new Uint8Array(macLen), 1)).toThrow(RangeError);
      m.dispose();
    });
  });
}

describe('cbcRecordOpen argument checks', () => {
  it('accepts only an Hmac of this package', () => {
    const m = new Hmac('sha256', new Uint8Array(32));
    expect(canOpenCbcRecord(m)).toBe(true);
    const fake = { algorithm: 'sha256', outputLength: 32 } as unknown as Mac;
    expect(canOpenCbcRecord(fake)).toBe(false);
    expect(() => cbcRecordOpen(fake as Hmac, new Uint8Array(8), TYPE, VERSION, new Uint8Array(64), 0, 64)).toThrow(TypeError);
    expect(cbcRecordOpen(m, new Uint8Array(8), TYPE, VERSION, new Uint8Array(70000), 0, 70000)).toBe(-1);
    m.dispose();
    expect(canOpenCbcRecord(createHash('sha256') as unknown as Mac)).toBe(false);
  });
});

// ---- Constant work: a build of asm/cbc_mac_counting.ts with the compression counter compiled in ----

interface Counting {
  exports: Record<string, (...a: number[]) => number>;
  mem: () => Uint8Array;
  base: number;
}

const root = fileURLToPath(new URL('../../..', import.meta.url));
let counting: Counting;
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sanstls-count-'));
  const out = path.join(tmp, 'counting.wasm');
  execFileSync(process.execPath, [
    path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'), path.join(root, 'asm', 'cbc_mac_counting.ts'),
    '--outFile', out, '--runtime', 'stub', '--enable', 'simd', '-O3', '--noAssert', '--initialMemory', '4',
    '--use', 'SANSTLS_COUNT_COMPRESSIONS=1',
  ], { cwd: root, stdio: 'pipe' });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), {});
  const ex = inst.exports as Record<string, unknown>;
  const memory = ex['memory'] as WebAssembly.Memory;
  counting = {
    exports: ex as Counting['exports'],
    mem: () => new Uint8Array(memory.buffer),
    base: ((ex['heap_base'] as () => number)() + 63) & ~63,
  };
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Layout in the counting instance: HMAC context, key, seq, length out, record. */
function countingHmac(alg: HashAlgorithm, key: Uint8Array) {
  const { exports: e, mem, base } = counting;
  const ctx = base, keyP = base + 1024, seqP = base + 1536, outP = base + 1552, recP = base + 2048;
  mem().set(key, keyP);
  e['hmac_init']!(ID[alg], ctx, keyP, key.length);
  return {
    /** [result, content length, compressions] of one record check. */
    open(seq: Uint8Array, body: Uint8Array): [number, number, number] {
      const m = mem();
      m.set(seq, seqP);
      m.set(body, recP);
      e['compressions_reset']!();
      const ok = e['tls_cbc_mte_open']!(ID[alg], ctx, seqP, TYPE, VERSION, recP, body.length, outP);
      const n = new DataView(m.buffer).getUint32(outP, true);
      return [ok, n, e['compressions_count']!()];
    },
    /** Compressions of an ordinary HMAC (keyed pads excluded) over a message of len bytes. */
    plainCount(len: number): number {
      e['compressions_reset']!();
      e['hmac_update']!(ID[alg], ctx, recP, len);
      e['hmac_final']!(ID[alg], ctx, outP);
      return e['compressions_count']!();
    },
  };
}

for (const alg of ALGS) {
  describe(`constant work, HMAC-${alg} (counting build)`, () => {
    const macLen = OUT[alg];
    const B = BLOCK[alg];
    const lf = B === 128 ? 16 : 8;
    const r = rng(ID[alg] * 104729);
    const key = r.bytes(B + 3); // longer than a block: hashed first (RFC 2104)
    const seq = u64(99n);

    it('the counter sees ordinary hashing', () => {
      const h = countingHmac(alg, key);
      // HMAC over m bytes: ceil((m + 1 + lf) / B) inner blocks after the key block, one outer block.
      for (const m of [0, 1, 55, 56, 64, 111, 112, 1000]) expect(h.plainCount(m)).toBe(Math.ceil((m + 1 + lf) / B) + 1);
    });

    it('compressions depend on the record length only: every padding length, good and bad records', () => {
      const h = countingHmac(alg, key);
      for (const L of lengths(alg)) {
        const counts = new Set<number>();
        const content = r.bytes(L);
        const see = (body: Uint8Array, want: number) => {
          const [ok, n, c] = h.open(seq, body);
          expect(ok === 1 ? n : -1).toBe(want);
          if (ok !== 1) expect(n).toBe(0); // no length leaves WASM for a bad record
          counts.add(c);
        };
        for (let pad = 0; pad <= maxPad(alg, L); pad++) {
          const n = L - macLen - 1 - pad;
          const body = makeBody(alg, key, seq, content.subarray(0, n), pad);
          see(body, n);
          if (pad % 17 === 0) {
            const bad = body.slice();
            bad[n]! ^= 1; // MAC
            see(bad, -1);
            if (pad > 0) {
              bad[n]! ^= 1;
              bad[L - 2]! ^= 1; // padding byte
              see(bad, -1);
            }
          }
        }
        for (const v of [0, 1, 127, 128, 255]) {
          const body = r.bytes(L);
          body[L - 1] = v;
          see(body, refOpen(alg, key, seq, TYPE, VERSION, body));
        }
        expect([...counts]).toHaveLength(1);
        // What an ordinary HMAC over the longest possible content (L - macLen - 1 bytes) costs.
        const longest = h.plainCount(13 + L - macLen - 1);
        expect([...counts][0]).toBe(longest);
      }
    });

    it('records too short for a MAC compress nothing', () => {
      const h = countingHmac(alg, key);
      for (let L = 0; L <= macLen; L++) expect(h.open(seq, r.bytes(L))).toEqual([0, 0, 0]);
    });
  });
}
