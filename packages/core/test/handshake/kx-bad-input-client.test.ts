// Issue 4, bad input to the client: a sanstls server's real flight for a DHE or RSA suite, with one thing
// wrong. DHE parameters are re-signed with the server's key (the signature covers them), so each row
// reaches the check it is about: Ys out of range (RFC 7919 §5.1), groups under 2048 bits (Logjam), groups
// we cannot accept, a truncated message. RSA: a ServerKeyExchange is unexpected (RFC 5246 §7.4.3) and
// the certificate must carry an RSA key. CBC: the server's Finished changed anywhere is bad_record_mac.
import { getDiffieHellman } from 'node:crypto';
import { wasmProvider } from '@sanstls/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientConnection,
  decodeServerKeyExchange,
  encodeCertificate,
  encodeServerKeyExchange,
  encodeServerKeyExchangeParams,
  loadCredential,
  ServerConnection,
  type ConnectionEvent,
  type DheServerParams,
  type ServerCredential,
} from '../../src/index.js';
import { sign } from '../../src/handshake/signature.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { concat, handshakeRecords, message, record, seededProvider, splitMessages, splitRecords } from './helpers.js';

let pki: Pki;
let rsa: ServerCredential;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
  rsa = loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem);
});

const errorsOf = (evs: ConnectionEvent[]) => evs.flatMap((e) => (e.type === 'error' ? [{ code: e.error.code, alert: e.error.alert, message: e.error.message }] : []));
const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
function bytes(x: bigint): Uint8Array {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** A client offering `suite`, and a sanstls server's flight answering it (messages, headers included). */
function start(suite: string) {
  const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [suite] });
  const ch = splitRecords(client.takeOutgoing())[0]!.payload;
  const server = new ServerConnection({ credentials: [rsa], cipherSuites: [suite] });
  server.receive(record(22, ch));
  const flight = splitMessages(concat(splitRecords(server.takeOutgoing()).map((r) => r.payload)));
  return { client, clientRandom: ch.subarray(6, 38), serverRandom: flight[0]!.subarray(6, 38), flight };
}

/** The flight's ServerKeyExchange with other DHE params, signed as the server would. */
function resign(s: ReturnType<typeof start>, change: (p: DheServerParams) => DheServerParams): Uint8Array {
  const ske = decodeServerKeyExchange(s.flight[2]!.subarray(4), 'DHE_RSA');
  const params = change(ske.params as DheServerParams);
  const scheme = ske.signed.scheme;
  const signature = sign(wasmProvider, rsa.key, scheme, concat([s.clientRandom, s.serverRandom, encodeServerKeyExchangeParams(params)]));
  return message(12, encodeServerKeyExchange({ params, signed: { scheme, signature } }));
}

const DHE = 'DHE-RSA-AES128-GCM-SHA256';

interface Row {
  name: string;
  flight: (s: ReturnType<typeof start>) => Uint8Array[];
  alert: string;
  code?: string;
  /** What the error message must say: the check the row is about. */
  why: RegExp;
  suite?: string;
}

const ys = (f: (p: bigint) => Uint8Array) => (s: ReturnType<typeof start>) => {
  const [sh, cert, , shd] = s.flight;
  return [sh!, cert!, resign(s, (p) => ({ ...p, publicKey: f(big(p.p)) })), shd!];
};
const group = (p: Uint8Array, g: Uint8Array, y?: Uint8Array) => (s: ReturnType<typeof start>) => {
  const [sh, cert, , shd] = s.flight;
  return [sh!, cert!, resign(s, (x) => ({ ...x, p, g, publicKey: y ?? Uint8Array.of(2) })), shd!];
};
const modp2 = () => new Uint8Array(getDiffieHellman('modp2').getPrime()); // RFC 2409, 1024 bits
const modp14 = () => new Uint8Array(getDiffieHellman('modp14').getPrime()); // RFC 3526, 2048 bits

