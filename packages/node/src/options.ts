// node:tls-style options and their translation into the core's ClientOptions / ServerOptions.
import type { Duplex } from 'node:stream';
import { constants as cryptoConstants } from 'node:crypto';
import {
  cipherSuiteByName,
  decodeSession,
  loadCredential,
  LruSessionCache,
  TicketKeys,
  type CertificateVerifier,
  type ClientAuthOptions,
  type ClientOptions,
  type ConnectionOptions,
  type EcdheGroup,
  type RenegotiationPolicy,
  type ServerCredential,
  type ServerOptions as CoreServerOptions,
  type SessionCache,
  type TlsSession,
} from '@sanstls/core';
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
import type { AnchorsInput } from '@sanstls/x509';
import type { NodePeerCertificate } from './peer-certificate.js';
import { nodeCryptoProvider } from './native-provider.js';

export type PemOrDer = string | Uint8Array;

/** Options both sides share. */
export interface CommonTlsOptions {
  /** ALPN protocols in preference order: names, or node's wire format (length-prefixed) in one buffer. */
  ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
  /** An OpenSSL cipher list ('ECDHE-RSA-AES128-GCM-SHA256:...'); names sanstls lacks are skipped. */
  ciphers?: string;
  /** Suites by IANA / OpenSSL name or code (sanstls's own spelling; wins over `ciphers`). */
  cipherSuites?: readonly (string | number)[];
  /** ECDHE groups, OpenSSL style: 'X25519:P-256:P-384' or 'auto'. */
  ecdhCurve?: string;
  /** Symmetric crypto: the WASM module (default), node:crypto ('native'), or a provider of your own. */
  crypto?: 'wasm' | 'native' | CryptoProvider;
  /** Only 'TLSv1.2' is possible; other values are refused. */
  minVersion?: string;
  maxVersion?: string;
  /** Milliseconds until an unfinished handshake fails with ERR_TLS_HANDSHAKE_TIMEOUT (0: none). */
  handshakeTimeout?: number;
  /** Keep the writable side open after the readable side ended (default false, as node:tls). */
  allowHalfOpen?: boolean;
  /** EOF from the transport without close_notify ends the stream instead of failing it (default false). */
  allowTruncation?: boolean;
  /** Readable and writable highWaterMark of the TLS stream. */
  highWaterMark?: number;
  /** Offer / accept the extended master secret (default true). */
  extendedMasterSecret?: boolean;
  /**
   * Private key(s), PEM or DER (PKCS#8, SEC 1, PKCS#1); pairs with `cert` by position. A server's own
   * key; on a client, the key of the certificate sent when the server asks for one.
   */
  key?: PemOrDer | readonly (PemOrDer | { pem: PemOrDer })[];
  /** Certificate chain(s), leaf first (the server's, or the client certificate). */
  cert?: PemOrDer | readonly PemOrDer[];
  /** Already loaded credentials (from loadCredential), e.g. one RSA and one ECDSA; instead of key/cert. */
  credentials?: readonly ServerCredential[];
  /**
   * Trust anchors (PEM text, DER, or an array of either). Client: for the server's certificate (default:
   * the Mozilla roots of @sanstls/roots). Server: for client certificates (requestCert).
   */
  ca?: PemOrDer | readonly PemOrDer[] | AnchorsInput;
  /**
   * Client: fail the handshake when the server's certificate does not verify (default true). Server, with
   * requestCert: refuse clients without a certificate that verifies against `ca` (default true).
   */
  rejectUnauthorized?: boolean;
  /** OpenSSL SSL_OP_* flags; only SSL_OP_NO_TICKET is honoured (no tickets offered / issued). */
  secureOptions?: number;
}

