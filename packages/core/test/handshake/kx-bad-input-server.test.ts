// Issue 4, bad input to the server.
//
// RSA key exchange (RFC 5246 §7.4.7.1, Bleichenbacher): a scripted client sends a real ClientHello, then a
// ClientKeyExchange whose RSA block it built by hand (raw RSA with node:crypto), ChangeCipherSpec and a
// Finished made with the keys of the premaster it meant. A well-formed block completes the handshake; every
// malformed one (wrong length, block >= n, bad padding of any kind, wrong premaster length, wrong version)
// must be accepted at ClientKeyExchange and fail only at Finished, exactly as a well-formed block whose
// premaster differs from the client's does: same error code, alert, message and bytes on the wire.
//
// DHE (RFC 7919 §5.1): the client's Yc must satisfy 1 < Yc < p-1. CBC: the client's encrypted Finished
// with any single byte changed, or its length changed, gives bad_record_mac, MAC-then-encrypt and
// encrypt-then-MAC alike.
import { constants, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { wasmProvider } from '@sanstls/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cipherSuiteByName,
  ClientConnection,
  decodeServerHello,
  decodeServerKeyExchange,
  loadCredential,
  ServerConnection,
  type ConnectionEvent,
  type ServerCredential,
} from '../../src/index.js';
import { finishedVerifyData, keyBlock, masterSecret } from '../../src/handshake/key-schedule.js';
import { protectorFor } from '../../src/handshake/protection.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, message, record, seededProvider, splitMessages, splitRecords } from './helpers.js';

let pki: Pki;
let rsa: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  rsa = loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem);
});

const CCS = record(20, Uint8Array.of(1));
const u16 = (n: number) => [n >> 8, n & 0xff];
const vec16 = (b: Uint8Array) => Uint8Array.from([...u16(b.length), ...b]);
const errorsOf = (evs: ConnectionEvent[]) => evs.flatMap((e) => (e.type === 'error' ? [{ code: e.error.code, alert: e.error.alert, message: e.error.message }] : []));

/** ClientHello from a sanstls client offering one suite, and the server's answer to it. */
function start(suite: string, etm: boolean, seed?: string) {
  const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [suite], encryptThenMac: etm, ...(seed ? { crypto: seededProvider(`${seed}-c`) } : {}) });
  const chRecord = client.takeOutgoing();
  const ch = splitRecords(chRecord)[0]!.payload;
  const server = new ServerConnection({ credentials: [rsa], cipherSuites: [suite], ...(seed ? { crypto: seededProvider(`${seed}-s`) } : {}) });
  server.receive(chRecord);
  const flight = splitMessages(concat(splitRecords(server.takeOutgoing()).map((r) => r.payload)));
  return { client, server, ch, flight, chRecord };
}

/** The records a client sends after ServerHelloDone: ClientKeyExchange, CCS, Finished under `premaster`. */
function clientFinish(suiteName: string, ch: Uint8Array, flight: Uint8Array[], cke: Uint8Array, premaster: Uint8Array) {
  const suite = cipherSuiteByName(suiteName)!;
  const sh = decodeServerHello(flight[0]!.subarray(4));
  const clientRandom = ch.subarray(6, 38);
  const transcript = concat([ch, ...flight, cke]);
  const hash = createHash(suite.prf).update(transcript).digest();
  expect(sh.ext.extendedMasterSecret).toBe(true);
  const master = masterSecret(wasmProvider, suite, premaster, { ems: true, sessionHash: hash });
  const kb = keyBlock(wasmProvider, suite, master, clientRandom, sh.random);
  const write = protectorFor(wasmProvider, suite, kb.client, sh.ext.encryptThenMac === true);
  const fin = message(20, finishedVerifyData(wasmProvider, suite, master, 'client', hash));
  const buf = new Uint8Array(write.prefixLength + fin.length + write.maxSuffixLength);
  buf.set(fin, write.prefixLength);
  const n = write.sealInPlace(buf, 0, fin.length, 22, 0x0303, new Uint8Array(8));
  write.dispose();
  return { cke: record(22, cke), finished: record(22, buf.subarray(0, n)) };
}

