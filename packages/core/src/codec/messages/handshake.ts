// Handshake message framing (RFC 5246 §7.4):
//   struct { HandshakeType msg_type; uint24 length; select (msg_type) { ... } body; } Handshake;
// and reassembly of messages from handshake-record payloads (RFC 5246 §6.2.1: "multiple client
// messages of the same ContentType MAY be coalesced into a single TLSPlaintext record, or a single
// message MAY be fragmented across several records").
//
// Size limits. A message longer than its limit is refused as soon as its header is seen, before any
// body is buffered: TlsError HANDSHAKE_MESSAGE_TOO_LARGE with illegal_parameter. RFC 5246 has no
// alert for "too large for me"; illegal_parameter (a field out of range) is what OpenSSL, LibreSSL
// and BoringSSL send (SSL_R_EXCESSIVE_MESSAGE_SIZE; OpenSSL checked in interop-alerts.test.ts).
// Memory held is at most one header plus one message body up to its limit.

import { TlsError } from '../../errors.js';
import { HANDSHAKE_HEADER_LENGTH, HandshakeType, handshakeTypeName } from '../constants.js';
import { encodeError } from '../writer.js';

/** One complete handshake message. */
export interface RawHandshakeMessage {
  readonly type: number;
  /** The body (after the 4-byte header). */
  readonly body: Uint8Array;
  /** Header and body exactly as received: what goes into the transcript hash. */
  readonly raw: Uint8Array;
}

/** Frame a body with its handshake header. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  if (body.length > 0xffffff) throw encodeError(`handshake ${type}: body of ${body.length} bytes exceeds 2^24-1`);
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  out[0] = type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/** Default limit for Certificate, CertificateRequest (CA names) and CertificateStatus (OCSP) bodies. */
export const DEFAULT_MAX_CERTIFICATE_MESSAGE_SIZE = 64 * 1024;
/** Default limit for every other message body (a ClientHello is well under 2 KiB in practice). */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024;

export interface HandshakeLimits {
  /** Body limit for Certificate, CertificateRequest and CertificateStatus. */
  maxCertificateMessageSize?: number;
  /** Body limit for all other types, including unknown ones. */
  maxMessageSize?: number;
  /** Per-type overrides, by HandshakeType code. */
  perType?: Readonly<Record<number, number>>;
}

export const messageTooLarge = (type: number, length: number, limit: number): TlsError =>
  new TlsError(
    'HANDSHAKE_MESSAGE_TOO_LARGE',
    'illegal_parameter',
    `handshake message ${handshakeTypeName(type) ?? type} of ${length} bytes exceeds the limit of ${limit}`,
  );

/** Body limits by handshake type (types not listed: maxMessageSize); never changed once made. */
function limitTable(limits: HandshakeLimits): ReadonlyMap<number, number> {
  const cert = limits.maxCertificateMessageSize ?? DEFAULT_MAX_CERTIFICATE_MESSAGE_SIZE;
  const table = new Map<number, number>([
    [HandshakeType.certificate, cert],
    [HandshakeType.certificate_request, cert],
    [HandshakeType.certificate_status, cert],
  ]);
  for (const [k, v] of Object.entries(limits.perType ?? {})) table.set(Number(k), v);
  for (const v of [limits.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, ...table.values()]) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffff) throw new RangeError(`handshake size limit ${v} out of range`);
  }
  return table;
}
let defaultLimits: ReadonlyMap<number, number> | undefined;

/**
 * Reassembles handshake messages from the payloads of handshake records, whatever the split.
 * Messages are delivered in order through a callback, so that the first problem in the byte
 * stream is the one reported however the bytes were cut (an array plus a throw would report a
 * later oversize header ahead of an earlier bad message when both arrive in one record).
 *
 * A message that lies wholly inside one payload is delivered as a view into that payload (no
 * copy): the caller must not overwrite a payload while it still holds messages from it. A message
 * spanning payloads is copied once into its own buffer.
 *
 * Zero-length handshake fragments are forbidden (RFC 5246 §6.2.1) and must be refused by the record
 * layer; here they are a no-op. After push throws (a limit, or the callback threw), the assembler
 * is dead: every later push rethrows that error.
 */
