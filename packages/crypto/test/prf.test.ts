import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { heapStats, prf } from '@sanstls/crypto';
import { hex, toHex } from './vectors.js';

/** RFC 5246 §5 P_hash, written independently on node:crypto's HMAC. */
function pHash(alg: 'sha256' | 'sha384', secret: Uint8Array, seed: Uint8Array, length: number): string {
  const mac = (d: Uint8Array) => createHmac(alg, secret).update(d).digest();
  const out: Buffer[] = [];
  let a: Buffer = mac(seed); // A(1)
  let have = 0;
  while (have < length) {
    const block = mac(Buffer.concat([a, seed]));
    out.push(block);
    have += block.length;
    a = mac(a);
  }
  return Buffer.concat(out).subarray(0, length).toString('hex');
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0));
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 255),
  };
}

describe('TLS 1.2 PRF', () => {
  // The TLS 1.2 PRF test vectors posted to the IETF TLS list (2010), reproduced by many TLS stacks' tests.
  it('matches the published P_SHA256 vector', () => {
    const out = prf('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7' +
        '077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('matches the published P_SHA384 vector', () => {
    const out = prf('sha384', hex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
        '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
        '91c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('agrees with an independent P_hash on random inputs and every output length 0..200', () => {
    const r = rng(7);
    for (const alg of ['sha256', 'sha384'] as const) {
      for (let len = 0; len <= 200; len++) {
        const secret = r.bytes(len % 7 === 0 ? r.int(300) : 48); // some secrets longer than the block
        const label = ['master secret', 'key expansion', 'client finished', ''][len % 4]!;
        const seed = r.bytes(r.int(100));
        const want = pHash(alg, secret, Buffer.concat([new TextEncoder().encode(label), seed]), len);
        expect(toHex(prf(alg, secret, label, seed, len)), `${alg} length ${len}`).toBe(want);
      }
    }
  });

  it('takes the label as bytes too, and long seeds', () => {
    const r = rng(8);
    const secret = r.bytes(48);
    const seed = r.bytes(5000);
    const label = new TextEncoder().encode('extended master secret');
    expect(toHex(prf('sha384', secret, label, seed, 48))).toBe(toHex(prf('sha384', secret, 'extended master secret', seed, 48)));
    expect(toHex(prf('sha384', secret, label, seed, 48))).toBe(pHash('sha384', secret, Buffer.concat([label, seed]), 48));
  });

  it('allocates nothing and validates its arguments', () => {
    prf('sha256', new Uint8Array(48), 'x', new Uint8Array(64), 12);
    const before = heapStats();
    for (let i = 0; i < 20; i++) prf('sha384', new Uint8Array(48), 'key expansion', new Uint8Array(64), 136);
    expect(heapStats()).toEqual(before);
    expect(() => prf('sha1' as 'sha256', new Uint8Array(1), 'x', new Uint8Array(1), 1)).toThrow(TypeError);
    expect(() => prf('sha256', new Uint8Array(1), 'x', new Uint8Array(1), -1)).toThrow(RangeError);
    expect(() => prf('sha256', new Uint8Array(1), 'x', new Uint8Array(1), 1.5)).toThrow(RangeError);
    expect(() => prf('sha256', new Uint8Array(1), 'x', new Uint8Array(70_000), 1)).toThrow(RangeError);
  });
});
