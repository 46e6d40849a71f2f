// Configuration of a connection, and its resolution into the concrete lists the handshake works with.
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
import type { AnchorsInput } from '@sanstls/x509';
import { cipherSuiteByCode, cipherSuiteByName, NamedGroup, refusedCipherReason, type CipherSuite } from '../codec/constants.js';
import type { EcdheGroup } from './key-exchange/ecdhe.js';
import { FFDHE_GROUPS, type FfdheGroup } from './key-exchange/ffdhe-groups.js';
import { keyMatchesCertificate, parseCertificateChain, parsePrivateKey, type SigningKey } from './private-key.js';
import { DEFAULT_SIGNATURE_SCHEMES } from './signature.js';
import { LruSessionCache } from '../session/cache.js';
import { TicketKeys } from '../session/tickets.js';
import type { SessionCache, TlsSession } from '../session/types.js';
import { resolveRenegotiationPolicy, type RenegotiationPolicy } from './renegotiation.js';
import { x509ClientVerifier, x509Verifier, type CertificateVerifier } from './verifier.js';

/**
 * ECDHE suites, enabled by default on both sides, in preference order: AEAD first (RFC 7525 §4.2), then
 * CBC + HMAC (with encrypt-then-MAC, RFC 7366, whenever the peer agrees).
 */
export const DEFAULT_CIPHER_SUITES: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
];

/**
 * Finite-field DHE suites (RFC 7919 groups, see key-exchange/dhe.ts), AEAD before CBC. A client offers
 * them after DEFAULT_CIPHER_SUITES; a server enables them when they are named in `cipherSuites` (e.g.
 * `[...DEFAULT_CIPHER_SUITES, ...DHE_CIPHER_SUITES]`): each costs the server a 2048-bit or larger modular
 * exponentiation per handshake, and every client that offers DHE today also offers ECDHE.
 */
export const DHE_CIPHER_SUITES: readonly string[] = [
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
];

/**
 * RSA key exchange suites (RFC 5246 §7.4.7.1), without forward secrecy (see key-exchange/rsa.ts): a client
 * offers them after every forward-secret suite unless `rsaKeyExchange: false`; a server only with
 * `rsaKeyExchange: true` or when they are named in `cipherSuites`.
 */
export const RSA_KEY_EXCHANGE_SUITES: readonly string[] = [
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
];

/** RFC 7919 groups for DHE, in preference order (the server takes the first the client lists). */
export const DEFAULT_DHE_GROUPS: readonly FfdheGroup[] = FFDHE_GROUPS;
export const ffdheCode: Record<FfdheGroup, number> = {
  ffdhe2048: NamedGroup.ffdhe2048,
  ffdhe3072: NamedGroup.ffdhe3072,
  ffdhe4096: NamedGroup.ffdhe4096,
};

export const DEFAULT_GROUPS: readonly EcdheGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

export const groupCode: Record<EcdheGroup, number> = {
  x25519: NamedGroup.x25519,
  secp256r1: NamedGroup.secp256r1,
  secp384r1: NamedGroup.secp384r1,
};
export const groupByCode = (code: number): EcdheGroup | undefined =>
  (Object.keys(groupCode) as EcdheGroup[]).find((g) => groupCode[g] === code);

interface CommonOptions {
  /** Crypto primitives (default: the sanstls WASM module). */
  readonly crypto?: CryptoProvider;
  /** Suites by IANA or OpenSSL name or code, in preference order. */
  readonly cipherSuites?: readonly (string | number)[];
  /** ECDHE groups in preference order. */
  readonly groups?: readonly EcdheGroup[];
  /** signature_algorithms to offer (client) or accept (both), as SignatureScheme codes. */
  readonly signatureSchemes?: readonly number[];
  /** ALPN protocols in preference order. */
  readonly alpn?: readonly string[];
  /** Offer (client) / accept (server) the extended master secret, RFC 7627 (default true). */
  readonly extendedMasterSecret?: boolean;
  /**
   * RFC 7919 groups for DHE_RSA suites, in preference order (default ffdhe2048, ffdhe3072, ffdhe4096).
   * A client offering DHE suites lists them in supported_groups after `groups` (and accepts other safe
   * groups of 2048 bits or more, see key-exchange/dhe.ts); a server picks the first one the client lists,
   * or ffdhe2048 when the client lists none (RFC 7919 §4).
   */
  readonly dheGroups?: readonly FfdheGroup[];
  /** Offer (client) / accept (server) encrypt-then-MAC for CBC suites, RFC 7366 (default true). */
  readonly encryptThenMac?: boolean;
  /**
   * RSA key exchange (no forward secrecy, see RSA_KEY_EXCHANGE_SUITES). Client default true: offered
   * last. Server default false, unless `cipherSuites` names RSA suites. false with RSA suites named in
   * `cipherSuites` is a contradiction and throws.
   */
  readonly rsaKeyExchange?: boolean;
}

