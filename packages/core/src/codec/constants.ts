// Wire constants of TLS 1.2 (RFC 5246) and the extensions sanstls speaks. Codepoints only: which of
// them a connection offers or accepts is decided by the handshake, not here.
//
// Stability: the record layer and handshake import these names. Add entries; never rename or renumber.

/** Turn `{ name: code }` into a code → name lookup. */
function reverse<T extends Record<string, number>>(table: T): (code: number) => keyof T | undefined {
  const map = new Map<number, keyof T>();
  for (const [k, v] of Object.entries(table)) if (!map.has(v)) map.set(v, k as keyof T);
  return (code) => map.get(code);
}

// ---- Record layer (RFC 5246 §6.2) -------------------------------------------------------------

/** RFC 5246 §6.2.1 ContentType. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];
export const contentTypeName = reverse(ContentType);

/** ProtocolVersion {major, minor} as one big-endian u16 (RFC 5246 §6.2.1, Appendix E). */
export const ProtocolVersion = {
  SSL3_0: 0x0300,
  TLS1_0: 0x0301,
  TLS1_1: 0x0302,
  TLS1_2: 0x0303,
  TLS1_3: 0x0304,
} as const;
export type ProtocolVersion = (typeof ProtocolVersion)[keyof typeof ProtocolVersion];

/** RFC 5246 §6.2.1-6.2.3 record size limits. */
export const RECORD_HEADER_LENGTH = 5;
export const MAX_PLAINTEXT_LENGTH = 1 << 14; // TLSPlaintext.length ≤ 2^14
export const MAX_COMPRESSED_LENGTH = (1 << 14) + 1024; // TLSCompressed.length ≤ 2^14 + 1024
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 2048; // TLSCiphertext.length ≤ 2^14 + 2048

/** RFC 5246 §7.1: the single byte of a ChangeCipherSpec message. */
export const CHANGE_CIPHER_SPEC_VALUE = 1;

// ---- Handshake (RFC 5246 §7.4) ----------------------------------------------------------------

/** RFC 5246 §7.4 HandshakeType, plus RFC 5077 new_session_ticket and RFC 6066 certificate_status. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];
export const handshakeTypeName = reverse(HandshakeType);

/** Handshake header: msg_type (1) + length (3), RFC 5246 §7.4. */
export const HANDSHAKE_HEADER_LENGTH = 4;
/** Random (RFC 5246 §7.4.1.2): 32 bytes. */
export const RANDOM_LENGTH = 32;
/** SessionID session_id<0..32> (RFC 5246 §7.4.1.2). */
export const MAX_SESSION_ID_LENGTH = 32;
/** verify_data length for every TLS 1.2 suite we know (RFC 5246 §7.4.9). */
export const VERIFY_DATA_LENGTH = 12;

/** RFC 5246 §7.4.1.2 CompressionMethod. Only null exists for us. */
export const CompressionMethod = { null: 0 } as const;

/** RFC 5246 §7.4.4 ClientCertificateType, plus RFC 8422 §5.5 ECDSA types. */
export const ClientCertificateType = {
  rsa_sign: 1,
  dss_sign: 2,
  rsa_fixed_dh: 3,
  dss_fixed_dh: 4,
  ecdsa_sign: 64,
  rsa_fixed_ecdh: 65,
  ecdsa_fixed_ecdh: 66,
} as const;

// ---- Extensions -------------------------------------------------------------------------------

/** IANA ExtensionType values. The ones sanstls parses, then a few named only for tracing. */
export const ExtensionType = {
  server_name: 0, // RFC 6066 §3
  status_request: 5, // RFC 6066 §8
  supported_groups: 10, // RFC 8422 §5.1.1 / RFC 7919
  ec_point_formats: 11, // RFC 8422 §5.1.2
  signature_algorithms: 13, // RFC 5246 §7.4.1.4.1
  application_layer_protocol_negotiation: 16, // RFC 7301
  encrypt_then_mac: 22, // RFC 7366
  extended_master_secret: 23, // RFC 7627
  session_ticket: 35, // RFC 5077
  renegotiation_info: 0xff01, // RFC 5746
  // Recognised by name only (trace output); sanstls neither sends nor parses them.
  max_fragment_length: 1,
  signed_certificate_timestamp: 18,
  padding: 21,
  record_size_limit: 28,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  psk_key_exchange_modes: 45,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;
export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];
export const extensionTypeName = reverse(ExtensionType);