export interface ClientTlsOptions extends CommonTlsOptions {
  /** SNI and the name the certificate must match (default: host, when it is not an IP). */
  servername?: string;
  /**
   * A session to resume: the Buffer of an earlier connection's 'session' event or getSession() (or a core
   * TlsSession). Offered only when it fits (same server name, an offered suite, extended master secret);
   * bytes that do not decode are ignored, as node:tls ignores a session it cannot parse.
   */
  session?: Uint8Array | TlsSession;
  /** Offer RFC 5077 session tickets (default true; false or SSL_OP_NO_TICKET: session IDs only). */
  sessionTickets?: boolean;
  /**
   * Renegotiations the server may ask for (HelloRequest, RFC 5746 only): false ignores every request.
   * Default: 3 per 600 seconds.
   */
  renegotiation?: false | RenegotiationPolicy;
  /** node:tls's hook, replacing the built-in host name check. */
  checkServerIdentity?: (hostname: string, cert: NodePeerCertificate) => Error | undefined;
  /** A core CertificateVerifier instead of all of the above. */
  verifier?: CertificateVerifier;
}

/** Options of connect(). */
export interface ConnectOptions extends ClientTlsOptions {
  host?: string;
  port?: number;
  /** IPC path (a Unix socket). */
  path?: string;
  /** An existing transport to run TLS over (net.Socket or any Duplex); host/port are ignored then. */
  socket?: Duplex;
  localAddress?: string;
  family?: number;
  /** Idle timeout in ms (socket.setTimeout). */
  timeout?: number;
  [other: string]: unknown;
}

/** A key with its certificate chain. */
export interface KeyCertPair {
  key: PemOrDer;
  cert: PemOrDer | readonly PemOrDer[];
}

export interface ServerTlsOptions extends CommonTlsOptions {
  /** SNI (synchronous): the credentials for a server name, or undefined for the default ones. */
  selectCredentials?: (servername: string | undefined) => readonly ServerCredential[] | undefined;
  /**
   * Ask clients for a certificate, verified against `ca` (default: the Mozilla roots) for the clientAuth
   * purpose. With rejectUnauthorized (the default) a client without a valid certificate is refused; with
   * rejectUnauthorized: false it is let in and the socket reports `authorized` / `authorizationError`.
   */
  requestCert?: boolean;
  /** Seconds a session stays resumable, by ID and by ticket (default 7200). */
  sessionTimeout?: number;
  /**
   * RFC 5077 ticket keys: 48 bytes (a 16-byte key name and a 32-byte AES-256-GCM key; the same size as
   * node:tls's, not the same layout) to share keys between servers, a core TicketKeys, or false for no
   * tickets. Default: random keys per server, rotated every 12 hours.
   */
  ticketKeys?: Uint8Array | TicketKeys | false;
  /** Sessions by ID: a core SessionCache, or false for none. Default: an in-memory LRU per server. */
  sessionCache?: SessionCache | false;
  /** Accepted for node:tls compatibility; sessions are per server (cache and ticket keys) already. */
  sessionIdContext?: string;
  /**
   * Client-initiated renegotiation (RFC 5746 only). Default false: declined with a no_renegotiation
   * warning. true allows 3 per 600 seconds (node:tls's limit), or give the limit.
   */
  allowClientRenegotiation?: boolean | RenegotiationPolicy;
}

const textDecoder = new TextDecoder();
const isPem = (b: Uint8Array): boolean => textDecoder.decode(b.subarray(0, 64)).includes('-----BEGIN');

/** A Buffer holding PEM text becomes the string; DER stays bytes. */
function pemOrDer(x: PemOrDer): PemOrDer {
  return typeof x === 'string' || !isPem(x) ? x : textDecoder.decode(x);
}

function anchors(ca: ClientTlsOptions['ca']): AnchorsInput | undefined {
  if (ca === undefined) return undefined;
  if (typeof ca === 'string' || ca instanceof Uint8Array) return pemOrDer(ca);
  if (Array.isArray(ca)) return (ca as PemOrDer[]).map(pemOrDer);
  return ca as AnchorsInput;
}

