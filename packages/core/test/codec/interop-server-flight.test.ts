// Send a ClientHello built with our encoder to real servers (openssl s_server, node:tls), read the
// server's first flight, decode every message, and check it against what the test gave the server.
// The ServerKeyExchange signature is verified with node:crypto over client_random + server_random +
// the params bytes our decoder exposes, which proves those bytes are exactly what the server signed.

import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClientHelloExtensions,
  cipherSuiteByCode,
  cipherSuiteByName,
  decodeHandshakeMessage,
  encodeClientHello,
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  type DecodedHandshakeMessage,
  type RawExtension,
  type ClientHelloExtensions,
} from '../../src/codec/index.js';
import { CertDir, connect, readHandshake, record, startOpensslServer, toHex } from './helpers.js';

let certs: CertDir;
let ca: ReturnType<CertDir['make']>;
let ecLeaf: ReturnType<CertDir['make']>;
let rsaLeaf: ReturnType<CertDir['make']>;

beforeAll(() => {
  certs = new CertDir();
  ca = certs.make('ca', 'p384', { cn: 'sanstls test CA', ca: true });
  ecLeaf = certs.make('ec', 'p256', { cn: 'localhost', issuer: 'ca' });
  rsaLeaf = certs.make('rsa', 'rsa', { cn: 'localhost' });
});
afterAll(() => certs.cleanup());

const clientRandom = crypto.randomBytes(32);

function clientHelloRecord(suites: string[], ext: ClientHelloExtensions, extra: RawExtension[] = []): Uint8Array {
  const body = encodeClientHello({
    version: 0x0303,
    random: clientRandom,
    sessionId: new Uint8Array(0),
    cipherSuites: suites.map((s) => cipherSuiteByName(s)!.code),
    compressionMethods: [0],
    extensions: buildClientHelloExtensions(ext, extra),
  });
  return record(22, encodeHandshake(HandshakeType.client_hello, body));
}

const baseExt: ClientHelloExtensions = {
  serverName: 'localhost',
  supportedGroups: [29, 23, 24],
  ecPointFormats: [0],
  signatureAlgorithms: [0x0403, 0x0503, 0x0804, 0x0401],
  extendedMasterSecret: true,
  renegotiationInfo: new Uint8Array(0),
};

/** Send our ClientHello on `sock`, read until ServerHelloDone, decode everything. */
async function exchange(sock: net.Socket, hello: Uint8Array): Promise<DecodedHandshakeMessage[]> {
  const reading = readHandshake(sock, (msgs) => msgs.some((m) => m.type === HandshakeType.server_hello_done));
  sock.write(hello);
  const { messages, alerts } = await reading;
  sock.destroy();
  expect(alerts.map(toHex)).toEqual([]);
  const out: DecodedHandshakeMessage[] = [];
  let kx: ReturnType<typeof cipherSuiteByCode>;
  for (const m of messages) {
    const d = decodeHandshakeMessage(m, { keyExchange: kx?.keyExchange });
    if (d.type === HandshakeType.server_hello) kx = cipherSuiteByCode(d.message.cipherSuite);
    out.push(d);
  }
  return out;
}

function get<T extends DecodedHandshakeMessage['type']>(msgs: DecodedHandshakeMessage[], type: T) {
  const m = msgs.find((x) => x.type === type);
  expect(m, `message ${type}`).toBeDefined();
  return m as Extract<DecodedHandshakeMessage, { type: T }>;
}

