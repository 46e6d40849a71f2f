// The one place hashing comes from, so a faster backend can be switched in later. SHA-1 is here
// only for fingerprints and OCSP CertIDs (identifiers, not signatures).

import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256, sha384 as nobleSha384, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const HASH_LENGTH: Readonly<Record<HashName, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function digest(name: HashName, data: Uint8Array): Uint8Array {
  switch (name) {
    case 'sha1':
      return nobleSha1(data);
    case 'sha256':
      return nobleSha256(data);
    case 'sha384':
      return nobleSha384(data);
    case 'sha512':
      return nobleSha512(data);
  }
}
