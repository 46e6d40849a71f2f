// Bad input to the client: a real `openssl s_server` flight, recorded once against a seeded client, then
// replayed with one thing wrong into fresh clients with the same seed (so every signature in the flight
// still verifies unless the case breaks it). Each row: the bytes, and the alert that must come out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientConnection,
  decodeServerHello,
  encodeCertificate,
  encodeServerHello,
  ExtensionType,
  type ClientOptions,
} from '../../src/index.js';
import { connect, startOpensslServer } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, handshakeRecords, message, record, recordSession, seededProvider, splitMessages, splitRecords } from './helpers.js';

const SEED = 'bad-input-client';
let pki: Pki;
let otherPki: Pki;
/** ServerHello, Certificate, ServerKeyExchange, ServerHelloDone as openssl sent them. */
let SH: Uint8Array, CERT: Uint8Array, SKE: Uint8Array, SHD: Uint8Array;
/** ChangeCipherSpec and the encrypted Finished. */
let TAIL: Uint8Array;
let CCS: Uint8Array;
let FIN: Uint8Array;

// The table is about one flight with one thing wrong, from ServerHello to Finished: the client offers no
// session_ticket (sessionTickets: false) so that openssl's last flight is CCS and Finished only and the rows
// about session_ticket and an unnegotiated NewSessionTicket mean what they say. The flight with a ticket has
// its own rows below.
const options = (extra: Partial<ClientOptions> = {}): ClientOptions => ({
  serverName: 'localhost',
  ca: pki.caPem,
  crypto: seededProvider(SEED),
  cipherSuites: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  sessionTickets: false,
  ...extra,
});

/** The same server with session tickets (the client's default): ServerHello acknowledges, NewSessionTicket before CCS. */
const TICKET_SEED = `${SEED}-tickets`;
const ticketOptions = (): ClientOptions => options({ crypto: seededProvider(TICKET_SEED), sessionTickets: true });
let T: { flight: Uint8Array[]; nst: Uint8Array; ccs: Uint8Array; fin: Uint8Array };

afterAll(cleanupPkis);
beforeAll(async () => {
  pki = makePki();
  otherPki = makePki();
  const leaf = pki.leaves.p256;
  const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile, '-www'], 2);
  try {
    const live = await recordSession(new ClientConnection(options()), await connect(srv.port), (_n, c) => c.state === 'connected');
    expect(live.events[0]?.type).toBe('handshake');
    const recs = splitRecords(concat(live.peerChunks));
    const ccsAt = recs.findIndex((r) => r.type === 20);
    const flight = splitMessages(concat(recs.slice(0, ccsAt).map((r) => r.payload)));
    expect(flight.map((m) => m[0])).toEqual([2, 11, 12, 14]);
    [SH, CERT, SKE, SHD] = flight as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    CCS = record(20, recs[ccsAt]!.payload);
    FIN = record(22, recs[ccsAt + 1]!.payload);
    TAIL = concat([CCS, FIN]);
    // Again, offering session_ticket: openssl acknowledges it and sends NewSessionTicket before its CCS.
    const withTicket = await recordSession(new ClientConnection(ticketOptions()), await connect(srv.port), (_n, c) => c.state === 'connected');
    expect(withTicket.events.map((e) => e.type)).toEqual(['handshake', 'session']);
    const trecs = splitRecords(concat(withTicket.peerChunks));
    const tccs = trecs.findIndex((r) => r.type === 20);
    const messages = splitMessages(concat(trecs.slice(0, tccs).map((r) => r.payload)));
    expect(messages.map((m) => m[0])).toEqual([2, 11, 12, 14, 4]);
    T = { flight: messages.slice(0, 4), nst: messages[4]!, ccs: record(20, trecs[tccs]!.payload), fin: record(22, trecs[tccs + 1]!.payload) };
  } finally {
    srv.stop();
  }
});

const body = (m: Uint8Array) => m.subarray(4);
function withServerHello(f: (sh: ReturnType<typeof decodeServerHello>) => Parameters<typeof encodeServerHello>[0]): Uint8Array {
  return message(2, encodeServerHello(f(decodeServerHello(body(SH)))));
}
function flip(m: Uint8Array, index: number): Uint8Array {
  const c = m.slice();
  c[index < 0 ? c.length + index : index]! ^= 0x01;
  return c;
}
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

