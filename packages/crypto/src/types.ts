// The shapes every implementation of a primitive has, WASM or native (node:crypto) alike, so the TLS
// record layer and key schedule can be handed either through a CryptoProvider.

/** An AEAD cipher bound to one key (RFC 5116). */
export interface Aead {
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when the tag does not verify (no plaintext is released then). */
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | null;
  /**
   * Encrypts buf[offset, offset+length) in place and writes the tag right after it; buf must hold
   * offset + length + tagLength bytes. No allocation: for the record layer.
   */
  sealInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad?: Uint8Array): void;
  /**
   * Encrypts `plaintext` (not modified) into dst[offset, offset + plaintext.length + tagLength) as
   * ciphertext || tag. Optional, for a cipher that writes fresh output anyway (node:crypto's): the record
   * layer then skips copying the plaintext into its buffer first.
   */
  sealInto?(dst: Uint8Array, offset: number, plaintext: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): void;
  /**
   * Verifies and decrypts buf[offset, offset+length) = ciphertext || tag in place. Returns the plaintext
   * length, or -1 (buf untouched) when the tag does not verify.
   */
  openInPlace(buf: Uint8Array, offset: number, length: number, nonce: Uint8Array, aad?: Uint8Array): number;
  /** Wipes the key schedule; the object is unusable afterwards. */
  dispose(): void;
}

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A running hash. `clone()` is cheap: the TLS transcript needs the hash at several points. */
export interface Hash {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  readonly blockLength: number;
  update(data: Uint8Array): this;
  /** Finishes and returns the digest; the hash is then reset and may be reused. */
  digest(): Uint8Array;
  clone(): Hash;
  reset(): this;
  dispose(): void;
}

/** A keyed HMAC (RFC 2104) whose key pads are computed once. */
export interface Mac {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  update(data: Uint8Array): this;
  /** Finishes and returns the MAC; the object is then reset (same key) and may be reused. */
  digest(): Uint8Array;
  /**
   * As digest(), but writes the MAC to out[offset, offset + outputLength) (offset defaults to 0) instead of
   * allocating it. Optional for now so that providers written before it still fit; callers fall back to
   * digest() when it is absent.
   */
  digestInto?(out: Uint8Array, offset?: number): void;
  clone(): Mac;
  reset(): this;
  dispose(): void;
}