/** RFC 6066 §3 NameType. */
export const NameType = { host_name: 0 } as const;

/** RFC 6066 §8 CertificateStatusType. */
export const CertificateStatusType = { ocsp: 1 } as const;

/** NamedGroup (RFC 8422 §5.1.1, RFC 7748, RFC 7919). */
export const NamedGroup = {
  secp256r1: 23,
  secp384r1: 24,
  secp521r1: 25,
  x25519: 29,
  x448: 30,
  ffdhe2048: 256,
  ffdhe3072: 257,
  ffdhe4096: 258,
  ffdhe6144: 259,
  ffdhe8192: 260,
} as const;
export type NamedGroup = (typeof NamedGroup)[keyof typeof NamedGroup];
export const namedGroupName = reverse(NamedGroup);

/** RFC 8422 §5.1.2 ECPointFormat. */
export const ECPointFormat = {
  uncompressed: 0,
  ansiX962_compressed_prime: 1,
  ansiX962_compressed_char2: 2,
} as const;

/** RFC 8422 §5.4 ECCurveType; only named_curve is allowed. */
export const ECCurveType = { explicit_prime: 1, explicit_char2: 2, named_curve: 3 } as const;

/**
 * SignatureScheme (RFC 8446 §4.2.3). In TLS 1.2 the same two bytes are a SignatureAndHashAlgorithm
 * {hash, signature} pair (RFC 5246 §7.4.1.4.1), e.g. rsa_pkcs1_sha256 = {sha256(4), rsa(1)}.
 */
export const SignatureScheme = {
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pkcs1_sha384: 0x0501,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
} as const;
export type SignatureScheme = (typeof SignatureScheme)[keyof typeof SignatureScheme];
export const signatureSchemeName = reverse(SignatureScheme);

/** RFC 5246 §7.4.1.4.1 HashAlgorithm (the high byte of a TLS 1.2 signature scheme). */
export const HashAlgorithm = {
  none: 0,
  md5: 1,
  sha1: 2,
  sha224: 3,
  sha256: 4,
  sha384: 5,
  sha512: 6,
  intrinsic: 8, // RFC 8422 §5.1.3 (Ed25519/Ed448) and RFC 8446 rsa_pss_*
} as const;

/** RFC 5246 §7.4.1.4.1 SignatureAlgorithm (the low byte), plus RFC 8422 ed25519/ed448. */
export const SignatureAlgorithm = { anonymous: 0, rsa: 1, dsa: 2, ecdsa: 3, ed25519: 7, ed448: 8 } as const;

// ---- Cipher suites ----------------------------------------------------------------------------

export type KeyExchange = 'ECDHE_ECDSA' | 'ECDHE_RSA' | 'DHE_RSA' | 'RSA';
export type BulkCipher = 'AES_128_GCM' | 'AES_256_GCM' | 'CHACHA20_POLY1305' | 'AES_128_CBC' | 'AES_256_CBC';
export type MacAlgorithm = 'AEAD' | 'SHA1' | 'SHA256' | 'SHA384';
export type PrfHash = 'sha256' | 'sha384';