export class HandshakeAssembler {
  private readonly limits: ReadonlyMap<number, number>;
  private readonly defaultLimit: number;
  private readonly header = new Uint8Array(HANDSHAKE_HEADER_LENGTH);
  private headerFill = 0;
  /** The message being filled (header included), once its header is known. */
  private partial: Uint8Array | null = null;
  private fill = 0;
  private failure: unknown = null;

  constructor(limits?: HandshakeLimits) {
    // Connections use the defaults: they share one table.
    this.limits = limits ? limitTable(limits) : (defaultLimits ??= limitTable({}));
    this.defaultLimit = limits?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** The body limit that applies to `type`. */
  limitFor(type: number): number {
    return this.limits.get(type) ?? this.defaultLimit;
  }

  /** True while part of a message is buffered (a ChangeCipherSpec or key change must not arrive now). */
  get pending(): boolean {
    return this.headerFill > 0 || this.partial !== null;
  }

  /** Bytes currently buffered. */
  get bufferedBytes(): number {
    return this.partial !== null ? this.fill : this.headerFill;
  }

  /** Feed one handshake record payload; `onMessage` is called for each message completed, in order. */
  push(fragment: Uint8Array, onMessage: (m: RawHandshakeMessage) => void): void {
    if (this.failure !== null) throw this.failure;
    try {
      this.consume(fragment, onMessage);
    } catch (e) {
      this.failure = e;
      this.partial = null; // release memory: the connection is over
      this.fill = 0;
      this.headerFill = 0;
      throw e;
    }
  }

  private start(type: number, length: number): Uint8Array {
    const limit = this.limitFor(type);
    if (length > limit) throw messageTooLarge(type, length, limit);
    return new Uint8Array(HANDSHAKE_HEADER_LENGTH + length);
  }

  private consume(f: Uint8Array, onMessage: (m: RawHandshakeMessage) => void): void {
    let off = 0;
    while (off < f.length) {
      if (this.partial === null) {
        const left = f.length - off;
        if (this.headerFill === 0 && left >= HANDSHAKE_HEADER_LENGTH) {
          // Fast path: the header is in this fragment.
          const type = f[off]!;
          const length = (f[off + 1]! << 16) | (f[off + 2]! << 8) | f[off + 3]!;
          const limit = this.limitFor(type);
          if (length > limit) throw messageTooLarge(type, length, limit);
          const total = HANDSHAKE_HEADER_LENGTH + length;
          if (left >= total) {
            const raw = f.subarray(off, off + total);
            off += total;
            onMessage({ type, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw });
            continue;
          }
          this.partial = new Uint8Array(total);
          this.partial.set(f.subarray(off));
          this.fill = left;
          return;
        }
        // Slow path: the header itself is split across fragments.
        const take = Math.min(HANDSHAKE_HEADER_LENGTH - this.headerFill, left);
        this.header.set(f.subarray(off, off + take), this.headerFill);
        this.headerFill += take;
        off += take;
        if (this.headerFill < HANDSHAKE_HEADER_LENGTH) return;
        const h = this.header;
        this.partial = this.start(h[0]!, (h[1]! << 16) | (h[2]! << 8) | h[3]!);
        this.partial.set(h);
        this.fill = HANDSHAKE_HEADER_LENGTH;
        this.headerFill = 0;
      } else {
        const take = Math.min(this.partial.length - this.fill, f.length - off);
        this.partial.set(f.subarray(off, off + take), this.fill);
        this.fill += take;
        off += take;
      }
      if (this.fill === this.partial.length) {
        const raw = this.partial;
        this.partial = null;
        this.fill = 0;
        onMessage({ type: raw[0]!, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw });
      }
    }
  }
}
