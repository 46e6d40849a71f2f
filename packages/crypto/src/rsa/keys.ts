// RSA keys (RFC 8017 §3) imported from DER, and the primitives RSAEP/RSAVP1 (public) and RSADP/RSASP1
// (private, §5.1.2 second form: CRT with Garner's recombination). Private operations are base-blinded
// (c * r^e, then * r^-1) and run on constant-time Montgomery arithmetic in WASM.
import { constantTimeEqual } from '../ct.js';
import { heap, wasm } from '../wasm.js';
import { DerReader, TAG_BIT_STRING, TAG_OCTET_STRING, readRsaAlgorithm } from './der.js';
import { Modulus, SLOT, stripZeros } from './modulus.js';

const MIN_BITS = 1024;
const MAX_BITS = 8192;
/** Blinding pairs are squared after each use and drawn afresh after this many uses. */
const BLINDING_USES = 32;

function readRsaPublicKey(der: Uint8Array): { n: Uint8Array; e: Uint8Array } {
  const top = new DerReader(der);
  const seq = top.sequence();
  top.end();
  const n = seq.uint();
  const e = seq.uint();
  seq.end();
  return { n, e };
}

/** Strictly less, big-endian, equal lengths after padding; for public values. */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

/** big-endian x - 2 for odd x >= 3 (no borrow past the top), same length. */
function minusTwo(x: Uint8Array): Uint8Array {
  const r = x.slice();
  let borrow = 2;
  for (let i = r.length - 1; i >= 0; i--) {
    const d = r[i]! - borrow;
    r[i] = d & 0xff;
    borrow = (d >> 8) & 1;
  }
  return r;
}

/** Left-pads a big-endian number to len bytes (it must fit). */
function pad(x: Uint8Array, len: number): Uint8Array {
  const s = stripZeros(x);
  if (s.length > len) throw new Error('rsa key: value out of range');
  const r = new Uint8Array(len);
  r.set(s, len - s.length);
  return r;
}

export class RsaPublicKey {
  /** Modulus and public exponent, big-endian without leading zeros. */
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly bits: number;
  /** k: the byte length of n, hence of signatures and ciphertexts. */
  readonly byteLength: number;
  #mod: Modulus | undefined;

  constructor(n: Uint8Array, e: Uint8Array) {
    const nn = stripZeros(n);
    const ee = stripZeros(e);
    if (nn.length === 0 || !(nn[nn.length - 1]! & 1)) throw new Error('rsa key: modulus must be odd');
    const bits = (nn.length - 1) * 8 + (32 - Math.clz32(nn[0]!));
    if (bits < MIN_BITS || bits > MAX_BITS) throw new Error(`rsa key: ${bits}-bit modulus not supported`);
    if (ee.length === 0 || !(ee[ee.length - 1]! & 1) || (ee.length === 1 && ee[0]! < 3) || !lessThan(ee, nn)) {
      throw new Error('rsa key: bad public exponent');
    }
    this.n = nn.slice();
    this.e = ee.slice();
    this.bits = bits;
    this.byteLength = nn.length;
  }

  /** PKCS#1 RSAPublicKey (RFC 8017 Appendix A.1.1). */
  static fromPkcs1(der: Uint8Array): RsaPublicKey {
    const { n, e } = readRsaPublicKey(der);
    return new RsaPublicKey(n, e);
  }

  /** SubjectPublicKeyInfo with rsaEncryption (RFC 5280 §4.1, RFC 3279 §2.3.1). */
  static fromSpki(der: Uint8Array): RsaPublicKey {
    const top = new DerReader(der);
    const spki = top.sequence();
    top.end();
    readRsaAlgorithm(spki);
    const bits = spki.read(TAG_BIT_STRING);
    spki.end();
    if (bits.length < 1 || bits[0] !== 0) throw new Error('rsa key: BIT STRING with unused bits');
    return RsaPublicKey.fromPkcs1(bits.subarray(1));
  }

  /** The Montgomery context of n, built on first use. */
  get modulus(): Modulus {
    return (this.#mod ??= new Modulus(this.n));
  }

  /** x < n for a k-byte x (public values). */
  inRange(x: Uint8Array): boolean {
    return x.length === this.byteLength && lessThan(x, this.n);
  }

  /** RSAEP / RSAVP1 (§5.1.1, §5.2.2): x^e mod n as k bytes; the caller checks x < n. Raw RSA, no padding. */
  publicOp(x: Uint8Array): Uint8Array {
    const m = this.modulus;
    m.load(SLOT.X, x);
    m.powPublic(SLOT.T, SLOT.X, this.e);
    const out = m.store(SLOT.T, this.byteLength);
    m.wipe(SLOT.X, SLOT.T);
    return out;
  }

  /** Frees the linear memory of the Montgomery context (rebuilt if the key is used again). */
  dispose(): void {
    this.#mod?.dispose();
    this.#mod = undefined;
  }
}

/**
 * An RSA private key in CRT form, in three Montgomery contexts of its own. Slots: in n's, the blinding pair
 * r^e and r^-1 (Montgomery form, K1, K2); in p's, q^-1 mod p (K1), dp (K2, as bytes) and p-2 (U, bytes);
 * in q's, dq (K2) and q-2 (U). d itself is not kept.
 */
export class RsaPrivateKey {
  readonly publicKey: RsaPublicKey;
  readonly bits: number;
  readonly byteLength: number;
  #n: Modulus;
  #p: Modulus;
  #q: Modulus;
  #pLen: number;
  #qLen: number;
  #uses = BLINDING_USES; // forces a fresh blinding pair on first use

