// Bad input to the server: a real ClientHello (from a node:tls client), replayed with one thing wrong,
// and scripted out-of-order or malformed client flights. Each row: the bytes and the alert that must
// come out, once, after which the connection accepts nothing.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeClientHello,
  encodeClientHello,
  ExtensionType,
  loadCredential,
  ServerConnection,
  TLS_FALLBACK_SCSV,
  type ServerCredential,
  type ServerOptions,
} from '../../src/index.js';
import { listenOnce } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, handshakeRecords, message, record, seededProvider } from './helpers.js';

let pki: Pki;
let creds: ServerCredential[];
/** A ClientHello exactly as node:tls sent it (TLS 1.2 only). */
let CH: Uint8Array;

afterAll(cleanupPkis);
beforeAll(async () => {
  pki = makePki();
  creds = [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem), loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem)];
  const l = await listenOnce();
  const client = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] });
  client.on('error', () => {});
  const sock = await l.accepted;
  const first = await new Promise<Uint8Array>((resolve) => sock.once('data', (b: Buffer) => resolve(new Uint8Array(b))));
  sock.destroy();
  client.destroy();
  expect(first[0]).toBe(22);
  const len = (first[3]! << 8) | first[4]!;
  CH = first.slice(5, 5 + len);
  expect(CH[0]).toBe(1);
});

const options = (extra: Partial<ServerOptions> = {}): ServerOptions => ({ credentials: creds, crypto: seededProvider('bad-input-server'), ...extra });
const body = (m: Uint8Array) => m.subarray(4);
type Hello = ReturnType<typeof decodeClientHello>;
const withHello = (f: (ch: Hello) => Parameters<typeof encodeClientHello>[0]) => message(1, encodeClientHello(f(decodeClientHello(body(CH)))));
const setExt = (ch: Hello, type: number, data: Uint8Array | null) => ({
  ...ch,
  extensions: [...ch.extensions.filter((e) => e.type !== type), ...(data ? [{ type, data }] : [])],
});
const CCS = record(20, Uint8Array.of(1));
/** ClientKeyExchange carrying an ECPoint. */
const cke = (point: Uint8Array) => message(16, Uint8Array.from([point.length, ...point]));

interface Row {
  name: string;
  bytes: () => Uint8Array;
  alert: string;
  code?: string;
  options?: () => Partial<ServerOptions>;
  /** The failure comes after our flight was sent: the alert is the last record. */
  afterFlight?: boolean;
}

