import { createHmac } from 'node:crypto';
import type { HashAlgorithm, Mac } from '@sanstls/crypto';
import { describe, expect, it } from 'vitest';
import { Lucky13Verifier } from '../../src/record/index.js';
import { bytes, concat, pseudoHeader, u64 } from './helpers.js';
import { cbcImpls } from './suites.js';

const SHAPE: Record<string, { B: number; lf: number; out: number }> = {
  sha1: { B: 64, lf: 8, out: 20 },
  sha256: { B: 64, lf: 8, out: 32 },
  sha384: { B: 128, lf: 16, out: 48 },
};

/**
 * An HMAC that also counts the compression-function calls a Merkle–Damgård implementation makes, with
 * the key pads absorbed once. `lazy` models implementations that keep a full block buffered until more
 * data arrives; eager ones compress as soon as a block is full.
 */
class CountingMac implements Mac {
  private buffered = 0;
  constructor(
    private readonly inner: Mac,
    readonly counter: { n: number },
    private readonly lazy: boolean,
  ) {}
  get algorithm(): HashAlgorithm {
    return this.inner.algorithm;
  }
  get outputLength(): number {
    return this.inner.outputLength;
  }
  update(data: Uint8Array): this {
    const { B } = SHAPE[this.algorithm]!;
    const total = this.buffered + data.length;
    const blocks = this.lazy ? (total > 0 ? Math.floor((total - 1) / B) : 0) : Math.floor(total / B);
    this.counter.n += blocks;
    this.buffered = total - blocks * B;
    this.inner.update(data);
    return this;
  }
  digest(): Uint8Array {
    const { B, lf } = SHAPE[this.algorithm]!;
    this.counter.n += Math.ceil((this.buffered + 1 + lf) / B) + 1; // inner finish + outer block
    this.buffered = 0;
    return this.inner.digest();
  }
  clone(): Mac {
    const c = new CountingMac(this.inner.clone(), this.counter, this.lazy);
    c.buffered = this.buffered;
    return c;
  }
  reset(): this {
    this.buffered = 0;
    this.inner.reset();
    return this;
  }
  dispose(): void {}
}

const TYPE = 23;
const VERSION = 0x0303;

/** content || HMAC(seq + header + content) || padding, with the MAC computed by node:crypto. */
function body(alg: string, key: Uint8Array, seq: bigint, content: Uint8Array, padLen: number): Uint8Array {
  const mac = createHmac(alg, key).update(pseudoHeader(seq, TYPE, VERSION, content.length)).update(content).digest();
  return concat(content, mac, new Uint8Array(padLen + 1).fill(padLen));
}

for (const [implName, impl] of cbcImpls) {
  for (const alg of ['sha1', 'sha256', 'sha384'] as const) {
    for (const lazy of [false, true]) {
      describe(`Lucky13Verifier, HMAC-${alg} (${implName}), ${lazy ? 'lazy' : 'eager'} block buffering`, () => {
        const key = bytes(SHAPE[alg]!.out, 31);
        const seq = 77n;
        const L = 512; // decrypted length: 32 blocks, room for any padding length with any MAC

        function run(p: Uint8Array) {
          const mainCount = { n: 0 };
          const dummyCount = { n: 0 };
          const v = new Lucky13Verifier(
            new CountingMac(impl.mac(alg, key), mainCount, lazy),
            new CountingMac(impl.mac(alg, key), dummyCount, lazy),
          );
          const content = v.verify(p, TYPE, VERSION, u64(seq));
          return { content, main: mainCount.n, total: mainCount.n + dummyCount.n };
        }

        it('accepts every valid padding length and costs the same number of compressions', () => {
          const macLen = SHAPE[alg]!.out;
          const totals = new Set<number>();
          const mains = new Set<number>();
          for (let pad = 0; pad <= 255; pad++) {
            const n = L - macLen - 1 - pad;
            const p = body(alg, key, seq, bytes(n, pad + 1), pad);
            expect(p.length).toBe(L);
            const r = run(p);
            expect(r.content).toBe(n);
            totals.add(r.total);
            mains.add(r.main);
          }
          expect(totals.size).toBe(1);
          // The real MAC alone varies with the padding length: the dummy blocks are what evens it out.
          expect(mains.size).toBeGreaterThan(1);
        });

        it('rejects bad padding and bad MACs at the same cost as valid records', () => {
          const macLen = SHAPE[alg]!.out;
          const totals = new Set<number>();
          const valid = run(body(alg, key, seq, bytes(L - macLen - 1 - 40, 1), 40));
          totals.add(valid.total);
          for (const pad of [0, 1, 15, 16, 100, 254, 255]) {
            const n = L - macLen - 1 - pad;
            // a wrong padding byte at each position
            for (let i = 0; i < pad; i++) {
              const p = body(alg, key, seq, bytes(n, 2), pad);
              p[n + macLen + i]! ^= 4;
              const r = run(p);
              expect(r.content).toBe(-1);
              totals.add(r.total);
            }
            // a wrong MAC byte at each position
            for (let i = 0; i < macLen; i++) {
              const p = body(alg, key, seq, bytes(n, 3), pad);
              p[n + i]! ^= 1;
              const r = run(p);
              expect(r.content).toBe(-1);
              totals.add(r.total);
            }
          }
          // every padding_length byte value over a fixed body
          for (let v = 0; v < 256; v++) {
            const p = body(alg, key, seq, bytes(L - macLen - 1 - 7, 4), 7);
            p[L - 1] = v;
            const r = run(p);
            expect(r.content).toBe(v === 7 ? L - macLen - 1 - 7 : -1);
            totals.add(r.total);
          }
          expect([...totals]).toEqual([valid.total]);
        });

        it('handles short records where the padding window covers the whole body', () => {
          const macLen = SHAPE[alg]!.out;
          const short = Math.ceil((macLen + 1) / 16) * 16;
          for (let len = short; len <= 64; len += 16) {
            const totals = new Set<number>();
            for (let pad = 0; pad <= len - macLen - 1; pad++) {
              const n = len - macLen - 1 - pad;
              const r = run(body(alg, key, seq, bytes(n, 5), pad));
              expect(r.content).toBe(n);
              totals.add(r.total);
            }
            const bad = body(alg, key, seq, bytes(0, 5), len - macLen - 1);
            bad[len - 1] = 255; // padding_length beyond the record
            const r = run(bad);
            expect(r.content).toBe(-1);
            totals.add(r.total);
            expect(totals.size).toBe(1);
          }
        });
      });
    }
  }
}
