// Issue 4 in memory: every RSA, DHE and CBC suite between a sanstls client and a sanstls server, with and
// without encrypt-then-MAC, the DHE group negotiation of RFC 7919 §4, and the configuration rules
// (RSA key exchange only when configured, refused families named). Real peers: test/interop/kx-*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientConnection,
  DHE_CIPHER_SUITES,
  loadCredential,
  RSA_KEY_EXCHANGE_SUITES,
  ServerConnection,
  type ClientOptions,
  type ConnectionEvent,
  type HandshakeInfo,
  type ServerCredential,
  type ServerOptions,
} from '../../src/index.js';
import { equalBytes } from '../interop/matrix.js';
import { testData } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { splitMessages, splitRecords } from './helpers.js';

let pki: Pki;
let rsa: ServerCredential;
let p256: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  rsa = loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem);
  p256 = loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem);
});

interface Run {
  client: HandshakeInfo | undefined;
  server: HandshakeInfo | undefined;
  clientGot: Uint8Array;
  serverGot: Uint8Array;
  errors: ConnectionEvent[];
  /** Every handshake message type the server sent, in order. */
  serverTypes: number[];
  /** Handshake messages of the client's first flight after the ClientHello, plaintext ones. */
  clientHello: Uint8Array | undefined;
  /** 'session' events the client reported (a resumable session, with its ticket). */
  sessions: number;
}

/** Runs a client and a server against each other in memory, each sending `payload` once connected. */
function run(c: Partial<ClientOptions>, s: Partial<ServerOptions>, payload = testData(40_000, 3)): Run {
  const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, ...c });
  const server = new ServerConnection({ credentials: [rsa, p256], ...s });
  const res: Run = { client: undefined, server: undefined, clientGot: new Uint8Array(0), serverGot: new Uint8Array(0), errors: [], serverTypes: [], clientHello: undefined, sessions: 0 };
  const cat = (a: Uint8Array, b: Uint8Array) => {
    const o = new Uint8Array(a.length + b.length);
    o.set(a);
    o.set(b, a.length);
    return o;
  };
  let serverPlain = true;
  for (let i = 0; i < 20; i++) {
    const toServer = client.takeOutgoing();
    if (i === 0) res.clientHello = splitRecords(toServer)[0]?.payload;
    server.receive(toServer);
    for (const e of server.events()) {
      if (e.type === 'handshake') {
        res.server = e.info;
        server.write(payload);
      } else if (e.type === 'data') res.serverGot = cat(res.serverGot, e.data);
      else if (e.type === 'error') res.errors.push(e);
    }
    const toClient = server.takeOutgoing();
    for (const r of splitRecords(toClient)) {
      if (r.type === 20) serverPlain = false;
      if (r.type === 22 && serverPlain) res.serverTypes.push(...splitMessages(r.payload).map((m) => m[0]!));
    }
    client.receive(toClient);
    for (const e of client.events()) {
      if (e.type === 'handshake') {
        res.client = e.info;
        client.write(payload);
      } else if (e.type === 'data') res.clientGot = cat(res.clientGot, e.data);
      else if (e.type === 'error') res.errors.push(e);
      else if (e.type === 'session') res.sessions++;
    }
    if (toServer.length === 0 && toClient.length === 0 && i > 2) break;
  }
  return res;
}

const ALL = [
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-SHA', 'DHE-RSA-AES256-SHA', 'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-SHA256',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'AES128-SHA256', 'AES256-SHA256',
];

describe('every new suite, sanstls ↔ sanstls, data both ways', () => {
  for (const suite of ALL) {
    for (const etm of [true, false]) {
      const cbc = !/GCM|CHACHA/.test(suite);
      if (!cbc && !etm) continue;
      it(`${suite}${cbc ? (etm ? ' encrypt-then-MAC' : ' MAC-then-encrypt') : ''}`, () => {
        const r = run({ cipherSuites: [suite], encryptThenMac: etm }, { cipherSuites: [suite] });
        expect(r.errors).toEqual([]);
        const kx = suite.startsWith('ECDHE') ? 'ECDHE' : suite.startsWith('DHE') ? 'DHE' : 'RSA';
        for (const info of [r.client, r.server]) {
          expect(info).toMatchObject({ cipherSuiteOpenssl: suite, keyExchange: kx, encryptThenMac: cbc && etm });
          expect(info!.group).toBe(kx === 'ECDHE' ? 'x25519' : kx === 'DHE' ? 'ffdhe2048' : undefined);
          expect(info!.signatureScheme === undefined).toBe(kx === 'RSA');
        }
        // RFC 5246 §7.4.3: no ServerKeyExchange (12) with RSA key exchange. Then, answering the client's
        // flight, NewSessionTicket (4) before the server's CCS (RFC 5077 §3.3): our client offers
        // session_ticket by default and our server issues tickets by default (extended master secret sessions).
        expect(r.serverTypes).toEqual([...(kx === 'RSA' ? [2, 11, 14] : [2, 11, 12, 14]), 4]);
        expect(r.sessions).toBe(1);
        expect(equalBytes(r.clientGot, testData(40_000, 3))).toBe(true);
        expect(equalBytes(r.serverGot, testData(40_000, 3))).toBe(true);
      });
    }
  }
});

