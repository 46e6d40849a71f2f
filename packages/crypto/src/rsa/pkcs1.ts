// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) and RSAES-PKCS1-v1_5 (§7.2), with the TLS server's decryption
// countermeasure against Bleichenbacher's attack (RFC 5246 §7.4.7.1).
import { constantTimeEqual } from '../ct.js';
import { DIGEST_INFO_PREFIX, type RsaHashAlgorithm, digest, hashLength } from './digest.js';
import type { RsaPrivateKey, RsaPublicKey } from './keys.js';

/** A message to hash, or its digest already computed with the signature's hash (e.g. a TLS transcript hash). */
export type SignedData = Uint8Array | { digest: Uint8Array };

export function messageHash(alg: RsaHashAlgorithm, data: SignedData): Uint8Array {
  if (data instanceof Uint8Array) return digest(alg, data);
  if (data.digest.length !== hashLength(alg)) throw new RangeError(`rsa: digest length is not that of ${alg}`);
  return data.digest;
}

export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

/** EMSA-PKCS1-v1_5-ENCODE (§9.2): 0x00 0x01 FF..FF 0x00 DigestInfo, k bytes. */
function emsaPkcs1v15(alg: RsaHashAlgorithm, h: Uint8Array, k: number): Uint8Array {
  const prefix = DIGEST_INFO_PREFIX[alg];
  const tLen = prefix.length + h.length;
  if (k < tLen + 11) throw new RangeError('rsa: key too short for this hash');
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(prefix, k - tLen);
  em.set(h, k - h.length);
  return em;
}

/** RSASP1 with a fault check (verify-after-sign): a faulty CRT result would reveal a factor of n. */
export function signRaw(priv: RsaPrivateKey, em: Uint8Array): Uint8Array {
  const s = priv.privateOp(em);
  if (!constantTimeEqual(priv.publicKey.publicOp(s), em)) {
    throw new Error('rsa: signature self-check failed (fault or inconsistent key)');
  }
  return s;
}

/** RSAVP1 for a signature of exactly k bytes and value < n, else null (§8.2.2 steps 1, 2b). */
export function verifyRaw(pub: RsaPublicKey, sig: Uint8Array): Uint8Array | null {
  if (!pub.inRange(sig)) return null;
  return pub.publicOp(sig);
}

/** RSASSA-PKCS1-v1_5-SIGN (§8.2.1). */
export function signPkcs1v15(priv: RsaPrivateKey, hashAlg: RsaHashAlgorithm, message: SignedData): Uint8Array {
  return signRaw(priv, emsaPkcs1v15(hashAlg, messageHash(hashAlg, message), priv.byteLength));
}

/**
 * RSASSA-PKCS1-v1_5-VERIFY (§8.2.2): re-encodes the expected block and compares all of it with the
 * recovered one, so no DigestInfo is ever parsed (the parsing is what allowed Bleichenbacher's 2006
 * forgery against e = 3). DigestInfo must carry the NULL parameters.
 */
export function verifyPkcs1v15(
  pub: RsaPublicKey, hashAlg: RsaHashAlgorithm, message: SignedData, sig: Uint8Array,
): boolean {
  const em = verifyRaw(pub, sig);
  if (!em) return false;
  return constantTimeEqual(em, emsaPkcs1v15(hashAlg, messageHash(hashAlg, message), pub.byteLength));
}

/** RSAES-PKCS1-v1_5-ENCRYPT (§7.2.1): 0x00 0x02 PS (non-zero random, >= 8 bytes) 0x00 M. */
export function encryptPkcs1v15(pub: RsaPublicKey, message: Uint8Array): Uint8Array {
  const k = pub.byteLength;
  if (message.length > k - 11) throw new RangeError('rsa: message too long');
  const em = new Uint8Array(k);
  em[1] = 0x02;
  const ps = em.subarray(2, k - message.length - 1);
  globalThis.crypto.getRandomValues(ps);
  for (let i = 0; i < ps.length; i++) {
    while (ps[i] === 0) globalThis.crypto.getRandomValues(ps.subarray(i, i + 1));
  }
  em.set(message, k - message.length);
  const c = pub.publicOp(em);
  em.fill(0);
  return c;
}

// Branch-free helpers on small non-negative integers: each returns 0 or 1.
const isZero = (x: number): number => (((x | -x) >>> 31) ^ 1) & 1;
const isEq = (a: number, b: number): number => isZero(a ^ b);
const geq = (a: number, b: number): number => ((a - b) >>> 31) ^ 1; // for |a|, |b| < 2^30

/** Constant-time x < n over equal-length big-endian byte strings: 1 or 0. */
function ctLessThan(x: Uint8Array, n: Uint8Array): number {
  let lt = 0;
  let decided = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = n[i]!;
    const less = ((a - b) >>> 31) & 1;
    const diff = 1 - isEq(a, b);
    lt |= less & ~decided & 1;
    decided |= diff;
  }
  return lt;
}

