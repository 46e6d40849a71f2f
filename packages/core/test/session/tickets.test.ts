// RFC 5077 ticket keys (src/session/tickets.ts): sealing and opening, rejection of anything altered or
// foreign, expiry, lazy rotation with a grace period, keys shared between instances, and disposal.
import { AesGcm, heapStats } from '@sanstls/crypto';
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { encodeSession, TicketKeys, type TlsSession } from '../../src/session/index.js';

const NAME = 16;
const HEADER = 16 + 12;
const TAG = 16;

function session(createdAt: number, extra: Partial<TlsSession> = {}): TlsSession {
  return {
    version: 0x0303,
    cipherSuite: 0xc02f,
    masterSecret: Uint8Array.from({ length: 48 }, (_, i) => 0xa0 ^ i),
    extendedMasterSecret: true,
    encryptThenMac: false,
    sessionId: new Uint8Array(0),
    serverName: 'example.com',
    alpn: 'http/1.1',
    peerCertificates: [Uint8Array.from({ length: 40 }, (_, i) => i)],
    createdAt,
    ...extra,
  };
}

function clock(start = 0): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => { t = v; } };
}

/** 48 bytes of fixed key material: name = [tag, 0, 0, ...], then an AES key. */
const material = (tag: number): Uint8Array => Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? tag : i < 16 ? 0 : tag * 31 + i));

const indexOf = (hay: Uint8Array, needle: Uint8Array): number => Buffer.from(hay).indexOf(Buffer.from(needle));