export interface ClientOptions extends CommonOptions {
  /** Name sent in SNI (unless an IP literal) and checked against the certificate. */
  readonly serverName?: string;
  /** Trust anchors for the default @sanstls/x509 verifier (default: the Mozilla roots). */
  readonly ca?: AnchorsInput;
  /** CRLs for the default verifier (PEM or DER). */
  readonly crls?: readonly (Uint8Array | string)[];
  /**
   * Missing revocation information (no CRL, no stapled OCSP response): 'soft' (default) passes, 'hard'
   * fails the handshake. A revoked certificate always fails (certificate_revoked).
   */
  readonly revocation?: 'soft' | 'hard';
  /** Send status_request (RFC 6066 §8) and check a stapled OCSP response (default true). */
  readonly ocspStapling?: boolean;
  /** A verifier of your own instead (takes precedence over `ca`). */
  readonly verifier?: CertificateVerifier;
  /** Offer TLS_FALLBACK_SCSV (RFC 7507): only when retrying after a failed connection. */
  readonly fallback?: boolean;
  /**
   * A session from an earlier connection (the 'session' event) to resume. It is offered only when it fits
   * (same server name, a suite we offer, extended master secret: RFC 7627 §5.3); the server may still
   * choose a full handshake.
   */
  readonly session?: TlsSession;
  /** Offer the RFC 5077 session_ticket extension (default true). */
  readonly sessionTickets?: boolean;
  /**
   * Client certificates (chain + key) for a server that asks for one (RFC 5246 §7.4.6): the first whose
   * key fits the CertificateRequest is sent; with none, an empty Certificate.
   */
  readonly credentials?: readonly Credential[];
  /**
   * Renegotiations a server may ask for with HelloRequest (RFC 5746 secure renegotiation only; a server
   * without it is never answered): false to ignore every request. Default: 3 per 600 seconds.
   */
  readonly renegotiation?: false | RenegotiationPolicy;
}

/** A certificate chain (leaf first) with its private key, loaded once and shareable between connections. */
export interface ServerCredential {
  readonly chain: readonly Uint8Array[];
  readonly key: SigningKey;
  /** A DER OCSP response for the leaf, stapled for clients that send status_request (RFC 6066 §8). */
  readonly ocspResponse?: Uint8Array;
}

/** A certificate chain with its key, on either side. */
export type Credential = ServerCredential;

/** How a server asks for and judges client certificates (RFC 5246 §7.4.4, §7.4.6, §7.4.8). */
export interface ClientAuthOptions {
  /** Refuse a client that sends no certificate (handshake_failure, RFC 5246 §7.4.6). Default false. */
  readonly require?: boolean;
  /** Anchors for client chains; their subjects are the CertificateRequest's certificate_authorities. */
  readonly ca?: AnchorsInput;
  /** A verifier of your own (purpose 'client'); takes precedence over `ca`. */
  readonly verifier?: CertificateVerifier;
  /**
   * true (default): a chain that does not verify fails the handshake with the verifier's alert. false: it
   * is accepted and reported in HandshakeInfo (peerAuthorized false, peerAuthorizationError). The
   * CertificateVerify signature is checked either way.
   */
  readonly rejectUnauthorized?: boolean;
  /** certificate_authorities to send instead of the anchors' subjects (DER Names). */
  readonly certificateAuthorities?: readonly Uint8Array[];
}

/** Loads PEM/DER inputs into a credential. */
export function loadCredential(
  chain: string | readonly Uint8Array[],
  key: string | Uint8Array | SigningKey,
  extra: { readonly ocspResponse?: Uint8Array } = {},
): ServerCredential {
  const k = typeof key === 'string' || key instanceof Uint8Array ? parsePrivateKey(key) : key;
  const certificates = parseCertificateChain(chain);
  // The key must be the leaf's (OpenSSL: "key values mismatch"): otherwise every signature fails later.
  if (!keyMatchesCertificate(k, certificates[0]!)) throw new RangeError('the private key does not match the certificate');
  return { chain: certificates, key: k, ...(extra.ocspResponse ? { ocspResponse: extra.ocspResponse } : {}) };
}

/**
 * A server's options. Pass the same object to every ServerConnection of a server: it is resolved once per
 * object (and the default session cache and ticket keys belong to it); to change the options, pass a new one.
 */
