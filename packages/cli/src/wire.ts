// A passive observer of the TLS records crossing a socket, each direction parsed on its own with the
// @sanstls/core codec. Until a direction's ChangeCipherSpec its records are plaintext and decoded to
// handshake messages and alerts; after it they are only sized (the first encrypted handshake record of a
// direction is its Finished). It needs nothing from the connection: the same bytes the socket carries.
import {
  alertName,
  cipherSuiteByCode,
  ContentType,
  decodeHandshakeMessage,
  HandshakeAssembler,
  HandshakeType,
  handshakeTypeName,
  MAX_CIPHERTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
  type DecodedClientHello,
  type DecodedHandshakeMessage,
  type KeyExchange,
} from '@sanstls/core';

export type Direction = 'sent' | 'received';

export type WireItem =
  /** A plaintext handshake message, decoded. */
  | { readonly kind: 'handshake'; readonly message: DecodedHandshakeMessage; readonly length: number }
  /** A plaintext handshake message the codec refused (reported, not fatal to the observer). */
  | { readonly kind: 'undecodable'; readonly type: number; readonly length: number; readonly error: string }
  | { readonly kind: 'change_cipher_spec' }
  /** An encrypted handshake record: `finished` for the first one after ChangeCipherSpec. */
  | { readonly kind: 'encrypted_handshake'; readonly length: number; readonly finished: boolean }
  | { readonly kind: 'alert'; readonly level: number; readonly description: number }
  | { readonly kind: 'encrypted_alert'; readonly length: number }
  | { readonly kind: 'application_data'; readonly length: number }
  /** Bytes that are not TLS records: the direction is no longer followed. */
  | { readonly kind: 'not_tls'; readonly detail: string };

export type WireListener = (direction: Direction, item: WireItem) => void;

class DirectionState {
  /** Bytes of an incomplete record. */
  pending = new Uint8Array(0);
  encrypted = false;
  sawFinished = false;
  lost = false;
  readonly assembler = new HandshakeAssembler({ maxMessageSize: 1 << 16, maxCertificateMessageSize: 1 << 20 });
}

/** The name of an alert description. */
export const alertDescriptionName = (d: number): string => alertName(d) ?? `alert ${d}`;

export class WireObserver {
  private readonly dirs: Record<Direction, DirectionState> = { sent: new DirectionState(), received: new DirectionState() };
  private keyExchange: KeyExchange | undefined;
  private clientHelloSeen: DecodedClientHello | undefined;

  constructor(private readonly listener: WireListener) {}

  /** The ClientHello seen in either direction, once decoded. */
  get clientHello(): DecodedClientHello | undefined {
    return this.clientHelloSeen;
  }

  /** Feed the bytes that crossed the socket in one direction, in order. */
  observe(direction: Direction, bytes: Uint8Array): void {
    const st = this.dirs[direction];
    if (st.lost || bytes.length === 0) return;
    const buf = concat(st.pending, bytes);
    let off = 0;
    while (buf.length - off >= RECORD_HEADER_LENGTH) {
      const type = buf[off]!;
      const major = buf[off + 1]!;
      const length = (buf[off + 3]! << 8) | buf[off + 4]!;
      if (type < ContentType.change_cipher_spec || type > ContentType.application_data || major !== 3) {
        st.lost = true;
        this.listener(direction, { kind: 'not_tls', detail: describeNonTls(buf.subarray(off)) });
        return;
      }
      if (length > MAX_CIPHERTEXT_LENGTH) {
        st.lost = true;
        this.listener(direction, { kind: 'not_tls', detail: `record of ${length} bytes exceeds the TLS limit` });
        return;
      }
      if (buf.length - off < RECORD_HEADER_LENGTH + length) break;
      const payload = buf.subarray(off + RECORD_HEADER_LENGTH, off + RECORD_HEADER_LENGTH + length);
      off += RECORD_HEADER_LENGTH + length;
      this.record(direction, st, type, payload);
      if (st.lost) return;
    }
    st.pending = buf.slice(off);
  }

  private record(direction: Direction, st: DirectionState, type: number, payload: Uint8Array): void {
    const emit = (item: WireItem) => this.listener(direction, item);
    switch (type) {
      case ContentType.change_cipher_spec:
        st.encrypted = true;
        emit({ kind: 'change_cipher_spec' });
        return;
      case ContentType.alert:
        if (!st.encrypted && payload.length === 2) emit({ kind: 'alert', level: payload[0]!, description: payload[1]! });
        else emit({ kind: 'encrypted_alert', length: payload.length });
        return;
      case ContentType.application_data:
        emit({ kind: 'application_data', length: payload.length });
        return;
      case ContentType.handshake:
        if (st.encrypted) {
          emit({ kind: 'encrypted_handshake', length: payload.length, finished: !st.sawFinished });
          st.sawFinished = true;
          return;
        }
        try {
          // The assembler keeps views into the payload; hand it a copy it owns.
          st.assembler.push(payload.slice(), (m) => this.message(emit, m.type, m.raw, m.body));
        } catch (e) {
          st.lost = true;
          emit({ kind: 'not_tls', detail: `handshake framing: ${(e as Error).message}` });
        }
        return;
    }
  }

  private message(emit: (i: WireItem) => void, type: number, raw: Uint8Array, body: Uint8Array): void {
    try {
      const ctx = this.keyExchange === undefined ? {} : { keyExchange: this.keyExchange };
      const message = decodeHandshakeMessage({ type, raw, body }, ctx);
      if (message.type === HandshakeType.server_hello) this.keyExchange = cipherSuiteByCode(message.message.cipherSuite)?.keyExchange;
      if (message.type === HandshakeType.client_hello) this.clientHelloSeen = message.message;
      emit({ kind: 'handshake', message, length: raw.length });
    } catch (e) {
      emit({ kind: 'undecodable', type, length: raw.length, error: (e as Error).message });
    }
  }
}

/** A short description of bytes that are not a TLS record (plain HTTP, SSLv2 hello, ...). */
function describeNonTls(b: Uint8Array): string {
  const head = Buffer.from(b.subarray(0, 16));
  if (/^[A-Z]{3,7} \S/.test(head.toString('latin1'))) return `plaintext, not TLS: "${head.toString('latin1').split(/\r?\n/)[0]}"`;
  if ((b[0]! & 0x80) !== 0 && b[2] === 1) return 'an SSLv2-format ClientHello';
  return `not a TLS record: ${head.toString('hex')}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Human name of a handshake type. */
export const handshakeName = (type: number): string => handshakeTypeName(type) ?? `handshake type ${type}`;
