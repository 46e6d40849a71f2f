// A CryptoProvider over node:crypto (OpenSSL): the `crypto: 'native'` option. Same interface and the same
// outputs as the WASM default, so the core cannot tell them apart. Ephemeral ECDH (X25519, P-256, P-384)
// finite-field DHE and the handshake signatures (ECDSA, Ed25519, RSA PKCS#1 v1.5 and PSS) go to OpenSSL
// too; RSA key exchange stays in the core (Node refuses RSA PKCS#1 v1.5 decryption; the core's is
// constant-time).
import nodeCrypto from 'node:crypto';
import type {
  Aead,
  AeadAlgorithm,
  CbcCipherKey,
  CryptoProvider,
  EcdhGroup,
  Hash,
  HashAlgorithm,
  KeyAgreement,
  Mac,
  PrivateKeyDer,
  SignatureKind,
  SignatureProvider,
} from '@sanstls/crypto';

const EMPTY = new Uint8Array(0);
const TAG = 16;

const HASH_SIZES: Readonly<Record<HashAlgorithm, { readonly out: number; readonly block: number }>> = {
  sha1: { out: 20, block: 64 },
  sha256: { out: 32, block: 64 },
  sha384: { out: 48, block: 128 },
  sha512: { out: 64, block: 128 },
};

function sizes(alg: HashAlgorithm): { readonly out: number; readonly block: number } {
  const s = Object.hasOwn(HASH_SIZES, alg) ? HASH_SIZES[alg] : undefined;
  if (!s) throw new TypeError(`native crypto: unsupported hash '${String(alg)}'`);
  return s;
}

function checkRange(buf: Uint8Array, offset: number, length: number, extra: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length + extra > buf.length) {
    throw new RangeError('native crypto: offset/length outside the buffer');
  }
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** AES-GCM or ChaCha20-Poly1305 bound to one key; a cipher object per call (OpenSSL's EVP contexts). */
class NativeAead implements Aead {
  readonly keyLength: number;
  readonly nonceLength = 12;
  readonly tagLength = TAG;
  readonly #cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  #key: Buffer | undefined;

  constructor(algorithm: AeadAlgorithm, key: Uint8Array) {
    const want = algorithm === 'AES-128-GCM' ? 16 : 32;
    if (key.length !== want) throw new RangeError(`${algorithm}: key must be ${want} bytes`);
    this.#cipher = algorithm === 'AES-128-GCM' ? 'aes-128-gcm' : algorithm === 'AES-256-GCM' ? 'aes-256-gcm' : 'chacha20-poly1305';
    this.keyLength = want;
    this.#key = Buffer.from(key);
  }

  #keyBuf(): Buffer {
    if (!this.#key) throw new Error('native crypto: AEAD used after dispose()');
    return this.#key;
  }

  #checkNonce(nonce: Uint8Array): void {
    if (this.#cipher === 'chacha20-poly1305' ? nonce.length !== 12 : nonce.length === 0) {
      throw new RangeError(`${this.#cipher}: bad nonce length ${nonce.length}`);
    }
  }

  /** ciphertext and tag of plaintext (a view; not modified). */
  #encrypt(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ct: Buffer; tag: Buffer } {
    this.#checkNonce(nonce);
    const c = nodeCrypto.createCipheriv(this.#cipher as 'aes-128-gcm', this.#keyBuf(), nonce, { authTagLength: TAG });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const a = c.update(plaintext);
    const b = c.final();
    return { ct: b.length === 0 ? a : Buffer.concat([a, b]), tag: c.getAuthTag() };
  }

  /** The plaintext, or null when the tag does not verify (then no plaintext leaves this function). */
  #decrypt(nonce: Uint8Array, ct: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer | null {
    this.#checkNonce(nonce);
    const d = nodeCrypto.createDecipheriv(this.#cipher as 'aes-128-gcm', this.#keyBuf(), nonce, { authTagLength: TAG });
    d.setAAD(aad, { plaintextLength: ct.length });
    d.setAuthTag(tag);
    const a = d.update(ct);
    try {
      const b = d.final();
      return b.length === 0 ? a : Buffer.concat([a, b]);
    } catch {
      a.fill(0);
      return null;
    }
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    const { ct, tag } = this.#encrypt(nonce, plaintext, aad);
    const out = new Uint8Array(ct.length + TAG);
    out.set(ct);
    out.set(tag, ct.length);
    return out;
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array | null {
    if (sealed.length < TAG) return null;
    const n = sealed.length - TAG;
    const pt = this.#decrypt(nonce, sealed.subarray(0, n), sealed.subarray(n), aad);
    if (!pt) return null;
    // The decipher's output is a fresh allocation: hand it over as it is (the record layer's receive path
    // calls this once per record; a copy is one more 16 KiB allocation and pass). A pool slice is copied.
    return pt.byteOffset === 0 && pt.buffer.byteLength === pt.length ? u8(pt) : new Uint8Array(pt);
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): void {
    checkRange(buf, offset, length, TAG);
    const { ct, tag } = this.#encrypt(nonce, buf.subarray(offset, offset + length), aad);
    buf.set(ct, offset);
    buf.set(tag, offset + length);
  }

  sealInto(dst: Uint8Array, offset: number, plaintext: Uint8Array, nonce: Uint8Array, aad: Uint8Array = EMPTY): void {
    checkRange(dst, offset, plaintext.length, TAG);
    const { ct, tag } = this.#encrypt(nonce, plaintext, aad);
    dst.set(ct, offset);
    dst.set(tag, offset + plaintext.length);
  }

  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad: Uint8Array = EMPTY): number {
    checkRange(buf, offset, length, 0);
    if (length < TAG) return -1;
    const n = length - TAG;
    const pt = this.#decrypt(nonce, buf.subarray(offset, offset + n), buf.subarray(offset + n, offset + length), aad);
    if (!pt) return -1;
    buf.set(pt, offset);
    pt.fill(0);
    return n;
  }

  dispose(): void {
    this.#key?.fill(0);
    this.#key = undefined;
  }
}

