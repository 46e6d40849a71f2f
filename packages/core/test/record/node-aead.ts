// Test-only adapters that implement the @sanstls/crypto interfaces over node:crypto (OpenSSL), so the
// record layer is exercised against real ciphers while the WASM ones are being written.
import { createCipheriv, createDecipheriv, createHash, type Hash as NodeHash } from 'node:crypto';
import type { Aead, HashAlgorithm, Mac } from '@sanstls/crypto';
import type { CbcCipher } from '../../src/record/index.js';

export type NodeAeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export const AEAD_KEY_LENGTH: Record<NodeAeadName, number> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};

export class NodeAead implements Aead {
  readonly keyLength: number;
  readonly nonceLength = 12;
  readonly tagLength = 16;
  private key: Uint8Array | null;

  constructor(
    readonly name: NodeAeadName,
    key: Uint8Array,
  ) {
    if (key.length !== AEAD_KEY_LENGTH[name]) throw new RangeError(`${name} key must be ${AEAD_KEY_LENGTH[name]} bytes`);
    this.keyLength = key.length;
    this.key = key.slice();
  }

  private k(): Uint8Array {
    if (!this.key) throw new Error('disposed');
    return this.key;
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    const c = createCipheriv(this.name as 'aes-128-gcm', this.k(), nonce, { authTagLength: 16 });
    if (aad) c.setAAD(aad);
    const parts = [c.update(plaintext), c.final(), c.getAuthTag()];
    return new Uint8Array(Buffer.concat(parts));
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | null {
    if (sealed.length < 16) return null;
    const d = createDecipheriv(this.name as 'aes-128-gcm', this.k(), nonce, { authTagLength: 16 });
    if (aad) d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    try {
      const out = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
      return new Uint8Array(out);
    } catch {
      return null;
    }
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad?: Uint8Array): void {
    buf.set(this.seal(nonce, buf.subarray(offset, offset + length), aad), offset);
  }

  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad?: Uint8Array): number {
    const pt = this.open(nonce, buf.subarray(offset, offset + length), aad);
    if (pt === null) return -1;
    buf.set(pt, offset);
    return pt.length;
  }

  dispose(): void {
    this.key?.fill(0);
    this.key = null;
  }
}

/** Raw AES-CBC (no padding) over node:crypto. */
export class NodeAesCbc implements CbcCipher {
  readonly blockLength = 16;
  private readonly name: string;
  private key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError('AES-CBC key must be 16 or 32 bytes');
    this.name = key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
    this.key = key.slice();
  }

  encryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    const c = createCipheriv(this.name, this.key, iv).setAutoPadding(false);
    buf.set(Buffer.concat([c.update(buf.subarray(offset, offset + length)), c.final()]), offset);
  }

  decryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void {
    const d = createDecipheriv(this.name, this.key, iv).setAutoPadding(false);
    buf.set(Buffer.concat([d.update(buf.subarray(offset, offset + length)), d.final()]), offset);
  }

  dispose(): void {
    this.key.fill(0);
  }
}

const BLOCK: Record<HashAlgorithm, number> = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 };
const OUT: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** HMAC (RFC 2104) built on node:crypto hashes, with the key pads absorbed once and copied per use. */
export class NodeHmac implements Mac {
  readonly outputLength: number;
  private inner: NodeHash;

  private constructor(
    readonly algorithm: HashAlgorithm,
    private readonly innerBase: NodeHash,
    private readonly outerBase: NodeHash,
    inner: NodeHash,
  ) {
    this.outputLength = OUT[algorithm];
    this.inner = inner;
  }

  static create(algorithm: HashAlgorithm, key: Uint8Array): NodeHmac {
    const b = BLOCK[algorithm];
    const k = new Uint8Array(b);
    k.set(key.length > b ? createHash(algorithm).update(key).digest() : key);
    const ipad = k.map((x) => x ^ 0x36);
    const opad = k.map((x) => x ^ 0x5c);
    const innerBase = createHash(algorithm).update(ipad);
    const outerBase = createHash(algorithm).update(opad);
    return new NodeHmac(algorithm, innerBase, outerBase, innerBase.copy());
  }

  update(data: Uint8Array): this {
    this.inner.update(data);
    return this;
  }

  digest(): Uint8Array {
    const ih = this.inner.digest();
    this.inner = this.innerBase.copy();
    return new Uint8Array(this.outerBase.copy().update(ih).digest());
  }

  clone(): Mac {
    return new NodeHmac(this.algorithm, this.innerBase, this.outerBase, this.inner.copy());
  }

  reset(): this {
    this.inner = this.innerBase.copy();
    return this;
  }

  dispose(): void {}
}