/** ALPN names from string[] / Buffer[] / node's length-prefixed wire format. */
export function alpnList(p: CommonTlsOptions['ALPNProtocols']): string[] | undefined {
  if (p === undefined) return undefined;
  const out: string[] = [];
  if (p instanceof Uint8Array) {
    for (let i = 0; i < p.length; ) {
      const n = p[i]!;
      if (n === 0 || i + 1 + n > p.length) throw Object.assign(new TypeError('ALPNProtocols: bad wire format'), { code: 'ERR_INVALID_ARG_VALUE' });
      out.push(textDecoder.decode(p.subarray(i + 1, i + 1 + n)));
      i += 1 + n;
    }
  } else {
    for (const x of p) out.push(typeof x === 'string' ? x : textDecoder.decode(x));
  }
  return out.length > 0 ? out : undefined;
}

/** The suites of an OpenSSL cipher list that sanstls implements (TLS 1.3 names and keywords are skipped). */
export function suitesFromCipherList(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(/[:,\s]+/)) {
    if (raw === '' || /^[!+\-@]/.test(raw)) continue;
    // Every suite sanstls implements (ECDHE, DHE, RSA key exchange; AEAD and CBC); names it refuses or
    // does not know are skipped, as OpenSSL skips unknown names in a list.
    const s = cipherSuiteByName(raw);
    if (s && !out.includes(s.iana)) out.push(s.iana);
  }
  if (out.length === 0) throw Object.assign(new Error(`no supported cipher in '${list}'`), { code: 'ERR_SSL_NO_CIPHER_MATCH' });
  return out;
}

const CURVES: Record<string, EcdheGroup> = {
  x25519: 'x25519',
  'p-256': 'secp256r1',
  prime256v1: 'secp256r1',
  secp256r1: 'secp256r1',
  'p-384': 'secp384r1',
  secp384r1: 'secp384r1',
};

export function groupsFromCurveList(list: string): EcdheGroup[] | undefined {
  if (list.trim().toLowerCase() === 'auto') return undefined;
  const out: EcdheGroup[] = [];
  for (const raw of list.split(':')) {
    const g = CURVES[raw.trim().toLowerCase()];
    if (g && !out.includes(g)) out.push(g);
  }
  if (out.length === 0) throw Object.assign(new Error(`no supported curve in '${list}'`), { code: 'ERR_INVALID_ARG_VALUE' });
  return out;
}

export function providerOf(c: CommonTlsOptions['crypto']): CryptoProvider {
  if (c === undefined || c === 'wasm') return wasmProvider;
  if (c === 'native') return nodeCryptoProvider;
  if (typeof c === 'object' && c !== null && typeof c.aead === 'function') return c;
  throw Object.assign(new TypeError(`crypto: expected 'wasm', 'native' or a CryptoProvider`), { code: 'ERR_INVALID_ARG_VALUE' });
}

