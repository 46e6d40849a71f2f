// Key import: strict DER, consistency checks, and the verify-after-sign fault check.
import { describe, expect, it } from 'vitest';
import * as nc from 'node:crypto';
import { RsaPrivateKey, RsaPublicKey, signPkcs1v15, signPss, verifyPkcs1v15 } from '@sanstls/crypto';
import { hex, toHex } from './vectors';

// A minimal DER writer for building test keys (lengths up to 65535).
function tlv(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...len, ...body]);
}
const seq = (...parts: Uint8Array[]) => tlv(0x30, Uint8Array.from(parts.flatMap((p) => [...p])));
function int(x: bigint | Uint8Array): Uint8Array {
  let h = typeof x === 'bigint' ? x.toString(16) : toHex(x);
  if (h.length % 2) h = '0' + h;
  let b = hex(h);
  while (b.length > 1 && b[0] === 0 && !(b[1]! & 0x80)) b = b.subarray(1);
  if (b[0]! & 0x80) b = Uint8Array.of(0, ...b);
  return tlv(0x02, b);
}
const b64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
const num = (s: string) => BigInt('0x' + toHex(b64u(s)));

const { publicKey, privateKey } = nc.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
const F = Object.fromEntries(['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => [k, num(jwk[k]!)])) as Record<string, bigint>;

function pkcs1(f: Record<string, bigint>, version = 0n): Uint8Array {
  return seq(int(version), ...['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => int(f[k]!)));
}
const RSA_ALG = hex('300d06092a864886f70d0101010500');

describe('RSA key import', () => {
  it('accepts the keys node exports, in all four encodings, and our DER writer reproduces them', () => {
    const der1 = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs1' }));
    expect(toHex(pkcs1(F))).toBe(toHex(der1));
    const priv = RsaPrivateKey.fromPkcs1(der1);
    expect(priv.bits).toBe(2048);
    const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    expect(toHex(RsaPublicKey.fromSpki(spki).n)).toBe(toHex(priv.publicKey.n));
    // PKCS#8 with [0] attributes present is accepted (they are ignored).
    const p8 = seq(int(0n), RSA_ALG, tlv(0x04, der1), tlv(0xa0, new Uint8Array(0)));
    expect(RsaPrivateKey.fromPkcs8(p8).bits).toBe(2048);
  });

  it('rejects malformed DER', () => {
    const good = pkcs1(F);
    const pubDer = seq(int(F.n!), int(F.e!));
    expect(RsaPublicKey.fromPkcs1(pubDer).bits).toBe(2048);
    const bad: Uint8Array[] = [
      Uint8Array.of(...pubDer, 0), // trailing data
      pubDer.subarray(0, pubDer.length - 1), // truncated
      Uint8Array.of(0x30, 0x80, ...pubDer.subarray(4), 0, 0), // indefinite length (BER)
      Uint8Array.of(0x30, 0x83, 0x00, pubDer[2]!, pubDer[3]!, ...pubDer.subarray(4)), // non-minimal length
      seq(tlv(0x02, Uint8Array.of(0, 0, ...int(F.n!).subarray(5))), int(F.e!)), // non-minimal INTEGER
      seq(int(F.n!), tlv(0x02, Uint8Array.of(0x81))), // negative exponent
      seq(int(F.n!), tlv(0x02, new Uint8Array(0))), // empty INTEGER
      seq(int(F.n!)), // missing e
      seq(int(F.n!), int(F.e!), int(1n)), // extra field
    ];
    for (const b of bad) expect(() => RsaPublicKey.fromPkcs1(b), toHex(b).slice(0, 40)).toThrow();
    // SPKI: wrong OID, missing NULL, BIT STRING with unused bits
    const bits = (pre: number) => tlv(0x03, Uint8Array.of(pre, ...pubDer));
    expect(RsaPublicKey.fromSpki(seq(RSA_ALG, bits(0))).bits).toBe(2048);
    expect(() => RsaPublicKey.fromSpki(seq(hex('300d06092a864886f70d01010a0500'), bits(0)))).toThrow(); // RSASSA-PSS OID
    expect(() => RsaPublicKey.fromSpki(seq(hex('300b06092a864886f70d010101'), bits(0)))).toThrow(); // no NULL
    expect(() => RsaPublicKey.fromSpki(seq(RSA_ALG, bits(1)))).toThrow();
    // PKCS#1 private: multi-prime version 1 and PKCS#8 version 2 are refused
    expect(() => RsaPrivateKey.fromPkcs1(pkcs1(F, 1n))).toThrow();
    expect(() => RsaPrivateKey.fromPkcs8(seq(int(2n), RSA_ALG, tlv(0x04, good)))).toThrow();
    expect(() => RsaPrivateKey.fromPkcs8(good)).toThrow();
  });

  it('rejects inconsistent or unsupported keys', () => {
    expect(() => RsaPrivateKey.fromPkcs1(pkcs1({ ...F, p: F.p! + 2n }))).toThrow(/p\*q/);
    expect(() => RsaPrivateKey.fromPkcs1(pkcs1({ ...F, qi: F.qi! + F.p! }))).toThrow();
    expect(() => RsaPrivateKey.fromPkcs1(pkcs1({ ...F, dp: F.dp! + F.p! }))).toThrow();
    expect(() => RsaPublicKey.fromPkcs1(seq(int(F.n! + 1n), int(F.e!)))).toThrow(/odd/);
    expect(() => RsaPublicKey.fromPkcs1(seq(int(F.n!), int(65538n)))).toThrow(/exponent/);
    expect(() => RsaPublicKey.fromPkcs1(seq(int(F.n!), int(1n)))).toThrow(/exponent/);
    expect(() => RsaPublicKey.fromPkcs1(seq(int(F.n!), int(F.n! + 2n)))).toThrow(/exponent/);
    const small = nc.generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey;
    expect(() => RsaPublicKey.fromSpki(new Uint8Array(small.export({ format: 'der', type: 'spki' })))).toThrow(/512-bit/);
  });

  it('refuses to release a signature from an inconsistent CRT key (verify-after-sign)', () => {
    // Wrong dp: n = p*q still holds, so the key imports, but s^e != m. Releasing s would let anyone factor n
    // with gcd(s^e - m, n) (the Bellcore attack); signing must throw instead.
    const key = RsaPrivateKey.fromPkcs1(pkcs1({ ...F, dp: F.dp! - 2n }));
    expect(() => signPkcs1v15(key, 'sha256', Uint8Array.of(1, 2, 3))).toThrow(/self-check/);
    expect(() => signPss(key, 'sha256', Uint8Array.of(1, 2, 3))).toThrow(/self-check/);
    const ok = RsaPrivateKey.fromPkcs1(pkcs1(F));
    expect(nc.verify('sha256', Uint8Array.of(1), publicKey, signPkcs1v15(ok, 'sha256', Uint8Array.of(1)))).toBe(true);
  });

  it('disposed keys refuse to work; public keys rebuild their context', () => {
    const key = RsaPrivateKey.fromPkcs1(pkcs1(F));
    key.publicKey.dispose(); // the private key keeps its own contexts
    expect(nc.verify('sha256', Uint8Array.of(7), publicKey, signPkcs1v15(key, 'sha256', Uint8Array.of(7)))).toBe(true);
    key.dispose();
    expect(() => signPkcs1v15(key, 'sha256', Uint8Array.of(1))).toThrow(/dispose/);
    const pub = RsaPublicKey.fromSpki(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })));
    const sig = new Uint8Array(nc.sign('sha256', Uint8Array.of(9), privateKey));
    expect(verifyPkcs1v15(pub, 'sha256', Uint8Array.of(9), sig)).toBe(true);
    pub.dispose();
    expect(verifyPkcs1v15(pub, 'sha256', Uint8Array.of(9), sig)).toBe(true);
  });
});