/** Verify the ServerKeyExchange signature with node:crypto (RFC 5246 §7.4.3). */
function verifySke(msgs: DecodedHandshakeMessage[]): number {
  const sh = get(msgs, HandshakeType.server_hello).message;
  const leaf = get(msgs, HandshakeType.certificate).message.certificates[0]!;
  const ske = get(msgs, HandshakeType.server_key_exchange).message;
  const key = new crypto.X509Certificate(Buffer.from(leaf)).publicKey;
  const data = Buffer.concat([clientRandom, sh.random, ske.paramsBytes]);
  const { scheme, signature } = ske.signed;
  const hash = { 4: 'sha256', 5: 'sha384', 6: 'sha512', 8: ({ 4: 'sha256', 5: 'sha384', 6: 'sha512' } as Record<number, string>)[scheme & 0xff] }[scheme >> 8]!;
  const opts = scheme >> 8 === 8
    ? { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST }
    : key;
  expect(crypto.verify(hash, data, opts, signature), `signature scheme 0x${scheme.toString(16)}`).toBe(true);
  // And a flipped bit in the params must not verify.
  data[66] = data[66]! ^ 1;
  expect(crypto.verify(hash, data, opts, signature)).toBe(false);
  return scheme;
}

describe('server flights from openssl s_server', () => {
  it('ECDHE-ECDSA: ServerHello, Certificate chain, ServerKeyExchange, ServerHelloDone', async () => {
    const srv = await startOpensslServer(['-tls1_2', '-cert', ecLeaf.cert, '-key', ecLeaf.key, '-cert_chain', ca.cert, '-alpn', 'h2']);
    try {
      const msgs = await exchange(await connect(srv.port), clientHelloRecord(['ECDHE-ECDSA-AES128-GCM-SHA256'], { ...baseExt, alpn: ['h2', 'http/1.1'] }));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 12, 14]);
      const sh = get(msgs, HandshakeType.server_hello).message;
      expect(sh.version).toBe(0x0303);
      expect(sh.cipherSuite).toBe(0xc02b);
      expect(sh.ext.alpn).toBe('h2');
      expect(sh.ext.extendedMasterSecret).toBe(true);
      expect(sh.ext.renegotiationInfo).toEqual(new Uint8Array(0));
      expect(sh.ext.ecPointFormats).toContain(0);
      expect(sh.ext.other).toEqual([]);
      const chain = get(msgs, HandshakeType.certificate).message.certificates;
      expect(chain.map(toHex)).toEqual([toHex(ecLeaf.der), toHex(ca.der)]);
      const ske = get(msgs, HandshakeType.server_key_exchange).message;
      expect(ske.params).toMatchObject({ kind: 'ecdhe', group: 29 });
      expect(ske.params.publicKey.length).toBe(32); // x25519 (RFC 8422 §5.4.1)
      expect(verifySke(msgs)).toBe(0x0403);
    } finally {
      srv.stop();
    }
  });

  it('ECDHE-RSA on secp256r1: uncompressed point and an RSA signature', async () => {
    const srv = await startOpensslServer(['-tls1_2', '-cert', rsaLeaf.cert, '-key', rsaLeaf.key]);
    try {
      const msgs = await exchange(await connect(srv.port),
        clientHelloRecord(['ECDHE-RSA-AES256-GCM-SHA384'], { ...baseExt, supportedGroups: [23], signatureAlgorithms: [0x0804, 0x0401] }));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 12, 14]);
      expect(get(msgs, HandshakeType.certificate).message.certificates.map(toHex)).toEqual([toHex(rsaLeaf.der)]);
      const ske = get(msgs, HandshakeType.server_key_exchange).message;
      expect(ske.params).toMatchObject({ kind: 'ecdhe', group: 23 });
      expect(ske.params.publicKey.length).toBe(65);
      expect(ske.params.publicKey[0]).toBe(4);
      expect([0x0804, 0x0401]).toContain(verifySke(msgs));
    } finally {
      srv.stop();
    }
  });

  it('DHE-RSA: p, g, Ys and the signature', async () => {
    const srv = await startOpensslServer(['-tls1_2', '-cert', rsaLeaf.cert, '-key', rsaLeaf.key, '-cipher', 'DHE-RSA-AES128-GCM-SHA256']);
    try {
      const msgs = await exchange(await connect(srv.port), clientHelloRecord(['DHE-RSA-AES128-GCM-SHA256'], baseExt));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 12, 14]);
      const ske = get(msgs, HandshakeType.server_key_exchange).message;
      if (ske.params.kind !== 'dhe') throw new Error('expected DHE params');
      expect(ske.params.p.length).toBeGreaterThanOrEqual(256);
      expect(ske.params.p[0]).not.toBe(0);
      expect(ske.params.publicKey.length).toBeLessThanOrEqual(ske.params.p.length);
      expect(toHex(ske.params.g)).toBe('02');
      verifySke(msgs);
    } finally {
      srv.stop();
    }
  });

  it('RSA key exchange: no ServerKeyExchange', async () => {
    const srv = await startOpensslServer(['-tls1_2', '-cert', rsaLeaf.cert, '-key', rsaLeaf.key, '-cipher', 'AES128-GCM-SHA256']);
    try {
      const msgs = await exchange(await connect(srv.port), clientHelloRecord(['AES128-GCM-SHA256'], baseExt));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 14]);
      expect(get(msgs, HandshakeType.server_hello).message.cipherSuite).toBe(0x009c);
    } finally {
      srv.stop();
    }
  });

  it('CertificateRequest with the acceptable CA names (-verify, -CAfile)', async () => {
    const srv = await startOpensslServer(['-tls1_2', '-cert', ecLeaf.cert, '-key', ecLeaf.key, '-verify', '1', '-CAfile', ca.cert]);
    try {
      const msgs = await exchange(await connect(srv.port), clientHelloRecord(['ECDHE-ECDSA-AES256-GCM-SHA384'], baseExt));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 12, 13, 14]);
      const cr = get(msgs, HandshakeType.certificate_request).message;
      expect(cr.certificateTypes).toEqual(expect.arrayContaining([1, 64])); // rsa_sign, ecdsa_sign
      expect(cr.signatureAlgorithms).toEqual(expect.arrayContaining([0x0403, 0x0804]));
      expect(cr.certificateAuthorities.length).toBe(1);
      // The DN is the CA's subject Name, which appears verbatim inside the CA certificate's DER.
      const dn = Buffer.from(cr.certificateAuthorities[0]!);
      expect(Buffer.from(ca.der).includes(dn)).toBe(true);
      expect(dn.includes(Buffer.from('sanstls test CA'))).toBe(true);
    } finally {
      srv.stop();
    }
  });
});

