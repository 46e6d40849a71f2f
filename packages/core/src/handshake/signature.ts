// DigitallySigned (RFC 5246 §4.7) for ServerKeyExchange (and later CertificateVerify): ECDSA on P-256/P-384
// with DER signatures (RFC 8422 §5.4), RSA PKCS#1 v1.5, RSA-PSS with rsaEncryption keys (rsa_pss_rsae_*,
// RFC 8446 §4.2.3, used in TLS 1.2 as RFC 8446 §1.3 allows) and Ed25519 (RFC 8422 §5.1.3), plus the
// signature_algorithms negotiation of RFC 5246 §7.4.1.4.1 both ways.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { RsaPublicKey, signPkcs1v15, signPss, verifyPkcs1v15, verifyPss, type CryptoProvider, type SignatureKind } from '@sanstls/crypto';
import { SignatureScheme as S, signatureSchemeName } from '../codec/constants.js';
import type { EcCurve, SigningKey } from './private-key.js';

/** The public key of the peer's certificate, as the verifier hands it over. */
export type PeerPublicKey =
  | { readonly type: 'rsa'; readonly spki: Uint8Array; readonly bits: number }
  | { readonly type: 'ec'; readonly curve: EcCurve; readonly point: Uint8Array }
  | { readonly type: 'ed25519'; readonly key: Uint8Array };

type Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
type Algo = 'ecdsa' | 'rsa_pkcs1' | 'rsa_pss' | 'ed25519';

const table: ReadonlyMap<number, { algo: Algo; hash: Hash | null }> = new Map([
  [S.ecdsa_secp256r1_sha256, { algo: 'ecdsa', hash: 'sha256' }],
  [S.ecdsa_secp384r1_sha384, { algo: 'ecdsa', hash: 'sha384' }],
  [S.ecdsa_secp521r1_sha512, { algo: 'ecdsa', hash: 'sha512' }],
  [S.ecdsa_sha1, { algo: 'ecdsa', hash: 'sha1' }],
  [S.ed25519, { algo: 'ed25519', hash: null }],
  [S.rsa_pss_rsae_sha256, { algo: 'rsa_pss', hash: 'sha256' }],
  [S.rsa_pss_rsae_sha384, { algo: 'rsa_pss', hash: 'sha384' }],
  [S.rsa_pss_rsae_sha512, { algo: 'rsa_pss', hash: 'sha512' }],
  [S.rsa_pkcs1_sha256, { algo: 'rsa_pkcs1', hash: 'sha256' }],
  [S.rsa_pkcs1_sha384, { algo: 'rsa_pkcs1', hash: 'sha384' }],
  [S.rsa_pkcs1_sha512, { algo: 'rsa_pkcs1', hash: 'sha512' }],
  [S.rsa_pkcs1_sha1, { algo: 'rsa_pkcs1', hash: 'sha1' }],
] as const);

/** What a client offers in signature_algorithms (SHA-1 is not offered: RFC 9155 deprecates it). */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [
  S.ecdsa_secp256r1_sha256,
  S.ecdsa_secp384r1_sha384,
  S.ed25519,
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
  S.ecdsa_secp521r1_sha512,
];

export const schemeName = (s: number): string => signatureSchemeName(s) ?? `0x${s.toString(16).padStart(4, '0')}`;

/** The key types a scheme can be used with. */
function fits(algo: Algo, keyType: 'rsa' | 'ec' | 'ed25519'): boolean {
  return algo === 'ecdsa' ? keyType === 'ec' : algo === 'ed25519' ? keyType === 'ed25519' : keyType === 'rsa';
}

/** True when `scheme` is one sanstls implements and it applies to a key of this type. */
export function schemeFitsKey(scheme: number, keyType: 'rsa' | 'ec' | 'ed25519'): boolean {
  const s = table.get(scheme);
  return s !== undefined && fits(s.algo, keyType);
}

/** Our order of preference for signing with a key. */
function signingPreference(key: SigningKey): number[] {
  switch (key.type) {
    case 'ed25519':
      return [S.ed25519];
    case 'ec':
      return key.curve === 'P-256'
        ? [S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384, S.ecdsa_secp521r1_sha512]
        : [S.ecdsa_secp384r1_sha384, S.ecdsa_secp256r1_sha256, S.ecdsa_secp521r1_sha512];
    case 'rsa':
      return [S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512, S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha384, S.rsa_pkcs1_sha512];
  }
}

/**
 * The scheme to sign with, given what the peer sent in signature_algorithms (undefined when it sent no
 * such extension: RFC 5246 §7.4.1.4.1 then implies {sha1,rsa} for RSA keys and {sha1,ecdsa} for ECDSA
 * keys; Ed25519 needs the extension, RFC 8422 §5.1.3). Undefined when nothing fits.
 */
