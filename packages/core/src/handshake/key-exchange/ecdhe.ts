// Ephemeral elliptic-curve Diffie-Hellman for TLS 1.2 (RFC 8422 §5.4, §5.10), on @noble/curves.
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import type { CryptoProvider } from '@sanstls/crypto';
import { TlsError } from '../../errors.js';

export type EcdheGroup = 'x25519' | 'secp256r1' | 'secp384r1';

export interface EcdheKeyPair {
  readonly group: EcdheGroup;
  /** Our share in wire format: 32 raw bytes for x25519, an uncompressed point (0x04 ‖ X ‖ Y) otherwise. */
  readonly publicKey: Uint8Array;
  /** The raw shared secret (see ecdheSharedSecret for the checks around it). */
  derive(peerShare: Uint8Array): Uint8Array;
  /** Wipes the secret key. */
  dispose(): void;
}

const nist = { secp256r1: p256, secp384r1: p384 } as const;
/** Length of an uncompressed point: RFC 8422 §5.1.2 leaves only the uncompressed format in practice. */
const pointLength = { secp256r1: 65, secp384r1: 97 } as const;

/**
 * A fresh key pair. `random` supplies the seed (default: noble's CSPRNG); the handshake passes its
 * provider's randomBytes so that a seeded provider gives reproducible handshakes in tests.
 */
export function generateEcdhe(group: EcdheGroup, random?: (n: number) => Uint8Array, provider?: CryptoProvider): EcdheKeyPair {
  // A provider with its own ECDH (node:crypto) keeps the secret; its randomness is its own.
  if (provider?.ecdh) {
    const ka = provider.ecdh(group);
    return { group, publicKey: ka.publicKey, derive: (peer) => ka.derive(peer), dispose: () => ka.dispose() };
  }
  if (group === 'x25519') {
    const { secretKey, publicKey } = random ? x25519.keygen(random(x25519.lengths.seed!)) : x25519.keygen();
    return { group, publicKey, derive: (peer) => x25519.getSharedSecret(secretKey, peer), dispose: () => secretKey.fill(0) };
  }
  const c = nist[group];
  const { secretKey } = random ? c.keygen(random(c.lengths.seed!)) : c.keygen();
  return {
    group,
    publicKey: c.getPublicKey(secretKey, false),
    derive: (peer) => c.getSharedSecret(secretKey, peer, true).subarray(1),
    dispose: () => secretKey.fill(0),
  };
}

const badShare = (why: string) =>
  new TlsError('ILLEGAL_PARAMETER', 'illegal_parameter', `invalid ECDHE public value: ${why}`);

/**
 * The premaster secret from our secret key and the peer's share. Validation per RFC 8422 §5.11: a NIST
 * point must be uncompressed, on the curve and not the identity (noble checks both when decoding); the
 * X25519 result must not be all zeros (RFC 7748 §6.1: a low-order peer share). The premaster of the NIST
 * curves is the X coordinate alone (RFC 8422 §5.10).
 */
export function ecdheSharedSecret(pair: EcdheKeyPair, peerShare: Uint8Array): Uint8Array {
  if (pair.group === 'x25519') {
    if (peerShare.length !== 32) throw badShare('x25519 share is not 32 bytes');
    let shared: Uint8Array;
    try {
      shared = pair.derive(peerShare);
    } catch {
      throw badShare('low-order x25519 share (all-zero shared secret)'); // noble refuses it itself
    }
    let acc = 0;
    for (let i = 0; i < shared.length; i++) acc |= shared[i]!;
    if (acc === 0) throw badShare('low-order x25519 share (all-zero shared secret)');
    return shared;
  }
  if (peerShare.length !== pointLength[pair.group] || peerShare[0] !== 0x04) {
    throw badShare('not an uncompressed point of the negotiated curve');
  }
  try {
    return pair.derive(peerShare);
  } catch {
    throw badShare('point not on the curve');
  }
}