describe('server flight from a node:tls server', () => {
  it('stapled OCSP (CertificateStatus), ALPN, session ticket ack', async () => {
    const ocsp = crypto.randomBytes(300); // node:tls staples whatever bytes the callback hands it
    const server = tls.createServer({
      key: readFileSync(rsaLeaf.key), cert: readFileSync(rsaLeaf.cert), maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'],
    });
    server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, ocsp));
    server.on('tlsClientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const unknownExt = { type: 0x7a7a, data: new Uint8Array(0) }; // servers must ignore it
      const msgs = await exchange(await connect(port), clientHelloRecord(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'], {
        ...baseExt, alpn: ['h2', 'http/1.1'], statusRequest: { statusType: 1, responderIds: [], requestExtensions: new Uint8Array(0) },
        sessionTicket: new Uint8Array(0),
      }, [unknownExt]));
      expect(msgs.map((m) => m.type)).toEqual([2, 11, 22, 12, 14]);
      const sh = get(msgs, HandshakeType.server_hello).message;
      expect(sh.cipherSuite).toBe(0xc02f);
      expect(sh.ext.alpn).toBe('http/1.1');
      expect(sh.ext.statusRequest).toBe(true);
      expect(sh.ext.sessionTicket).toBe(true);
      expect(sh.ext.raw.map((e) => e.type)).not.toContain(0x7a7a);
      expect(sh.ext.raw.map((e) => e.type)).toContain(ExtensionType.extended_master_secret);
      expect(get(msgs, HandshakeType.certificate).message.certificates.map(toHex)).toEqual([toHex(rsaLeaf.der)]);
      expect(toHex(get(msgs, HandshakeType.certificate_status).message.ocspResponse)).toBe(toHex(ocsp));
      verifySke(msgs);
    } finally {
      server.close();
    }
  });
});