describe('RSA key exchange: every bad ciphertext fails at Finished exactly like a wrong premaster', () => {
  const pub = () => pki.leaves.rsa2048.certPem;
  const k = 256;
  const raw = (em: Uint8Array) => new Uint8Array(publicEncrypt({ key: pub(), padding: constants.RSA_NO_PADDING }, em));
  /** EME-PKCS1-v1_5 block: 00 02 PS 00 M, with PS non-zero random. */
  const block = (m: Uint8Array, opts: { first?: number; type?: number; psLength?: number; noSeparator?: boolean } = {}) => {
    const em = new Uint8Array(k);
    em[0] = opts.first ?? 0;
    em[1] = opts.type ?? 2;
    const ps = opts.psLength ?? k - 3 - m.length;
    for (let i = 2; i < 2 + ps; i++) em[i] = 1 + (randomBytes(1)[0]! % 255);
    em[2 + ps] = opts.noSeparator ? 0x5a : 0;
    em.set(m, k - m.length);
    if (opts.noSeparator) for (let i = 2; i < k; i++) if (em[i] === 0) em[i] = 0x5a;
    return em;
  };
  const premaster = (version = 0x0303, length = 48) => {
    const p = new Uint8Array(randomBytes(length));
    p[0] = version >> 8;
    p[1] = version & 0xff;
    return p;
  };

  interface Row {
    name: string;
    /** The ciphertext, and the premaster the client computes its keys from. */
    make: () => { ct: Uint8Array; pms: Uint8Array };
  }
  const good = (): { ct: Uint8Array; pms: Uint8Array } => {
    const pms = premaster();
    return { ct: raw(block(pms)), pms };
  };
  const bad: Row[] = [
    { name: 'a well-formed block, but the client keys from another premaster', make: () => ({ ct: raw(block(premaster())), pms: premaster() }) },
    { name: 'first byte 01', make: () => { const pms = premaster(); return { ct: raw(block(pms, { first: 1 })), pms }; } },
    { name: 'block type 01 (signature padding)', make: () => { const pms = premaster(); return { ct: raw(block(pms, { type: 1 })), pms }; } },
    { name: 'block type 00', make: () => { const pms = premaster(); return { ct: raw(block(pms, { type: 0 })), pms }; } },
    { name: 'no zero separator', make: () => { const pms = premaster(); return { ct: raw(block(pms, { noSeparator: true })), pms }; } },
    {
      name: 'padding string of 7 bytes',
      make: () => {
        const pms = premaster();
        return { ct: raw(block(new Uint8Array(k - 10).fill(3).map((x, i) => (i >= k - 10 - 48 ? pms[i - (k - 10 - 48)]! : x)), { psLength: 7 })), pms };
      },
    },
    { name: 'premaster of 47 bytes', make: () => { const pms = premaster(0x0303, 47); return { ct: raw(block(pms)), pms: concat([pms, Uint8Array.of(0)]) }; } },
    { name: 'premaster of 49 bytes', make: () => { const pms = premaster(0x0303, 49); return { ct: raw(block(pms)), pms: pms.subarray(1) }; } },
    { name: 'premaster of 0 bytes', make: () => ({ ct: raw(block(new Uint8Array(0))), pms: premaster() }) },
    { name: 'version 03 01 (rollback to TLS 1.0)', make: () => { const pms = premaster(0x0301); return { ct: raw(block(pms)), pms }; } },
    { name: 'version 03 00', make: () => { const pms = premaster(0x0300); return { ct: raw(block(pms)), pms }; } },
    { name: 'version 03 04', make: () => { const pms = premaster(0x0304); return { ct: raw(block(pms)), pms }; } },
    { name: 'ciphertext one byte short', make: () => { const g = good(); return { ct: g.ct.subarray(1), pms: g.pms }; } },
    { name: 'ciphertext one byte long', make: () => { const g = good(); return { ct: concat([Uint8Array.of(0), g.ct]), pms: g.pms }; } },
    { name: 'empty ciphertext', make: () => ({ ct: new Uint8Array(0), pms: premaster() }) },
    { name: 'ciphertext >= n (all ff)', make: () => ({ ct: new Uint8Array(k).fill(0xff), pms: premaster() }) },
    { name: 'ciphertext 0', make: () => ({ ct: new Uint8Array(k), pms: premaster() }) },
    { name: 'ciphertext 1', make: () => { const c = new Uint8Array(k); c[k - 1] = 1; return { ct: c, pms: premaster() }; } },
    { name: 'a valid ciphertext with one bit flipped', make: () => { const g = good(); g.ct[100]! ^= 0x10; return g; } },
  ];

  for (const suite of ['AES128-GCM-SHA256', 'AES128-SHA256']) {
    for (const etm of suite.includes('GCM') ? [true] : [true, false]) {
      const label = `${suite}${suite.includes('GCM') ? '' : etm ? ' encrypt-then-MAC' : ' MAC-then-encrypt'}`;
      /** Runs one ClientKeyExchange through a fresh server: what it did after the CKE and after the Finished. */
      const attempt = (make: () => { ct: Uint8Array; pms: Uint8Array }) => {
        const { server, ch, flight } = start(suite, etm);
        expect(flight.map((m) => m[0])).toEqual([2, 11, 14]);
        const { ct, pms } = make();
        const cke = message(16, vec16(ct));
        const rec = clientFinish(suite, ch, flight, cke, pms);
        server.receive(concat([rec.cke, CCS]));
        const afterCke = { events: server.events(), out: Array.from(server.takeOutgoing()), state: server.handshakeState };
        server.receive(rec.finished);
        const events = server.events();
        return { afterCke, errors: errorsOf(events), handshake: events.some((e) => e.type === 'handshake'), out: Array.from(server.takeOutgoing()) };
      };

      it(`${label}: the scripted client itself is right (a good ciphertext completes the handshake)`, () => {
        const r = attempt(good);
        expect(r.errors).toEqual([]);
        expect(r.handshake).toBe(true);
        // NewSessionTicket (the scripted client's ClientHello offers session_ticket, RFC 5077 §3.3), our
        // ChangeCipherSpec, then our Finished.
        expect(splitRecords(Uint8Array.from(r.out)).map((x) => x.type)).toEqual([22, 20, 22]);
      });

      it(`${label}: ${bad.length} kinds of bad ciphertext, one behaviour`, () => {
        const results = bad.map((row) => ({ row: row.name, ...attempt(row.make) }));
        for (const r of results) {
          // Accepted at ClientKeyExchange: no event, nothing sent, waiting for the Finished.
          expect(r.afterCke, r.row).toEqual({ events: [], out: [], state: 'waitFinished' });
          expect(r.handshake, r.row).toBe(false);
          expect(r.errors, r.row).toEqual([{ code: 'BAD_RECORD_MAC', alert: 'bad_record_mac', message: 'bad record MAC' }]);
          expect(r.out, r.row).toEqual([21, 3, 3, 0, 2, 2, 20]);
        }
        const distinct = new Set(results.map((r) => JSON.stringify({ a: r.afterCke, e: r.errors, o: r.out })));
        expect(distinct.size).toBe(1);
      });
    }
  }
});