describe('DHE groups (RFC 7919 §4)', () => {
  const dhe = ['DHE-RSA-AES128-GCM-SHA256'];
  it('the server takes its first group among those the client lists', () => {
    const r = run({ cipherSuites: dhe, dheGroups: ['ffdhe4096', 'ffdhe3072'] }, { cipherSuites: dhe, dheGroups: ['ffdhe3072', 'ffdhe4096'] });
    expect(r.errors).toEqual([]);
    expect(r.client).toMatchObject({ group: 'ffdhe3072', dhBits: 3072 });
    expect(r.server).toMatchObject({ group: 'ffdhe3072', dhBits: 3072 });
  });
  it('ffdhe4096 end to end', () => {
    const r = run({ cipherSuites: dhe, dheGroups: ['ffdhe4096'] }, { cipherSuites: dhe });
    expect(r.client).toMatchObject({ group: 'ffdhe4096', dhBits: 4096 });
  });
  it('a client listing only groups the server lacks gets no DHE suite', () => {
    const r = run({ cipherSuites: [...dhe, 'ECDHE-RSA-AES128-GCM-SHA256'], dheGroups: ['ffdhe4096'] }, { cipherSuites: [...dhe, 'ECDHE-RSA-AES128-GCM-SHA256'], dheGroups: ['ffdhe2048'] });
    expect(r.server).toMatchObject({ keyExchange: 'ECDHE' });
  });
  it('a client listing no FFDHE group gets ffdhe2048', () => {
    // No DHE group in our offer: dheGroups are listed only with DHE suites, so offer DHE with an empty list.
    const r = run({ cipherSuites: dhe, dheGroups: [] }, { cipherSuites: dhe, dheGroups: ['ffdhe4096', 'ffdhe2048'] });
    expect(r.server).toMatchObject({ group: 'ffdhe2048' });
  });
});

describe('configuration', () => {
  it('a default server does not use RSA key exchange; rsaKeyExchange: true enables it', () => {
    const rsaOnly = { cipherSuites: [...RSA_KEY_EXCHANGE_SUITES] };
    const refused = run(rsaOnly, {});
    expect(refused.errors.map((e) => e.type === 'error' && e.error.code)).toContain('NO_SHARED_CIPHER');
    const ok = run(rsaOnly, { rsaKeyExchange: true });
    expect(ok.errors).toEqual([]);
    expect(ok.server).toMatchObject({ keyExchange: 'RSA', cipherSuiteOpenssl: 'AES128-GCM-SHA256' });
  });
  it('a default server does not use DHE; naming the suites enables it', () => {
    const dheOnly = { cipherSuites: [...DHE_CIPHER_SUITES] };
    expect(run(dheOnly, {}).errors).toHaveLength(2); // handshake_failure sent, and received by the client
    expect(run(dheOnly, { cipherSuites: [...DHE_CIPHER_SUITES] }).server).toMatchObject({ keyExchange: 'DHE' });
  });
  it('default client offer: ECDHE AEAD, ECDHE CBC, DHE, then RSA; encrypt_then_mac and ffdhe groups offered', () => {
    const c = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
    const hello = splitMessages(splitRecords(c.takeOutgoing())[0]!.payload)[0]!;
    const b = hello.subarray(4);
    const at = 2 + 32 + 1 + b[34]!;
    const n = ((b[at]! << 8) | b[at + 1]!) / 2;
    const suites = Array.from({ length: n }, (_, i) => (b[at + 2 + 2 * i]! << 8) | b[at + 3 + 2 * i]!);
    const kind = (code: number) => ([0x9e, 0x9f, 0xccaa, 0x33, 0x39, 0x67, 0x6b].includes(code) ? 'D' : code >= 0xc000 ? 'E' : 'R');
    const order = suites.map(kind).join('').replace(/(.)\1+/g, '$1');
    expect(order).toBe('EDR');
    const hex = Buffer.from(hello).toString('hex');
    expect(hex).toContain('00160000'); // encrypt_then_mac, empty
    expect(hex).toContain('010001010102'); // ffdhe2048, ffdhe3072, ffdhe4096 in supported_groups
  });
  it('a server does not echo encrypt_then_mac for an AEAD suite (RFC 7366 §3)', () => {
    const r = run({}, {});
    expect(r.server).toMatchObject({ cipherSuiteOpenssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', encryptThenMac: false });
    expect(r.client).toMatchObject({ encryptThenMac: false });
  });
  it('rsaKeyExchange: false with RSA suites named is refused', () => {
    expect(() => new ServerConnection({ credentials: [rsa], rsaKeyExchange: false, cipherSuites: ['AES128-SHA'] })).toThrow(/rsaKeyExchange/);
    expect(() => new ClientConnection({ serverName: 'localhost', ca: pki.caPem, rsaKeyExchange: false, cipherSuites: ['AES128-SHA'] })).toThrow(/rsaKeyExchange/);
  });
  it('a client with rsaKeyExchange: false does not offer RSA suites', () => {
    const r = run({ rsaKeyExchange: false }, { cipherSuites: [...RSA_KEY_EXCHANGE_SUITES] });
    expect(r.errors.map((e) => e.type === 'error' && e.error.code)).toContain('NO_SHARED_CIPHER');
  });
  for (const [name, why] of [
    ['RC4-SHA', /RC4/], ['ECDHE-RSA-RC4-SHA', /RC4/], ['DES-CBC3-SHA', /3DES/], ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', /3DES/], ['DES-CBC-SHA', /DES/],
    ['EXP-RC4-MD5', /export/], ['NULL-SHA', /NULL/], ['TLS_RSA_WITH_NULL_SHA256', /NULL/], ['ADH-AES128-SHA', /anonymous/], ['AECDH-AES128-SHA', /anonymous/],
  ] as const) {
    it(`${name} is refused with its reason`, () => {
      expect(() => new ServerConnection({ credentials: [rsa], cipherSuites: [name] })).toThrow(why);
      expect(() => new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: ['AES128-SHA', name] })).toThrow(why);
    });
  }
});