export interface CipherSuite {
  /** IANA two-byte code. */
  readonly code: number;
  /** IANA (RFC) name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  readonly iana: string;
  /** OpenSSL name, e.g. ECDHE-RSA-AES128-GCM-SHA256. */
  readonly openssl: string;
  readonly keyExchange: KeyExchange;
  readonly cipher: BulkCipher;
  readonly mac: MacAlgorithm;
  /** PRF hash (RFC 5246 §5: SHA-256 unless the suite says otherwise). */
  readonly prf: PrfHash;
  /** Encryption key length in bytes. */
  readonly keyLength: number;
  /**
   * Implicit IV bytes taken from the key block (RFC 5246 §6.3): 4-byte salt for GCM (RFC 5288 §3),
   * 12 for ChaCha20-Poly1305 (RFC 7905 §2), 0 for CBC (TLS 1.2 uses an explicit IV).
   */
  readonly fixedIvLength: number;
  /** Per-record explicit IV / nonce bytes: 8 for GCM, 0 for ChaCha20, 16 for CBC (RFC 5246 §6.2.3.2). */
  readonly recordIvLength: number;
  /** HMAC key and output length for CBC suites; 0 for AEAD. */
  readonly macLength: number;
  /** AEAD tag length; 0 for CBC. */
  readonly tagLength: number;
}

type Row = [code: number, iana: string, openssl: string, kx: KeyExchange, cipher: BulkCipher, mac: MacAlgorithm, prf: PrfHash];

// RFC 5289 (ECDHE GCM/CBC-SHA2), RFC 8422 (ECDHE CBC-SHA), RFC 7905 (ChaCha20), RFC 5288 (DHE/RSA GCM),
// RFC 5246 Appendix A.5 (RSA/DHE CBC).
const rows: Row[] = [
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE_ECDSA', 'AES_128_GCM', 'AEAD', 'sha256'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE_RSA', 'AES_128_GCM', 'AEAD', 'sha256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE_ECDSA', 'AES_256_GCM', 'AEAD', 'sha384'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE_RSA', 'AES_256_GCM', 'AEAD', 'sha384'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE_ECDSA', 'CHACHA20_POLY1305', 'AEAD', 'sha256'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE_RSA', 'CHACHA20_POLY1305', 'AEAD', 'sha256'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE_ECDSA', 'AES_128_CBC', 'SHA1', 'sha256'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE_ECDSA', 'AES_256_CBC', 'SHA1', 'sha256'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE_RSA', 'AES_128_CBC', 'SHA1', 'sha256'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE_RSA', 'AES_256_CBC', 'SHA1', 'sha256'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE_ECDSA', 'AES_128_CBC', 'SHA256', 'sha256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE_ECDSA', 'AES_256_CBC', 'SHA384', 'sha384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE_RSA', 'AES_128_CBC', 'SHA256', 'sha256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE_RSA', 'AES_256_CBC', 'SHA384', 'sha384'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256', 'DHE_RSA', 'AES_128_GCM', 'AEAD', 'sha256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384', 'DHE_RSA', 'AES_256_GCM', 'AEAD', 'sha384'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305', 'DHE_RSA', 'CHACHA20_POLY1305', 'AEAD', 'sha256'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA', 'DHE_RSA', 'AES_128_CBC', 'SHA1', 'sha256'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA', 'DHE_RSA', 'AES_256_CBC', 'SHA1', 'sha256'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256', 'DHE_RSA', 'AES_128_CBC', 'SHA256', 'sha256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256', 'DHE_RSA', 'AES_256_CBC', 'SHA256', 'sha256'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256', 'RSA', 'AES_128_GCM', 'AEAD', 'sha256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384', 'RSA', 'AES_256_GCM', 'AEAD', 'sha384'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', 'RSA', 'AES_128_CBC', 'SHA1', 'sha256'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA', 'RSA', 'AES_256_CBC', 'SHA1', 'sha256'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256', 'RSA', 'AES_128_CBC', 'SHA256', 'sha256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256', 'RSA', 'AES_256_CBC', 'SHA256', 'sha256'],
];

