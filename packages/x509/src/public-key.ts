// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) for the key types we verify with: RSA (RFC 3279 §2.3.1),
// EC on named P-256/P-384 (RFC 5480 §2; explicit curves refused, CA/B BR §7.1.3.1.2) and Ed25519
// (RFC 8410 §4). Anything else parses to `unsupported` and is refused when it is on a path.

import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  type Block,
  Reader,
  Tag,
  decodeDer,
  encoding,
  readNull,
  readOctetAlignedBits,
  readOid,
  readUnsignedBytes,
  tagOf,
} from './asn1/index.js';
import { bytesToBigInt } from './bytes.js';
import { malformed } from './errors.js';
import { OID } from './oids.js';

export type EcCurve = 'P-256' | 'P-384';

export type PublicKey =
  | { readonly kind: 'rsa'; readonly n: bigint; readonly e: bigint; readonly bits: number; readonly modulus: Uint8Array }
  | { readonly kind: 'ec'; readonly curve: EcCurve; readonly point: Uint8Array }
  | { readonly kind: 'ed25519'; readonly key: Uint8Array }
  | { readonly kind: 'unsupported'; readonly algorithm: string; readonly reason: string };

export interface SubjectPublicKeyInfo {
  readonly der: Uint8Array;
  readonly algorithm: string;
  /** The subjectPublicKey BIT STRING contents (what an OCSP issuerKeyHash is taken over, RFC 6960 §4.1.1). */
  readonly keyBytes: Uint8Array;
  readonly key: PublicKey;
}

function rsaKey(bits: Uint8Array, params: Block | undefined): PublicKey {
  if (params === undefined) throw malformed('RSA key: parameters must be NULL'); // RFC 3279 §2.3.1
  readNull(params);
  const r = Reader.of(decodeDer(bits));
  const modulus = readUnsignedBytes(r.next());
  const eBytes = readUnsignedBytes(r.next());
  r.end();
  const n = bytesToBigInt(modulus);
  const e = bytesToBigInt(eBytes);
  if (n === 0n || (n & 1n) === 0n) throw malformed('RSA key: bad modulus');
  if (e < 3n || (e & 1n) === 0n) throw malformed('RSA key: bad exponent');
  return { kind: 'rsa', n, e, bits: n.toString(2).length, modulus };
}

function ecKey(bits: Uint8Array, params: Block | undefined): PublicKey {
  if (params === undefined || tagOf(params) !== Tag.OID) {
    return { kind: 'unsupported', algorithm: OID.ecPublicKey, reason: 'EC key without a named curve (explicit or implicit parameters)' };
  }
  const curveOid = readOid(params);
  const curve = curveOid === OID.secp256r1 ? p256 : curveOid === OID.secp384r1 ? p384 : undefined;
  if (curve === undefined) return { kind: 'unsupported', algorithm: OID.ecPublicKey, reason: `EC curve ${curveOid} not allowed` };
  try {
    curve.Point.fromBytes(bits).assertValidity();
  } catch {
    throw malformed('EC key: point not on the curve');
  }
  return { kind: 'ec', curve: curveOid === OID.secp256r1 ? 'P-256' : 'P-384', point: bits };
}

export function parseSpki(t: Block): SubjectPublicKeyInfo {
  const r = Reader.of(t);
  const alg = r.enter();
  const algorithm = readOid(alg.next());
  const params = alg.done ? undefined : alg.next();
  alg.end();
  const keyBytes = readOctetAlignedBits(r.expect(Tag.BIT_STRING));
  r.end();
  let key: PublicKey;
  if (algorithm === OID.rsaEncryption) key = rsaKey(keyBytes, params);
  else if (algorithm === OID.ecPublicKey) key = ecKey(keyBytes, params);
  else if (algorithm === OID.ed25519) {
    if (params !== undefined) throw malformed('Ed25519 key: parameters must be absent'); // RFC 8410 §3
    if (keyBytes.length !== 32) throw malformed('Ed25519 key: bad length');
    try {
      ed25519.Point.fromBytes(keyBytes);
    } catch {
      throw malformed('Ed25519 key: not a valid point');
    }
    key = { kind: 'ed25519', key: keyBytes };
  } else if (algorithm === OID.dsa) key = { kind: 'unsupported', algorithm, reason: 'DSA keys are not allowed' };
  else key = { kind: 'unsupported', algorithm, reason: `unsupported public key algorithm ${algorithm}` };
  return { der: encoding(t), algorithm, keyBytes, key };
}
