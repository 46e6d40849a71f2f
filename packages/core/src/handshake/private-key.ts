// Loading the server's private key (PEM or DER): PKCS#8 (RFC 5208/5958) with rsaEncryption, id-ecPublicKey
// on P-256/P-384 (RFC 5480) or Ed25519 (RFC 8410), plus the traditional PKCS#1 "RSA PRIVATE KEY" and SEC1
// "EC PRIVATE KEY" (RFC 5915) forms that openssl still writes. Only the fields signing needs are read.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { RsaPrivateKey, type PrivateKeyDer } from '@sanstls/crypto';
import { parseCertificate } from '@sanstls/x509';
import { toHex } from '../codec/hex.js';
import { stripLeadingZeros } from './key-exchange/dhe.js';
import { bytesEqualCt } from './machine-support.js';

export type EcCurve = 'P-256' | 'P-384';

/** A private key the handshake can sign ServerKeyExchange (and later CertificateVerify) with. */
export type SigningKey = (
  | { readonly type: 'rsa'; readonly key: RsaPrivateKey; readonly bits: number }
  | { readonly type: 'ec'; readonly curve: EcCurve; readonly secret: Uint8Array }
  | { readonly type: 'ed25519'; readonly secret: Uint8Array }
) & {
  /** The key as loaded, for a crypto provider that signs itself (CryptoProvider.signatures). */
  readonly der?: PrivateKeyDer;
};

const OID = {
  rsaEncryption: '2a864886f70d010101',
  ecPublicKey: '2a8648ce3d0201',
  prime256v1: '2a8648ce3d030107',
  secp384r1: '2b81040022',
  ed25519: '2b6570',
};

const bad = (why: string) => new Error(`private key: ${why}`);

interface Tlv {
  tag: number;
  value: Uint8Array;
  end: number;
}

function readTlv(b: Uint8Array, off: number): Tlv {
  if (off + 2 > b.length) throw bad('truncated DER');
  const tag = b[off]!;
  let len = b[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > b.length) throw bad('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[p++]!;
  }
  if (p + len > b.length) throw bad('truncated DER');
  return { tag, value: b.subarray(p, p + len), end: p + len };
}

/** The TLVs directly inside a constructed value. */
function children(v: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < v.length; ) {
    const t = readTlv(v, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw bad(`expected ${what}`);
  return t;
}

const curveByOid: Record<string, EcCurve> = { [OID.prime256v1]: 'P-256', [OID.secp384r1]: 'P-384' };
const scalarLength: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48 };

function ecKey(curve: EcCurve, scalar: Uint8Array): SigningKey {
  const n = scalarLength[curve];
  if (scalar.length > n) throw bad('EC scalar too long');
  const secret = new Uint8Array(n);
  secret.set(scalar, n - scalar.length);
  // Validates the scalar (1 <= d < n): noble throws otherwise.
  (curve === 'P-256' ? p256 : p384).getPublicKey(secret);
  return { type: 'ec', curve, secret };
}

/** SEC1 ECPrivateKey (RFC 5915 §3); `curve` comes from the PKCS#8 algorithm when wrapped. */
function sec1(der: Uint8Array, curve?: EcCurve): SigningKey {
  const seq = children(expect(readTlv(der, 0), 0x30, 'ECPrivateKey SEQUENCE').value);
  const priv = expect(seq[1], 0x04, 'privateKey OCTET STRING').value;
  const params = seq.find((t) => t.tag === 0xa0);
  if (params) {
    const oid = expect(readTlv(params.value, 0), 0x06, 'named curve OID');
    const c = curveByOid[toHex(oid.value)];
    if (!c) throw bad('unsupported curve');
    curve ??= c;
  }
  if (!curve) throw bad('EC key without a named curve');
  return ecKey(curve, priv);
}

function pkcs8(der: Uint8Array): SigningKey {
  const seq = children(expect(readTlv(der, 0), 0x30, 'PrivateKeyInfo SEQUENCE').value);
  const alg = children(expect(seq[1], 0x30, 'AlgorithmIdentifier').value);
  const oid = toHex(expect(alg[0], 0x06, 'algorithm OID').value);
  const inner = expect(seq[2], 0x04, 'privateKey OCTET STRING').value;
  if (oid === OID.rsaEncryption) {
    const key = RsaPrivateKey.fromPkcs8(der);
    return { type: 'rsa', key, bits: key.bits };
  }
  if (oid === OID.ecPublicKey) {
    const c = curveByOid[toHex(expect(alg[1], 0x06, 'named curve OID').value)];
    if (!c) throw bad('unsupported curve');
    return sec1(inner, c);
  }
  if (oid === OID.ed25519) {
    // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING (32 bytes), inside the PKCS#8 OCTET STRING.
    const secret = expect(readTlv(inner, 0), 0x04, 'CurvePrivateKey').value;
    if (secret.length !== 32) throw bad('Ed25519 key must be 32 bytes');
    ed25519.getPublicKey(secret);
    return { type: 'ed25519', secret: secret.slice() };
  }
  throw bad(`unsupported key algorithm ${oid}`);
}

function fromPem(pem: string): { label: string; der: Uint8Array } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw bad('no PEM block');
  const b64 = m[2]!.replace(/[^A-Za-z0-9+/=]/g, '');
  const bin = atob(b64);
  const der = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
  return { label: m[1]!, der };
}

/** Parses a private key from PEM text or DER bytes (PKCS#8 DER assumed for bytes). */
export function parsePrivateKey(input: string | Uint8Array): SigningKey {
  if (typeof input !== 'string') return { ...pkcs8(input), der: { der: input.slice(), format: 'pkcs8' } };
  const { label, der } = fromPem(input);
  switch (label) {
    case 'PRIVATE KEY':
      return { ...pkcs8(der), der: { der, format: 'pkcs8' } };
    case 'EC PRIVATE KEY':
      return { ...sec1(der), der: { der, format: 'sec1' } };
    case 'RSA PRIVATE KEY': {
      const key = RsaPrivateKey.fromPkcs1(der);
      return { type: 'rsa', key, bits: key.bits, der: { der, format: 'pkcs1' } };
    }
    default:
      throw bad(`unsupported PEM label ${label}`);
  }
}

/** DER certificates from PEM text (every CERTIFICATE block, in order) or passed through. */
export function parseCertificateChain(input: string | readonly Uint8Array[]): Uint8Array[] {
  if (typeof input !== 'string') return input.map((c) => c.slice());
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(input); m; m = re.exec(input)) out.push(fromPem(m[0]).der);
  if (out.length === 0) throw new Error('certificate chain: no CERTIFICATE block');
  return out;
}

/** The certificate's public key is the one of `key` (compared on the public parts only). */
export function keyMatchesCertificate(key: SigningKey, certificateDer: Uint8Array): boolean {
  const pub = parseCertificate(certificateDer).spki.key;
  switch (key.type) {
    case 'rsa':
      return pub.kind === 'rsa' && bytesEqualCt(stripLeadingZeros(pub.modulus), key.key.publicKey.n);
    case 'ec':
      return pub.kind === 'ec' && pub.curve === key.curve && bytesEqualCt(pub.point, (key.curve === 'P-256' ? p256 : p384).getPublicKey(key.secret, false));
    case 'ed25519':
      return pub.kind === 'ed25519' && bytesEqualCt(pub.key, ed25519.getPublicKey(key.secret));
  }
}
