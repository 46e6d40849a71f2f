// RSASSA-PSS (RFC 8017 §8.1) with EMSA-PSS (§9.1) and MGF1 (Appendix B.2.1).
import { type RsaHashAlgorithm, digest, hashLength } from './digest.js';
import type { RsaPrivateKey, RsaPublicKey } from './keys.js';
import { type SignedData, messageHash, randomBytes, signRaw, verifyRaw } from './pkcs1.js';

/** MGF1 (B.2.1): Hash(seed || C) for C = 0, 1, ... as 4-byte counters, truncated to len bytes. */
export function mgf1(alg: RsaHashAlgorithm, seed: Uint8Array, len: number): Uint8Array {
  const h = hashLength(alg);
  const out = new Uint8Array(Math.ceil(len / h) * h);
  const c = new Uint8Array(4);
  for (let i = 0, off = 0; off < len; i++, off += h) {
    new DataView(c.buffer).setUint32(0, i);
    out.set(digest(alg, seed, c), off);
  }
  return out.subarray(0, len);
}

const ZEROS8 = new Uint8Array(8);

/** EMSA-PSS-ENCODE (§9.1.1) of mHash with a random salt, emLen = ceil(emBits/8), emBits = modBits - 1. */
function emsaPssEncode(alg: RsaHashAlgorithm, mHash: Uint8Array, emBits: number, sLen: number): Uint8Array {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + sLen + 2) throw new RangeError('rsa-pss: key too short for this hash and salt');
  const salt = randomBytes(sLen);
  const H = digest(alg, ZEROS8, mHash, salt);
  const em = new Uint8Array(emLen);
  const dbLen = emLen - hLen - 1;
  em[dbLen - sLen - 1] = 0x01; // DB = PS (zeros) || 0x01 || salt
  em.set(salt, dbLen - sLen);
  const mask = mgf1(alg, H, dbLen);
  for (let i = 0; i < dbLen; i++) em[i]! ^= mask[i]!;
  em[0]! &= 0xff >>> (8 * emLen - emBits);
  em.set(H, dbLen);
  em[emLen - 1] = 0xbc;
  return em;
}

/** EMSA-PSS-VERIFY (§9.1.2) of the emLen-byte block em against mHash. */
function emsaPssVerify(
  alg: RsaHashAlgorithm, mgfAlg: RsaHashAlgorithm, mHash: Uint8Array, em: Uint8Array, emBits: number,
  sLen: number,
): boolean {
  const hLen = mHash.length;
  const emLen = em.length;
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const H = em.subarray(dbLen, dbLen + hLen);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if (em[0]! & ~topMask) return false;
  const db = mgf1(mgfAlg, H, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= em[i]!;
  db[0]! &= topMask;
  const psLen = dbLen - sLen - 1;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - sLen);
  const H2 = digest(alg, ZEROS8, mHash, salt);
  let d = 0;
  for (let i = 0; i < hLen; i++) d |= H[i]! ^ H2[i]!;
  return d === 0;
}

/**
 * RSASSA-PSS-SIGN (§8.1.1) with MGF1 over the same hash and a salt as long as the hash, as TLS's
 * rsa_pss_rsae_* schemes require (RFC 8446 §4.2.3).
 */
export function signPss(priv: RsaPrivateKey, hashAlg: RsaHashAlgorithm, message: SignedData): Uint8Array {
  const mHash = messageHash(hashAlg, message);
  const em = emsaPssEncode(hashAlg, mHash, priv.bits - 1, mHash.length);
  const k = priv.byteLength;
  const block = new Uint8Array(k); // OS2IP of an emLen-byte EM, as k bytes
  block.set(em, k - em.length);
  return signRaw(priv, block);
}

/**
 * RSASSA-PSS-VERIFY (§8.1.2) for salt length `saltLength`, MGF1 with `mgfHash` (default: the same hash).
 */
export function verifyPss(
  pub: RsaPublicKey, hashAlg: RsaHashAlgorithm, message: SignedData, sig: Uint8Array, saltLength: number,
  mgfHash: RsaHashAlgorithm = hashAlg,
): boolean {
  if (!Number.isInteger(saltLength) || saltLength < 0) throw new RangeError('rsa-pss: bad salt length');
  const m = verifyRaw(pub, sig);
  if (!m) return false;
  const emBits = pub.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  // I2OSP(m, emLen) (§8.1.2 step 2c): m must fit in emLen bytes.
  for (let i = 0; i < m.length - emLen; i++) if (m[i] !== 0) return false;
  return emsaPssVerify(hashAlg, mgfHash, messageHash(hashAlg, message), m.subarray(m.length - emLen), emBits, saltLength);
}
