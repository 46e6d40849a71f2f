// ServerHello (RFC 5246 §7.4.1.3).
//   ProtocolVersion server_version; Random random; SessionID session_id<0..32>;
//   CipherSuite cipher_suite; CompressionMethod compression_method;
//   select (extensions_present) { case true: Extension extensions<0..2^16-1>; };
// sanstls never offers compression (CRIME, RFC 7457 §2.6), so a server choosing anything but null
// is illegal_parameter ("inconsistent with other fields"). Whether the version, suite and
// extensions match the offer is checked by the handshake.

import { illegalParameter } from '../../errors.js';
import { CompressionMethod, MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from '../constants.js';
import { decodeExtensions, parseServerHelloExtensions, writeExtensions, type Parsed, type RawExtension, type ServerHelloExtensions } from '../extensions/index.js';
import { Reader } from '../reader.js';
import { encode, encodeError } from '../writer.js';

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  /** Always 0 (null). */
  readonly compressionMethod: number;
  /** Extensions in wire order; an empty list is encoded as an absent block. */
  readonly extensions: readonly RawExtension[];
}

export interface DecodedServerHello extends ServerHello {
  readonly ext: Parsed<ServerHelloExtensions>;
}

export function encodeServerHello(sh: ServerHello): Uint8Array {
  if (sh.random.length !== RANDOM_LENGTH) throw encodeError('server_hello: random must be 32 bytes');
  return encode((w) => {
    w.u16(sh.version).bytes(sh.random);
    w.opaque(1, sh.sessionId, 0, MAX_SESSION_ID_LENGTH, 'session_id');
    w.u16(sh.cipherSuite).u8(sh.compressionMethod);
    if (sh.extensions.length > 0) writeExtensions(w, sh.extensions);
  });
}

export function decodeServerHello(body: Uint8Array): DecodedServerHello {
  const r = new Reader(body, 'server_hello');
  const version = r.u16('server_version');
  const random = r.bytes(RANDOM_LENGTH, 'random');
  const sessionId = r.vec8('session_id', 0, MAX_SESSION_ID_LENGTH);
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = r.remaining > 0 ? decodeExtensions(r.vec16('extensions')) : [];
  r.end();
  if (compressionMethod !== CompressionMethod.null) {
    throw illegalParameter(`server_hello: compression method ${compressionMethod} was not offered`);
  }
  // The contents are parsed on first use of `ext`: a client must first refuse extension types it did not
  // offer (unsupported_extension, RFC 5246 §7.4.1.4) before judging their bodies (decode_error).
  let ext: Parsed<ServerHelloExtensions> | undefined;
  return {
    version, random, sessionId, cipherSuite, compressionMethod, extensions,
    get ext() {
      return (ext ??= parseServerHelloExtensions(extensions));
    },
  };
}