/** AES-CBC without padding; `iv` is updated in place to the last ciphertext block, as the WASM AesCbc does. */
class NativeCbc implements CbcCipherKey {
  readonly #cipher: string;
  #key: Buffer | undefined;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError('aes-cbc: key must be 16, 24 or 32 bytes');
    this.#cipher = `aes-${key.length * 8}-cbc`;
    this.#key = Buffer.from(key);
  }

  #run(encrypt: boolean, buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    checkRange(buf, offset, length, 0);
    if (length % 16 !== 0) throw new RangeError('aes-cbc: length must be a multiple of 16');
    if (iv.length !== 16) throw new RangeError('aes-cbc: iv must be 16 bytes');
    if (!this.#key) throw new Error('native crypto: CBC key used after dispose()');
    if (length === 0) return;
    const input = buf.subarray(offset, offset + length);
    const nextIv = encrypt ? undefined : input.slice(length - 16);
    const c = encrypt
      ? nodeCrypto.createCipheriv(this.#cipher, this.#key, iv)
      : nodeCrypto.createDecipheriv(this.#cipher, this.#key, iv);
    c.setAutoPadding(false);
    const a = c.update(input);
    const b = c.final();
    buf.set(a, offset);
    buf.set(b, offset + a.length);
    iv.set(encrypt ? buf.subarray(offset + length - 16, offset + length) : nextIv!);
  }

  encryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    this.#run(true, buf, offset, length, iv);
  }

  decryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    this.#run(false, buf, offset, length, iv);
  }

  dispose(): void {
    this.#key?.fill(0);
    this.#key = undefined;
  }
}

/** A running hash over node's Hash; clone() is Hash.copy(). */
class NativeHash implements Hash {
  readonly outputLength: number;
  readonly blockLength: number;
  #h: nodeCrypto.Hash;

  constructor(readonly algorithm: HashAlgorithm, from?: nodeCrypto.Hash) {
    const s = sizes(algorithm);
    this.outputLength = s.out;
    this.blockLength = s.block;
    this.#h = from ?? nodeCrypto.createHash(algorithm);
  }

  update(data: Uint8Array): this {
    this.#h.update(data);
    return this;
  }

