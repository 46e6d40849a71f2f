// Ephemeral finite-field Diffie-Hellman for TLS 1.2 (RFC 5246 §7.4.3, §8.1.2; RFC 7919), on
// @sanstls/crypto's modPow (constant time in the secret exponent; the modulus p is odd).
//
// Which server groups a client accepts (RFC 7919 §5.1, and Logjam, https://weakdh.org):
// - a known group (RFC 7919 ffdhe2048/3072/4096 or RFC 3526 MODP 2048/3072/4096, all safe primes
//   with g = 2): accepted; the peer's Y is checked with 1 < Y < p-1, which RFC 7919 §5.1 deems enough
//   for a safe prime;
// - any other group of 2048 to 8192 bits: accepted only with p odd and 1 < g < p-1 (a composite or
//   otherwise weak p cannot be detected cheaply: the server, which signs the parameters, is trusted to
//   pick a sound group, as RFC 5246 lets it; it could read the session anyway);
// - a group under 2048 bits: refused with DH_KEY_TOO_SMALL / insufficient_security (RFC 7919 §4: a
//   client may refuse weak parameters; 1024-bit and export groups are within reach of precomputation);
// - over 8192 bits: refused (illegal_parameter), bounding the work a server can make us do.
import { modPow, type CryptoProvider, type KeyAgreement } from '@sanstls/crypto';
import { illegalParameter, TlsError } from '../../errors.js';
import { DH_GENERATOR, knownDhGroup, type KnownDhGroup } from './ffdhe-groups.js';

export const MIN_DH_BITS = 2048;
export const MAX_DH_BITS = 8192;

/** A DH group as used in one exchange: p and g big-endian without leading zeros. */
export interface DhGroup {
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly bits: number;
  /** Length of our private exponent in bytes. */
  readonly exponentBytes: number;
  /** The recognised group, when it is one. */
  readonly known: KnownDhGroup | undefined;
}

export interface DhKeyPair {
  readonly group: DhGroup;
  /** Our public value g^x mod p, minimal big-endian (as OpenSSL and most TLS 1.2 stacks send it). */
  readonly publicKey: Uint8Array;
  readonly secret: Uint8Array;
  /** The provider's own DH (node:crypto), when it has one. */
  readonly native?: KeyAgreement;
}

export function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(x: Uint8Array): number {
  const s = stripLeadingZeros(x);
  return s.length === 0 || s[0] === 0 ? 0 : (s.length - 1) * 8 + (32 - Math.clz32(s[0]!));
}

/** a < b for minimal big-endian public values. */
function less(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** 1 < x < p-1, for p odd (so p-1 is p with its last bit cleared). Public values: no need for constant time. */
function inOpenRange(x: Uint8Array, p: Uint8Array): boolean {
  const v = stripLeadingZeros(x);
  if (v.length === 1 && v[0]! <= 1) return false;
  const pMinus1 = p.slice();
  pMinus1[pMinus1.length - 1]! &= 0xfe;
  return less(v, pMinus1);
}

/** The group of one of our (server) named groups. */
export function dhGroupOf(known: KnownDhGroup): DhGroup {
  return { p: known.p, g: DH_GENERATOR, bits: known.bits, exponentBytes: known.exponentBytes, known };
}

/** Client: judge the server's p and g (see the header for the policy). */
export function acceptServerDhGroup(pIn: Uint8Array, gIn: Uint8Array): DhGroup {
  const p = stripLeadingZeros(pIn);
  const g = stripLeadingZeros(gIn);
  const bits = bitLength(p);
  if (bits < MIN_DH_BITS) {
    throw new TlsError('DH_KEY_TOO_SMALL', 'insufficient_security', `server DH group has ${bits} bits; at least ${MIN_DH_BITS} are required (Logjam)`);
  }
  if (bits > MAX_DH_BITS) throw illegalParameter(`server DH group has ${bits} bits, more than ${MAX_DH_BITS}`);
  const known = knownDhGroup(p, g);
  if (known) return dhGroupOf(known);
  if (!(p[p.length - 1]! & 1)) throw illegalParameter('server DH prime is even');
  if (!inOpenRange(g, p)) throw illegalParameter('server DH generator is not in (1, p-1)');
  // Twice the security strength at least (RFC 7919 §5.2 sizes), for a group we cannot otherwise judge.
  const exponentBytes = bits < 3072 ? 32 : bits < 4096 ? 40 : bits < 6144 ? 48 : 64;
  return { p, g, bits, exponentBytes, known: undefined };
}

/** RFC 7919 §5.1: the peer's public value must satisfy 1 < Y < p-1. */
export function checkDhPublic(group: DhGroup, y: Uint8Array): void {
  if (!inOpenRange(y, group.p)) throw illegalParameter('DH public value is not in (1, p-1)');
}

/** A fresh key pair: x of exponentBytes random bytes with the top bit set (fixed length: modPow's time depends on it). */
export function generateDh(group: DhGroup, random: (n: number) => Uint8Array, provider?: CryptoProvider): DhKeyPair {
  const secret = random(group.exponentBytes);
  secret[0]! |= 0x80;
  if (provider?.dh) {
    const native = provider.dh(group.p, group.g, secret);
    return { group, secret, publicKey: stripLeadingZeros(native.publicKey).slice(), native };
  }
  const y = modPow(group.g, secret, group.p);
  return { group, secret, publicKey: stripLeadingZeros(y).slice() };
}

/**
 * The premaster secret: Z = Y^x mod p with its leading zero bytes stripped (RFC 5246 §8.1.2). The
 * peer's Y must have passed checkDhPublic.
 */
export function dhSharedSecret(pair: DhKeyPair, peer: Uint8Array): Uint8Array {
  const z = pair.native ? pair.native.derive(stripLeadingZeros(peer)) : modPow(stripLeadingZeros(peer), pair.secret, pair.group.p);
  const out = stripLeadingZeros(z).slice();
  z.fill(0);
  return out;
}
