// fast-check arbitraries for every structure of the codec: valid values only (what an encoder accepts and a
// strict decoder must give back), plus `mutated`, which damages a valid encoding a little (so that decoders
// are tested on bytes that get past their first checks, not only on noise).
import fc from 'fast-check';
import {
  CompressionMethod,
  ECPointFormat,
  ExtensionType,
  MAX_SESSION_ID_LENGTH,
  RANDOM_LENGTH,
  VERIFY_DATA_LENGTH,
  type ClientHelloExtensions,
  type KeyExchange,
  type RawExtension,
  type ServerHelloExtensions,
  type StatusRequest,
} from '../../src/codec/index.js';
import type {
  CertificateRequest,
  CertificateStatus,
  ClientHello,
  ClientKeyExchange,
  DigitallySigned,
  NewSessionTicket,
  ServerHello,
  ServerKeyExchange,
} from '../../src/codec/index.js';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

/** A byte string as the codec carries it: one char per byte (latin1). */
export const binaryString = (minLength: number, maxLength: number) =>
  bytes(minLength, maxLength).map((b) => String.fromCharCode(...b));

// ---- extensions ----------------------------------------------------------------------------------------------

/** An SNI host name the client may send: printable ASCII, no trailing dot, not an IP literal (RFC 6066 §3). */
export const hostName = fc
  .array(fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x3a), { minLength: 1, maxLength: 80 })
  .map((cs) => String.fromCharCode(...cs))
  .filter((h) => !h.endsWith('.') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(h));

export const alpnList = fc.array(binaryString(1, 40), { minLength: 1, maxLength: 8 });
export const alpnName = fc.oneof(binaryString(1, 40), binaryString(200, 255));
/** supported_groups / signature_algorithms: u16 lists of 1..2^15-1 entries (kept short). */
export const u16List = fc.array(u16, { minLength: 1, maxLength: 40 });
/** ec_point_formats: must contain uncompressed (RFC 8422 §5.1.2). */
export const pointFormats = fc
  .tuple(fc.array(u8, { maxLength: 10 }), fc.nat(10))
  .map(([fs, at]) => {
    const out = [...fs];
    out.splice(Math.min(at, out.length), 0, ECPointFormat.uncompressed);
    return out;
  });
export const renegotiationInfo = bytes(0, 255);
export const sessionTicket = bytes(0, 300);
export const ocspStatusRequest: fc.Arbitrary<StatusRequest> = fc.record({
  statusType: fc.constant(1),
  responderIds: fc.array(bytes(1, 40), { maxLength: 4 }),
  requestExtensions: bytes(0, 40),
});

const CLIENT_PARSED: ReadonlySet<number> = new Set([
  ExtensionType.server_name, ExtensionType.supported_groups, ExtensionType.ec_point_formats, ExtensionType.signature_algorithms,
  ExtensionType.application_layer_protocol_negotiation, ExtensionType.extended_master_secret, ExtensionType.encrypt_then_mac,
  ExtensionType.renegotiation_info, ExtensionType.session_ticket, ExtensionType.status_request,
]);
const SERVER_PARSED: ReadonlySet<number> = new Set([
  ExtensionType.server_name, ExtensionType.ec_point_formats, ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.extended_master_secret, ExtensionType.encrypt_then_mac, ExtensionType.renegotiation_info,
  ExtensionType.session_ticket, ExtensionType.status_request,
]);

/** Raw extensions with distinct types; `exclude`: types the caller's builder writes itself. */
export const rawExtensions = (exclude: ReadonlySet<number> = new Set(), maxLength = 6): fc.Arbitrary<RawExtension[]> =>
  fc.uniqueArray(
    fc.record({ type: fc.oneof(u16, fc.constantFrom(0x0a0a, 43, 45, 51, 21, 10, 13)).filter((t) => !exclude.has(t)), data: bytes(0, 40) }),
    { selector: (e) => e.type, maxLength },
  );

export const clientHelloExtensions: fc.Arbitrary<ClientHelloExtensions> = fc.record(
  {
    serverName: hostName,
    supportedGroups: u16List,
    ecPointFormats: pointFormats,
    signatureAlgorithms: u16List,
    alpn: alpnList,
    extendedMasterSecret: fc.constant(true),
    encryptThenMac: fc.constant(true),
    renegotiationInfo,
    sessionTicket,
    statusRequest: ocspStatusRequest,
  },
  { requiredKeys: [] },
);

export const serverHelloExtensions: fc.Arbitrary<ServerHelloExtensions> = fc.record(
  {
    serverName: fc.constant(true),
    ecPointFormats: pointFormats,
    alpn: alpnName,
    extendedMasterSecret: fc.constant(true),
    encryptThenMac: fc.constant(true),
    renegotiationInfo,
    sessionTicket: fc.constant(true),
    statusRequest: fc.constant(true),
  },
  { requiredKeys: [] },
);

/** Extensions the hello parsers keep raw (`other`): types they do not interpret. */
export const clientExtras = rawExtensions(CLIENT_PARSED);
export const serverExtras = rawExtensions(SERVER_PARSED);

// ---- handshake messages --------------------------------------------------------------------------------------

const random = bytes(RANDOM_LENGTH, RANDOM_LENGTH);
const sessionId = bytes(0, MAX_SESSION_ID_LENGTH);