interface Row {
  name: string;
  bytes: () => Uint8Array;
  alert: string;
  /** Error code, when the row pins it. */
  code?: string;
  /** The alert is received from the peer, nothing is sent. */
  remote?: boolean;
  /** The failure happens after our ChangeCipherSpec: the alert goes out encrypted. */
  encrypted?: boolean;
  options?: () => Partial<ClientOptions>;
}

const rows: Row[] = [
  // ServerHello
  { name: 'ServerHello truncated by one byte', bytes: () => handshakeRecords([message(2, body(SH).slice(0, -1))]), alert: 'decode_error' },
  { name: 'ServerHello with a trailing byte', bytes: () => handshakeRecords([message(2, concat([body(SH), Uint8Array.of(0)]))]), alert: 'decode_error' },
  { name: 'ServerHello choosing TLS 1.1', bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, version: 0x0302 }))]), alert: 'protocol_version' },
  { name: 'ServerHello choosing TLS 1.3', bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, version: 0x0304 }))]), alert: 'protocol_version' },
  { name: 'ServerHello with a suite not offered', bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, cipherSuite: 0xc02f }))]), alert: 'illegal_parameter' },
  { name: 'ServerHello with deflate compression', bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, compressionMethod: 1 }))]), alert: 'illegal_parameter' },
  {
    name: 'ServerHello with session_ticket not offered',
    bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, extensions: [...sh.extensions, { type: ExtensionType.session_ticket, data: new Uint8Array(0) }] }))]),
    alert: 'unsupported_extension',
  },
  {
    name: 'ServerHello with an unknown extension',
    bytes: () => handshakeRecords([withServerHello((sh) => ({ ...sh, extensions: [...sh.extensions, { type: 0x1234, data: new Uint8Array(0) }] }))]),
    alert: 'unsupported_extension',
  },
  {
    name: 'ServerHello with a duplicated extension',
    bytes: () => {
      // Re-encoding refuses duplicates, so append one by hand: extensions length + 4, then the copy.
      const b = body(SH).slice();
      const extStart = 2 + 32 + 1 + b[34]! + 3;
      const len = (b[extStart]! << 8) | b[extStart + 1]!;
      const first = b.subarray(extStart + 2, extStart + 2 + 4 + ((b[extStart + 4]! << 8) | b[extStart + 5]!));
      const out = concat([b, first]);
      out[extStart] = (len + first.length) >> 8;
      out[extStart + 1] = (len + first.length) & 0xff;
      return handshakeRecords([message(2, out)]);
    },
    alert: 'illegal_parameter',
  },
  {
    name: 'ServerHello with non-empty renegotiation_info',
    bytes: () => handshakeRecords([withServerHello((sh) => ({
      ...sh,
      extensions: sh.extensions.map((e) => (e.type === ExtensionType.renegotiation_info ? { type: e.type, data: Uint8Array.of(1, 7) } : e)),
    }))]),
    alert: 'handshake_failure',
  },
  { name: 'ServerHello twice', bytes: () => handshakeRecords([SH, SH]), alert: 'unexpected_message' },
  // Certificate
  { name: 'Certificate skipped', bytes: () => handshakeRecords([SH, SKE, SHD]), alert: 'unexpected_message' },
  { name: 'Certificate twice', bytes: () => handshakeRecords([SH, CERT, CERT]), alert: 'unexpected_message' },
  { name: 'Certificate with an empty list', bytes: () => handshakeRecords([SH, message(11, encodeCertificate({ certificates: [] }))]), alert: 'decode_error' },
  { name: 'Certificate with a bad list length', bytes: () => handshakeRecords([SH, message(11, flip(body(CERT), 2))]), alert: 'decode_error' },
  { name: 'Certificate that is not DER', bytes: () => handshakeRecords([SH, message(11, encodeCertificate({ certificates: [Uint8Array.of(1, 2, 3)] }))]), alert: 'bad_certificate' },
  {
    name: 'Certificate from an unknown CA',
    bytes: () => handshakeRecords([SH, message(11, encodeCertificate({ certificates: [derOf(otherPki.leaves.p256.certPem)] }))]),
    alert: 'unknown_ca',
  },
  {
    name: 'Certificate with a key that does not fit the suite (RSA for ECDHE_ECDSA)',
    bytes: () => handshakeRecords([SH, message(11, encodeCertificate({ certificates: [derOf(pki.leaves.rsa2048.certPem)] }))]),
    alert: 'unsupported_certificate',
  },
  { name: 'Certificate for another host name', bytes: () => handshakeRecords([SH, CERT]), alert: 'bad_certificate', options: () => ({ serverName: 'other.example' }) },
  // ServerKeyExchange
  { name: 'ServerKeyExchange skipped', bytes: () => handshakeRecords([SH, CERT, SHD]), alert: 'unexpected_message' },
  { name: 'ServerKeyExchange with a corrupted signature', bytes: () => handshakeRecords([SH, CERT, flip(SKE, -5)]), alert: 'decrypt_error' },
  { name: 'ServerKeyExchange with a tampered public value', bytes: () => handshakeRecords([SH, CERT, flip(SKE, 10)]), alert: 'decrypt_error' },
  { name: 'ServerKeyExchange with a group not offered', bytes: () => handshakeRecords([SH, CERT, message(12, Uint8Array.from([3, 0, 25, ...body(SKE).subarray(3)]))]), alert: 'illegal_parameter' },
  { name: 'ServerKeyExchange with explicit curve parameters', bytes: () => handshakeRecords([SH, CERT, message(12, Uint8Array.from([1, ...body(SKE).subarray(1)]))]), alert: 'illegal_parameter' },
  {
    name: 'ServerKeyExchange signed with a scheme not offered (ecdsa_sha1)',
    bytes: () => {
      const b = body(SKE).slice();
      const at = 4 + b[3]!; // curve_type(1) group(2) point<1..255>
      b[at] = 0x02;
      b[at + 1] = 0x03;
      return handshakeRecords([SH, CERT, message(12, b)]);
    },
    alert: 'illegal_parameter',
  },
  {
    name: 'ServerKeyExchange with an RSA scheme for an ECDSA key',
    bytes: () => {
      const b = body(SKE).slice();
      const at = 4 + b[3]!;
      b[at] = 0x04;
      b[at + 1] = 0x01; // rsa_pkcs1_sha256: offered, but not for this key
      return handshakeRecords([SH, CERT, message(12, b)]);
    },
    alert: 'illegal_parameter',
  },
  { name: 'ServerKeyExchange truncated', bytes: () => handshakeRecords([SH, CERT, message(12, body(SKE).slice(0, -3))]), alert: 'decode_error' },
  { name: 'ServerKeyExchange twice', bytes: () => handshakeRecords([SH, CERT, SKE, SKE]), alert: 'unexpected_message' },
  // ServerHelloDone and later
  { name: 'ServerHelloDone with a body', bytes: () => handshakeRecords([SH, CERT, SKE, message(14, Uint8Array.of(0))]), alert: 'decode_error' },
  { name: 'ServerHelloDone twice', bytes: () => handshakeRecords([SH, CERT, SKE, SHD, SHD]), alert: 'unexpected_message', encrypted: true },
  { name: 'Finished before ChangeCipherSpec', bytes: () => handshakeRecords([SH, CERT, SKE, SHD, message(20, new Uint8Array(12))]), alert: 'unexpected_message', encrypted: true },
  { name: 'Finished corrupted in transit', bytes: () => concat([handshakeRecords([SH, CERT, SKE, SHD]), CCS, flip(FIN, -1)]), alert: 'bad_record_mac', encrypted: true },
  // After the first CCS the read state is protected, so a second plaintext CCS fails authentication.
  { name: 'ChangeCipherSpec twice', bytes: () => concat([handshakeRecords([SH, CERT, SKE, SHD]), CCS, CCS]), alert: 'bad_record_mac', encrypted: true },
  // Out-of-order and foreign messages
  { name: 'early ChangeCipherSpec after ServerHello (CVE-2014-0224)', bytes: () => concat([handshakeRecords([SH, CERT]), CCS]), alert: 'unexpected_message' },
  { name: 'ChangeCipherSpec before anything', bytes: () => CCS, alert: 'unexpected_message' },
  { name: 'application data before the handshake', bytes: () => record(23, Uint8Array.of(1, 2, 3)), alert: 'unexpected_message' },
  { name: 'ClientHello sent to a client', bytes: () => handshakeRecords([message(1, body(SH))]), alert: 'unexpected_message' },
  { name: 'NewSessionTicket not negotiated', bytes: () => handshakeRecords([SH, CERT, SKE, SHD, message(4, new Uint8Array(6))]), alert: 'unexpected_message', encrypted: true },
  { name: 'CertificateVerify sent to a client', bytes: () => handshakeRecords([SH, message(15, Uint8Array.of(4, 3, 0, 0))]), alert: 'unexpected_message' },
  { name: 'unknown handshake type 99', bytes: () => handshakeRecords([message(99, new Uint8Array(3))]), alert: 'unexpected_message' },
  { name: 'HelloRequest with a body', bytes: () => handshakeRecords([message(0, Uint8Array.of(0))]), alert: 'decode_error' },
  // Record layer
  { name: 'handshake message over the size limit', bytes: () => record(22, Uint8Array.of(11, 0x10, 0, 0)), alert: 'illegal_parameter', code: 'HANDSHAKE_MESSAGE_TOO_LARGE' },
  { name: 'plaintext record over 2^14 bytes', bytes: () => record(22, new Uint8Array((1 << 14) + 1)), alert: 'record_overflow' },
  { name: 'record version {3,0}', bytes: () => record(22, SH, 0x0300), alert: 'protocol_version' },
  { name: 'record with a different version after ServerHello', bytes: () => concat([handshakeRecords([SH]), record(22, CERT, 0x0301)]), alert: 'protocol_version' },
  { name: 'unknown record content type', bytes: () => record(99, Uint8Array.of(1)), alert: 'unexpected_message' },
  { name: 'empty handshake record', bytes: () => record(22, new Uint8Array(0)), alert: 'unexpected_message' },
  { name: 'ChangeCipherSpec of value 2', bytes: () => concat([handshakeRecords([SH, CERT, SKE, SHD]), record(20, Uint8Array.of(2))]), alert: 'decode_error', encrypted: true },
  { name: 'alert record of three bytes', bytes: () => record(21, Uint8Array.of(2, 40, 0)), alert: 'decode_error' },
  {
    name: 'ChangeCipherSpec inside a fragmented handshake message',
    bytes: () => concat([handshakeRecords([SH]), record(22, CERT.subarray(0, 10)), CCS]),
    alert: 'unexpected_message',
  },
  { name: 'fatal alert from the server', bytes: () => concat([handshakeRecords([SH]), record(21, Uint8Array.of(2, 40))]), alert: 'handshake_failure', remote: true, code: 'PEER_ALERT' },
];

