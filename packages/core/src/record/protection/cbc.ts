// CBC block-cipher protection with HMAC: MAC-then-encrypt (RFC 5246 §6.2.3.2) and encrypt-then-MAC
// (RFC 7366). Both send a fresh random IV in front of every record (TLS 1.1+).
//
// MAC-then-encrypt records are checked against Lucky Thirteen by @sanstls/crypto's cbcRecordOpen when the
// MAC is its WASM Hmac: padding check, HMAC over a number of compression blocks fixed by the record length
// and MAC comparison in one constant-time WASM call. Any other Mac implementation (a native provider) goes
// through Lucky13Verifier, the same method in TypeScript on the generic Mac interface.
import { canOpenCbcRecord, cbcRecordOpen, type Hmac, type Mac } from '@sanstls/crypto';
import { diffBytes, ltMask, nonZeroMask } from './ct.js';
import { Lucky13Verifier, macInto } from './lucky13.js';
import {
  badRecordMac,
  defaultRandom,
  writePseudoHeader,
  type RandomSource,
  type RecordProtector,
} from './types.js';

/**
 * The minimal raw CBC cipher the record layer needs (AES-128/256-CBC bound to one key), a subset of
 * @sanstls/crypto's AesCbc. No padding: lengths are multiples of the block length; the TLS padding is
 * the record layer's job. The cipher may overwrite `iv` (AesCbc chains it to the last ciphertext
 * block), so the record layer always passes its own scratch copy.
 */
export interface CbcCipher {
  /** 16 when absent (AES). */
  readonly blockLength?: number;
  /** Encrypts buf[offset, offset + length) in place. */
  encryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void;
  /** Decrypts buf[offset, offset + length) in place. */
  decryptInPlace(buf: Uint8Array, offset: number, length: number, iv: Uint8Array): void;
  dispose(): void;
}

export interface CbcProtectorOptions {
  cipher: CbcCipher;
  /** HMAC keyed with the MAC_write_key of this direction. */
  mac: Mac;
  /** RFC 7366, when the encrypt_then_mac extension was negotiated. */
  encryptThenMac: boolean;
  /** For the per-record IV; defaults to crypto.getRandomValues. */
  random?: RandomSource;
}

export class CbcProtector implements RecordProtector {
  readonly kind: 'cbc' | 'cbc-etm';
  readonly prefixLength: number;
  readonly maxSuffixLength: number;
  private readonly cipher: CbcCipher;
  private readonly mac: Mac;
  private readonly etm: boolean;
  private readonly random: RandomSource;
  private readonly block: number;
  private readonly macLength: number;
  private readonly header = new Uint8Array(13);
  private readonly iv: Uint8Array;
  /** MAC-then-encrypt with the WASM Hmac: the constant-time WASM check. */
  private readonly wasmMac: Hmac | null;
  /** MAC-then-encrypt with another Mac: the TypeScript check, with a second instance burning blocks. */
  private readonly verifier: Lucky13Verifier | null;
  private readonly dummy: Mac | null;
  /** The computed MAC of encrypt-then-MAC records, wiped after each comparison. */
  private readonly computed: Uint8Array;

  constructor(opts: CbcProtectorOptions) {
    this.cipher = opts.cipher;
    this.mac = opts.mac.reset();
    this.etm = opts.encryptThenMac;
    this.random = opts.random ?? defaultRandom;
    this.block = opts.cipher.blockLength ?? 16;
    this.iv = new Uint8Array(this.block);
    this.macLength = opts.mac.outputLength;
    this.kind = this.etm ? 'cbc-etm' : 'cbc';
    this.prefixLength = this.block;
    // Padding is 1..block bytes including padding_length (we send the minimum).
    this.maxSuffixLength = this.macLength + this.block;
    this.computed = new Uint8Array(this.macLength);
    this.wasmMac = !this.etm && canOpenCbcRecord(this.mac) ? this.mac : null;
    this.dummy = this.etm || this.wasmMac ? null : this.mac.clone();
    this.verifier = this.dummy ? new Lucky13Verifier(this.mac, this.dummy) : null;
  }