/** A ClientHello with `extensions` from the typed builder plus unknown ones, and its typed form. */
export const clientHello: fc.Arbitrary<{ message: ClientHello; typed: ClientHelloExtensions; extra: RawExtension[] }> = fc
  .record({
    version: u16,
    random,
    sessionId,
    cipherSuites: fc.array(u16, { minLength: 1, maxLength: 60 }),
    compressionMethods: fc.array(u8, { maxLength: 5 }).map((c) => (c.includes(CompressionMethod.null) ? c : [...c, CompressionMethod.null])),
    typed: clientHelloExtensions,
    extra: clientExtras,
  })
  .map(({ typed, extra, ...rest }) => ({ typed, extra, message: { ...rest, extensions: [] as RawExtension[] } }));

export const serverHello: fc.Arbitrary<{ message: ServerHello; typed: ServerHelloExtensions; extra: RawExtension[] }> = fc
  .record({ version: u16, random, sessionId, cipherSuite: u16, typed: serverHelloExtensions, extra: serverExtras })
  .map(({ typed, extra, ...rest }) => ({ typed, extra, message: { ...rest, compressionMethod: CompressionMethod.null, extensions: [] as RawExtension[] } }));

export const newSessionTicket: fc.Arbitrary<NewSessionTicket> = fc.record({ lifetimeHint: u32, ticket: bytes(0, 300) });
export const certificate = fc.record({ certificates: fc.array(bytes(1, 300), { maxLength: 4 }) });
export const digitallySigned: fc.Arbitrary<DigitallySigned> = fc.record({ scheme: u16, signature: bytes(0, 300) });

export const serverKeyExchange: fc.Arbitrary<{ kx: KeyExchange; ske: Pick<ServerKeyExchange, 'params' | 'signed'> }> = fc.oneof(
  fc.record({
    kx: fc.constantFrom<KeyExchange>('ECDHE_ECDSA', 'ECDHE_RSA'),
    ske: fc.record({ params: fc.record({ kind: fc.constant('ecdhe' as const), group: u16, publicKey: bytes(1, 255) }), signed: digitallySigned }),
  }),
  fc.record({
    kx: fc.constant<KeyExchange>('DHE_RSA'),
    ske: fc.record({ params: fc.record({ kind: fc.constant('dhe' as const), p: bytes(1, 300), g: bytes(1, 4), publicKey: bytes(1, 300) }), signed: digitallySigned }),
  }),
);

export const certificateRequest: fc.Arbitrary<CertificateRequest> = fc.record({
  certificateTypes: fc.array(u8, { minLength: 1, maxLength: 10 }),
  signatureAlgorithms: u16List,
  certificateAuthorities: fc.array(bytes(1, 100), { maxLength: 4 }),
});

export const clientKeyExchange: fc.Arbitrary<{ kx: KeyExchange; cke: ClientKeyExchange }> = fc.oneof(
  fc.record({ kx: fc.constantFrom<KeyExchange>('ECDHE_ECDSA', 'ECDHE_RSA'), cke: fc.record({ kind: fc.constant('ecdhe' as const), publicKey: bytes(1, 255) }) }),
  fc.record({ kx: fc.constant<KeyExchange>('DHE_RSA'), cke: fc.record({ kind: fc.constant('dhe' as const), publicKey: bytes(1, 600) }) }),
  fc.record({ kx: fc.constant<KeyExchange>('RSA'), cke: fc.record({ kind: fc.constant('rsa' as const), encryptedPreMasterSecret: bytes(0, 600) }) }),
);

export const finished = fc.record({ verifyData: bytes(VERIFY_DATA_LENGTH, VERIFY_DATA_LENGTH) });
export const certificateStatus: fc.Arbitrary<Pick<CertificateStatus, 'ocspResponse'>> = fc.record({ ocspResponse: bytes(1, 500) });

// ---- damage ----------------------------------------------------------------------------------------------------

type Edit = { op: number; at: number; value: number; len: number };
const edit: fc.Arbitrary<Edit> = fc.record({ op: fc.nat(5), at: fc.nat(), value: u8, len: fc.nat(40) });

/** Applies small edits (set, flip, insert, delete, truncate, append) to bytes. */
export function damage(b: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let out = Array.from(b);
  for (const e of edits) {
    const at = out.length ? e.at % out.length : 0;
    switch (e.op) {
      case 0: if (out.length) out[at] = e.value; break;
      case 1: if (out.length) out[at]! ^= 1 << (e.value % 8); break;
      case 2: out.splice(at, 0, e.value); break;
      case 3: out.splice(at, 1 + (e.len % 4)); break;
      case 4: out = out.slice(0, at); break;
      default: out.push(...new Array<number>(1 + e.len).fill(e.value)); break;
    }
  }
  return Uint8Array.from(out);
}

/** Valid encodings from `valid`, damaged by one to four edits. */
export const mutated = (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([b, es]) => damage(b, es));

/** Input for "any bytes give a value or a TlsError": noise, short noise, and damaged valid encodings. */
export const hostile = (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.oneof({ weight: 2, arbitrary: bytes(0, 400) }, { weight: 1, arbitrary: bytes(0, 8) }, { weight: 4, arbitrary: mutated(valid) }, { weight: 1, arbitrary: valid });