function run(bytes: Uint8Array, extra?: Partial<ClientOptions>) {
  const c = new ClientConnection(options(extra));
  c.takeOutgoing();
  c.receive(bytes);
  return c;
}

describe('client bad input: each row gives its alert, once, and then nothing', () => {
  it('the unmodified flight completes (the table starts from a valid handshake)', () => {
    const c = run(concat([handshakeRecords([SH, CERT, SKE, SHD]), TAIL]));
    // openssl gives the session an ID (its session cache): resumable, so handed out ('session').
    expect(c.events().map((e) => e.type)).toEqual(['handshake', 'session']);
  });

  it('HelloRequest during the handshake is ignored and not hashed (RFC 5246 §7.4.1.1)', () => {
    const hr = message(0, new Uint8Array(0));
    const c = run(concat([handshakeRecords([SH, hr, CERT, hr, SKE, SHD]), TAIL]));
    expect(c.events().map((e) => e.type)).toEqual(['handshake', 'session']);
  });

  it('the flight split across records at every byte still completes', () => {
    const flight = concat([SH, CERT, SKE, SHD]);
    for (const cut of [1, 4, 5, 100, SH.length, SH.length + 1, flight.length - 1]) {
      const c = run(concat([record(22, flight.subarray(0, cut)), record(22, flight.subarray(cut)), TAIL]));
      expect(c.events().map((e) => e.type), `cut at ${cut}`).toEqual(['handshake', 'session']);
    }
  });

  for (const row of rows) {
    it(`${row.name} → ${row.alert}`, () => {
      const c = run(row.bytes(), row.options?.());
      const events = c.events();
      const errors = events.filter((e) => e.type === 'error');
      expect(errors).toHaveLength(1);
      const err = errors[0]!.type === 'error' ? errors[0]!.error : undefined;
      expect(err?.alert).toBe(row.alert);
      if (row.code) expect(err?.code).toBe(row.code);
      expect(err?.remote).toBe(!!row.remote);
      expect(c.state).toBe('failed');
      const out = c.takeOutgoing();
      if (row.remote) {
        expect(out.length).toBe(0);
      } else if (row.encrypted) {
        // Our flight went out first; the alert is the last record, protected (8 nonce + 2 + 16 tag).
        expect(Array.from(out.subarray(out.length - 31, out.length - 26))).toEqual([21, 3, 3, 0, 26]);
      } else {
        expect(Array.from(out)).toEqual([21, 3, 3, 0, 2, 2, err!.alertCode]);
      }
      // Over for good: nothing more is read or written.
      c.receive(concat([handshakeRecords([SH, CERT, SKE, SHD]), TAIL]));
      expect(c.events()).toEqual([]);
      expect(c.takeOutgoing().length).toBe(0);
      expect(() => c.write(Uint8Array.of(1))).toThrow();
    });
  }

  describe('with a session ticket (RFC 5077): NewSessionTicket between our flight and the server\'s CCS', () => {
    const runTicket = (bytes: Uint8Array) => {
      const c = new ClientConnection(ticketOptions());
      c.takeOutgoing();
      c.receive(bytes);
      return c;
    };
    const sessionOf = (c: ClientConnection) => c.events().flatMap((e) => (e.type === 'session' ? [e.session] : []));

    it('the unmodified flight completes and hands out the session with its ticket', () => {
      const c = runTicket(concat([handshakeRecords([...T.flight, T.nst]), T.ccs, T.fin]));
      expect(c.state).toBe('connected');
      const [session] = sessionOf(c);
      expect(session?.ticket).toEqual(T.nst.subarray(10));
      expect(session?.ticketLifetime).toBe((T.nst[4]! << 24 | T.nst[5]! << 16 | T.nst[6]! << 8 | T.nst[7]!) >>> 0);
    });

    const ticketRows: { name: string; bytes: () => Uint8Array; alert: string }[] = [
      { name: 'NewSessionTicket skipped although acknowledged', bytes: () => concat([handshakeRecords(T.flight), T.ccs, T.fin]), alert: 'unexpected_message' },
      { name: 'NewSessionTicket twice', bytes: () => handshakeRecords([...T.flight, T.nst, T.nst]), alert: 'unexpected_message' },
      { name: 'NewSessionTicket before ServerHelloDone', bytes: () => handshakeRecords([...T.flight.slice(0, 3), T.nst]), alert: 'unexpected_message' },
      { name: 'NewSessionTicket truncated', bytes: () => handshakeRecords([...T.flight, message(4, T.nst.subarray(4, -1))]), alert: 'decode_error' },
      { name: 'NewSessionTicket with a trailing byte', bytes: () => handshakeRecords([...T.flight, message(4, concat([T.nst.subarray(4), Uint8Array.of(0)]))]), alert: 'decode_error' },
      { name: 'Finished in place of NewSessionTicket', bytes: () => handshakeRecords([...T.flight, message(20, new Uint8Array(12))]), alert: 'unexpected_message' },
    ];
    for (const row of ticketRows) {
      it(`${row.name} → ${row.alert}`, () => {
        const c = runTicket(row.bytes());
        const errors = c.events().flatMap((e) => (e.type === 'error' ? [e.error] : []));
        expect(errors.map((e) => e.alert)).toEqual([row.alert]);
        expect(c.state).toBe('failed');
        expect(c.handshake).toBeUndefined();
      });
    }
  });

  it('EOF without close_notify is TRUNCATED, with no alert', () => {
    const c = run(handshakeRecords([SH, CERT]));
    c.receiveEof();
    const ev = c.events();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.type === 'error' && ev[0]!.error.code).toBe('TRUNCATED');
    expect(c.takeOutgoing().length).toBe(0);
  });
});

