// ClientHello (RFC 5246 §7.4.1.2).
//   ProtocolVersion client_version; Random random; SessionID session_id<0..32>;
//   CipherSuite cipher_suites<2..2^16-2>; CompressionMethod compression_methods<1..2^8-1>;
//   select (extensions_present) { case true: Extension extensions<0..2^16-1>; };
// Strict: a suite list of odd length, a session ID over 32 bytes, a compression list without
// null ("this vector MUST contain ... CompressionMethod.null"), trailing bytes: all decode_error.
// The version is returned, not judged (protocol_version is the handshake's decision).
// SSLv2-compatible hellos are recognised at the record layer, not here.

import { decodeError } from '../../errors.js';
import { CompressionMethod, MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from '../constants.js';
import { decodeExtensions, parseClientHelloExtensions, writeExtensions, type ClientHelloExtensions, type Parsed, type RawExtension } from '../extensions/index.js';
import { Reader } from '../reader.js';
import { encode, encodeError } from '../writer.js';

export interface ClientHello {
  /** client_version, e.g. 0x0303. */
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  /** Extensions in wire order; an empty list is encoded as an absent block. */
  readonly extensions: readonly RawExtension[];
}

export interface DecodedClientHello extends ClientHello {
  /** The extensions, decoded strictly. */
  readonly ext: Parsed<ClientHelloExtensions>;
}

export function encodeClientHello(ch: ClientHello): Uint8Array {
  if (ch.random.length !== RANDOM_LENGTH) throw encodeError('client_hello: random must be 32 bytes');
  if (!ch.compressionMethods.includes(CompressionMethod.null)) throw encodeError('client_hello: null compression missing');
  return encode((w) => {
    w.u16(ch.version).bytes(ch.random);
    w.opaque(1, ch.sessionId, 0, MAX_SESSION_ID_LENGTH, 'session_id');
    w.u16List(2, ch.cipherSuites, 2, 0xfffe, 'cipher_suites');
    w.u8List(ch.compressionMethods, 1, 0xff, 'compression_methods');
    if (ch.extensions.length > 0) writeExtensions(w, ch.extensions);
  }, 512);
}

export function decodeClientHello(body: Uint8Array): DecodedClientHello {
  const r = new Reader(body, 'client_hello');
  const version = r.u16('client_version');
  const random = r.bytes(RANDOM_LENGTH, 'random');
  const sessionId = r.vec8('session_id', 0, MAX_SESSION_ID_LENGTH);
  const cipherSuites = r.u16List(2, 'cipher_suites', 2, 0xfffe);
  const compressionMethods = r.u8List('compression_methods', 1, 0xff);
  if (!compressionMethods.includes(CompressionMethod.null)) {
    throw decodeError('client_hello: compression_methods lacks null (RFC 5246 §7.4.1.2)');
  }
  // RFC 5246 §7.4.1.2: extensions are present iff bytes follow the compression methods.
  const extensions = r.remaining > 0 ? decodeExtensions(r.vec16('extensions')) : [];
  r.end();
  return { version, random, sessionId, cipherSuites, compressionMethods, extensions, ext: parseClientHelloExtensions(extensions) };
}
