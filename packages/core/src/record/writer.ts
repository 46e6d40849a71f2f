// Outgoing records: fragmentation (RFC 5246 §6.2.1), protection with the current write state, and one
// contiguous output buffer so a whole flight leaves in one transport write.
import { TlsError } from '../errors.js';
import { ContentType, MAX_PLAINTEXT_LENGTH, RECORD_HEADER_LENGTH, TLS1_2 } from './constants.js';
import { NullProtector } from './protection/null.js';
import type { RecordProtector } from './protection/types.js';
import { SequenceNumber } from './sequence.js';

const INITIAL_CAPACITY = 4096;

export class RecordWriter {
  /** Sequence number of the next record written (RFC 5246 §6.1). */
  readonly sequence = new SequenceNumber();
  /** Record-layer version: set by the handshake (ClientHello records may carry a legacy value). */
  version: number = TLS1_2;
  private protector: RecordProtector = new NullProtector();
  private out = new Uint8Array(0);
  private length = 0;
  private maxFragment = MAX_PLAINTEXT_LENGTH;
  private last: number = -1;

  /** The content type of the last record written, or -1. */
  get lastType(): number {
    return this.last;
  }

  /** Plaintext bytes per record: 2^14, or less after max_fragment_length (RFC 6066 §4). */
  setMaxFragmentLength(n: number): void {
    if (!(Number.isInteger(n) && n > 0 && n <= MAX_PLAINTEXT_LENGTH)) throw new RangeError('bad max fragment length');
    this.maxFragment = n;
  }

  /** Installs the new write state right after our ChangeCipherSpec; the old one is disposed. */
  changeCipher(protector: RecordProtector): void {
    this.protector.dispose();
    this.protector = protector;
    this.sequence.reset();
  }

  /**
   * Fragments `data` into records of `type` and appends them, protected, to the output. Empty
   * application data writes nothing; empty fragments of other types are illegal (RFC 5246 §6.2.1).
   */
  write(type: ContentType, data: Uint8Array): void {
    if (data.length === 0) {
      if (type === ContentType.application_data) return;
      throw new TlsError('INTERNAL_ERROR', 'internal_error', `refusing to send an empty record of type ${type}`);
    }
    const p = this.protector;
    // Room for every record of this write at once: one allocation, not one per doubling.
    const records = Math.ceil(data.length / this.maxFragment);
    this.reserve(records * (RECORD_HEADER_LENGTH + p.prefixLength + p.maxSuffixLength) + data.length);
    const out = this.out;
    for (let pos = 0; pos < data.length; pos += this.maxFragment) {
      const n = Math.min(this.maxFragment, data.length - pos);
      const start = this.length;
      const body = start + RECORD_HEADER_LENGTH;
      const plaintext = data.subarray(pos, pos + n);
      let fragment: number;
      if (p.sealInto) {
        // The cipher reads the plaintext where it is (no copy into the output first).
        fragment = p.sealInto(out, body, plaintext, type, this.version, this.sequence.next());
      } else {
        out.set(plaintext, body + p.prefixLength);
        fragment = p.sealInPlace(out, body, n, type, this.version, this.sequence.next());
      }
      out[start] = type;
      out[start + 1] = this.version >>> 8;
      out[start + 2] = this.version & 0xff;
      out[start + 3] = fragment >>> 8;
      out[start + 4] = fragment & 0xff;
      this.length = body + fragment;
      this.last = type;
    }
  }

  /** Bytes waiting in the output. */
  get pendingLength(): number {
    return this.length;
  }

  /**
   * Everything written since the last call, as one buffer the caller owns (empty when nothing). The
   * buffer itself is handed over, not copied; the next write starts a new one, so an idle connection
   * holds no output buffer at all.
   */
  takeOutgoing(): Uint8Array {
    if (this.length === 0) return new Uint8Array(0);
    const result = this.out.subarray(0, this.length);
    this.out = new Uint8Array(0);
    this.length = 0;
    return result;
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.out.length) return;
    let cap = Math.max(this.out.length * 2, INITIAL_CAPACITY, need);
    while (cap < need) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  dispose(): void {
    this.protector.dispose();
    this.out.fill(0);
  }
}