  digest(): Uint8Array {
    const d = u8(this.#h.digest());
    this.#h = nodeCrypto.createHash(this.algorithm);
    return d;
  }

  clone(): Hash {
    return new NativeHash(this.algorithm, this.#h.copy());
  }

  reset(): this {
    this.#h = nodeCrypto.createHash(this.algorithm);
    return this;
  }

  dispose(): void {
    this.#h = nodeCrypto.createHash(this.algorithm);
  }
}

/**
 * HMAC (RFC 2104) from two keyed hash states (inner and outer pads absorbed once), copied per message:
 * node's Hmac cannot be cloned, node's Hash can.
 */
class NativeHmac implements Mac {
  readonly outputLength: number;
  #inner: nodeCrypto.Hash;
  #outer: nodeCrypto.Hash;
  #running: nodeCrypto.Hash;

  constructor(readonly algorithm: HashAlgorithm, key: Uint8Array | { inner: nodeCrypto.Hash; outer: nodeCrypto.Hash; running: nodeCrypto.Hash }) {
    const s = sizes(algorithm);
    this.outputLength = s.out;
    if (key instanceof Uint8Array) {
      const k = new Uint8Array(s.block);
      k.set(key.length > s.block ? nodeCrypto.createHash(algorithm).update(key).digest() : key);
      const ipad = k.map((x) => x ^ 0x36);
      const opad = k.map((x) => x ^ 0x5c);
      this.#inner = nodeCrypto.createHash(algorithm).update(ipad);
      this.#outer = nodeCrypto.createHash(algorithm).update(opad);
      k.fill(0);
      ipad.fill(0);
      opad.fill(0);
      this.#running = this.#inner.copy();
    } else {
      this.#inner = key.inner;
      this.#outer = key.outer;
      this.#running = key.running;
    }
  }

  update(data: Uint8Array): this {
    this.#running.update(data);
    return this;
  }

  digest(): Uint8Array {
    const inner = this.#running.digest();
    const out = u8(this.#outer.copy().update(inner).digest());
    this.#running = this.#inner.copy();
    return out;
  }

  clone(): Mac {
    return new NativeHmac(this.algorithm, { inner: this.#inner.copy(), outer: this.#outer.copy(), running: this.#running.copy() });
  }

  reset(): this {
    this.#running = this.#inner.copy();
    return this;
  }

  dispose(): void {
    this.#running = this.#inner.copy();
  }
}

const encoder = new TextEncoder();

/** The TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label || seed) with node's HMAC. */
function prf(algorithm: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  if (algorithm !== 'sha256' && algorithm !== 'sha384') throw new TypeError(`prf: unsupported hash '${String(algorithm)}'`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('prf: length must be a non-negative integer');
  const l = encoder.encode(label);
  const s = new Uint8Array(l.length + seed.length);
  s.set(l);
  s.set(seed, l.length);
  const out = new Uint8Array(length);
  let a: Buffer = nodeCrypto.createHmac(algorithm, secret).update(s).digest();
  for (let off = 0; off < length; ) {
    const block = nodeCrypto.createHmac(algorithm, secret).update(a).update(s).digest();
    const n = Math.min(block.length, length - off);
    out.set(block.subarray(0, n), off);
    off += n;
    block.fill(0);
    const next = nodeCrypto.createHmac(algorithm, secret).update(a).digest();
    a.fill(0);
    a = next;
  }
  a.fill(0);
  return out;
}

const b64url = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

/**
 * Ephemeral ECDH in OpenSSL. NIST curves through ECDH objects (computeSecret checks that the peer's point
 * is on the curve and returns its X coordinate, RFC 8422 §5.10); X25519 through KeyObjects.
 */
function nativeEcdh(group: EcdhGroup): KeyAgreement {
  if (group === 'x25519') {
    // The public key is exported by the key generation itself (publicKeyEncoding), never later from the
    // KeyObject: Node 20 can deadlock when a GC during such an export finalizes the key's generation job
    // (~KeyGenJob takes the key's mutex that ExportJWK holds while it allocates; seen here after a few
    // thousand handshakes). Same cost.
    const pair = nodeCrypto.generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } }) as unknown as {
      privateKey: nodeCrypto.KeyObject;
      publicKey: nodeCrypto.JsonWebKey;
    };
    let privateKey: nodeCrypto.KeyObject | undefined = pair.privateKey;
    return {
      publicKey: u8(Buffer.from(pair.publicKey.x!, 'base64url')),
      derive(peer) {
        if (!privateKey) throw new Error('key agreement disposed');
        const peerKey = nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(peer) }, format: 'jwk' });
        return u8(nodeCrypto.diffieHellman({ privateKey, publicKey: peerKey }));
      },
      dispose() {
        privateKey = undefined; // KeyObjects cannot be wiped from JavaScript; dropped for the GC
      },
    };
  }
  let ecdh: nodeCrypto.ECDH | undefined = nodeCrypto.createECDH(group === 'secp256r1' ? 'prime256v1' : 'secp384r1');
  const pub = ecdh.generateKeys();
  return {
    publicKey: u8(pub),
    derive(peer) {
      if (!ecdh) throw new Error('key agreement disposed');
      return u8(ecdh.computeSecret(peer));
    },
    dispose() {
      ecdh = undefined;
    },
  };
}