describe('DHE: the client public value (RFC 7919 §5.1)', () => {
  const suite = 'DHE-RSA-AES128-GCM-SHA256';
  const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
  const bytes = (x: bigint, len?: number) => {
    let h = x.toString(16);
    if (h.length % 2) h = `0${h}`;
    const b = Buffer.from(h, 'hex');
    return new Uint8Array(len && b.length < len ? Buffer.concat([Buffer.alloc(len - b.length), b]) : b);
  };
  const rows: { name: string; yc: (p: bigint) => Uint8Array | null; alert: string }[] = [
    { name: 'Yc = 0', yc: () => Uint8Array.of(0), alert: 'illegal_parameter' },
    { name: 'Yc = 0 padded to the length of p', yc: () => new Uint8Array(256), alert: 'illegal_parameter' },
    { name: 'Yc = 1', yc: () => Uint8Array.of(1), alert: 'illegal_parameter' },
    { name: 'Yc = p-1', yc: (p) => bytes(p - 1n), alert: 'illegal_parameter' },
    { name: 'Yc = p', yc: (p) => bytes(p), alert: 'illegal_parameter' },
    { name: 'Yc = p+1', yc: (p) => bytes(p + 1n), alert: 'illegal_parameter' },
    { name: 'Yc longer than p', yc: (p) => bytes(p * 256n + 5n), alert: 'illegal_parameter' },
    { name: 'Yc empty (dh_Yc<1..2^16-1>)', yc: () => null, alert: 'decode_error' },
  ];
  for (const row of rows) {
    it(`${row.name} → ${row.alert}`, () => {
      const { server, flight } = start(suite, true);
      const ske = decodeServerKeyExchange(flight[2]!.subarray(4), 'DHE_RSA');
      expect(ske.params.kind).toBe('dhe');
      const p = big(ske.params.kind === 'dhe' ? ske.params.p : new Uint8Array(0));
      expect(p.toString(2).length).toBe(2048); // ffdhe2048: the client (sanstls) listed it first
      const yc = row.yc(p);
      server.receive(record(22, message(16, yc ? vec16(yc) : Uint8Array.of(0, 0))));
      const errors = errorsOf(server.events());
      expect(errors.map((e) => e.alert)).toEqual([row.alert]);
      expect(Array.from(server.takeOutgoing())).toEqual([21, 3, 3, 0, 2, 2, row.alert === 'decode_error' ? 50 : 47]);
    });
  }
  it('Yc = 2 (in range) is accepted', () => {
    const { server } = start(suite, true);
    server.receive(concat([record(22, message(16, vec16(Uint8Array.of(2)))), CCS]));
    expect(server.events()).toEqual([]);
    expect(server.handshakeState).toBe('waitFinished');
  });
});

