// The options of connect() / startTls() / listen(): Deno's names (hostname, caCerts, alpnProtocols, cert,
// key) on top of the core's own options, and their translation into ClientOptions / ServerOptions.
import { loadCredential, type ClientOptions, type ServerCredential, type ServerOptions } from '@sanstls/core';
import type { AnchorsInput } from '@sanstls/x509';
import { trustAnchors } from './trust.js';

/** Client options for startTls() (over a connection you already have). */
export interface StartTlsOptions extends Omit<ClientOptions, 'alpn' | 'ca' | 'serverName'> {
  /** The host connected to: sent as SNI (unless an IP address) and checked against the certificate. Default "127.0.0.1". */
  readonly hostname?: string;
  /** A name to send and check instead of `hostname`. */
  readonly serverName?: string;
  /** PEM root certificates trusted in addition to the default roots (Mozilla's), as in Deno.connectTls. */
  readonly caCerts?: readonly string[];
  /** The only trust anchors (PEM, DER or a TrustStore), replacing the default roots. */
  readonly ca?: AnchorsInput;
  /** ALPN protocols to offer, in preference order. */
  readonly alpnProtocols?: readonly string[];
}

/** Client options for connect(). */
export interface ConnectOptions extends StartTlsOptions {
  readonly port: number;
  /** Aborts the TCP connect. */
  readonly signal?: AbortSignal;
}

/** Server options for startTlsServer() (over a connection you already have). */
export interface ServerTlsOptions extends Omit<ServerOptions, 'alpn' | 'credentials'> {
  /** PEM certificate chain, leaf first (with `key`), as in Deno.listenTls. */
  readonly cert?: string;
  /** PEM private key of `cert`: PKCS#8, or SEC1 EC / PKCS#1 RSA. */
  readonly key?: string;
  /** Several credentials (an RSA and an ECDSA one, say), from loadCredential(); used with or instead of cert/key. */
  readonly credentials?: readonly ServerCredential[];
  /** ALPN protocols the server accepts, in preference order. */
  readonly alpnProtocols?: readonly string[];
}

/** Server options for listen(). */
export interface ListenOptions extends ServerTlsOptions {
  /** Default 0.0.0.0, as Deno.listen. */
  readonly hostname?: string;
  /** 0 (the default) picks a free port: see listener.addr. */
  readonly port?: number;
}

/** "[::1]" (as Deno.connect accepts it) is the name "::1". */
function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export function clientOptions(o: StartTlsOptions): ClientOptions {
  const { hostname, serverName, caCerts, ca, alpnProtocols, ...rest } = o;
  // Only options of the core go on: a connect() options object also carries port and signal.
  const core: Record<string, unknown> = { ...rest };
  delete core['port'];
  delete core['signal'];
  return {
    ...(core as Omit<ClientOptions, 'alpn' | 'ca' | 'serverName'>),
    serverName: serverName ?? bare(hostname ?? '127.0.0.1'),
    ...(o.verifier ? {} : { ca: trustAnchors(ca, caCerts) }),
    ...(alpnProtocols ? { alpn: alpnProtocols } : {}),
  };
}

/** Loads the credentials once, so every accepted connection shares them. */
export function serverOptions(o: ServerTlsOptions): ServerOptions {
  const { cert, key, credentials, alpnProtocols, ...rest } = o;
  const core: Record<string, unknown> = { ...rest };
  delete core['hostname'];
  delete core['port'];
  const list: ServerCredential[] = [];
  if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined) throw new TypeError('cert and key go together');
    list.push(loadCredential(cert, key));
  }
  if (credentials) list.push(...credentials);
  if (list.length === 0) throw new TypeError('a TLS server needs cert and key (or credentials)');
  return {
    ...(core as Omit<ServerOptions, 'alpn' | 'credentials'>),
    credentials: list,
    ...(alpnProtocols ? { alpn: alpnProtocols } : {}),
  };
}
