// RSA signature verification (RFC 8017 §8.2.2 PKCS#1 v1.5 and §8.1.2 / §9.1.2 PSS). Verification only
// uses the public key, so plain BigInt arithmetic is fine: there is no secret to leak through timing.

import type { SignatureHash } from './algorithms.js';
import { HASH_LENGTH, digest } from './hash.js';

export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly bits: number;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

function os2ip(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** I2OSP (RFC 8017 §4.1); undefined when the integer does not fit. */
function i2osp(x: bigint, len: number): Uint8Array | undefined {
  const out = new Uint8Array(len);
  let v = x;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return v === 0n ? out : undefined;
}

/** RSAVP1 (RFC 8017 §5.2.2) on a signature of exactly k octets. */
function rsavp1(key: RsaPublicKey, sig: Uint8Array): bigint | undefined {
  const k = Math.ceil(key.bits / 8);
  if (sig.length !== k) return undefined; // §8.2.2 step 1
  const s = os2ip(sig);
  if (s >= key.n) return undefined;
  return modPow(s, key.e, key.n);
}

// DigestInfo prefixes (RFC 8017 §9.2 note 1), with the NULL parameters the RFC's encoding specifies.
const DIGEST_INFO: Readonly<Record<SignatureHash, readonly number[]>> = {
  sha256: [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
  sha384: [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
  sha512: [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
};

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * RSASSA-PKCS1-v1_5 verification by re-encoding (RFC 8017 §8.2.2 step 3-4): we build the expected
 * EMSA-PKCS1-v1_5 block and compare all of it, so no parser can be fooled by garbage in the padding
 * or after the DigestInfo (the Bleichenbacher 2006 forgery class).
 */
export function verifyPkcs1(key: RsaPublicKey, hash: SignatureHash, message: Uint8Array, sig: Uint8Array): boolean {
  const m = rsavp1(key, sig);
  if (m === undefined) return false;
  const k = sig.length;
  const em = i2osp(m, k);
  if (em === undefined) return false;
  const t = [...DIGEST_INFO[hash], ...digest(hash, message)];
  if (k < t.length + 11) return false;
  const expected = new Uint8Array(k);
  expected[0] = 0x00;
  expected[1] = 0x01;
  expected.fill(0xff, 2, k - t.length - 1);
  expected[k - t.length - 1] = 0x00;
  expected.set(t, k - t.length);
  return equal(em, expected);
}

function mgf1(hash: SignatureHash, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const hLen = HASH_LENGTH[hash];
  const buf = new Uint8Array(seed.length + 4);
  buf.set(seed);
  for (let counter = 0, off = 0; off < len; counter++, off += hLen) {
    buf[seed.length] = counter >>> 24;
    buf[seed.length + 1] = (counter >>> 16) & 0xff;
    buf[seed.length + 2] = (counter >>> 8) & 0xff;
    buf[seed.length + 3] = counter & 0xff;
    out.set(digest(hash, buf).subarray(0, Math.min(hLen, len - off)), off);
  }
  return out;
}

/** RSASSA-PSS verification (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2) with MGF1 over the same hash. */
export function verifyPss(
  key: RsaPublicKey,
  hash: SignatureHash,
  saltLength: number,
  message: Uint8Array,
  sig: Uint8Array,
): boolean {
  const m = rsavp1(key, sig);
  if (m === undefined) return false;
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = i2osp(m, emLen);
  if (em === undefined) return false;
  const hLen = HASH_LENGTH[hash];
  if (emLen < hLen + saltLength + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const maskedDb = em.subarray(0, dbLen);
  const h = em.subarray(dbLen, dbLen + hLen);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask) !== 0) return false;
  const db = mgf1(hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] = db[i]! ^ maskedDb[i]!;
  db[0] = db[0]! & topMask;
  const psLen = dbLen - saltLength - 1;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(psLen + 1);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(digest(hash, message), 8);
  mPrime.set(salt, 8 + hLen);
  return equal(digest(hash, mPrime), h);
}