export function chooseSigningScheme(key: SigningKey, peer: readonly number[] | undefined): number | undefined {
  if (peer === undefined) {
    if (key.type === 'rsa') return S.rsa_pkcs1_sha1;
    if (key.type === 'ec') return S.ecdsa_sha1;
    return undefined;
  }
  return signingPreference(key).find((s) => peer.includes(s));
}

function digest(provider: CryptoProvider, hash: Hash, data: Uint8Array): Uint8Array {
  const h = provider.hash(hash);
  const d = h.update(data).digest();
  h.dispose();
  return d;
}

const ecdsaCurve = { 'P-256': p256, 'P-384': p384 } as const;

const kindOf: Record<Algo, SignatureKind> = { ecdsa: 'ecdsa', ed25519: 'ed25519', rsa_pkcs1: 'rsa-pkcs1', rsa_pss: 'rsa-pss' };

/** Signs `data` (the whole signed content, hashed here with the scheme's hash). */
export function sign(provider: CryptoProvider, key: SigningKey, scheme: number, data: Uint8Array): Uint8Array {
  const s = table.get(scheme);
  if (!s || !fits(s.algo, key.type)) throw new Error(`cannot sign with ${schemeName(scheme)} using a ${key.type} key`);
  if (provider.signatures && key.der) return provider.signatures.sign(key.der, kindOf[s.algo], s.hash ?? undefined, data);
  switch (key.type) {
    case 'ed25519':
      return ed25519.sign(data, key.secret);
    case 'ec':
      // RFC 8422 §5.4: the ECDSA signature is the DER of Ecdsa-Sig-Value. RFC 6979 nonces.
      return ecdsaCurve[key.curve].sign(digest(provider, s.hash!, data), key.secret, { prehash: false, format: 'der' });
    case 'rsa':
      return s.algo === 'rsa_pss' ? signPss(key.key, s.hash!, data) : signPkcs1v15(key.key, s.hash!, data);
  }
}

/**
 * Verifies a peer's signature over `data` with `scheme`. False for a bad signature or a scheme that does
 * not fit the key; never throws on hostile input.
 */
export function verify(provider: CryptoProvider, key: PeerPublicKey, scheme: number, data: Uint8Array, signature: Uint8Array): boolean {
  const s = table.get(scheme);
  if (!s || !fits(s.algo, key.type)) return false;
  try {
    if (provider.signatures) return provider.signatures.verify(spkiOf(key), kindOf[s.algo], s.hash ?? undefined, data, signature);
    switch (key.type) {
      case 'ed25519':
        return ed25519.verify(signature, data, key.key, { zip215: false });
      case 'ec':
        // lowS: false, peers (OpenSSL) produce high-S signatures half the time.
        return ecdsaCurve[key.curve].verify(signature, digest(provider, s.hash!, data), key.point, {
          prehash: false,
          format: 'der',
          lowS: false,
        });
      case 'rsa': {
        const pub = RsaPublicKey.fromSpki(key.spki);
        try {
          // RFC 8446 §4.2.3: rsa_pss_rsae_* use a salt as long as the hash.
          return s.algo === 'rsa_pss'
            ? verifyPss(pub, s.hash!, data, signature, digestLength[s.hash!])
            : verifyPkcs1v15(pub, s.hash!, data, signature);
        } finally {
          pub.dispose();
        }
      }
    }
  } catch {
    return false;
  }
}

const digestLength: Record<Hash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

// SubjectPublicKeyInfo headers (RFC 5480 §2 id-ecPublicKey with the named curve, RFC 8410 §4 Ed25519):
// the DER before the BIT STRING's key bytes, all fixed-length.
const SPKI_PREFIX = {
  'P-256': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  'P-384': '3076301006072a8648ce3d020106052b81040022036200',
  ed25519: '302a300506032b6570032100',
} as const;

function withPrefix(prefixHex: string, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefixHex.length / 2 + key.length);
  for (let i = 0; i < prefixHex.length; i += 2) out[i / 2] = parseInt(prefixHex.slice(i, i + 2), 16);
  out.set(key, prefixHex.length / 2);
  return out;
}

/** The peer key as a SubjectPublicKeyInfo, for a provider that verifies itself. */
function spkiOf(key: PeerPublicKey): Uint8Array {
  switch (key.type) {
    case 'rsa':
      return key.spki;
    case 'ec':
      return withPrefix(SPKI_PREFIX[key.curve], key.point);
    case 'ed25519':
      return withPrefix(SPKI_PREFIX.ed25519, key.key);
  }
}