const rows: Row[] = [
  { name: 'ClientHello offering at most TLS 1.1', bytes: () => handshakeRecords([withHello((ch) => ({ ...ch, version: 0x0302 }))]), alert: 'protocol_version' },
  { name: 'ClientHello offering SSL 3.0', bytes: () => handshakeRecords([withHello((ch) => ({ ...ch, version: 0x0300 }))]), alert: 'protocol_version' },
  {
    name: 'TLS 1.1 ClientHello with TLS_FALLBACK_SCSV',
    bytes: () => handshakeRecords([withHello((ch) => ({ ...ch, version: 0x0302, cipherSuites: [...ch.cipherSuites, TLS_FALLBACK_SCSV] }))]),
    alert: 'inappropriate_fallback',
  },
  { name: 'ClientHello with no suite in common', bytes: () => handshakeRecords([withHello((ch) => ({ ...ch, cipherSuites: [0x002f, 0x0035] }))]), alert: 'handshake_failure' },
  {
    name: 'ClientHello with only unknown groups',
    bytes: () => handshakeRecords([withHello((ch) => setExt(ch, ExtensionType.supported_groups, Uint8Array.of(0, 2, 0, 30)))]),
    alert: 'handshake_failure',
  },
  {
    name: 'ClientHello without null compression',
    bytes: () => {
      const b = body(CH).slice();
      const at = 2 + 32 + 1 + b[34]!;
      const suitesLen = (b[at]! << 8) | b[at + 1]!;
      const comp = at + 2 + suitesLen; // compression_methods<1..255>: [1, 0] → [1, 1]
      expect(Array.from(b.subarray(comp, comp + 2))).toEqual([1, 0]);
      b[comp + 1] = 1;
      return handshakeRecords([message(1, b)]);
    },
    alert: 'decode_error',
  },
  { name: 'ClientHello truncated', bytes: () => handshakeRecords([message(1, body(CH).slice(0, 40))]), alert: 'decode_error' },
  { name: 'ClientHello with a trailing byte', bytes: () => handshakeRecords([message(1, concat([body(CH), Uint8Array.of(0)]))]), alert: 'decode_error' },
  {
    name: 'ClientHello with non-empty renegotiation_info',
    bytes: () => handshakeRecords([withHello((ch) => setExt(ch, ExtensionType.renegotiation_info, Uint8Array.of(1, 9)))]),
    alert: 'handshake_failure',
  },
  {
    name: 'ClientHello with ec_point_formats lacking uncompressed',
    bytes: () => handshakeRecords([withHello((ch) => setExt(ch, ExtensionType.ec_point_formats, Uint8Array.of(1, 1)))]),
    alert: 'illegal_parameter',
  },
  { name: 'ClientHello with no ALPN protocol in common', bytes: () => handshakeRecords([CH]), alert: 'no_application_protocol', options: () => ({ alpn: ['h2'] }) },
  {
    name: 'ClientHello with a malformed server_name',
    bytes: () => handshakeRecords([withHello((ch) => setExt(ch, ExtensionType.server_name, Uint8Array.of(0, 9, 0, 0, 1, 0x61)))]),
    alert: 'decode_error',
  },
  { name: 'ClientHello twice', bytes: () => handshakeRecords([CH, CH]), alert: 'unexpected_message', afterFlight: true },
  { name: 'ClientKeyExchange first', bytes: () => handshakeRecords([cke(new Uint8Array(32))]), alert: 'unexpected_message' },
  { name: 'Finished first', bytes: () => handshakeRecords([message(20, new Uint8Array(12))]), alert: 'unexpected_message' },
  { name: 'ChangeCipherSpec first', bytes: () => CCS, alert: 'unexpected_message' },
  { name: 'ChangeCipherSpec before ClientKeyExchange (early CCS)', bytes: () => concat([handshakeRecords([CH]), CCS]), alert: 'unexpected_message', afterFlight: true },
  { name: 'Finished without ChangeCipherSpec', bytes: () => handshakeRecords([CH, cke(new Uint8Array(32).fill(9)), message(20, new Uint8Array(12))]), alert: 'unexpected_message', afterFlight: true },
  { name: 'ClientKeyExchange with an all-zero x25519 share', bytes: () => handshakeRecords([CH, cke(new Uint8Array(32))]), alert: 'illegal_parameter', afterFlight: true },
  { name: 'ClientKeyExchange with a share of the wrong length', bytes: () => handshakeRecords([CH, cke(new Uint8Array(31).fill(9))]), alert: 'illegal_parameter', afterFlight: true },
  {
    name: 'ClientKeyExchange with a P-256 point off the curve',
    bytes: () => handshakeRecords([CH, cke(Uint8Array.from([4, ...new Uint8Array(64).fill(1)]))]),
    alert: 'illegal_parameter',
    options: () => ({ groups: ['secp256r1'] }),
    afterFlight: true,
  },
  { name: 'ClientKeyExchange with an empty body', bytes: () => handshakeRecords([CH, message(16, new Uint8Array(0))]), alert: 'decode_error', afterFlight: true },
  { name: 'Certificate sent unrequested', bytes: () => handshakeRecords([CH, message(11, Uint8Array.of(0, 0, 0))]), alert: 'unexpected_message', afterFlight: true },
  { name: 'CertificateVerify sent unrequested', bytes: () => handshakeRecords([CH, message(15, Uint8Array.of(4, 3, 0, 0))]), alert: 'unexpected_message', afterFlight: true },
  { name: 'HelloRequest sent to a server', bytes: () => handshakeRecords([message(0, new Uint8Array(0))]), alert: 'unexpected_message' },
  { name: 'ServerHello sent to a server', bytes: () => handshakeRecords([message(2, body(CH))]), alert: 'unexpected_message' },
  { name: 'unknown handshake type', bytes: () => handshakeRecords([message(200, new Uint8Array(1))]), alert: 'unexpected_message' },
  { name: 'application data before the handshake', bytes: () => record(23, Uint8Array.of(1)), alert: 'unexpected_message' },
  { name: 'ClientHello over the size limit', bytes: () => record(22, Uint8Array.of(1, 0x01, 0, 0)), alert: 'illegal_parameter', code: 'HANDSHAKE_MESSAGE_TOO_LARGE' },
  { name: 'SSLv2-compatible ClientHello', bytes: () => Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01, 0, 0x15, 0, 0, 0, 0x10), alert: 'protocol_version', code: 'UNSUPPORTED_SSLV2_HELLO' },
  { name: 'record over 2^14 bytes', bytes: () => record(22, new Uint8Array((1 << 14) + 1)), alert: 'record_overflow' },
  { name: 'record version {2,0}', bytes: () => record(22, CH, 0x0200), alert: 'protocol_version' },
  { name: 'warning alert flood', bytes: () => concat(Array.from({ length: 9 }, () => record(21, Uint8Array.of(1, 90)))), alert: 'unexpected_message', code: 'TOO_MANY_WARNING_ALERTS' },
];

describe('server bad input: each row gives its alert, once, and then nothing', () => {
  it('the real ClientHello is answered with a full flight', () => {
    const s = new ServerConnection(options());
    s.receive(record(22, CH, 0x0301));
    expect(s.events()).toEqual([]);
    const out = s.takeOutgoing();
    expect(out[0]).toBe(22);
    expect(s.handshakeState).toBe('waitClientKeyExchange');
  });

  it('unknown ClientHello extensions are ignored', () => {
    const s = new ServerConnection(options());
    s.receive(handshakeRecords([withHello((ch) => setExt(ch, 0x7777, Uint8Array.of(1, 2, 3)))]));
    expect(s.events()).toEqual([]);
    expect(s.handshakeState).toBe('waitClientKeyExchange');
  });

  for (const row of rows) {
    it(`${row.name} → ${row.alert}`, () => {
      const s = new ServerConnection(options(row.options?.()));
      s.receive(row.bytes());
      const events = s.events();
      const errors = events.filter((e) => e.type === 'error');
      expect(events.filter((e) => e.type !== 'error' && e.type !== 'alert')).toEqual([]);
      expect(errors).toHaveLength(1);
      const err = errors[0]!.type === 'error' ? errors[0]!.error : undefined;
      expect(err?.alert).toBe(row.alert);
      if (row.code) expect(err?.code).toBe(row.code);
      const out = s.takeOutgoing();
      const alert = [21, 3, 3, 0, 2, 2, err!.alertCode];
      if (row.afterFlight) {
        expect(out[0]).toBe(22);
        expect(Array.from(out.subarray(out.length - 7))).toEqual(alert);
      } else {
        expect(Array.from(out)).toEqual(alert);
      }
      s.receive(handshakeRecords([CH]));
      expect(s.events()).toEqual([]);
      expect(s.takeOutgoing().length).toBe(0);
      expect(() => s.write(Uint8Array.of(1))).toThrow();
    });
  }
});