function checkVersions(o: CommonTlsOptions): void {
  for (const v of [o.minVersion, o.maxVersion]) {
    if (v !== undefined && v !== 'TLSv1.2') {
      throw Object.assign(new Error(`sanstls speaks TLSv1.2 only, not ${v}`), { code: 'ERR_TLS_INVALID_PROTOCOL_VERSION' });
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The parts of the core options both sides share (crypto is set by the socket). */
function common(o: CommonTlsOptions): Mutable<Omit<ClientOptions, 'crypto'>> {
  checkVersions(o);
  const r: Mutable<Omit<ClientOptions, 'crypto'>> = {};
  if (o.cipherSuites) r.cipherSuites = o.cipherSuites;
  else if (o.ciphers !== undefined) r.cipherSuites = suitesFromCipherList(o.ciphers);
  if (o.ecdhCurve !== undefined) {
    const g = groupsFromCurveList(o.ecdhCurve);
    if (g) r.groups = g;
  }
  const alpn = alpnList(o.ALPNProtocols);
  if (alpn) r.alpn = alpn;
  if (o.extendedMasterSecret !== undefined) r.extendedMasterSecret = o.extendedMasterSecret;
  return r;
}

const noTicket = (o: CommonTlsOptions): boolean => ((o.secureOptions ?? 0) & cryptoConstants.SSL_OP_NO_TICKET) !== 0;

/** The `session` option as a core session; undefined when absent or when its bytes do not decode. */
export function sessionInput(s: ClientTlsOptions['session']): TlsSession | undefined {
  if (s === undefined || s === null) return undefined;
  if (s instanceof Uint8Array) {
    try {
      return decodeSession(s);
    } catch {
      return undefined;
    }
  }
  return typeof s === 'object' && s.masterSecret instanceof Uint8Array ? s : undefined;
}

/** Core client options without verifier and crypto (the socket adds both). */
export function coreClientOptions(o: ClientTlsOptions, serverName: string | undefined, session: TlsSession | undefined): Omit<ClientOptions, 'crypto' | 'verifier'> {
  const hasCert = o.key !== undefined || o.cert !== undefined || (o.credentials !== undefined && o.credentials.length > 0);
  return {
    ...common(o),
    ...(serverName !== undefined ? { serverName } : {}),
    ...(session ? { session } : {}),
    sessionTickets: o.sessionTickets ?? !noTicket(o),
    ...(hasCert ? { credentials: loadCredentials(o, 'client') } : {}),
    ...(o.renegotiation !== undefined ? { renegotiation: o.renegotiation } : {}),
  };
}

export function clientAnchors(o: ClientTlsOptions): AnchorsInput | undefined {
  return anchors(o.ca);
}

/** One chain: PEM texts joined into a bundle, or DER certificates leaf first. */
function chainInput(certs: readonly PemOrDer[]): string | Uint8Array[] {
  const xs = certs.map(pemOrDer);
  if (xs.every((x) => typeof x === 'string')) return xs.join('\n');
  if (xs.every((x) => x instanceof Uint8Array)) return xs as Uint8Array[];
  throw Object.assign(new TypeError('cert: do not mix PEM and DER in one chain'), { code: 'ERR_INVALID_ARG_VALUE' });
}

/** Loads key/cert pairs (or passes credentials through). */
export function serverCredentials(o: CommonTlsOptions): ServerCredential[] {
  return loadCredentials(o, 'server');
}

function loadCredentials(o: CommonTlsOptions, side: 'client' | 'server'): ServerCredential[] {
  if (o.credentials && o.credentials.length > 0) return [...o.credentials];
  if (o.key === undefined || o.cert === undefined) {
    const msg = side === 'server' ? 'a server needs key and cert (or credentials)' : 'a client certificate needs both key and cert';
    throw Object.assign(new TypeError(msg), { code: 'ERR_INVALID_ARG_VALUE' });
  }
  const keys = (Array.isArray(o.key) ? o.key : [o.key]) as (PemOrDer | { pem: PemOrDer })[];
  const certs = (Array.isArray(o.cert) ? o.cert : [o.cert]) as PemOrDer[];
  const keyOf = (k: PemOrDer | { pem: PemOrDer }) => pemOrDer(typeof k === 'object' && 'pem' in k ? k.pem : k);
  if (keys.length === 1) return [loadCredential(chainInput(certs), keyOf(keys[0]!))];
  if (keys.length !== certs.length) {
    throw Object.assign(new TypeError('key and cert arrays must pair up'), { code: 'ERR_INVALID_ARG_VALUE' });
  }
  return keys.map((k, i) => loadCredential(chainInput([certs[i]!]), keyOf(k)));
}

/**
 * What every connection of one server shares: the core options with the session cache, the ticket keys
 * and the client-certificate policy made once (so sessions resume across connections and client CAs are
 * parsed once), and the policies a server-side renegotiate() may ask for.
 */
export class PreparedServer {
  /** Core server options without crypto; replaced (not mutated) by setTicketKeys. */
  #core: Omit<CoreServerOptions, 'crypto'>;
  /** What connectionOptions() gave, by provider, for the current `core`. */
  #forConnections = new Map<CryptoProvider, CoreServerOptions & ConnectionOptions>();
  readonly #anchors: AnchorsInput | undefined;
  readonly #lifetime: number | undefined;
  readonly #auth = new Map<boolean, ClientAuthOptions>();

  constructor(o: ServerTlsOptions) {
    const lifetime = sessionLifetime(o.sessionTimeout);
    this.#lifetime = lifetime;
    this.#anchors = anchors(o.ca);
    const tickets = o.ticketKeys === false || noTicket(o) ? false : o.ticketKeys instanceof TicketKeys ? o.ticketKeys : this.ticketKeysOf(o.ticketKeys);
    const cache = o.sessionCache === false ? false : o.sessionCache ?? new LruSessionCache(lifetime === undefined ? {} : { lifetimeSeconds: lifetime });
    const acr = o.allowClientRenegotiation;
    this.#core = {
      ...common(o),
      credentials: serverCredentials(o),
      ...(o.selectCredentials ? { selectCredentials: o.selectCredentials } : {}),
      sessionCache: cache,
      ticketKeys: tickets,
      ...(o.requestCert ? { clientAuth: this.clientAuth(o.rejectUnauthorized !== false) } : {}),
      ...(acr !== undefined ? { allowClientRenegotiation: acr } : {}),
    };
  }

  /**
   * The core options of one connection: the same object for every connection with this provider, so that
   * the core resolves them once per server (sessions, tickets and parsed credentials shared).
   */
  connectionOptions(crypto: CryptoProvider): CoreServerOptions & ConnectionOptions {
    let o = this.#forConnections.get(crypto);
    if (!o) this.#forConnections.set(crypto, (o = { ...this.#core, halfClose: true, crypto }));
    return o;
  }

  /** New ticket keys for later connections (setTicketKeys). */
  replaceTicketKeys(keys: TicketKeys): void {
    this.#core = { ...this.#core, ticketKeys: keys };
    this.#forConnections = new Map();
  }

  /**
   * node:tls semantics of requestCert: rejectUnauthorized (default) requires a certificate that verifies;
   * without it any certificate (or none) is accepted and judged in authorized / authorizationError.
   */
  clientAuth(reject: boolean): ClientAuthOptions {
    let a = this.#auth.get(reject);
    if (!a) {
      // One object per policy: the core resolves (and parses the anchors of) each ClientAuthOptions once.
      a = { require: reject, rejectUnauthorized: reject, ...(this.#anchors !== undefined ? { ca: this.#anchors } : {}) };
      this.#auth.set(reject, a);
    }
    return a;
  }

  /** Ticket keys from 48 bytes of key material, or fresh random (rotating) ones. */
  ticketKeysOf(material: Uint8Array | undefined): TicketKeys {
    const life = this.#lifetime === undefined ? {} : { lifetimeSeconds: this.#lifetime };
    if (material === undefined) return new TicketKeys(life);
    if (!(material instanceof Uint8Array) || material.length !== 48) {
      throw Object.assign(new TypeError('ticketKeys: expected 48 bytes'), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    return new TicketKeys({ ...life, keys: [material] });
  }
}

function sessionLifetime(t: number | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw Object.assign(new TypeError('sessionTimeout: expected a number of seconds'), { code: 'ERR_INVALID_ARG_VALUE' });
  }
  return Math.max(1, Math.floor(t));
}

const prepared = new WeakMap<ServerTlsOptions, PreparedServer>();

/** The prepared state of an options object, made on first use (upgrade() calls with one object share it). */
export function prepareServer(o: ServerTlsOptions): PreparedServer {
  let p = prepared.get(o);
  if (!p) prepared.set(o, (p = new PreparedServer(o)));
  return p;
}

