// The record layer: bytes in → framed, unprotected, checked records → typed events; typed writes →
// fragmented, protected records → one outgoing buffer. The handshake machine switches cipher states.
import { AlertLevel } from '../alerts.js';
import { TlsError } from '../errors.js';
import { ContentType, MAX_PLAINTEXT_LENGTH } from './constants.js';
import { RecordReader } from './framing.js';
import { NullProtector } from './protection/null.js';
import type { RecordProtector } from './protection/types.js';
import { SequenceNumber } from './sequence.js';
import { RecordWriter } from './writer.js';

/** One incoming record, decoded as far as the record layer goes. Payloads are owned by the receiver. */
export type RecordEvent =
  | { readonly type: 'handshake'; readonly payload: Uint8Array }
  | { readonly type: 'application_data'; readonly payload: Uint8Array }
  | { readonly type: 'change_cipher_spec' }
  | { readonly type: 'alert'; readonly level: AlertLevel; readonly description: number };

export interface RecordLayerOptions {
  /** Consecutive empty application-data records tolerated before TOO_MANY_EMPTY_RECORDS (default 32). */
  maxEmptyRecords?: number;
}

export class RecordLayer {
  private readonly reader = new RecordReader();
  private readonly writer = new RecordWriter();
  private readonly readSeq = new SequenceNumber();
  private readProtector: RecordProtector = new NullProtector();
  private maxPlaintext = MAX_PLAINTEXT_LENGTH;
  private readonly maxEmpty: number;
  private emptyRun = 0;
  private awaitingReadCipher = false;
  private failure: TlsError | null = null;

  constructor(opts: RecordLayerOptions = {}) {
    this.maxEmpty = opts.maxEmptyRecords ?? 32;
  }

  /** Sequence number of the next incoming record. */
  get readSequence(): SequenceNumber {
    return this.readSeq;
  }

  /** Sequence number of the next outgoing record. */
  get writeSequence(): SequenceNumber {
    return this.writer.sequence;
  }

  // ---- incoming ----

  /** Feeds bytes from the transport, any split or coalescing. Records are processed by nextEvent(). */
  receive(bytes: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.reader.push(bytes);
  }

  /**
   * Processes the next complete record; null when more bytes are needed. Records are pulled one at a
   * time so the handshake can install the new read state between ChangeCipherSpec and the record after
   * it. Throws TlsError (and keeps throwing it) on any fatal condition.
   */
  nextEvent(): RecordEvent | null {
    if (this.failure) throw this.failure;
    try {
      return this.read();
    } catch (e) {
      this.failure =
        e instanceof TlsError
          ? e
          : new TlsError('INTERNAL_ERROR', 'internal_error', 'record layer failure', { cause: e });
      throw this.failure;
    }
  }

  /** Every event available now (stops early if the caller stops iterating). */
  *events(): Generator<RecordEvent, void, undefined> {
    for (let ev = this.nextEvent(); ev !== null; ev = this.nextEvent()) yield ev;
  }

