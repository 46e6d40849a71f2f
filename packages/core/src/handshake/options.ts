// Configuration of a connection, and its resolution into the concrete lists the handshake works with.
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
import type { AnchorsInput } from '@sanstls/x509';
import { cipherSuiteByCode, cipherSuiteByName, NamedGroup, type CipherSuite } from '../codec/constants.js';
import type { EcdheGroup } from './key-exchange/ecdhe.js';
import { parseCertificateChain, parsePrivateKey, type SigningKey } from './private-key.js';
import { DEFAULT_SIGNATURE_SCHEMES } from './signature.js';
import { x509Verifier, type CertificateVerifier } from './verifier.js';

/** Suites enabled by default, in preference order (forward secret AEAD only, RFC 7525 §4.2). */
export const DEFAULT_CIPHER_SUITES: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

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
}

export interface ClientOptions extends CommonOptions {
  /** Name sent in SNI (unless an IP literal) and checked against the certificate. */
  readonly serverName?: string;
  /** Trust anchors for the default @sanstls/x509 verifier. */
  readonly ca?: AnchorsInput;
  /** A verifier of your own instead (takes precedence over `ca`). */
  readonly verifier?: CertificateVerifier;
  /** Offer TLS_FALLBACK_SCSV (RFC 7507): only when retrying after a failed connection. */
  readonly fallback?: boolean;
}

/** A certificate chain (leaf first) with its private key, loaded once and shareable between connections. */
export interface ServerCredential {
  readonly chain: readonly Uint8Array[];
  readonly key: SigningKey;
}

/** Loads PEM/DER inputs into a credential. */
export function loadCredential(chain: string | readonly Uint8Array[], key: string | Uint8Array | SigningKey): ServerCredential {
  const k = typeof key === 'string' || key instanceof Uint8Array ? parsePrivateKey(key) : key;
  return { chain: parseCertificateChain(chain), key: k };
}

export interface ServerOptions extends CommonOptions {
  /** Certificates to choose from (by key type for the suite): e.g. one RSA and one ECDSA. */
  readonly credentials: readonly ServerCredential[];
  /** SNI callback: the credentials for this server name, or undefined for the default ones. */
  readonly selectCredentials?: (serverName: string | undefined) => readonly ServerCredential[] | undefined;
}

function resolveSuites(list: readonly (string | number)[] | undefined): CipherSuite[] {
  const out: CipherSuite[] = [];
  for (const x of list ?? DEFAULT_CIPHER_SUITES) {
    const s = typeof x === 'number' ? cipherSuiteByCode(x) : cipherSuiteByName(x);
    if (!s) throw new RangeError(`unknown cipher suite ${String(x)}`);
    if (s.keyExchange !== 'ECDHE_ECDSA' && s.keyExchange !== 'ECDHE_RSA') throw new RangeError(`${s.iana}: key exchange not supported yet`);
    if (s.mac !== 'AEAD') throw new RangeError(`${s.iana}: CBC suites are not supported yet`);
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
}

function resolveCommon(o: CommonOptions): ResolvedCommon {
  const groups = [...(o.groups ?? DEFAULT_GROUPS)];
  if (groups.length === 0 || groups.some((g) => !(g in groupCode))) throw new RangeError('bad groups list');
  if (o.alpn && o.alpn.some((p) => p.length === 0 || p.length > 255)) throw new RangeError('ALPN names must be 1..255 bytes');
  return {
    provider: o.crypto ?? wasmProvider,
    suites: resolveSuites(o.cipherSuites),
    groups,
    signatureSchemes: [...(o.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES)],
    alpn: o.alpn && o.alpn.length > 0 ? [...o.alpn] : undefined,
    ems: o.extendedMasterSecret ?? true,
  };
}

export interface ResolvedClient extends ResolvedCommon {
  readonly serverName: string | undefined;
  readonly verifier: CertificateVerifier;
  readonly fallback: boolean;
}

export function resolveClient(o: ClientOptions): ResolvedClient {
  const verifier = o.verifier ?? (o.ca !== undefined ? x509Verifier({ ca: o.ca }) : undefined);
  if (!verifier) throw new RangeError('a client needs trust anchors (ca) or a verifier');
  return { ...resolveCommon(o), serverName: o.serverName, verifier, fallback: o.fallback ?? false };
}

export interface ResolvedServer extends ResolvedCommon {
  readonly credentials: readonly ServerCredential[];
  readonly selectCredentials: ServerOptions['selectCredentials'];
}

export function resolveServer(o: ServerOptions): ResolvedServer {
  if (!o.credentials || o.credentials.length === 0) throw new RangeError('a server needs at least one credential');
  return { ...resolveCommon(o), credentials: o.credentials, selectCredentials: o.selectCredentials };
}
