// The session encoding (src/session/encoding.ts): exact round trips, rejection of every malformed input as
// TlsError BAD_SESSION (never another exception), one encoding per value, and the PEM wrapping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { decodeSession, encodeSession, sessionFromPem, sessionToPem, type TlsSession } from '../../src/session/index.js';

const SEED = Number(process.env.FC_SEED ?? 0x5e5510);

const fill = (n: number, start: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);

const base: TlsSession = {
  version: 0x0303,
  cipherSuite: 0xc02f,
  masterSecret: fill(48, 1),
  extendedMasterSecret: true,
  encryptThenMac: false,
  sessionId: fill(32, 100),
  peerCertificates: [fill(300, 3), fill(5, 9)],
  createdAt: 1_700_000_000_123,
};

const optional = {
  ticket: fill(170, 50),
  ticketLifetime: 7200,
  serverName: 'example.com',
  alpn: 'h2',
} as const;
type OptionalKey = keyof typeof optional;
const OPTIONAL_KEYS = Object.keys(optional) as OptionalKey[];

/** `base` with the optional fields in `mask` set (bit i: OPTIONAL_KEYS[i]). */
function withOptional(mask: number, s: TlsSession = base): TlsSession {
  const out: Record<string, unknown> = { ...s };
  OPTIONAL_KEYS.forEach((k, i) => { if (mask & (1 << i)) out[k] = optional[k]; });
  return out as unknown as TlsSession;
}

function expectBadSession(fn: () => unknown): TlsError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a TlsError').toBeInstanceOf(TlsError);
  expect((err as TlsError).code).toBe('BAD_SESSION');
  return err as TlsError;
}

/** A hand-built encoding: header fields, then the given tail (session_id onwards). */
function raw(o: { format?: number; version?: number; flags?: number; high?: number; msLength?: number; tail?: number[] }): Uint8Array {
  const ms = o.msLength ?? 48;
  const high = o.high ?? 0;
  return Uint8Array.from([
    o.format ?? 1,
    (o.version ?? 0x0303) >> 8, (o.version ?? 0x0303) & 0xff,
    0xc0, 0x2f,
    o.flags ?? 0,
    high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, 0, 0, 0, 1,
    ms, ...new Array<number>(ms).fill(0xab),
    ...(o.tail ?? [0, 0, 0, 0]), // empty session_id, empty peer_certificates
  ]);
}

/** Strings of chars U+0000..U+00FF: the codec carries names one byte per char. */
const latin1 = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength }).map((a) => String.fromCharCode(...a));

const sessionArb: fc.Arbitrary<TlsSession> = fc.record(
  {
    version: fc.constant(0x0303),
    cipherSuite: fc.integer({ min: 0, max: 0xffff }),
    masterSecret: fc.uint8Array({ minLength: 48, maxLength: 48 }),
    extendedMasterSecret: fc.boolean(),
    encryptThenMac: fc.boolean(),
    sessionId: fc.uint8Array({ maxLength: 32 }),
    ticket: fc.uint8Array({ maxLength: 300 }),
    ticketLifetime: fc.integer({ min: 0, max: 0xffffffff }),
    serverName: latin1(60),
    alpn: latin1(20),
    peerCertificates: fc.array(fc.uint8Array({ minLength: 1, maxLength: 60 }), { maxLength: 4 }),
    createdAt: fc.maxSafeNat(),
  },
  { requiredKeys: ['version', 'cipherSuite', 'masterSecret', 'extendedMasterSecret', 'encryptThenMac', 'sessionId', 'peerCertificates', 'createdAt'] },
).map((r) => ({ ...r })); // fc.record makes null-prototype objects; decodeSession makes plain ones