export interface ServerOptions extends CommonOptions {
  /** Certificates to choose from (by key type for the suite): e.g. one RSA and one ECDSA. */
  readonly credentials: readonly ServerCredential[];
  /** SNI callback: the credentials for this server name, or undefined for the default ones. */
  readonly selectCredentials?: (serverName: string | undefined) => readonly ServerCredential[] | undefined;
  /**
   * Sessions by ID (RFC 5246 §7.4.1.3). Default: an in-memory LRU shared by every connection made with
   * this same options object; false: no session IDs.
   */
  readonly sessionCache?: SessionCache | false;
  /**
   * RFC 5077 ticket keys. Default: random keys shared by every connection made with this same options
   * object; false: no tickets.
   */
  readonly ticketKeys?: TicketKeys | false;
  /** Ask for a client certificate. */
  readonly clientAuth?: ClientAuthOptions;
  /**
   * Client-initiated renegotiation (RFC 5746 only): refused by default with a no_renegotiation warning;
   * true allows 3 per 600 seconds, or give the limit.
   */
  readonly allowClientRenegotiation?: boolean | RenegotiationPolicy;
}

/**
 * The suites to offer or accept. Named families sanstls refuses (RC4, 3DES, DES, EXPORT, NULL, anon) are
 * refused with the reason; every suite of codec/constants.ts is implemented.
 */