describe('CBC: the client Finished changed anywhere gives bad_record_mac', () => {
  for (const suite of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
    for (const etm of [true, false]) {
      it(`${suite} ${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt'}: every byte, and lengths`, () => {
        const seed = `cbc-${suite}-${etm}`;
        const creds = suite.includes('ECDSA') ? [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] : [rsa];
        // Same seeds, same bytes: every run replays the same client flight into a fresh server.
        const run = (tail: (records: Uint8Array[]) => Uint8Array) => {
          const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [suite], encryptThenMac: etm, crypto: seededProvider(`${seed}-c`) });
          const server = new ServerConnection({ credentials: creds, cipherSuites: [suite], crypto: seededProvider(`${seed}-s`) });
          server.receive(client.takeOutgoing());
          client.receive(server.takeOutgoing());
          const recs = splitRecords(client.takeOutgoing()).map((r) => record(r.type, r.payload));
          expect(recs.map((r) => r[0])).toEqual([22, 20, 22]);
          server.receive(tail(recs));
          return { events: server.events(), out: server.takeOutgoing(), recs };
        };
        const finished = (recs: Uint8Array[]) => recs[2]!.subarray(5);
        const withFinished = (recs: Uint8Array[], f: Uint8Array) => concat([recs[0]!, recs[1]!, record(22, f)]);
        const ok = run((r) => concat(r));
        expect(ok.events.map((e) => e.type)).toEqual(['handshake']);
        expect(ok.events[0]?.type === 'handshake' && ok.events[0].info.encryptThenMac).toBe(etm);
        const length = finished(ok.recs).length;
        // IV (16) + Finished (16) + MAC, padded: to the block before the MAC (ETM) or with it (MtE).
        const mac = suite.endsWith('SHA') ? 20 : 48;
        expect(length).toBe(etm ? 16 + 32 + mac : 16 + Math.ceil((16 + mac + 1) / 16) * 16);
        const expectBadMac = (r: { events: ConnectionEvent[]; out: Uint8Array }, what: string) => {
          expect(errorsOf(r.events), what).toEqual([{ code: 'BAD_RECORD_MAC', alert: 'bad_record_mac', message: 'bad record MAC' }]);
          expect(Array.from(r.out), what).toEqual([21, 3, 3, 0, 2, 2, 20]);
        };
        let n = 0;
        for (let i = 0; i < length; i++) {
          const bit = i % 2 ? 0x80 : 0x01;
          expectBadMac(run((recs) => { const f = finished(recs).slice(); f[i]! ^= bit; return withFinished(recs, f); }), `byte ${i} ^ ${bit}`);
          n++;
        }
        expectBadMac(run((recs) => withFinished(recs, finished(recs).subarray(0, length - 1))), 'one byte short');
        expectBadMac(run((recs) => withFinished(recs, finished(recs).subarray(0, length - 16))), 'one block short');
        expectBadMac(run((recs) => withFinished(recs, concat([finished(recs), new Uint8Array(16)]))), 'one block more');
        expectBadMac(run((recs) => withFinished(recs, finished(recs).subarray(16))), 'without its IV');
        expect(n).toBe(length);
      });
    }
  }
});
