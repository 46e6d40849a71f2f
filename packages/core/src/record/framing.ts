// Framing of the incoming byte stream into records (RFC 5246 §6.2.1), with the header checks that can be
// made before any decryption: content type, version, length limit.
import { TlsError } from '../errors.js';
import {
  contentTypeName,
  MAX_CIPHERTEXT_EXPANSION,
  MAX_PLAINTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
  type ContentType,
} from './constants.js';

/** One record as it came off the wire. */
export interface RawRecord {
  readonly type: ContentType;
  /** ProtocolVersion as a uint16 (0x0303 for TLS 1.2). */
  readonly version: number;
  /**
   * TLSPlaintext/TLSCiphertext.fragment. A view into the pushed chunk or the reader's own buffer: valid
   * until the next call to `next()`. Never written to by the reader.
   */
  readonly fragment: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Accepts the peer's bytes in arbitrary chunks and yields whole records.
 *
 * Copies: a record lying inside one pushed chunk is returned as a view of it; only a record that spans
 * chunks is assembled in the reader's buffer. Bounds: every header is checked (type, version, length
 * against the current limit) before its body is buffered, so the reader's own buffer never exceeds one
 * maximal record plus its header. Pushed chunks are referenced, not copied, until `next()` has consumed
 * them or has returned null (at that point every leftover byte has been moved into the reader's buffer,
 * so the caller may reuse its chunk).
 */
export class RecordReader {
  private chunks: Uint8Array[] = [];
  private head = 0; // read offset into chunks[0]
  private carry: Uint8Array = EMPTY; // partial record spanning chunks
  private carryLen = 0;
  private carryNeed = 0; // header + body length of the record in carry, 0 until its header is known
  private version: number | null = null;
  private first = true;
  private maxPlaintext = MAX_PLAINTEXT_LENGTH;
  private isProtected = false;

  /** Feeds bytes from the transport. Nothing is parsed until `next()`. */
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.chunks.push(bytes);
  }

  /**
   * Locks the record version once the handshake has negotiated it (RFC 5246 Appendix E.1). Until then any
   * {3,1}..{3,3} is accepted, as ClientHello records carry a legacy version.
   */
  setVersion(version: number): void {
    this.version = version;
  }

  /**
   * Tells the reader whether the current read state protects records, which sets the length limit:
   * 2^14 for TLSPlaintext, 2^14 + 2048 for TLSCiphertext (RFC 5246 §6.2.1, §6.2.3).
   */
  setProtected(on: boolean): void {
    this.isProtected = on;
  }

  /** Lowers the plaintext limit (RFC 6066 max_fragment_length); the ciphertext limit follows it. */
  setMaxPlaintextLength(n: number): void {
    if (!(n > 0 && n <= MAX_PLAINTEXT_LENGTH)) throw new RangeError('max plaintext length out of range');
    this.maxPlaintext = n;
  }

  /** Largest fragment length the next header may declare. */
  get maxFragmentLength(): number {
    return this.isProtected ? this.maxPlaintext + MAX_CIPHERTEXT_EXPANSION : this.maxPlaintext;
  }

  /** Bytes held in the reader's own buffer (a partial record). */
  get bufferedLength(): number {
    return this.carryLen;
  }

  /** Bytes pushed but not yet returned in a record, wherever they are held. */
  get pendingLength(): number {
    let n = this.carryLen - this.head; // head counts bytes already taken from chunks[0]
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** The next complete record, or null when more bytes are needed. Throws TlsError on a bad header. */
  next(): RawRecord | null {
    if (this.carryLen === 0) {
      // Fast path: the whole record lies in the first chunk; return a view of it.
      while (this.chunks.length > 0) {
        const c = this.chunks[0]!;
        const avail = c.length - this.head;
        if (avail === 0) {
          this.chunks.shift();
          this.head = 0;
          continue;
        }
        if (avail < RECORD_HEADER_LENGTH) break;
        const start = this.head;
        const length = this.checkHeader(c, start);
        if (avail < RECORD_HEADER_LENGTH + length) break;
        this.head = start + RECORD_HEADER_LENGTH + length;
        return this.emit(c, start, length);
      }
      if (this.chunks.length === 0) return null;
    }
    // Slow path: the record spans chunks; assemble it in the carry buffer.
    if (!this.fill(RECORD_HEADER_LENGTH)) return null;
    if (this.carryNeed === 0) this.carryNeed = RECORD_HEADER_LENGTH + this.checkHeader(this.carry, 0);
    if (!this.fill(this.carryNeed)) return null;
    const length = this.carryNeed - RECORD_HEADER_LENGTH;
    this.carryLen = 0;
    this.carryNeed = 0;
    return this.emit(this.carry, 0, length);
  }

  private emit(buf: Uint8Array, start: number, length: number): RawRecord {
    this.first = false;
    const body = start + RECORD_HEADER_LENGTH;
    return {
      type: buf[start] as ContentType,
      version: (buf[start + 1]! << 8) | buf[start + 2]!,
      fragment: buf.subarray(body, body + length),
    };
  }

  /** Moves pushed bytes into carry until it holds n bytes; false when the input ran out first. */
  private fill(n: number): boolean {
    if (this.carry.length < n) {
      const grown = new Uint8Array(Math.max(n, 256));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    while (this.carryLen < n && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const take = Math.min(n - this.carryLen, c.length - this.head);
      this.carry.set(c.subarray(this.head, this.head + take), this.carryLen);
      this.carryLen += take;
      this.head += take;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return this.carryLen >= n;
  }

  /** Validates the 5-byte header at buf[off]; returns the declared fragment length. */
  private checkHeader(buf: Uint8Array, off: number): number {
    const type = buf[off]!;
    // An SSLv2-compatible ClientHello starts with a 2-byte length whose high bit is set (RFC 5246 E.2).
    if (this.first && (type & 0x80) !== 0) {
      throw new TlsError(
        'UNSUPPORTED_SSLV2_HELLO',
        'protocol_version',
        'SSLv2-compatible ClientHello is not supported; TLS 1.2 records required',
      );
    }
    // RFC 5246 §6: a record of an unknown type is answered with unexpected_message.
    if (contentTypeName(type) === undefined) {
      throw new TlsError('UNKNOWN_CONTENT_TYPE', 'unexpected_message', `unknown record content type ${type}`);
    }
    const major = buf[off + 1]!;
    const minor = buf[off + 2]!;
    const version = (major << 8) | minor;
    if (this.version === null ? major !== 3 || minor < 1 || minor > 3 : version !== this.version) {
      throw new TlsError('PROTOCOL_VERSION', 'protocol_version', `unexpected record version {${major},${minor}}`);
    }
    const length = (buf[off + 3]! << 8) | buf[off + 4]!;
    if (length > this.maxFragmentLength) {
      throw new TlsError(
        'RECORD_OVERFLOW',
        'record_overflow',
        `record of ${length} bytes exceeds the limit of ${this.maxFragmentLength}`,
      );
    }
    return length;
  }
}
