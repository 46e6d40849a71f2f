// The TLS stacks under test behind one small interface: a server that listens on loopback and a client
// that connects and resolves once its handshake completed. sanstls runs through @sanstls/node (the built
// dist), with the WASM default or the node:crypto provider; node:tls is the reference. All TLS 1.2.
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import * as sans from '@sanstls/node';
import { TrustStore } from '@sanstls/x509';
import type { Pki } from './pki.js';

// Client trust, parsed once per PKI and shared by all connections, in each stack's reusable form (a PEM
// `ca` per connect() would parse the CA certificate on every handshake, in node:tls and sanstls alike).
const nodeContexts = new WeakMap<Pki, Map<string, tls.SecureContext>>();
const sansStores = new WeakMap<Pki, TrustStore>();
function nodeContext(pki: Pki, ciphers: string): tls.SecureContext {
  let m = nodeContexts.get(pki);
  if (!m) nodeContexts.set(pki, (m = new Map()));
  let c = m.get(ciphers);
  if (!c) m.set(ciphers, (c = tls.createSecureContext({ ca: pki.ca, ciphers, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })));
  return c;
}
function sansStore(pki: Pki): TrustStore {
  let t = sansStores.get(pki);
  if (!t) sansStores.set(pki, (t = new TrustStore(pki.ca)));
  return t;
}

export type Stack = 'node:tls' | 'sanstls-wasm' | 'sanstls-native';
export type KeyType = 'ecdsa' | 'rsa';
export type Cipher = 'AES-128-GCM' | 'CHACHA20-POLY1305';

/** OpenSSL names of the suite for a key type and cipher. */
export function suite(key: KeyType, cipher: Cipher): string {
  const kx = key === 'ecdsa' ? 'ECDHE-ECDSA' : 'ECDHE-RSA';
  return cipher === 'AES-128-GCM' ? `${kx}-AES128-GCM-SHA256` : `${kx}-CHACHA20-POLY1305`;
}

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

export interface ServerSpec {
  stack: Stack;
  pki: Pki;
  key: KeyType;
  cipher: Cipher;
  /** Called with each established server-side connection. */
  onSecure?: (s: Duplex) => void;
}

export async function startServer(spec: ServerSpec): Promise<Running> {
  const leaf = spec.key === 'ecdsa' ? spec.pki.ec : spec.pki.rsa;
  const ciphers = suite(spec.key, spec.cipher);
  const onSecure = (s: Duplex) => {
    s.on('error', () => {}); // peers go away abruptly in the handshake loop
    spec.onSecure?.(s);
  };
  let server: net.Server;
  if (spec.stack === 'node:tls') {
    const srv = tls.createServer({ key: leaf.key, cert: leaf.cert, ciphers, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }, onSecure);
    srv.on('tlsClientError', () => {});
    server = srv;
  } else {
    const srv = sans.createServer({ key: leaf.key, cert: leaf.cert, ciphers, crypto: spec.stack === 'sanstls-native' ? 'native' : 'wasm' }, onSecure);
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
  port: number;
}

/** Connects; resolves with the socket once the handshake completed (certificate verified against the CA). */
export function connectClient(spec: ClientSpec): Promise<Duplex> {
  const ciphers = suite(spec.key, spec.cipher);
  return new Promise((resolve, reject) => {
    let s: Duplex;
    if (spec.stack === 'node:tls') {
      s = tls.connect({ host: '127.0.0.1', port: spec.port, servername: 'localhost', secureContext: nodeContext(spec.pki, ciphers), ciphers, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    } else {
      s = sans.connect({ host: '127.0.0.1', port: spec.port, servername: 'localhost', ca: sansStore(spec.pki), ciphers, crypto: spec.stack === 'sanstls-native' ? 'native' : 'wasm' });
    }
    s.once('error', reject);
    s.once('secureConnect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}
