// node:tls-style options and their translation into the core's ClientOptions / ServerOptions.
import type { Duplex } from 'node:stream';
import {
  cipherSuiteByName,
  loadCredential,
  type CertificateVerifier,
  type ClientOptions,
  type EcdheGroup,
  type ServerCredential,
  type ServerOptions as CoreServerOptions,
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
}

export interface ClientTlsOptions extends CommonTlsOptions {
  /** SNI and the name the certificate must match (default: host, when it is not an IP). */
  servername?: string;
  /** Trust anchors (PEM text, DER, or an array of either); default: the Mozilla roots of @sanstls/roots. */
  ca?: PemOrDer | readonly PemOrDer[] | AnchorsInput;
  /** Fail the handshake when the certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
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
  /** Private key(s), PEM or DER (PKCS#8, SEC 1, PKCS#1); pairs with `cert` by position. */
  key?: PemOrDer | readonly (PemOrDer | { pem: PemOrDer })[];
  /** Certificate chain(s), leaf first. */
  cert?: PemOrDer | readonly PemOrDer[];
  /** Already loaded credentials (from loadCredential), e.g. one RSA and one ECDSA. */
  credentials?: readonly ServerCredential[];
  /** SNI (synchronous): the credentials for a server name, or undefined for the default ones. */
  selectCredentials?: (servername: string | undefined) => readonly ServerCredential[] | undefined;
  /** Client certificates are not supported yet; true is refused. */
  requestCert?: boolean;
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
    const s = cipherSuiteByName(raw);
    if (s && (s.keyExchange === 'ECDHE_ECDSA' || s.keyExchange === 'ECDHE_RSA') && s.mac === 'AEAD') out.push(s.iana);
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

/** The parts of the core options both sides share (crypto is set by the socket, wrapped for key logging). */
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

/** Core client options without verifier and crypto (the socket adds both). */
export function coreClientOptions(o: ClientTlsOptions, serverName: string | undefined): Omit<ClientOptions, 'crypto' | 'verifier'> {
  return { ...common(o), ...(serverName !== undefined ? { serverName } : {}) };
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
export function serverCredentials(o: ServerTlsOptions): ServerCredential[] {
  if (o.credentials && o.credentials.length > 0) return [...o.credentials];
  if (o.key === undefined || o.cert === undefined) {
    throw Object.assign(new TypeError('a server needs key and cert (or credentials)'), { code: 'ERR_INVALID_ARG_VALUE' });
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

/** Core server options without crypto. */
export function coreServerOptions(o: ServerTlsOptions): Omit<CoreServerOptions, 'crypto'> {
  if (o.requestCert) {
    throw Object.assign(new Error('client certificates (requestCert) are not supported yet'), { code: 'ERR_TLS_UNSUPPORTED' });
  }
  return {
    ...common(o),
    credentials: serverCredentials(o),
    ...(o.selectCredentials ? { selectCredentials: o.selectCredentials } : {}),
  };
}
