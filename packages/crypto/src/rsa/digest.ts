// The hashes RSA needs, behind one small import to switch to the package's own WASM hashes (hash.ts)
// when they land. SHA-224 is only here for the Wycheproof PSS parameter tests and MGF1 variety.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from '../types.js';

export type RsaHashAlgorithm = HashAlgorithm | 'sha224';

const IMPL = { sha1, sha224, sha256, sha384, sha512 } as const;

/** Output length in bytes. */
export function hashLength(alg: RsaHashAlgorithm): number {
  const h = IMPL[alg];
  if (!h) throw new Error(`rsa: unsupported hash ${String(alg)}`);
  return h.outputLen;
}

/** Digest of the concatenation of `parts`. */
export function digest(alg: RsaHashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = IMPL[alg];
  if (!h) throw new Error(`rsa: unsupported hash ${String(alg)}`);
  const s = h.create();
  for (const p of parts) s.update(p);
  return s.digest();
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

/** SHA-2 OIDs are 2.16.840.1.101.3.4.2.x. */
function sha2Prefix(x: number, len: number): Uint8Array {
  return Uint8Array.of(0x30, 0x11 + len, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
    0x02, x, 0x05, 0x00, 0x04, len);
}
