// Signature verification dispatch: the algorithm named by the signed object must match the
// signer's key type (RFC 5280 §4.1.1.2; RFC 5480 §2.1.1; RFC 8410 §6).

import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import type { SignatureAlgorithm } from './algorithms.js';
import { X509Error } from './errors.js';
import { digest } from './hash.js';
import type { PublicKey } from './public-key.js';
import { verifyPkcs1, verifyPss } from './rsa.js';

/** Throws for unusable algorithm/key combinations; returns whether the signature is valid. */
export function verifySignature(
  alg: SignatureAlgorithm,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (alg.kind === 'unsupported') {
    throw new X509Error(alg.weak ? 'CA_MD_TOO_WEAK' : 'UNSUPPORTED_SIGNATURE_ALGORITHM', alg.reason);
  }
  if (key.kind === 'unsupported') throw new X509Error('UNSUPPORTED_PUBLIC_KEY', key.reason);
  const mismatch = () =>
    new X509Error('SIGNATURE_ALGORITHM_MISMATCH', `${alg.kind} signature with a ${key.kind} key`);
  switch (alg.kind) {
    case 'rsa-pkcs1':
      if (key.kind !== 'rsa') throw mismatch();
      return verifyPkcs1(key, alg.hash, message, signature);
    case 'rsa-pss':
      if (key.kind !== 'rsa') throw mismatch();
      return verifyPss(key, alg.hash, alg.saltLength, message, signature);
    case 'ecdsa': {
      if (key.kind !== 'ec') throw mismatch();
      const curve = key.curve === 'P-256' ? p256 : p384;
      try {
        // DER-encoded (r, s) per RFC 5480 §2.2 / RFC 3279 §2.2.3; high-s is valid ECDSA.
        return curve.verify(signature, digest(alg.hash, message), key.point, {
          prehash: false,
          format: 'der',
          lowS: false,
        });
      } catch {
        return false;
      }
    }
    case 'ed25519':
      if (key.kind !== 'ed25519') throw mismatch();
      try {
        return ed25519.verify(signature, message, key.key, { zip215: false }); // RFC 8032 §5.1.7
      } catch {
        return false;
      }
  }
}