describe('TicketKeys', () => {
  it('seals a session and opens it again, without the client-side ticket fields', () => {
    const t = clock(1_700_000_000_000);
    const keys = new TicketKeys({ now: t.now });
    const s = session(t.now(), { ticket: Uint8Array.of(1, 2, 3), ticketLifetime: 99, sessionId: new Uint8Array(32).fill(7) });
    const ticket = keys.seal(s);
    const { ticket: _t, ticketLifetime: _l, ...state } = s;
    expect(ticket.length).toBe(HEADER + encodeSession(state).length + TAG);
    const opened = keys.open(ticket);
    expect(opened).toBeDefined();
    expect(opened!.renew).toBe(false);
    expect(opened!.session).toStrictEqual(state);
    keys.dispose();
  });

  it('does not carry the master secret (or any plaintext) in the clear', () => {
    const keys = new TicketKeys({ now: () => 0 });
    const s = session(0);
    const ticket = keys.seal(s);
    expect(indexOf(ticket, s.masterSecret.subarray(0, 8))).toBe(-1);
    expect(indexOf(ticket, new TextEncoder().encode('example.com'))).toBe(-1);
    keys.dispose();
  });

  it('uses a fresh nonce for every ticket, under the same key name', () => {
    const keys = new TicketKeys({ now: () => 0 });
    const s = session(0);
    const tickets = Array.from({ length: 200 }, () => keys.seal(s));
    const names = new Set(tickets.map((x) => Buffer.from(x.subarray(0, NAME)).toString('hex')));
    const nonces = new Set(tickets.map((x) => Buffer.from(x.subarray(NAME, HEADER)).toString('hex')));
    const bodies = new Set(tickets.map((x) => Buffer.from(x.subarray(HEADER)).toString('hex')));
    expect(names.size).toBe(1);
    expect(nonces.size).toBe(200);
    expect(bodies.size).toBe(200);
    for (const x of tickets) expect(keys.open(x)?.session.createdAt).toBe(0);
    keys.dispose();
  });

  it('takes its key material and nonces from the injected random source', () => {
    let counter = 0;
    const random = (n: number) => Uint8Array.from({ length: n }, () => counter++ & 0xff);
    const keys = new TicketKeys({ now: () => 0, random });
    const ticket = keys.seal(session(0));
    expect([...ticket.subarray(0, NAME)]).toEqual(Array.from({ length: 16 }, (_, i) => i)); // first 16 of 48
    expect([...ticket.subarray(NAME, HEADER)]).toEqual(Array.from({ length: 12 }, (_, i) => 48 + i));
    expect(keys.open(ticket)).toBeDefined();
    keys.dispose();
  });

  it('rejects a ticket with any byte altered, truncated or extended', () => {
    const keys = new TicketKeys({ now: () => 0 });
    const ticket = keys.seal(session(0));
    for (let i = 0; i < ticket.length; i++) {
      for (const x of [0x01, 0x80]) {
        const bad = ticket.slice();
        bad[i]! ^= x;
        expect(keys.open(bad), `byte ${i} ^ ${x}`).toBeUndefined();
      }
    }
    for (let n = 0; n < ticket.length; n++) expect(keys.open(ticket.subarray(0, n))).toBeUndefined();
    const longer = new Uint8Array(ticket.length + 1);
    longer.set(ticket);
    expect(keys.open(longer)).toBeUndefined();
    expect(keys.open(ticket)).toBeDefined(); // the original still opens
    keys.dispose();
  });

  it('rejects garbage and foreign tickets without throwing', () => {
    const a = new TicketKeys({ now: () => 0 });
    const b = new TicketKeys({ now: () => 0 });
    expect(b.open(a.seal(session(0)))).toBeUndefined(); // unknown key name
    expect(a.open(new Uint8Array(0))).toBeUndefined();
    expect(a.open(new Uint8Array(300).fill(0x41))).toBeUndefined();
    expect(a.open('ticket' as unknown as Uint8Array)).toBeUndefined();
    expect(a.open(undefined as unknown as Uint8Array)).toBeUndefined();
    a.dispose();
    b.dispose();
  });

  it('follows the documented layout, and refuses authentic tickets whose contents do not decode', () => {
    // With known key material a ticket can be made by hand: key_name || nonce || AES-256-GCM(state, aad = key_name).
    const k = material(1);
    const name = k.slice(0, NAME);
    const aead = new AesGcm(k.slice(NAME));
    const keys = new TicketKeys({ keys: [k], now: () => 0 });
    const handMade = (plaintext: Uint8Array, aad = name): Uint8Array => {
      const nonce = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
      return Uint8Array.from([...name, ...nonce, ...aead.seal(nonce, plaintext, aad)]);
    };
    const s = session(0);
    const valid = encodeSession(s);
    expect(keys.open(handMade(valid))?.session).toStrictEqual(s);
    expect(keys.open(handMade(valid, new Uint8Array(0)))).toBeUndefined(); // the key name is the AAD
    expect(keys.open(handMade(new Uint8Array(0)))).toBeUndefined();
    expect(keys.open(handMade(Uint8Array.from([...valid, 0])))).toBeUndefined();
    expect(keys.open(handMade(Uint8Array.from([9, ...valid.subarray(1)])))).toBeUndefined();
    expect(keys.open(handMade(new Uint8Array(120).fill(0xee)))).toBeUndefined();
    aead.dispose();
    keys.dispose();
  });

  it('expires tickets lifetimeSeconds after the session was created, and advertises that as the hint', () => {
    const t = clock(0);
    const keys = new TicketKeys({ lifetimeSeconds: 100, now: t.now });
    expect(keys.lifetimeHint).toBe(100);
    expect(new TicketKeys().lifetimeHint).toBe(7200);
    const ticket = keys.seal(session(0));
    t.set(100_000);
    expect(keys.open(ticket)).toBeDefined();
    t.set(100_001);
    expect(keys.open(ticket)).toBeUndefined();
    t.set(200_000);
    expect(keys.open(keys.seal(session(140_000)))).toBeDefined(); // created 60 s ago
    expect(keys.open(keys.seal(session(99_999)))).toBeUndefined(); // created over 100 s ago
    keys.dispose();
  });

  it('rotates lazily; an old-key ticket opens with renew within the grace period, not after', () => {
    const t = clock(0);
    const keys = new TicketKeys({ rotateAfterSeconds: 100, graceSeconds: 50, lifetimeSeconds: 1000, now: t.now });
    const a = keys.seal(session(0));
    t.set(99_999);
    expect(keys.open(a)?.renew).toBe(false);
    t.set(100_000); // the key is due: the next use rotates
    expect(keys.open(a)?.renew).toBe(true);
    const b = keys.seal(session(100_000));
    expect(Buffer.from(b.subarray(0, NAME)).equals(Buffer.from(a.subarray(0, NAME)))).toBe(false);
    expect(keys.open(b)?.renew).toBe(false);
    t.set(150_000); // the first key's rotation time + grace: still open
    expect(keys.open(a)?.renew).toBe(true);
    t.set(150_001);
    expect(keys.open(a)).toBeUndefined();
    expect(keys.open(b)?.renew).toBe(false);
    keys.dispose();
  });

  it('rotates on demand, and drops (and frees) each old key when its grace ends', () => {
    const t = clock(0);
    const keys = new TicketKeys({ rotateAfterSeconds: 100, graceSeconds: 100, now: t.now });
    const a = keys.seal(session(0));
    t.set(50_000);
    keys.rotate();
    expect(keys.open(a)?.renew).toBe(true);
    const b = keys.seal(session(50_000));
    expect(keys.open(b)?.renew).toBe(false);
    t.set(200_001); // a's key is past rotate + grace; b's key is due for rotation but within its grace
    expect(keys.open(a)).toBeUndefined();
    expect(keys.open(b)?.renew).toBe(true);
    const before = heapStats().freeBlocks;
    keys.dispose();
    expect(heapStats().freeBlocks - before).toBe(2); // b's key and the new one: a's was freed already
  });

  it('default rotation is 12 h with 12 h of grace', () => {
    const t = clock(0);
    const keys = new TicketKeys({ lifetimeSeconds: 0xffffffff, now: t.now });
    const a = keys.seal(session(0));
    t.set(12 * 3600_000 - 1);
    expect(keys.open(a)?.renew).toBe(false);
    t.set(12 * 3600_000);
    expect(keys.open(a)?.renew).toBe(true);
    t.set(24 * 3600_000);
    expect(keys.open(a)?.renew).toBe(true);
    t.set(24 * 3600_000 + 1);
    expect(keys.open(a)).toBeUndefined();
    keys.dispose();
  });

  it('shares explicit keys between instances (newest first); they never rotate on a timer', () => {
    const t = clock(0);
    const k1 = material(1);
    const k2 = material(2);
    const copy1 = k1.slice();
    const p = new TicketKeys({ keys: [k1], now: t.now, rotateAfterSeconds: 10 });
    const q = new TicketKeys({ keys: [k1], now: t.now, rotateAfterSeconds: 10 });
    const x = p.seal(session(0));
    expect([...x.subarray(0, NAME)]).toEqual([...k1.subarray(0, NAME)]);
    expect(q.open(x)).toMatchObject({ renew: false });
    expect(q.open(x)?.session).toStrictEqual(p.open(x)?.session);

    // A process that moved on to k2 still opens k1 tickets, asking for renewal; the others cannot open k2's.
    const r = new TicketKeys({ keys: [k2, k1], now: t.now });
    expect(r.open(x)?.renew).toBe(true);
    const y = r.seal(session(0));
    expect([...y.subarray(0, NAME)]).toEqual([...k2.subarray(0, NAME)]);
    expect(p.open(y)).toBeUndefined();

    t.set(3600_000); // far past rotateAfterSeconds
    const z = p.seal(session(3600_000));
    expect([...z.subarray(0, NAME)]).toEqual([...k1.subarray(0, NAME)]);
    expect(q.open(z)?.renew).toBe(false);
    expect(r.open(z)?.renew).toBe(true);

    for (const k of [p, q, r]) k.dispose();
    expect(k1).toEqual(copy1); // the caller's material is neither kept nor wiped
  });

  it('rejects bad options', () => {
    expect(() => new TicketKeys({ keys: [] })).toThrow(RangeError);
    expect(() => new TicketKeys({ keys: [new Uint8Array(32)] })).toThrow(RangeError);
    expect(() => new TicketKeys({ keys: [material(1), material(1)] })).toThrow(RangeError);
    expect(() => new TicketKeys({ lifetimeSeconds: 0 })).toThrow(RangeError);
    expect(() => new TicketKeys({ lifetimeSeconds: 1.5 })).toThrow(RangeError);
    expect(() => new TicketKeys({ lifetimeSeconds: 2 ** 32 })).toThrow(RangeError);
    expect(() => new TicketKeys({ rotateAfterSeconds: 0 })).toThrow(RangeError);
    expect(() => new TicketKeys({ graceSeconds: -1 })).toThrow(RangeError);
    expect(() => new TicketKeys({ random: (n) => new Uint8Array(n - 1) })).toThrow(RangeError);
  });

  it('refuses sessions that cannot be encoded or would not fit a NewSessionTicket', () => {
    const keys = new TicketKeys({ now: () => 0 });
    const bad = { ...session(0), masterSecret: new Uint8Array(47) };
    expect(() => keys.seal(bad)).toThrow(TlsError);
    // 65449 bytes with a 65335-byte certificate (the rest: 70 of session, 44 of header and tag); 65571 with 65435.
    const fits = session(0, { peerCertificates: [new Uint8Array(0xffff - 200)], serverName: undefined, alpn: undefined });
    expect(keys.seal(fits).length).toBeLessThanOrEqual(0xffff);
    const huge = session(0, { peerCertificates: [new Uint8Array(0xffff - 100)] });
    try {
      keys.seal(huge);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TlsError);
      expect((e as TlsError).code).toBe('BAD_SESSION');
    }
    keys.dispose();
  });

  it('dispose frees every key; open then returns undefined and seal and rotate throw', () => {
    const t = clock(0);
    const keys = new TicketKeys({ now: t.now });
    const a = keys.seal(session(0));
    keys.rotate();
    keys.rotate();
    const before = heapStats().freeBlocks;
    keys.dispose();
    expect(heapStats().freeBlocks - before).toBe(3); // three AES-GCM contexts wiped and freed
    expect(keys.open(a)).toBeUndefined();
    expect(() => keys.seal(session(0))).toThrow(TlsError);
    expect(() => keys.rotate()).toThrow(TlsError);
    keys.dispose(); // twice is fine
  });
});
