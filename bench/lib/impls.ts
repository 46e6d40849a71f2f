// The TLS stacks under test behind one small interface: a server that listens on loopback and a client
// that connects and resolves once its handshake completed. sanstls runs through @sanstls/node (the built
// dist), with the WASM default or the node:crypto provider; node:tls is the reference. All TLS 1.2.
//
// Key exchange: ECDHE (ECDSA or RSA certificate), RSA key exchange and DHE (RSA certificate). The suite is
// named explicitly on both ends, so that both stacks negotiate exactly it: node:tls through its OpenSSL
// `ciphers` list (DHE with `dhparam: 'auto'`, which OpenSSL 3 answers with the RFC 7919 ffdhe2048 group for a
// 2048-bit RSA key), sanstls through `cipherSuites` (a sanstls server enables RSA key exchange and DHE only
// when they are named there; @sanstls/node's `ciphers` list keeps ECDHE AEAD suites only).
//
// Resumption: a server made with `resume: 'id'` resumes by session ID only (no tickets issued), with
// `resume: 'ticket'` by RFC 5077 ticket only (no session ID cache); a client with `resume` offers only that
// mechanism and resumes the `session` it is given (getSession() of an earlier connection).
import net from 'node:net';
import tls from 'node:tls';
import { constants as cryptoConstants } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as sans from '@sanstls/node';
import { TrustStore } from '@sanstls/x509';
import type { Pki } from './pki.js';

const NO_TICKET = cryptoConstants.SSL_OP_NO_TICKET;

// Client trust, parsed once per PKI and shared by all connections, in each stack's reusable form (a PEM
// `ca` per connect() would parse the CA certificate on every handshake, in node:tls and sanstls alike).
const nodeContexts = new WeakMap<Pki, Map<string, tls.SecureContext>>();
const sansStores = new WeakMap<Pki, TrustStore>();
function nodeContext(pki: Pki, ciphers: string, secureOptions: number): tls.SecureContext {
  let m = nodeContexts.get(pki);
  if (!m) nodeContexts.set(pki, (m = new Map()));
  const k = `${ciphers}|${secureOptions}`;
  let c = m.get(k);
  if (!c) m.set(k, (c = tls.createSecureContext({ ca: pki.ca, ciphers, secureOptions, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })));
  return c;
}
function sansStore(pki: Pki): TrustStore {
  let t = sansStores.get(pki);
  if (!t) sansStores.set(pki, (t = new TrustStore(pki.ca)));
  return t;
}

export type Stack = 'node:tls' | 'sanstls-wasm' | 'sanstls-native';
/** The server certificate's key. */
export type KeyType = 'ecdsa' | 'rsa';
export type Cipher = 'AES-128-GCM' | 'CHACHA20-POLY1305';
/** Key exchange: ECDHE (signed with the certificate's key), RSA (premaster encrypted to the certificate), DHE. */
export type Kx = 'ecdhe' | 'rsa' | 'dhe';
/** Resumption mechanism: session ID (server-side cache) or RFC 5077 session ticket. */
export type Resume = 'id' | 'ticket';

/** OpenSSL name of the suite for a key type, cipher and key exchange (sanstls takes the same names). */
export function suite(key: KeyType, cipher: Cipher, kx: Kx = 'ecdhe'): string {
  if (kx !== 'ecdhe' && key !== 'rsa') throw new Error(`${kx} key exchange needs an RSA certificate`);
  const gcm = cipher === 'AES-128-GCM';
  switch (kx) {
    case 'ecdhe': {
      const p = key === 'ecdsa' ? 'ECDHE-ECDSA' : 'ECDHE-RSA';
      return gcm ? `${p}-AES128-GCM-SHA256` : `${p}-CHACHA20-POLY1305`;
    }
    case 'dhe':
      return gcm ? 'DHE-RSA-AES128-GCM-SHA256' : 'DHE-RSA-CHACHA20-POLY1305';
    case 'rsa':
      if (!gcm) throw new Error('there is no ChaCha20-Poly1305 suite with RSA key exchange');
      return 'AES128-GCM-SHA256';
  }
}

/** A client connection of either stack: a Duplex with node:tls's session accessors. */
export type TlsClient = Duplex & {
  getSession(): Buffer | undefined;
  isSessionReused(): boolean;
  getCipher(): { name: string } | undefined;
  getEphemeralKeyInfo(): { type?: string; name?: string; size?: number } | null;
};