const cipherShape: Record<BulkCipher, { key: number; fixedIv: number; recordIv: number; tag: number }> = {
  AES_128_GCM: { key: 16, fixedIv: 4, recordIv: 8, tag: 16 },
  AES_256_GCM: { key: 32, fixedIv: 4, recordIv: 8, tag: 16 },
  CHACHA20_POLY1305: { key: 32, fixedIv: 12, recordIv: 0, tag: 16 },
  AES_128_CBC: { key: 16, fixedIv: 0, recordIv: 16, tag: 0 },
  AES_256_CBC: { key: 32, fixedIv: 0, recordIv: 16, tag: 0 },
};
const macSize: Record<MacAlgorithm, number> = { AEAD: 0, SHA1: 20, SHA256: 32, SHA384: 48 };

/** Every cipher suite sanstls implements, in no particular preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = rows.map(([code, iana, openssl, keyExchange, cipher, mac, prf]) => {
  const s = cipherShape[cipher];
  return Object.freeze({
    code, iana, openssl, keyExchange, cipher, mac, prf,
    keyLength: s.key, fixedIvLength: s.fixedIv, recordIvLength: s.recordIv, tagLength: s.tag, macLength: macSize[mac],
  });
});

/** Signalling cipher suite values: never negotiated, only offered. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff; // RFC 5746 §3.3
export const TLS_FALLBACK_SCSV = 0x5600; // RFC 7507 §2

/** IANA code constants for the implemented suites, keyed by IANA name. */
export const CipherSuiteCode = Object.fromEntries(rows.map((r) => [r[1], r[0]])) as Readonly<Record<string, number>>;

const byCode = new Map(CIPHER_SUITES.map((s) => [s.code, s]));
const byName = new Map<string, CipherSuite>();
for (const s of CIPHER_SUITES) {
  byName.set(s.iana.toUpperCase(), s);
  byName.set(s.openssl.toUpperCase(), s);
}

/** The implemented suite with this IANA code, or undefined. SCSVs are not suites. */
export function cipherSuiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}

/** Look a suite up by OpenSSL name or IANA name (case-insensitive), as `-cipher` accepts both. */
export function cipherSuiteByName(name: string): CipherSuite | undefined {
  return byName.get(name.trim().toUpperCase());
}

/** Families sanstls refuses outright, recognised by name so the error can say why. */
export type RefusedFamily = 'RC4' | '3DES' | 'DES' | 'EXPORT' | 'NULL' | 'ANON';

const refusedReason: Record<RefusedFamily, string> = {
  RC4: 'RC4 is broken and prohibited (RFC 7465)',
  '3DES': '3DES has a 64-bit block (Sweet32, CVE-2016-2183)',
  DES: 'single DES has a 56-bit key',
  EXPORT: 'export-grade suites are deliberately weak (FREAK, Logjam)',
  NULL: 'NULL suites do not encrypt',
  ANON: 'anonymous suites do not authenticate the server',
};

/**
 * Recognise a suite name (OpenSSL or IANA) from a refused family. Checked in this order so that
 * e.g. EXP-DES-CBC-SHA is EXPORT and DES-CBC3-SHA is 3DES.
 */
export function refusedCipherFamily(name: string): RefusedFamily | undefined {
  const n = name.trim().toUpperCase();
  if (/(^|[-_])EXP(ORT)?(1024)?[-_]/.test(n)) return 'EXPORT';
  if (/(^|[-_])(ADH|AECDH|ANON|ANULL)([-_]|$)/.test(n)) return 'ANON';
  if (/(^|[-_])RC4([-_]|$)/.test(n)) return 'RC4';
  if (/3DES|DES-CBC3|DES_EDE/.test(n)) return '3DES';
  if (/(^|[-_])DES([-_]|$)|DES-CBC|DES40/.test(n)) return 'DES';
  if (/(^|[-_])E?NULL([-_]|$)/.test(n)) return 'NULL';
  return undefined;
}

/** A sentence for an error message when `name` is from a refused family, else undefined. */
export function refusedCipherReason(name: string): string | undefined {
  const f = refusedCipherFamily(name);
  return f === undefined ? undefined : `${name}: refused, ${refusedReason[f]}`;
}