  private constructor(f: Record<'n' | 'e' | 'p' | 'q' | 'dp' | 'dq' | 'qinv', Uint8Array>) {
    this.publicKey = new RsaPublicKey(f.n, f.e);
    this.bits = this.publicKey.bits;
    this.byteLength = this.publicKey.byteLength;
    const p = stripZeros(f.p);
    const q = stripZeros(f.q);
    if (p.length < 2 || q.length < 2 || !(p[p.length - 1]! & 1) || !(q[q.length - 1]! & 1)) {
      throw new Error('rsa key: bad primes');
    }
    this.#n = new Modulus(this.publicKey.n); // own context: holds the blinding pair
    this.#p = new Modulus(p);
    this.#q = new Modulus(q);
    this.#pLen = p.length;
    this.#qLen = q.length;
    try {
      this.#check(f, p, q);
    } catch (err) {
      this.dispose();
      throw err;
    }
    this.#p.load(SLOT.K1, pad(f.qinv, this.#pLen));
    this.#p.putBytes(SLOT.K2, pad(f.dp, this.#pLen));
    this.#p.putBytes(SLOT.U, minusTwo(p));
    this.#q.putBytes(SLOT.K2, pad(f.dq, this.#qLen));
    this.#q.putBytes(SLOT.U, minusTwo(q));
  }

  /** n = p*q (which also bounds the CRT product slot), and the CRT values below their moduli. */
  #check(f: Record<'qinv' | 'dp' | 'dq', Uint8Array>, p: Uint8Array, q: Uint8Array): void {
    const N = this.#n;
    const wide = this.#p.limbs + this.#q.limbs;
    if (wide > N.limbs + 8) throw new Error('rsa key: n != p*q');
    wasm().bn_mul(N.slot(SLOT.W), this.#p.slot(0), this.#p.limbs, this.#q.slot(0), this.#q.limbs);
    const prod = readLimbs(N.slot(SLOT.W), wide);
    N.wipe(SLOT.W);
    if (!constantTimeEqual(prod, pad(this.publicKey.n, wide * 4))) throw new Error('rsa key: n != p*q');
    if (!lessThan(f.qinv, p) || !lessThan(f.dp, p) || !lessThan(f.dq, q)) {
      throw new Error('rsa key: CRT value out of range');
    }
  }

  /** PKCS#1 RSAPrivateKey, two-prime (version 0) only (RFC 8017 Appendix A.1.2). */
  static fromPkcs1(der: Uint8Array): RsaPrivateKey {
    const top = new DerReader(der);
    const seq = top.sequence();
    top.end();
    if (seq.small() !== 0) throw new Error('rsa key: only two-prime keys (version 0) are supported');
    const n = seq.uint();
    const e = seq.uint();
    seq.uint(); // d: the CRT values are used instead
    const p = seq.uint();
    const q = seq.uint();
    const dp = seq.uint();
    const dq = seq.uint();
    const qinv = seq.uint();
    seq.end();
    return new RsaPrivateKey({ n, e, p, q, dp, dq, qinv });
  }

  /** PKCS#8 PrivateKeyInfo / OneAsymmetricKey with rsaEncryption (RFC 5208 §5, RFC 5958 §2). */
  static fromPkcs8(der: Uint8Array): RsaPrivateKey {
    const top = new DerReader(der);
    const info = top.sequence();
    top.end();
    const version = info.small();
    if (version > 1) throw new Error('rsa key: unknown PKCS#8 version');
    readRsaAlgorithm(info);
    const key = info.read(TAG_OCTET_STRING);
    // Optional [0] attributes and (v2) [1] publicKey are ignored, but must be well-formed TLVs.
    if (info.peek() === 0xa0) info.read(0xa0);
    if (version === 1 && info.peek() === 0x81) info.read(0x81);
    info.end();
    return RsaPrivateKey.fromPkcs1(key);
  }