  sealInPlace(buf: Uint8Array, offset: number, length: number, type: number, version: number, seq: Uint8Array): number {
    const bl = this.block;
    const iv = buf.subarray(offset, offset + bl);
    const data = offset + bl;
    if (this.etm) {
      // RFC 7366 §3: IV + ENC(content + padding + padding_length), then the MAC over
      // seq + type + version + length(IV + ciphertext) + IV + ciphertext.
      const total = this.pad(buf, data, length);
      this.random(iv);
      this.encrypt(buf, data, total, iv);
      const c = bl + total;
      writePseudoHeader(this.header, seq, type, version, c);
      this.mac.update(this.header).update(buf.subarray(offset, offset + c));
      macInto(this.mac, buf, offset + c);
      return c + this.macLength;
    }
    // RFC 5246 §6.2.3.2: MAC over seq + type + version + length + content, then pad and encrypt.
    writePseudoHeader(this.header, seq, type, version, length);
    this.mac.update(this.header).update(buf.subarray(data, data + length));
    macInto(this.mac, buf, data + length);
    const total = this.pad(buf, data, length + this.macLength);
    this.random(iv);
    this.encrypt(buf, data, total, iv);
    return bl + total;
  }

  private encrypt(buf: Uint8Array, data: number, length: number, iv: Uint8Array): void {
    this.iv.set(iv);
    this.cipher.encryptInPlace(buf, data, length, this.iv);
  }

  private decrypt(p: Uint8Array, iv: Uint8Array): void {
    this.iv.set(iv);
    this.cipher.decryptInPlace(p, 0, p.length, this.iv);
  }

  /** Appends padding + padding_length after buf[data, data + n) up to a whole block; returns the total. */
  private pad(buf: Uint8Array, data: number, n: number): number {
    const padLen = (this.block - ((n + 1) % this.block)) % this.block;
    buf.fill(padLen, data + n, data + n + padLen + 1);
    return n + padLen + 1;
  }

  unprotect(fragment: Uint8Array, type: number, version: number, seq: Uint8Array): Uint8Array {
    return this.etm ? this.openEtm(fragment, type, version, seq) : this.openMte(fragment, type, version, seq);
  }

  private openMte(fragment: Uint8Array, type: number, version: number, seq: Uint8Array): Uint8Array {
    const bl = this.block;
    const L = fragment.length - bl;
    // Public length checks: at least one block, whole blocks, room for MAC + padding_length.
    if (L < bl || L % bl !== 0 || L < this.macLength + 1) throw badRecordMac();
    const p = fragment.slice(bl);
    this.decrypt(p, fragment.subarray(0, bl));
    const content = this.wasmMac
      ? cbcRecordOpen(this.wasmMac, seq, type, version, p, 0, L)
      : this.verifier!.verify(p, type, version, seq);
    if (content < 0) throw badRecordMac();
    return p.subarray(0, content);
  }

  private openEtm(fragment: Uint8Array, type: number, version: number, seq: Uint8Array): Uint8Array {
    const bl = this.block;
    const c = fragment.length - this.macLength; // IV + ciphertext
    if (c < 2 * bl || c % bl !== 0) throw badRecordMac();
    // RFC 7366 §3: verify the MAC before decrypting anything.
    writePseudoHeader(this.header, seq, type, version, c);
    this.mac.update(this.header).update(fragment.subarray(0, c));
    const computed = this.computed;
    macInto(this.mac, computed, 0);
    const macDiff = diffBytes(computed, 0, fragment, c, this.macLength);
    computed.fill(0);
    if (macDiff !== 0) throw badRecordMac();
    const L = c - bl;
    const p = fragment.slice(bl, c);
    this.decrypt(p, fragment.subarray(0, bl));
    // The record is authentic, so timing no longer matters; still one error for bad padding.
    const padLen = p[L - 1]!;
    let bad = ltMask(L - 1 - padLen, 0);
    let diff = 0;
    const window = Math.min(256, L);
    for (let k = 0; k < window; k++) diff |= (p[L - 1 - k]! ^ padLen) & ltMask(k, padLen + 1);
    bad |= nonZeroMask(diff);
    if (bad !== 0) throw badRecordMac();
    return p.subarray(0, L - 1 - padLen);
  }

  dispose(): void {
    this.cipher.dispose();
    this.mac.dispose();
    this.dummy?.dispose();
  }
}

export const cbcProtector = (opts: CbcProtectorOptions): CbcProtector => new CbcProtector(opts);