  private read(): RecordEvent | null {
    for (;;) {
      if (this.awaitingReadCipher) {
        if (this.reader.pendingLength === 0) return null;
        throw new TlsError(
          'INTERNAL_ERROR',
          'internal_error',
          'records follow ChangeCipherSpec but no new read cipher was installed',
        );
      }
      const rec = this.reader.next();
      if (rec === null) return null;
      const payload = this.readProtector.unprotect(rec.fragment, rec.type, rec.version, this.readSeq.next());
      // RFC 5246 §6.2.1/§6.2.3: the plaintext limit holds after decryption too.
      if (payload.length > this.maxPlaintext) {
        throw new TlsError('RECORD_OVERFLOW', 'record_overflow', `decrypted record of ${payload.length} bytes`);
      }
      if (payload.length === 0) {
        // RFC 5246 §6.2.1: zero-length fragments are allowed for application data only. They carry
        // nothing and are not reported, but a run of them is a cheap denial of service: bound it.
        if (rec.type !== ContentType.application_data) {
          throw new TlsError('UNEXPECTED_MESSAGE', 'unexpected_message', `empty record of type ${rec.type}`);
        }
        if (++this.emptyRun > this.maxEmpty) {
          throw new TlsError(
            'TOO_MANY_EMPTY_RECORDS',
            'unexpected_message',
            `more than ${this.maxEmpty} consecutive empty records`,
          );
        }
        continue;
      }
      this.emptyRun = 0;
      switch (rec.type) {
        case ContentType.handshake:
          return { type: 'handshake', payload };
        case ContentType.application_data:
          return { type: 'application_data', payload };
        case ContentType.change_cipher_spec:
          // RFC 5246 §7.1: the message is a single byte of value 1.
          if (payload.length !== 1 || payload[0] !== 1) {
            throw new TlsError('BAD_CHANGE_CIPHER_SPEC', 'decode_error', 'ChangeCipherSpec must be the single byte 1');
          }
          this.awaitingReadCipher = true;
          return { type: 'change_cipher_spec' };
        case ContentType.alert: {
          // RFC 5246 §7.2: struct { AlertLevel level; AlertDescription description; }, one per record.
          if (payload.length !== 2) {
            throw new TlsError('DECODE_ERROR', 'decode_error', `alert record of ${payload.length} bytes, expected 2`);
          }
          const level = payload[0]!;
          if (level !== AlertLevel.warning && level !== AlertLevel.fatal) {
            throw new TlsError('ILLEGAL_PARAMETER', 'illegal_parameter', `unknown alert level ${level}`);
          }
          return { type: 'alert', level, description: payload[1]! };
        }
      }
    }
  }

  /**
   * Installs the pending read state: called by the handshake when it accepts the peer's
   * ChangeCipherSpec, before the next record is read. Resets the read sequence number (RFC 5246 §6.1).
   */
  changeReadCipher(protector: RecordProtector): void {
    if (!this.awaitingReadCipher) {
      throw new TlsError('INTERNAL_ERROR', 'internal_error', 'read cipher changed without a ChangeCipherSpec');
    }
    this.readProtector.dispose();
    this.readProtector = protector;
    this.readSeq.reset();
    this.reader.setProtected(protector.kind !== 'null');
    this.awaitingReadCipher = false;
  }

  // ---- outgoing ----

  /** Fragments and protects data of one content type into the outgoing buffer. */
  write(type: ContentType, data: Uint8Array): void {
    if (this.failure && type !== ContentType.alert) throw this.failure;
    this.writer.write(type, data);
  }

  writeHandshake(data: Uint8Array): void {
    this.write(ContentType.handshake, data);
  }

  writeApplicationData(data: Uint8Array): void {
    this.write(ContentType.application_data, data);
  }

  writeAlert(level: AlertLevel, description: number): void {
    this.write(ContentType.alert, Uint8Array.of(level, description));
  }

  writeChangeCipherSpec(): void {
    this.write(ContentType.change_cipher_spec, Uint8Array.of(1));
  }

  /** Installs the pending write state: called right after our ChangeCipherSpec was written. */
  changeWriteCipher(protector: RecordProtector): void {
    if (this.writer.lastType !== ContentType.change_cipher_spec) {
      throw new TlsError('INTERNAL_ERROR', 'internal_error', 'write cipher changed without a ChangeCipherSpec');
    }
    this.writer.changeCipher(protector);
  }

  /** Everything written since the last call, as one buffer (one transport write per flight). */
  takeOutgoing(): Uint8Array {
    return this.writer.takeOutgoing();
  }

  get outgoingLength(): number {
    return this.writer.pendingLength;
  }

  // ---- negotiated parameters ----

  /** Locks the record version both ways once negotiated (RFC 5246 Appendix E.1). */
  setVersion(version: number): void {
    this.reader.setVersion(version);
    this.writer.version = version;
  }

  /** Sets the version written on outgoing records only (a ClientHello's legacy record version). */
  setWriteVersion(version: number): void {
    this.writer.version = version;
  }

  /** RFC 6066 max_fragment_length: both the records we send and those we accept. */
  setMaxFragmentLength(n: number): void {
    this.reader.setMaxPlaintextLength(n);
    this.writer.setMaxFragmentLength(n);
    this.maxPlaintext = n;
  }

  /** Wipes both cipher states. */
  dispose(): void {
    this.readProtector.dispose();
    this.writer.dispose();
  }
}