  /**
   * RSADP / RSASP1 (§5.1.2, §5.2.1): x^d mod n as k bytes, for a k-byte x (the caller checks x < n).
   * Blinded, CRT, constant time in the secret values. Raw RSA without padding: a building block for the
   * functions of pkcs1.ts and pss.ts, not for protocol code.
   */
  privateOp(x: Uint8Array): Uint8Array {
    const N = this.#n;
    const e = wasm();
    if (this.#uses >= BLINDING_USES) this.#refreshBlinding();
    this.#uses++;
    N.load(SLOT.X, x);
    e.bn_mont_mul(N.ctx, N.slot(SLOT.X), N.slot(SLOT.X), N.slot(SLOT.K1)); // x * r^e
    this.#crt(SLOT.K2);
    e.bn_mont_mul(N.ctx, N.slot(SLOT.T), N.slot(SLOT.T), N.slot(SLOT.K2)); // * r^-1
    e.bn_mont_mul(N.ctx, N.slot(SLOT.K1), N.slot(SLOT.K1), N.slot(SLOT.K1)); // next pair: (r^2)^e, r^-2
    e.bn_mont_mul(N.ctx, N.slot(SLOT.K2), N.slot(SLOT.K2), N.slot(SLOT.K2));
    const out = N.store(SLOT.T, this.byteLength);
    N.wipe(SLOT.X, SLOT.T);
    return out;
  }

  /**
   * N.T = N.X^d mod n by CRT (§5.1.2 step 2b): m1 = x^dp mod p, m2 = x^dq mod q, h = (m1 - m2) qInv mod p,
   * m = m2 + q h. `exp` selects the exponent slots: K2 (dp, dq) or U (p-2, q-2, giving x^-1 by Fermat).
   */
  #crt(exp: number): void {
    const e = wasm();
    const N = this.#n;
    const P = this.#p;
    const Q = this.#q;
    e.bn_reduce(P.ctx, P.slot(SLOT.X), N.slot(SLOT.X), N.limbs);
    e.bn_modexp(P.ctx, P.slot(SLOT.T), P.slot(SLOT.X), P.slot(exp), this.#pLen); // m1 (Montgomery)
    e.bn_reduce(Q.ctx, Q.slot(SLOT.X), N.slot(SLOT.X), N.limbs);
    e.bn_modexp(Q.ctx, Q.slot(SLOT.T), Q.slot(SLOT.X), Q.slot(exp), this.#qLen);
    e.bn_from_mont(Q.ctx, Q.slot(SLOT.W), Q.slot(SLOT.T)); // m2
    e.bn_reduce(P.ctx, P.slot(SLOT.W), Q.slot(SLOT.W), Q.limbs); // m2 mod p (Montgomery)
    e.bn_mod_sub(P.ctx, P.slot(SLOT.T), P.slot(SLOT.T), P.slot(SLOT.W));
    e.bn_mont_mul(P.ctx, P.slot(SLOT.T), P.slot(SLOT.T), P.slot(SLOT.K1)); // h, plain
    const wide = P.limbs + Q.limbs;
    e.bn_mul(N.slot(SLOT.W), P.slot(SLOT.T), P.limbs, Q.slot(0), Q.limbs);
    e.bn_add(N.slot(SLOT.W), wide, Q.slot(SLOT.W), Q.limbs);
    // m < n: its limbs from N.limbs up are zero.
    heap().copyWithin(N.slot(SLOT.T), N.slot(SLOT.W), N.slot(SLOT.W) + N.limbs * 4);
    N.wipe(SLOT.W);
    P.wipe(SLOT.X, SLOT.T, SLOT.W);
    Q.wipe(SLOT.X, SLOT.T, SLOT.W);
  }

  /**
   * New blinding pair: random r, A = r^e mod n, and r^-1 mod n computed as r^(p-2) mod p and r^(q-2) mod q
   * recombined (Fermat, in the same constant-time code as the private operation).
   */
  #refreshBlinding(): void {
    const N = this.#n;
    const e = wasm();
    for (;;) {
      const r = new Uint8Array(this.byteLength);
      globalThis.crypto.getRandomValues(r);
      N.load(SLOT.U, r);
      r.fill(0);
      e.bn_reduce(N.ctx, N.slot(SLOT.K1), N.slot(SLOT.U), N.limbs); // r mod n, Montgomery form
      e.bn_from_mont(N.ctx, N.slot(SLOT.X), N.slot(SLOT.K1)); // r mod n, plain
      this.#crt(SLOT.U); // N.T = r^-1 if gcd(r, n) = 1
      e.bn_mont_mul(N.ctx, N.slot(SLOT.U), N.slot(SLOT.K1), N.slot(SLOT.T)); // r * r^-1, plain
      const ok = constantTimeEqual(N.store(SLOT.U, this.byteLength), pad(Uint8Array.of(1), this.byteLength));
      if (ok) {
        e.bn_to_mont(N.ctx, N.slot(SLOT.K2), N.slot(SLOT.T)); // r^-1, Montgomery form
        N.powPublic(SLOT.U, SLOT.X, this.publicKey.e); // r^e plain
        e.bn_to_mont(N.ctx, N.slot(SLOT.K1), N.slot(SLOT.U));
      }
      N.wipe(SLOT.X, SLOT.T, SLOT.U);
      if (ok) break; // fails only for r = 0 mod p or q: probability ~2^-1000
    }
    this.#uses = 0;
  }

  /** Wipes and frees all secret material; the key is unusable afterwards. */
  dispose(): void {
    this.#n.dispose();
    this.#p.dispose();
    this.#q.dispose();
    this.publicKey.dispose();
  }
}

/** `limbs` little-endian u32 limbs at p as big-endian bytes (wasm memory is little-endian). */
function readLimbs(p: number, limbs: number): Uint8Array {
  const mem = heap();
  const len = limbs * 4;
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[len - 1 - i] = mem[p + i]!;
  return out;
}
