// The MAC-then-encrypt CBC check of RFC 5246 §6.2.3.2 written against Lucky Thirteen (AlFardan and
// Paterson, 2013): the padding check and the MAC computation cost the same whatever the padding length.
// This is the fallback for Mac implementations other than @sanstls/crypto's WASM Hmac (cbc.ts uses the
// constant-time WASM cbcRecordOpen for that one): JavaScript gives no timing guarantees, and the copies of
// the content to the Mac have a secret length.
import type { HashAlgorithm, Mac } from '@sanstls/crypto';
import { diffBytes, eqMask, ltMask, nonZeroMask } from './ct.js';
import { writePseudoHeader } from './types.js';

/** Merkle–Damgård parameters of the HMAC hash: block size and the size of the final length field. */
interface MdShape {
  readonly blockShift: number; // log2(block length)
  readonly lengthField: number;
}

const SHAPES: Record<HashAlgorithm, MdShape> = {
  sha1: { blockShift: 6, lengthField: 8 },
  sha256: { blockShift: 6, lengthField: 8 },
  sha384: { blockShift: 7, lengthField: 16 },
  sha512: { blockShift: 7, lengthField: 16 },
};

/**
 * Number of compression-function calls the inner hash of HMAC makes over a message of m bytes, minus a
 * constant: the key block, then ceil((m + 1 + lengthField) / B) = floor((m + lengthField) / B) + 1.
 */
const variableBlocks = (shape: MdShape, m: number): number => (m + shape.lengthField) >> shape.blockShift;

/** Finishes `mac` into out[offset, offset + outputLength): digestInto when the Mac has it, else digest(). */
export function macInto(mac: Mac, out: Uint8Array, offset: number): void {
  if (mac.digestInto) {
    mac.digestInto(out, offset);
    return;
  }
  const d = mac.digest();
  out.set(d, offset);
  d.fill(0);
}

/**
 * Verifies a decrypted MAC-then-encrypt record body `p` = content || MAC || padding || padding_length
 * (p.length is public: a multiple of the block length, at least macLength + 1) and returns the content
 * length, or -1 when the padding or MAC is wrong. The caller maps -1 to bad_record_mac.
 *
 * Work independent of the (secret) padding length:
 * - the padding is checked over the last min(256, p.length) bytes with masks, whatever its length;
 * - bad padding is treated as zero-length padding (RFC 5246 §6.2.3.2), so a MAC is always computed;
 * - the HMAC over seq + header + content is followed by dummy compression blocks on a second keyed
 *   instance so that real + dummy blocks is the count for the longest possible content;
 * - the received MAC is copied out of the window where it may lie with masks, and rotated into place
 *   without a secret index.
 */
export class Lucky13Verifier {
  private readonly shape: MdShape;
  private readonly macLength: number;
  private readonly header = new Uint8Array(13);
  private readonly rotated: Uint8Array;
  private readonly received: Uint8Array;
  private readonly computed: Uint8Array;
  private readonly dummyInput: Uint8Array;

  /** `mac` computes the record MAC; `dummy` is a second instance (same key or any) burning blocks. */
  constructor(
    private readonly mac: Mac,
    private readonly dummy: Mac,
  ) {
    const shape: MdShape | undefined = SHAPES[mac.algorithm];
    if (!shape) throw new RangeError(`no Lucky 13 parameters for ${String(mac.algorithm)}`);
    this.shape = shape;
    this.macLength = mac.outputLength;
    this.rotated = new Uint8Array(this.macLength);
    this.received = new Uint8Array(this.macLength);
    this.computed = new Uint8Array(this.macLength);
    // Content lengths differ by at most 255, so at most ceil(255 / B) + 1 extra blocks (+1 spare byte).
    this.dummyInput = new Uint8Array((((255 >> this.shape.blockShift) + 2) << this.shape.blockShift) + 1);
  }

  verify(p: Uint8Array, type: number, version: number, seq: Uint8Array): number {
    const L = p.length;
    const macLen = this.macLength;
    const padLen = p[L - 1]!;

    // good = -1 while everything checks out. Length: padding_length + 1 + MAC must fit.
    let good = ~ltMask(L - macLen - 1 - padLen, 0);

    // Padding bytes: the padding_length + 1 last bytes all equal padding_length. Scan a fixed window.
    const window = Math.min(256, L);
    let padDiff = 0;
    for (let k = 0; k < window; k++) {
      const inPadding = ltMask(k, padLen + 1);
      padDiff |= (p[L - 1 - k]! ^ padLen) & inPadding;
    }
    good &= ~nonZeroMask(padDiff);

    // Content length: with bad padding, as if there were none (only the length byte is removed).
    const maxContent = L - macLen - 1;
    const content = maxContent - (padLen & good);

    // MAC over seq + type + version + length + content, then pad the work to the longest case.
    writePseudoHeader(this.header, seq, type, version, content);
    this.mac.update(this.header);
    this.mac.update(p.subarray(0, content));
    const computed = this.computed;
    macInto(this.mac, computed, 0);
    const extra = variableBlocks(this.shape, 13 + maxContent) - variableBlocks(this.shape, 13 + content);
    this.burn(extra);

    // Copy the received MAC p[content, content + macLen) out of the window it can lie in.
    const rotated = this.rotated;
    rotated.fill(0);
    const scanStart = Math.max(0, maxContent - 255);
    const macEnd = content + macLen;
    let inMac = 0;
    let j = 0;
    let offset = 0;
    for (let i = scanStart; i < L - 1; i++) {
      const started = eqMask(i, content);
      inMac = (inMac | started) & ~eqMask(i, macEnd);
      offset |= j & started;
      rotated[j] = rotated[j]! | (p[i]! & inMac);
      j = (j + 1) & ltMask(j + 1, macLen);
    }
    // received[k] = rotated[(offset + k) mod macLen], selecting with masks instead of indexing.
    const received = this.received;
    for (let k = 0; k < macLen; k++) {
      let want = offset + k;
      want -= macLen & ~ltMask(want, macLen);
      let b = 0;
      for (let s = 0; s < macLen; s++) b |= rotated[s]! & eqMask(s, want);
      received[k] = b;
    }
    good &= ~nonZeroMask(diffBytes(received, 0, computed, 0, macLen));
    received.fill(0);
    computed.fill(0);
    return good === -1 ? content : -1;
  }

  /**
   * Makes `blocks` compression calls whatever the Mac implementation's buffering: blocks * B + 1 bytes
   * into a fresh instance always complete exactly `blocks` blocks, then reset discards the partial one.
   */
  private burn(blocks: number): void {
    this.dummy.update(this.dummyInput.subarray(0, (blocks << this.shape.blockShift) + 1));
    this.dummy.reset();
  }
}