/** A raw RSA private-key operation done elsewhere (a crypto provider's rsaDecryptRaw): k bytes in and out. */
export type RawPrivateOp = (c: Uint8Array) => Uint8Array;

/**
 * `rawOp` on c, which must be < n for it: `inRange` (length and range checks) depends only on the
 * ciphertext and the public modulus, so branching on it reveals nothing. A failing or misbehaving
 * operation gives a block that fails the padding checks, as an invalid ciphertext does.
 */
function otherOp(rawOp: RawPrivateOp, c: Uint8Array, k: number, inRange: number): Uint8Array {
  let em: Uint8Array | undefined;
  if (inRange === 1) {
    try {
      em = rawOp(c);
    } catch {
      em = undefined;
    }
  }
  if (em !== undefined && em.length === k) return em;
  em?.fill(0);
  return new Uint8Array(k);
}

/**
 * Decrypts and checks the EME-PKCS1-v1_5 block without branching on secret data. Returns the decrypted
 * block, a 0/1 validity flag and the index of the first message byte (meaningful only when valid).
 */
function decryptBlock(priv: RsaPrivateKey, ciphertext: Uint8Array, rawOp?: RawPrivateOp): { em: Uint8Array; good: number; start: number } {
  const k = priv.byteLength;
  // A ciphertext of the wrong length is invalid (its length is public); decrypt a k-byte one anyway.
  const c = new Uint8Array(k);
  const lenOk = isEq(ciphertext.length, k);
  c.set(ciphertext.subarray(0, k));
  let good = lenOk & ctLessThan(c, priv.publicKey.n);
  const em = rawOp ? otherOp(rawOp, c, k, good) : priv.privateOp(c);
  good &= isZero(em[0]!) & isEq(em[1]!, 2);
  // First zero byte after the padding string: sep stays 0 until found (a real separator is at >= 2).
  let found = 0;
  let sep = 0;
  for (let i = 2; i < k; i++) {
    const z = isZero(em[i]!);
    sep |= -(z & ~found & 1) & i;
    found |= z;
  }
  good &= found & geq(sep, 10); // PS is at least 8 bytes
  return { em, good, start: sep + 1 };
}

/**
 * RSAES-PKCS1-v1_5-DECRYPT (§7.2.2): the message, or null for any invalid ciphertext. The checks run
 * without secret-dependent branches and only the final, already computed flag is branched on; the
 * result's length is revealed only for valid ciphertexts. TLS servers must use decryptPkcs1v15Tls.
 */
export function decryptPkcs1v15(priv: RsaPrivateKey, ciphertext: Uint8Array): Uint8Array | null {
  const { em, good, start } = decryptBlock(priv, ciphertext);
  const out = good === 1 ? em.slice(start) : null;
  em.fill(0);
  return out;
}

/**
 * RSA key exchange on a TLS server (RFC 5246 §7.4.7.1): never reveals whether the padding was valid.
 * Always returns `expectedLength` bytes: the decrypted message when the padding is valid and the message
 * has exactly that length, otherwise fresh random bytes. The choice is made with masks over every byte,
 * after all checks ran, with no early return and no exception that depends on the ciphertext; the
 * random bytes are drawn before decryption. The handshake then fails at Finished, like any other
 * wrong premaster secret.
 *
 * With `clientVersion` (ClientHello.client_version, e.g. 0x0303), the first two bytes of a valid
 * result are replaced by it, as §7.4.7.1 recommends: a version rollback then also yields a wrong
 * premaster instead of a distinguishable error. With `rawOp` the RSA operation itself is done there
 * (a crypto provider's, e.g. OpenSSL's with its blinding); every check on its result stays here.
 */
export function decryptPkcs1v15Tls(
  priv: RsaPrivateKey, ciphertext: Uint8Array, expectedLength = 48, clientVersion?: number, rawOp?: RawPrivateOp,
): Uint8Array {
  const k = priv.byteLength;
  if (!Number.isInteger(expectedLength) || expectedLength < 0 || expectedLength > k - 11) {
    throw new RangeError('rsa: bad expected length'); // depends on the arguments only
  }
  const out = randomBytes(expectedLength);
  const { em, good, start } = decryptBlock(priv, ciphertext, rawOp);
  const ok = good & isEq(start, k - expectedLength);
  const mask = -ok & 0xff;
  const from = k - expectedLength;
  for (let i = 0; i < expectedLength; i++) out[i] = (em[from + i]! & mask) | (out[i]! & ~mask);
  if (clientVersion !== undefined && expectedLength >= 2) {
    out[0] = ((clientVersion >>> 8) & mask) | (out[0]! & ~mask);
    out[1] = (clientVersion & mask) | (out[1]! & ~mask);
  }
  em.fill(0);
  return out;
}