export interface Running {
  readonly port: number;
  /** Server-side handshakes completed so far ('secureConnection'). */
  readonly established: number;
  /** Resolves once `n` server-side handshakes completed (rejects after `timeoutMs`). */
  waitEstablished(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ServerSpec {
  stack: Stack;
  pki: Pki;
  key: KeyType;
  cipher: Cipher;
  kx?: Kx;
  /** Resume only by this mechanism (default: each stack's defaults, tickets and session IDs). */
  resume?: Resume;
  /** Called with each established server-side connection. */
  onSecure?: (s: Duplex) => void;
}

export async function startServer(spec: ServerSpec): Promise<Running> {
  const leaf = spec.key === 'ecdsa' ? spec.pki.ec : spec.pki.rsa;
  const kx = spec.kx ?? 'ecdhe';
  const ciphers = suite(spec.key, spec.cipher, kx);
  let established = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const onSecure = (s: Duplex) => {
    s.on('error', () => {}); // peers go away abruptly in the handshake loop
    established++;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (established >= waiters[i]!.n) waiters.splice(i, 1)[0]!.resolve();
    }
    spec.onSecure?.(s);
  };
  let server: net.Server;
  if (spec.stack === 'node:tls') {
    const srv = tls.createServer({
      key: leaf.key,
      cert: leaf.cert,
      ciphers,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ...(kx === 'dhe' ? { dhparam: 'auto' } : {}),
      ...(spec.resume === 'id' ? { secureOptions: NO_TICKET } : {}),
    }, onSecure);
    srv.on('tlsClientError', () => {});
    if (spec.resume === 'id') {
      // node:tls has no built-in server session cache (OpenSSL's internal one is off): the application keeps
      // the sessions, as documented for 'newSession' / 'resumeSession'.
      const cache = new Map<string, Buffer>();
      srv.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
        cache.set(id.toString('hex'), data);
        cb();
      });
      srv.on('resumeSession', (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => cb(null, cache.get(id.toString('hex')) ?? null));
    }
    server = srv;
  } else {
    const srv = sans.createServer({
      key: leaf.key,
      cert: leaf.cert,
      cipherSuites: [ciphers],
      crypto: spec.stack === 'sanstls-native' ? 'native' : 'wasm',
      ...(spec.resume === 'id' ? { ticketKeys: false } : spec.resume === 'ticket' ? { sessionCache: false } : {}),
    }, onSecure);
    srv.on('tlsClientError', () => {});
    server = srv;
  }
  const live = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get established() {
      return established;
    },
    waitEstablished(n: number, timeoutMs = 5000) {
      if (established >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${spec.stack} server: ${established} of ${n} handshakes completed after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ClientSpec {
  stack: Stack;
  pki: Pki;
  key: KeyType;
  cipher: Cipher;
  kx?: Kx;
  port: number;
  /** Offer only this resumption mechanism (default: each stack's defaults). */
  resume?: Resume;
  /** A session to resume: getSession() of an earlier connection of the same stack. */
  session?: Buffer;
}

/** Connects; resolves with the socket once the handshake completed (certificate verified against the CA). */
export function connectClient(spec: ClientSpec): Promise<TlsClient> {
  const ciphers = suite(spec.key, spec.cipher, spec.kx);
  return new Promise((resolve, reject) => {
    let s: TlsClient;
    if (spec.stack === 'node:tls') {
      const secureOptions = spec.resume === 'id' ? NO_TICKET : 0;
      s = tls.connect({
        host: '127.0.0.1',
        port: spec.port,
        servername: 'localhost',
        secureContext: nodeContext(spec.pki, ciphers, secureOptions),
        ciphers,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
        ...(spec.session ? { session: spec.session } : {}),
      });
    } else {
      s = sans.connect({
        host: '127.0.0.1',
        port: spec.port,
        servername: 'localhost',
        ca: sansStore(spec.pki),
        cipherSuites: [ciphers],
        crypto: spec.stack === 'sanstls-native' ? 'native' : 'wasm',
        ...(spec.resume === 'id' ? { sessionTickets: false } : {}),
        ...(spec.session ? { session: spec.session } : {}),
      }) as unknown as TlsClient;
    }
    s.once('error', reject);
    s.once('secureConnect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}

/**
 * Opens connections with `open` until `held` has `n`, a few handshakes in flight at a time (so that a peer
 * in another process works meanwhile).
 */
export async function openUpTo<T>(held: T[], n: number, open: () => Promise<T>, inFlight = 4): Promise<void> {
  let next = held.length;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      next++;
      held.push(await open());
    }
  }));
}
