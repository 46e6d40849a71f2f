// The hashes RSA needs: SHA-1/2 from the package's WASM hashes (hash.ts). SHA-224, which TLS does not use
// with RSA, comes from @noble/hashes so PSS verification covers every Wycheproof parameter set.
import { sha224 } from '@noble/hashes/sha2.js';
import { createHash } from '../hash.js';
import type { HashAlgorithm } from '../types.js';

export type RsaHashAlgorithm = HashAlgorithm | 'sha224';

const LENGTHS: Record<RsaHashAlgorithm, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Output length in bytes. */
export function hashLength(alg: RsaHashAlgorithm): number {
  const n = Object.hasOwn(LENGTHS, alg) ? LENGTHS[alg] : undefined;
  if (!n) throw new TypeError(`rsa: unsupported hash '${String(alg)}'`);
  return n;
}

/** Digest of the concatenation of `parts`. */
export function digest(alg: RsaHashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  hashLength(alg);
  if (alg === 'sha224') {
    const s = sha224.create();
    for (const p of parts) s.update(p);
    return s.digest();
  }
  const h = createHash(alg);
  try {
    for (const p of parts) h.update(p);
    return h.digest();
  } finally {
    h.dispose();
  }
}

/**
 * DER of DigestInfo { AlgorithmIdentifier { oid, NULL }, OCTET STRING } up to the digest itself
 * (RFC 8017 §9.2, Note 1).
 */
export const DIGEST_INFO_PREFIX: Record<RsaHashAlgorithm, Uint8Array> = {
  sha1: Uint8Array.of(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14),
  sha224: sha2Prefix(0x04, 28),
  sha256: sha2Prefix(0x01, 32),
  sha384: sha2Prefix(0x02, 48),
  sha512: sha2Prefix(0x03, 64),
};

/** SHA-2 OIDs are 2.16.840.1.101.3.4.2.x; DigestInfo's body is 15 + 2 + len bytes. */
function sha2Prefix(x: number, len: number): Uint8Array {
  return Uint8Array.of(0x30, 0x11 + len, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
    0x02, x, 0x05, 0x00, 0x04, len);
}
