// The seam between the protocol and its crypto: the TLS core asks a CryptoProvider for every symmetric
// primitive, so a runtime can plug in native crypto (node:crypto) while the default stays the WASM module.
import { AesCbc } from './aes.js';
import { ChaCha20Poly1305 } from './chacha20poly1305.js';
import { AesGcm } from './gcm.js';
import { createHash } from './hash.js';
import { createHmac } from './hmac.js';
import { prf } from './prf.js';
import type { Aead, Hash, HashAlgorithm, Mac } from './types.js';

export type AeadAlgorithm = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/** AES-CBC without padding, bound to one key, for the CBC record protection (RFC 5246 §6.2.3.2). */
export interface CbcCipherKey {
  /** Encrypts buf[offset, offset+length) in place (length a multiple of 16) under `iv`. */
  encryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void;
  decryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void;
  dispose(): void;
}

/** Curves for ephemeral ECDH (RFC 8422 §5.1.1 names). */
export type EcdhGroup = 'x25519' | 'secp256r1' | 'secp384r1';

/** One ephemeral key pair of a key agreement, its secret kept inside the provider. */
export interface KeyAgreement {
  /** Our share in TLS wire format: 32 bytes for X25519, an uncompressed point (0x04 ‖ X ‖ Y) otherwise. */
  readonly publicKey: Uint8Array;
  /**
   * The raw shared secret with the peer's share: the X25519 output, or the X coordinate for the NIST
   * curves (RFC 8422 §5.10). Throws for a share that is not a valid point; the caller makes the other
   * checks TLS asks for (lengths, the all-zero X25519 result).
   */
  derive(peerPublic: Uint8Array): Uint8Array;
  /** Forgets the secret. */
  dispose(): void;
}

/** A private key in a DER form any crypto library imports. */
export interface PrivateKeyDer {
  readonly der: Uint8Array;
  readonly format: 'pkcs8' | 'pkcs1' | 'sec1';
}

export type SignatureKind = 'ecdsa' | 'ed25519' | 'rsa-pkcs1' | 'rsa-pss';

/**
 * Public-key signatures in TLS's wire forms: ECDSA signatures DER-encoded (RFC 8422 §5.4), RSA-PSS with a
 * salt as long as the hash (RFC 8446 §4.2.3), Ed25519 over the message itself (`hash` undefined).
 */
export interface SignatureProvider {
  sign(key: PrivateKeyDer, kind: SignatureKind, hash: HashAlgorithm | undefined, data: Uint8Array): Uint8Array;
  /** False for a bad signature; may throw for a key it cannot import (the caller treats that as false). */
  verify(spki: Uint8Array, kind: SignatureKind, hash: HashAlgorithm | undefined, data: Uint8Array, signature: Uint8Array): boolean;
}

export interface CryptoProvider {
  readonly name: string;
  /** Signatures by the provider (e.g. node:crypto); absent means the core's own (@noble/curves, WASM RSA). */
  readonly signatures?: SignatureProvider;
  /**
   * Ephemeral ECDH by the provider (e.g. node:crypto); absent means the core's own (@noble/curves).
   */
  ecdh?(group: EcdhGroup): KeyAgreement;
  /**
   * Finite-field DH by the provider with the private exponent the core chose (its length is fixed by the
   * group); derive returns Z. Absent means the core's own (WASM modexp).
   */
  dh?(p: Uint8Array, g: Uint8Array, privateExponent: Uint8Array): KeyAgreement;
  /**
   * The raw RSA private-key operation (RSADP, RFC 8017 §5.1.2: c^d mod n, k bytes in and out), for RSA key
   * exchange on a server: the core checks the EME-PKCS1-v1_5 padding of the result itself, without
   * branching on it (RFC 5246 §7.4.7.1). Called only with c < n. Absent means the core's own (WASM).
   */
  rsaDecryptRaw?(key: PrivateKeyDer, c: Uint8Array): Uint8Array;
  aead(algorithm: AeadAlgorithm, key: Uint8Array): Aead;
  cbc(key: Uint8Array): CbcCipherKey;
  hash(algorithm: HashAlgorithm): Hash;
  hmac(algorithm: HashAlgorithm, key: Uint8Array): Mac;
  /** The TLS 1.2 PRF (RFC 5246 §5) with the suite's hash. */
  prf(algorithm: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array;
  randomBytes(length: number): Uint8Array;
}

/** Cryptographically secure random bytes from the runtime (Web Crypto: Node ≥ 19, Deno, browsers). */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

/** The default provider: everything symmetric in the sanstls WASM module. */
export const wasmProvider: CryptoProvider = {
  name: 'wasm',
  aead(algorithm, key) {
    if (algorithm === 'CHACHA20-POLY1305') return new ChaCha20Poly1305(key);
    const want = algorithm === 'AES-128-GCM' ? 16 : 32;
    if (key.length !== want) throw new RangeError(`${algorithm}: key must be ${want} bytes`);
    return new AesGcm(key);
  },
  cbc: (key) => new AesCbc(key),
  hash: (algorithm) => createHash(algorithm),
  hmac: (algorithm, key) => createHmac(algorithm, key),
  prf: (algorithm, secret, label, seed, length) => prf(algorithm, secret, label, seed, length),
  randomBytes,
};
