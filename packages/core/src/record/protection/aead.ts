// AEAD record protection (RFC 5246 §6.2.3.3) with the nonce constructions of RFC 5288 (AES-GCM) and
// RFC 7905 (ChaCha20-Poly1305).
import type { Aead } from '@sanstls/crypto';
import { badRecordMac, writePseudoHeader, type RecordProtector } from './types.js';

/**
 * 'explicit': RFC 5288 §3, nonce = salt(4, from the key block) || nonce_explicit(8), and the explicit
 * part travels in front of the ciphertext. We send the sequence number as nonce_explicit, which makes
 * it unique per key as §3 requires.
 * 'xor': RFC 7905 §2, nonce = IV(12, from the key block) XOR the sequence number left-padded to 12 bytes;
 * nothing is sent.
 */
export type AeadNonceMode = 'explicit' | 'xor';

const EXPLICIT_NONCE_LENGTH = 8;

export class AeadProtector implements RecordProtector {
  readonly kind = 'aead' as const;
  readonly prefixLength: number;
  readonly maxSuffixLength: number;
  private readonly fixedIv: Uint8Array;
  private readonly nonce: Uint8Array;
  private readonly aad: Uint8Array;

  constructor(
    private readonly aead: Aead,
    fixedIv: Uint8Array,
    private readonly mode: AeadNonceMode,
  ) {
    if (aead.nonceLength !== 12) throw new RangeError('TLS 1.2 AEAD suites use 12-byte nonces');
    const want = mode === 'explicit' ? 4 : 12;
    if (fixedIv.length !== want) throw new RangeError(`fixed IV must be ${want} bytes for ${mode} nonces`);
    // One allocation for nonce, additional data and IV: an idle connection holds two protectors.
    const scratch = new Uint8Array(12 + 13 + 12);
    this.nonce = scratch.subarray(0, 12);
    this.aad = scratch.subarray(12, 25);
    this.fixedIv = scratch.subarray(25, 25 + want);
    this.fixedIv.set(fixedIv);
    this.nonce.set(this.fixedIv);
    this.prefixLength = mode === 'explicit' ? EXPLICIT_NONCE_LENGTH : 0;
    this.maxSuffixLength = aead.tagLength;
    if (aead.sealInto) this.sealInto = this.sealIntoAead;
  }

  /** Builds the per-record nonce from the explicit part (RFC 5288) or the sequence number (RFC 7905). */
  private buildNonce(seqOrExplicit: Uint8Array): Uint8Array {
    const n = this.nonce;
    if (this.mode === 'explicit') {
      n.set(seqOrExplicit, 4);
    } else {
      const iv = this.fixedIv;
      for (let i = 0; i < 4; i++) n[i] = iv[i]!;
      for (let i = 0; i < 8; i++) n[4 + i] = iv[4 + i]! ^ seqOrExplicit[i]!;
    }
    return n;
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, type: number, version: number, seq: Uint8Array): number {
    const nonce = this.prepare(buf, offset, length, type, version, seq);
    this.aead.sealInPlace(buf, offset + this.prefixLength, length, nonce, this.aad);
    return this.prefixLength + length + this.aead.tagLength;
  }

  /** Defined only over an Aead with sealInto (see the constructor). */
  readonly sealInto?: (buf: Uint8Array, offset: number, plaintext: Uint8Array, type: number, version: number, seq: Uint8Array) => number;

  private sealIntoAead(buf: Uint8Array, offset: number, plaintext: Uint8Array, type: number, version: number, seq: Uint8Array): number {
    const nonce = this.prepare(buf, offset, plaintext.length, type, version, seq);
    this.aead.sealInto!(buf, offset + this.prefixLength, plaintext, nonce, this.aad);
    return this.prefixLength + plaintext.length + this.aead.tagLength;
  }

  /** The explicit nonce (RFC 5288) in front of the fragment, this record's nonce and additional data. */
  private prepare(buf: Uint8Array, offset: number, length: number, type: number, version: number, seq: Uint8Array): Uint8Array {
    if (this.mode === 'explicit') buf.set(seq, offset);
    // RFC 5246 §6.2.3.3: additional_data = seq_num + type + version + length (of the plaintext).
    writePseudoHeader(this.aad, seq, type, version, length);
    return this.buildNonce(seq);
  }

  unprotect(fragment: Uint8Array, type: number, version: number, seq: Uint8Array): Uint8Array {
    const length = fragment.length - this.prefixLength - this.aead.tagLength;
    if (length < 0) throw badRecordMac();
    const nonce = this.buildNonce(
      this.mode === 'explicit' ? fragment.subarray(0, EXPLICIT_NONCE_LENGTH) : seq,
    );
    writePseudoHeader(this.aad, seq, type, version, length);
    const plaintext = this.aead.open(nonce, fragment.subarray(this.prefixLength), this.aad);
    if (plaintext === null) throw badRecordMac();
    return plaintext;
  }

  dispose(): void {
    this.aead.dispose();
    this.fixedIv.fill(0);
    this.nonce.fill(0);
  }
}

/** AES-GCM suites (RFC 5288): `salt` is the 4-byte client/server_write_IV from the key block. */
export const aesGcmProtector = (aead: Aead, salt: Uint8Array): AeadProtector =>
  new AeadProtector(aead, salt, 'explicit');

/** ChaCha20-Poly1305 suites (RFC 7905): `iv` is the 12-byte client/server_write_IV from the key block. */
export const chacha20Poly1305Protector = (aead: Aead, iv: Uint8Array): AeadProtector =>
  new AeadProtector(aead, iv, 'xor');