describe('encodeSession / decodeSession', () => {
  it('round-trips every combination of the optional fields and flags', () => {
    for (let mask = 0; mask < 1 << OPTIONAL_KEYS.length; mask++) {
      for (const ems of [false, true]) {
        for (const etm of [false, true]) {
          const s = withOptional(mask, { ...base, extendedMasterSecret: ems, encryptThenMac: etm });
          const decoded = decodeSession(encodeSession(s));
          expect(decoded).toStrictEqual(s);
          for (const k of OPTIONAL_KEYS) expect(k in decoded, k).toBe(k in s);
        }
      }
    }
  });

  it('round-trips edge values: empty ID, no certificates, empty ticket, zero lifetime, empty names, extremes', () => {
    const cases: TlsSession[] = [
      { ...base, sessionId: new Uint8Array(0), peerCertificates: [], createdAt: 0, cipherSuite: 0 },
      { ...base, ticket: new Uint8Array(0), ticketLifetime: 0, serverName: '', alpn: '' },
      { ...base, ticket: fill(0xffff, 1), ticketLifetime: 0xffffffff, cipherSuite: 0xffff, createdAt: Number.MAX_SAFE_INTEGER },
      { ...base, serverName: 'x'.repeat(0xffff), alpn: '\u00ff\u0000\u0080'.repeat(85) },
      { ...base, peerCertificates: [fill(70_000, 5), fill(1, 0)] },
    ];
    for (const s of cases) expect(decodeSession(encodeSession(s))).toStrictEqual(s);
  });

  it('starts with format version 1 and is compact', () => {
    const e = encodeSession({ ...base, peerCertificates: [], sessionId: new Uint8Array(0) });
    expect(e[0]).toBe(1);
    expect(e.length).toBe(1 + 2 + 2 + 1 + 8 + 49 + 1 + 3);
  });

  it('decodes into copies: changing or wiping the input later leaves the session intact', () => {
    const s = withOptional(0b1111);
    const e = encodeSession(s);
    const d = decodeSession(e);
    e.fill(0);
    expect(d).toStrictEqual(s);
  });

  it('decodes a Node Buffer into copies too (Buffer#slice is a view), and wiping a copy leaves the input intact', () => {
    const s = withOptional(0b1111);
    const e = Buffer.from(encodeSession(s));
    const d = decodeSession(e);
    d.masterSecret.slice().fill(0); // what the handshake does with its own copy
    expect(decodeSession(e).masterSecret).toEqual(s.masterSecret);
    e.fill(0);
    expect(d.masterSecret).toEqual(s.masterSecret);
    expect(Object.getPrototypeOf(d.masterSecret)).toBe(Uint8Array.prototype);
  });

  it('rejects every truncation of a valid encoding', () => {
    for (const mask of [0, 0b1111]) {
      const e = encodeSession(withOptional(mask));
      for (let n = 0; n < e.length; n++) expectBadSession(() => decodeSession(e.subarray(0, n)));
    }
  });

  it('rejects trailing bytes', () => {
    const e = encodeSession(base);
    const longer = new Uint8Array(e.length + 1);
    longer.set(e);
    expectBadSession(() => decodeSession(longer));
  });

  it('rejects unknown formats, other versions, bad lengths, unknown flags and out-of-range times', () => {
    expect(decodeSession(raw({})).createdAt).toBe(1); // the hand-built baseline is valid
    expectBadSession(() => decodeSession(raw({ format: 0 })));
    expectBadSession(() => decodeSession(raw({ format: 2 })));
    expectBadSession(() => decodeSession(raw({ version: 0x0302 })));
    expectBadSession(() => decodeSession(raw({ version: 0x0304 })));
    expectBadSession(() => decodeSession(raw({ msLength: 47 })));
    expectBadSession(() => decodeSession(raw({ msLength: 49 })));
    expectBadSession(() => decodeSession(raw({ tail: [33, ...new Array<number>(33).fill(1), 0, 0, 0] })));
    expect(decodeSession(raw({ tail: [32, ...new Array<number>(32).fill(1), 0, 0, 0] })).sessionId.length).toBe(32);
    for (const bit of [0x40, 0x80]) expectBadSession(() => decodeSession(raw({ flags: bit })));
    expectBadSession(() => decodeSession(raw({ high: 0x200000 })));
    expect(decodeSession(raw({ high: 0x1fffff })).createdAt).toBe(0x1fffff * 2 ** 32 + 1);
    expectBadSession(() => decodeSession(raw({ tail: [0, 0, 0, 3, 0, 0, 0] }))); // an empty ASN.1Cert
    expectBadSession(() => decodeSession(raw({ tail: [0, 0, 0, 4, 0, 0, 1, 7, 9] }))); // certificate list slack
    expectBadSession(() => decodeSession(new Uint8Array(0)));
    expectBadSession(() => decodeSession('not bytes' as unknown as Uint8Array));
  });

  it('refuses to encode sessions it could not decode', () => {
    const bad: Partial<Record<keyof TlsSession, unknown>>[] = [
      { version: 0x0302 },
      { cipherSuite: 0x10000 },
      { cipherSuite: 1.5 },
      { masterSecret: new Uint8Array(47) },
      { masterSecret: new Uint8Array(49) },
      { sessionId: new Uint8Array(33) },
      { ticket: new Uint8Array(0x10000) },
      { ticketLifetime: -1 },
      { ticketLifetime: 2 ** 32 },
      { serverName: 'ex\u0101mple.com' },
      { alpn: 'a'.repeat(256) },
      { peerCertificates: [new Uint8Array(0)] },
      { createdAt: -1 },
      { createdAt: 1.5 },
      { createdAt: 2 ** 53 },
      { extendedMasterSecret: 1 },
    ];
    for (const b of bad) expectBadSession(() => encodeSession({ ...base, ...b } as TlsSession));
  });

  it('round-trips arbitrary sessions (property)', () => {
    fc.assert(
      fc.property(sessionArb, (s) => { expect(decodeSession(encodeSession(s))).toStrictEqual(s); }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('decodes arbitrary bytes to a session or a BAD_SESSION TlsError, nothing else (property)', () => {
    const noise = fc.uint8Array({ maxLength: 200 });
    // Noise behind a valid header reaches the deeper fields.
    const headed = fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([1, 3, 3, ...b]));
    fc.assert(
      fc.property(fc.oneof(noise, headed), (b) => {
        try {
          const s = decodeSession(b);
          expect(encodeSession(s)).toEqual(b); // accepted input is the one encoding of its value
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
          expect((e as TlsError).code).toBe('BAD_SESSION');
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('decodes damaged valid encodings to a session with that very encoding, or BAD_SESSION (property)', () => {
    const damaged = fc
      .tuple(sessionArb, fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([s, at, x]) => {
        const e = encodeSession(s).slice();
        e[at % e.length]! ^= x;
        return e;
      });
    fc.assert(
      fc.property(damaged, (b) => {
        try {
          expect(encodeSession(decodeSession(b))).toEqual(b);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
          expect((e as TlsError).code).toBe('BAD_SESSION');
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('sessionToPem / sessionFromPem', () => {
  const s = withOptional(0b1111);

  /** Base64 of a valid encoding ending in `pad` '=' with the last data character's unused low bit set. */
  function nonCanonical(pad: 1 | 2): string {
    for (let n = 0; ; n++) {
      const b64 = Buffer.from(encodeSession({ ...base, sessionId: fill(n, 0) })).toString('base64');
      if (!b64.endsWith('='.repeat(pad)) || b64.endsWith('='.repeat(pad + 1))) continue;
      const at = b64.length - pad - 1;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const flipped = alphabet[alphabet.indexOf(b64[at]!) ^ 1]!;
      expect(Buffer.from(b64.slice(0, at) + flipped + b64.slice(at + 1), 'base64').toString('base64')).toBe(b64); // same bytes
      return b64.slice(0, at) + flipped + b64.slice(at + 1);
    }
  }

  it('round-trips, with 64-character lines between SANSTLS SESSION markers', () => {
    const pem = sessionToPem(s);
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN SANSTLS SESSION-----');
    expect(lines.at(-1)).toBe('-----END SANSTLS SESSION-----');
    const body = lines.slice(1, -1);
    for (const l of body.slice(0, -1)) expect(l).toHaveLength(64);
    expect(body.at(-1)!.length).toBeGreaterThan(0);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(body.join(''), 'base64')).toEqual(Buffer.from(encodeSession(s)));
    expect(sessionFromPem(pem)).toStrictEqual(s);
  });

  it('round-trips every padding length', () => {
    for (let n = 0; n < 3; n++) {
      const t = { ...base, sessionId: fill(n, 0), peerCertificates: [] };
      expect(sessionFromPem(sessionToPem(t))).toStrictEqual(t);
    }
  });

  it('ignores text around the block and accepts CRLF line ends', () => {
    const pem = sessionToPem(s);
    expect(sessionFromPem(`saved by sanstls\n\n${pem}trailer\n`)).toStrictEqual(s);
    expect(sessionFromPem(pem.replace(/\n/g, '\r\n'))).toStrictEqual(s);
  });

  it('rejects a missing block, another label, two blocks, bad base64 and bad contents', () => {
    const pem = sessionToPem(s);
    const b64 = Buffer.from(encodeSession(s)).toString('base64');
    const wrap = (body: string) => `-----BEGIN SANSTLS SESSION-----\n${body}\n-----END SANSTLS SESSION-----\n`;
    const bad = [
      '',
      'hello',
      pem.replace(/SANSTLS SESSION/g, 'SSL SESSION PARAMETERS'),
      pem.replace('-----END SANSTLS SESSION-----', '-----END CERTIFICATE-----'),
      pem + pem,
      wrap(''),
      wrap(b64.slice(0, -1)), // length not a multiple of 4
      wrap(`${b64.slice(0, 10)}*${b64.slice(11)}`), // outside the alphabet
      wrap(`${b64.slice(0, 8)}=${b64.slice(9)}`), // padding inside
      wrap(`${b64.slice(0, 8)}é${b64.slice(9)}`),
      wrap(Buffer.from('not a session at all').toString('base64')),
      wrap(Buffer.from(encodeSession(s).subarray(1)).toString('base64')),
      wrap(nonCanonical(1)), // non-zero bits under the padding (RFC 4648 §3.5)
      wrap(nonCanonical(2)),
    ];
    for (const text of bad) expectBadSession(() => sessionFromPem(text));
    expectBadSession(() => sessionFromPem(undefined as unknown as string));
  });
});