// Imported keys, so that each handshake does not parse them again: private keys by their DER object
// (a credential's key lives as long as the server), peer keys by SPKI bytes in a small bounded map.
const privateKeys = new WeakMap<Uint8Array, nodeCrypto.KeyObject>();
const publicKeys = new Map<string, nodeCrypto.KeyObject>();
const PUBLIC_KEY_CACHE = 64;

function privateKeyOf(k: PrivateKeyDer): nodeCrypto.KeyObject {
  let key = privateKeys.get(k.der);
  if (!key) {
    key = nodeCrypto.createPrivateKey({ key: Buffer.from(k.der), format: 'der', type: k.format });
    privateKeys.set(k.der, key);
  }
  return key;
}

function publicKeyOf(spki: Uint8Array): nodeCrypto.KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.length).toString('base64');
  let key = publicKeys.get(id);
  if (!key) {
    key = nodeCrypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (publicKeys.size >= PUBLIC_KEY_CACHE) publicKeys.delete(publicKeys.keys().next().value!);
    publicKeys.set(id, key);
  }
  return key;
}

/** Padding options for node:crypto sign/verify: RSA-PSS salt = hash length (RFC 8446 §4.2.3). */
const padding = (kind: SignatureKind) =>
  kind === 'rsa-pss'
    ? { padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: nodeCrypto.constants.RSA_PSS_SALTLEN_DIGEST }
    : kind === 'rsa-pkcs1'
      ? { padding: nodeCrypto.constants.RSA_PKCS1_PADDING }
      : { dsaEncoding: 'der' as const };

const nativeSignatures: SignatureProvider = {
  sign(k, kind, hash, data) {
    return u8(nodeCrypto.sign(kind === 'ed25519' ? null : hash!, data, { key: privateKeyOf(k), ...padding(kind) }));
  },
  verify(spki, kind, hash, data, signature) {
    return nodeCrypto.verify(kind === 'ed25519' ? null : hash!, data, { key: publicKeyOf(spki), ...padding(kind) }, signature);
  },
};

/**
 * Finite-field DH in OpenSSL with the core's private exponent (setPrivateKey, then generateKeys computes
 * only the public value). computeSecret checks the peer's value against the group.
 */
function nativeDh(p: Uint8Array, g: Uint8Array, privateExponent: Uint8Array): KeyAgreement {
  let dh: nodeCrypto.DiffieHellman | undefined = nodeCrypto.createDiffieHellman(Buffer.from(p), Buffer.from(g));
  dh.setPrivateKey(Buffer.from(privateExponent));
  const pub = dh.generateKeys();
  return {
    publicKey: u8(pub),
    derive(peer) {
      if (!dh) throw new Error('key agreement disposed');
      return u8(dh.computeSecret(Buffer.from(peer)));
    },
    dispose() {
      dh = undefined;
    },
  };
}

/** node:crypto (OpenSSL) for every symmetric primitive the core uses, ephemeral (EC)DH and signatures. */
export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',
  ecdh: nativeEcdh,
  dh: nativeDh,
  signatures: nativeSignatures,
  // RSADP only (no padding): node:crypto refuses PKCS#1 v1.5 decryption (CVE-2023-46809), and the core's
  // countermeasure checks the padding without branching anyway (RFC 5246 §7.4.7.1).
  rsaDecryptRaw: (k, c) => u8(nodeCrypto.privateDecrypt({ key: privateKeyOf(k), padding: nodeCrypto.constants.RSA_NO_PADDING }, c)),
  aead: (algorithm, key) => new NativeAead(algorithm, key),
  cbc: (key) => new NativeCbc(key),
  hash: (algorithm) => new NativeHash(algorithm),
  hmac: (algorithm, key) => {
    if (!(key instanceof Uint8Array)) throw new TypeError('hmac: key must be a Uint8Array');
    return new NativeHmac(algorithm, key);
  },
  prf,
  randomBytes: (length) => {
    const out = new Uint8Array(length);
    nodeCrypto.randomFillSync(out);
    return out;
  },
};