function resolveSuites(list: readonly (string | number)[] | undefined, rsaKeyExchange: boolean | undefined, side: 'client' | 'server'): CipherSuite[] {
  const out: CipherSuite[] = [];
  const names = list ?? [
    ...DEFAULT_CIPHER_SUITES,
    ...(side === 'client' ? DHE_CIPHER_SUITES : []),
    ...((rsaKeyExchange ?? side === 'client') ? RSA_KEY_EXCHANGE_SUITES : []),
  ];
  for (const x of names) {
    const s = typeof x === 'number' ? cipherSuiteByCode(x) : cipherSuiteByName(x);
    if (!s) {
      const refused = typeof x === 'string' ? refusedCipherReason(x) : undefined;
      throw new RangeError(refused ?? `unknown cipher suite ${String(x)}`);
    }
    if (s.keyExchange === 'RSA' && rsaKeyExchange === false) {
      throw new RangeError(`${s.iana} is listed but rsaKeyExchange is false`);
    }
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new RangeError('no cipher suites enabled');
  return out;
}

export interface ResolvedCommon {
  readonly provider: CryptoProvider;
  readonly suites: readonly CipherSuite[];
  readonly groups: readonly EcdheGroup[];
  readonly signatureSchemes: readonly number[];
  readonly alpn: readonly string[] | undefined;
  readonly ems: boolean;
  readonly dheGroups: readonly FfdheGroup[];
  readonly etm: boolean;
}

function resolveCommon(o: CommonOptions, side: 'client' | 'server'): ResolvedCommon {
  const groups = [...(o.groups ?? DEFAULT_GROUPS)];
  if (groups.length === 0 || groups.some((g) => !(g in groupCode))) throw new RangeError('bad groups list');
  if (o.alpn && o.alpn.some((p) => p.length === 0 || p.length > 255)) throw new RangeError('ALPN names must be 1..255 bytes');
  const dheGroups = [...(o.dheGroups ?? DEFAULT_DHE_GROUPS)];
  if (dheGroups.some((g) => !(g in ffdheCode))) throw new RangeError('bad dheGroups list');
  return {
    provider: o.crypto ?? wasmProvider,
    suites: resolveSuites(o.cipherSuites, o.rsaKeyExchange, side),
    groups,
    signatureSchemes: [...(o.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES)],
    alpn: o.alpn && o.alpn.length > 0 ? [...o.alpn] : undefined,
    ems: o.extendedMasterSecret ?? true,
    dheGroups,
    etm: o.encryptThenMac ?? true,
  };
}

export interface ResolvedClient extends ResolvedCommon {
  readonly serverName: string | undefined;
  readonly verifier: CertificateVerifier;
  readonly fallback: boolean;
  readonly session: TlsSession | undefined;
  readonly tickets: boolean;
  readonly credentials: readonly Credential[];
  readonly renegotiation: RenegotiationPolicy | undefined;
  readonly ocspStapling: boolean;
  readonly revocation: 'soft' | 'hard';
}

/**
 * The options both sides share, resolved once per provider and distinct value (a client resolves its
 * options per connection, usually with the same lists: its connections share one set of arrays).
 */
const resolvedCommons = new WeakMap<CryptoProvider, Map<string, ResolvedCommon>>();
const MAX_COMMONS_PER_PROVIDER = 64;

function sharedCommon(o: CommonOptions, side: 'client' | 'server'): ResolvedCommon {
  const provider = o.crypto ?? wasmProvider;
  const key = JSON.stringify([side, o.cipherSuites, o.rsaKeyExchange, o.groups, o.dheGroups, o.signatureSchemes, o.alpn, o.extendedMasterSecret, o.encryptThenMac]);
  let byValue = resolvedCommons.get(provider);
  if (byValue === undefined) resolvedCommons.set(provider, (byValue = new Map()));
  let c = byValue.get(key);
  if (c === undefined) {
    c = resolveCommon(o, side);
    if (byValue.size >= MAX_COMMONS_PER_PROVIDER) byValue.clear();
    byValue.set(key, c);
  }
  return c;
}

export function resolveClient(o: ClientOptions): ResolvedClient {
  const verifier =
    o.verifier ??
    x509Verifier({ ...(o.ca !== undefined ? { ca: o.ca } : {}), ...(o.crls ? { crls: o.crls } : {}), ...(o.revocation ? { revocation: o.revocation } : {}) });
  const c = sharedCommon(o, 'client');
  // Every field written out (no spread): all clients' configurations share one hidden class.
  return {
    provider: c.provider,
    suites: c.suites,
    groups: c.groups,
    signatureSchemes: c.signatureSchemes,
    alpn: c.alpn,
    ems: c.ems,
    dheGroups: c.dheGroups,
    etm: c.etm,
    ocspStapling: o.ocspStapling ?? true,
    revocation: o.revocation ?? 'soft',
    serverName: o.serverName,
    verifier,
    fallback: o.fallback ?? false,
    session: o.session,
    tickets: o.sessionTickets ?? true,
    credentials: o.credentials ?? [],
    renegotiation: o.renegotiation === false ? undefined : resolveRenegotiationPolicy(o.renegotiation ?? true),
  };
}

export interface ResolvedClientAuth {
  readonly require: boolean;
  readonly rejectUnauthorized: boolean;
  readonly verifier: CertificateVerifier;
  readonly certificateAuthorities: readonly Uint8Array[];
}

export interface ResolvedServer extends ResolvedCommon {
  readonly credentials: readonly ServerCredential[];
  readonly selectCredentials: ServerOptions['selectCredentials'];
  readonly sessionCache: SessionCache | undefined;
  readonly ticketKeys: TicketKeys | undefined;
  readonly clientAuth: ResolvedClientAuth | undefined;
  readonly clientRenegotiation: RenegotiationPolicy | undefined;
}

const resolvedClientAuth = new WeakMap<ClientAuthOptions, ResolvedClientAuth>();

function once<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

export function resolveClientAuth(o: ClientAuthOptions): ResolvedClientAuth {
  return once(resolvedClientAuth, o, () => {
    const verifier = o.verifier ?? x509ClientVerifier(o.ca === undefined ? {} : { ca: o.ca });
    return {
      require: o.require ?? false,
      rejectUnauthorized: o.rejectUnauthorized ?? true,
      verifier,
      // Without explicit anchors (the Mozilla roots) the list would be long and meaningless: send none.
      certificateAuthorities: o.certificateAuthorities ?? (o.ca === undefined ? [] : anchorSubjects(verifier)),
    };
  });
}

function anchorSubjects(v: CertificateVerifier): Uint8Array[] {
  return v.anchorSubjects?.() ?? [];
}

const resolvedServers = new WeakMap<ServerOptions, ResolvedServer>();

/**
 * Resolved once per options object: every connection of a server shares one ResolvedServer (options are
 * read-only; a server that changes them passes a new object).
 */
export function resolveServer(o: ServerOptions): ResolvedServer {
  return once(resolvedServers, o, () => resolveServerNow(o));
}

function resolveServerNow(o: ServerOptions): ResolvedServer {
  if (!o.credentials || o.credentials.length === 0) throw new RangeError('a server needs at least one credential');
  const acr = o.allowClientRenegotiation ?? false;
  return {
    ...resolveCommon(o, 'server'),
    credentials: o.credentials,
    selectCredentials: o.selectCredentials,
    sessionCache: o.sessionCache === false ? undefined : o.sessionCache ?? new LruSessionCache(),
    ticketKeys: o.ticketKeys === false ? undefined : o.ticketKeys ?? new TicketKeys(),
    clientAuth: o.clientAuth ? resolveClientAuth(o.clientAuth) : undefined,
    clientRenegotiation: acr === false ? undefined : resolveRenegotiationPolicy(acr),
  };
}