const rows: Row[] = [
  { name: 'Ys = 0', flight: ys(() => Uint8Array.of(0)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys = 0 in 256 bytes', flight: ys(() => new Uint8Array(256)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys = 1', flight: ys(() => Uint8Array.of(1)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys = p-1', flight: ys((p) => bytes(p - 1n)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys = p', flight: ys((p) => bytes(p)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys = p+1', flight: ys((p) => bytes(p + 1n)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'Ys > p, longer than p', flight: ys((p) => bytes(p << 8n)), alert: 'illegal_parameter', why: /DH public value is not in \(1, p-1\)/ },
  { name: 'a 1024-bit group (RFC 2409 group 2): Logjam', flight: (s) => group(modp2(), Uint8Array.of(2))(s), alert: 'insufficient_security', code: 'DH_KEY_TOO_SMALL', why: /at least 2048 are required/ },
  { name: 'a 1024-bit group with Ys = 0: the size is judged first', flight: (s) => group(modp2(), Uint8Array.of(2), Uint8Array.of(0))(s), alert: 'insufficient_security', code: 'DH_KEY_TOO_SMALL', why: /at least 2048 are required/ },
  { name: 'a 2047-bit modulus', flight: (s) => group(bytes((1n << 2046n) + 1n), Uint8Array.of(2))(s), alert: 'insufficient_security', code: 'DH_KEY_TOO_SMALL', why: /at least 2048 are required/ },
  { name: 'a 512-bit group (export grade)', flight: (s) => group(bytes((1n << 511n) + 187n), Uint8Array.of(2))(s), alert: 'insufficient_security', code: 'DH_KEY_TOO_SMALL', why: /at least 2048 are required/ },
  { name: 'an even 2048-bit modulus', flight: (s) => group(bytes(big(modp14()) + 1n), Uint8Array.of(2))(s), alert: 'illegal_parameter', why: /prime is even/ },
  { name: 'an unknown group with g = 1', flight: (s) => group(modp14(), Uint8Array.of(1))(s), alert: 'illegal_parameter', why: /generator is not in/ },
  { name: 'an unknown group with g = p-1', flight: (s) => group(modp14(), bytes(big(modp14()) - 1n))(s), alert: 'illegal_parameter', why: /generator is not in/ },
  { name: 'an unknown group with g = 0', flight: (s) => group(modp14(), Uint8Array.of(0))(s), alert: 'illegal_parameter', why: /generator is not in/ },
  { name: 'a 8200-bit modulus', flight: (s) => group(bytes((1n << 8199n) + 1n), Uint8Array.of(2))(s), alert: 'illegal_parameter', why: /more than 8192/ },
  {
    name: 'ServerKeyExchange truncated inside dh_p',
    flight: (s) => [s.flight[0]!, s.flight[1]!, message(12, s.flight[2]!.subarray(4, 4 + 100)), s.flight[3]!],
    alert: 'decode_error',
    why: /truncated dh_p/,
  },
  {
    name: 'ServerKeyExchange with Ys changed but not re-signed',
    flight: (s) => {
      const ske = s.flight[2]!.slice();
      ske[4 + 2 + 256 + 2 + 1 + 2 + 10]! ^= 1; // a byte of dh_Ys (after dh_p<256> and dh_g<1>)
      return [s.flight[0]!, s.flight[1]!, ske, s.flight[3]!];
    },
    alert: 'decrypt_error',
    code: 'BAD_SIGNATURE',
    why: /does not verify/,
  },
  {
    name: 'RSA key exchange: a ServerKeyExchange is unexpected (RFC 5246 §7.4.3)',
    suite: 'AES128-GCM-SHA256',
    flight: (s) => {
      const dhe = start(DHE);
      return [s.flight[0]!, s.flight[1]!, dhe.flight[2]!, s.flight[2]!];
    },
    alert: 'unexpected_message',
    why: /unexpected server_key_exchange in state waitServerHelloDone/,
  },
  {
    name: 'RSA key exchange: an ECDSA certificate',
    suite: 'AES128-GCM-SHA256',
    flight: (s) => {
      const der = Buffer.from(pki.leaves.p256.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      return [s.flight[0]!, message(11, encodeCertificate({ certificates: [new Uint8Array(der)] })), s.flight[2]!];
    },
    alert: 'unsupported_certificate',
    code: 'WRONG_CERTIFICATE_TYPE',
    why: /does not fit TLS_RSA_WITH_AES_128_GCM_SHA256/,
  },
];

describe('client bad input (DHE, RSA key exchange): each row gives its alert, once, and nothing else', () => {
  it('the untouched DHE flight, re-signed, is accepted (the test itself is right)', () => {
    const s = start(DHE);
    const [sh, cert, , shd] = s.flight;
    s.client.receive(handshakeRecords([sh!, cert!, resign(s, (p) => p), shd!]));
    expect(s.client.events()).toEqual([]);
    expect(splitRecords(s.client.takeOutgoing()).map((r) => r.type)).toEqual([22, 20, 22]);
  });
  it('the RSA flight is Certificate then ServerHelloDone, and the client answers it', () => {
    const s = start('AES128-GCM-SHA256');
    expect(s.flight.map((m) => m[0])).toEqual([2, 11, 14]);
    s.client.receive(handshakeRecords(s.flight));
    expect(s.client.events()).toEqual([]);
    expect(splitRecords(s.client.takeOutgoing()).map((r) => r.type)).toEqual([22, 20, 22]);
  });
  for (const row of rows) {
    it(`${row.name} → ${row.alert}`, () => {
      const s = start(row.suite ?? DHE);
      s.client.receive(handshakeRecords(row.flight(s)));
      const errors = errorsOf(s.client.events());
      expect(errors.map((e) => e.alert)).toEqual([row.alert]);
      if (row.code) expect(errors[0]!.code).toBe(row.code);
      expect(errors[0]!.message).toMatch(row.why);
      const out = Array.from(s.client.takeOutgoing());
      expect(out.slice(0, 6)).toEqual([21, 3, 3, 0, 2, 2]);
      expect(out).toHaveLength(7);
      s.client.receive(handshakeRecords(s.flight));
      expect(s.client.events()).toEqual([]);
    });
  }
});

describe('CBC: the server Finished changed anywhere gives bad_record_mac at the client', () => {
  for (const etm of [true, false]) {
    it(`ECDHE-RSA-AES128-SHA256 ${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt'}: every byte, and lengths`, () => {
      const suite = 'ECDHE-RSA-AES128-SHA256';
      const seed = `cbc-client-${etm}`;
      // Same seeds, same bytes: every run replays the server's last flight into a fresh client.
      const run = (change?: (fin: Uint8Array) => Uint8Array) => {
        const client = new ClientConnection({ serverName: 'localhost', ca: pki.caPem, cipherSuites: [suite], encryptThenMac: etm, crypto: seededProvider(`${seed}-c`) });
        const server = new ServerConnection({ credentials: [rsa], cipherSuites: [suite], crypto: seededProvider(`${seed}-s`) });
        server.receive(client.takeOutgoing());
        client.receive(server.takeOutgoing());
        server.receive(client.takeOutgoing());
        // NewSessionTicket (RFC 5077 §3.3: the client offered session_ticket), then CCS and the encrypted Finished.
        const [nst, ccs, fin] = splitRecords(server.takeOutgoing());
        expect([nst!.type, ccs!.type, fin!.type]).toEqual([22, 20, 22]);
        client.receive(concat([record(22, nst!.payload), record(20, ccs!.payload), record(22, change ? change(fin!.payload) : fin!.payload)]));
        return { events: client.events(), out: client.takeOutgoing(), length: fin!.payload.length };
      };
      const ok = run();
      expect(ok.events.map((e) => e.type)).toEqual(['handshake', 'session']);
      expect(ok.events[0]?.type === 'handshake' && ok.events[0].info.encryptThenMac).toBe(etm);
      const bad = (r: ReturnType<typeof run>, what: string) => {
        expect(errorsOf(r.events), what).toEqual([{ code: 'BAD_RECORD_MAC', alert: 'bad_record_mac', message: 'bad record MAC' }]);
        // The alert goes out under our (already installed) write keys: one record, alert type.
        expect(splitRecords(r.out).map((x) => x.type), what).toEqual([21]);
      };
      for (let i = 0; i < ok.length; i++) bad(run((f) => { const c = f.slice(); c[i]! ^= i % 2 ? 0x80 : 0x01; return c; }), `byte ${i}`);
      bad(run((f) => f.subarray(0, f.length - 1)), 'one byte short');
      bad(run((f) => f.subarray(0, f.length - 16)), 'one block short');
      bad(run((f) => concat([f, new Uint8Array(16)])), 'one block more');
    });
  }
});
