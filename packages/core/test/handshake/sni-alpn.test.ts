// SNI callback choosing the certificate, and ALPN, against node:tls clients; the client's SNI rules.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection, decodeClientHello, loadCredential, ServerConnection, type ServerCredential } from '../../src/index.js';
import { defaultTrustStoreSource } from '@sanstls/x509';
import { listenOnce } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { pump } from '../interop/pump.js';

let pki: Pki;
let p256: ServerCredential;
let p384: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  p256 = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
  p384 = loadCredential(pki.leaves.p384.certPem, pki.leaves.p384.keyPem);
});

async function serve(servername: string | undefined, alpn: string[] | undefined) {
  const l = await listenOnce();
  const client = tls.connect({
    host: '127.0.0.1', port: l.port, maxVersion: 'TLSv1.2', rejectUnauthorized: false,
    ...(servername ? { servername } : {}), ...(alpn ? { ALPNProtocols: alpn } : {}),
  });
  client.on('error', () => {});
  const peer = new Promise<{ curve: string | undefined; alpn: string | false | null }>((resolve) =>
    client.on('secureConnect', () => {
      resolve({ curve: (client.getPeerCertificate() as { asn1Curve?: string }).asn1Curve, alpn: client.alpnProtocol });
      client.end();
    }),
  );
  const conn = new ServerConnection({
    credentials: [p256],
    selectCredentials: (name) => (name === 'p384.test' ? [p384] : undefined),
    alpn: ['h2', 'http/1.1'],
  });
  const res = await pump(conn, await l.accepted);
  return { res, peer: await peer };
}

describe('SNI and ALPN', () => {
  it('the SNI callback picks the certificate for the name', async () => {
    const a = await serve('p384.test', undefined);
    expect(a.peer.curve).toBe('secp384r1');
    expect(a.res.info?.serverName).toBe('p384.test');
    const b = await serve('other.test', undefined);
    expect(b.peer.curve).toBe('prime256v1');
  });

  it('ALPN: the server takes its first preference that the client offers', async () => {
    const a = await serve(undefined, ['http/1.1', 'h2']);
    expect(a.peer.alpn).toBe('h2');
    expect(a.res.info?.alpn).toBe('h2');
    const b = await serve(undefined, ['http/1.1']);
    expect(b.peer.alpn).toBe('http/1.1');
    const c = await serve(undefined, undefined);
    expect(c.res.info?.alpn).toBeUndefined();
  });

  it('the client sends SNI for a DNS name but not for an IP literal (RFC 6066 §3)', () => {
    const hello = (serverName: string) => {
      const out = new ClientConnection({ serverName, ca: pki.caPem }).takeOutgoing();
      return decodeClientHello(out.subarray(9));
    };
    expect(hello('localhost').ext.serverName).toBe('localhost');
    expect(hello('127.0.0.1').ext.serverName).toBeUndefined();
    expect(hello('::1').ext.serverName).toBeUndefined();
  });
});

describe('default trust anchors', () => {
  it('a client without ca trusts the Mozilla roots (Node: tls.rootCertificates) only: a private CA is unknown_ca', () => {
    const local = makePki();
    const client = new ClientConnection({ serverName: 'localhost' });
    const server = new ServerConnection({ credentials: [loadCredential(local.leaves.p256.certPem, local.leaves.p256.keyPem)] });
    for (let i = 0; i < 4; i++) {
      server.receive(client.takeOutgoing());
      client.receive(server.takeOutgoing());
    }
    const err = client.events().find((e) => e.type === 'error');
    expect(err?.type === 'error' && err.error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE'); // the leaf's issuer is unknown
    expect(err?.type === 'error' && err.error.alert).toBe('unknown_ca');
    expect(defaultTrustStoreSource()).toBe('node:tls');
  });
});
