// The in-memory session stores (src/session/cache.ts): LRU order, refresh on use, lifetime from createdAt
// with an injected clock, and on the client side the ticket lifetime hint.
import { describe, expect, it } from 'vitest';
import { LruSessionCache, MemoryClientSessionStore, type TlsSession } from '../../src/session/index.js';

const id = (...b: number[]): Uint8Array => Uint8Array.from(b);

function session(createdAt = 0, extra: Partial<TlsSession> = {}): TlsSession {
  return {
    version: 0x0303,
    cipherSuite: 0xc02f,
    masterSecret: new Uint8Array(48).fill(createdAt & 0xff),
    extendedMasterSecret: true,
    encryptThenMac: false,
    sessionId: id(1),
    peerCertificates: [],
    createdAt,
    ...extra,
  };
}

/** A clock the test moves by hand. */
function clock(start = 0): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => { t = v; } };
}

describe('LruSessionCache', () => {
  it('stores and finds sessions by the bytes of the ID, not the array object', () => {
    const c = new LruSessionCache({ now: () => 0 });
    const s = session();
    c.set(id(1, 2, 3), s);
    expect(c.get(id(1, 2, 3))).toBe(s);
    expect(c.get(id(1, 2, 4))).toBeUndefined();
    expect(c.get(id(1, 2))).toBeUndefined();
    c.set(id(0x80, 0xff, 0), session(1));
    expect(c.get(id(0x80, 0xff, 0))?.createdAt).toBe(1);
    expect(c.get(id(0x80, 0xff))).toBeUndefined();
    expect(c.size).toBe(2);
  });

  it('evicts the least recently set when full', () => {
    const c = new LruSessionCache({ maxEntries: 3, now: () => 0 });
    for (let i = 1; i <= 4; i++) c.set(id(i), session(i));
    expect(c.size).toBe(3);
    expect(c.get(id(1))).toBeUndefined();
    expect([2, 3, 4].map((i) => c.get(id(i))?.createdAt)).toEqual([2, 3, 4]);
  });

  it('counts a get as a use: the entry read survives the next eviction', () => {
    const c = new LruSessionCache({ maxEntries: 3, now: () => 0 });
    for (let i = 1; i <= 3; i++) c.set(id(i), session(i));
    expect(c.get(id(1))?.createdAt).toBe(1);
    c.set(id(4), session(4)); // evicts 2, now the oldest
    expect(c.get(id(2))).toBeUndefined();
    c.set(id(5), session(5)); // evicts 3
    expect(c.get(id(3))).toBeUndefined();
    expect([1, 4, 5].map((i) => c.get(id(i))?.createdAt)).toEqual([1, 4, 5]);
  });

  it('replacing an entry refreshes it and keeps one copy', () => {
    const c = new LruSessionCache({ maxEntries: 2, now: () => 0 });
    c.set(id(1), session(1));
    c.set(id(2), session(2));
    c.set(id(1), session(10));
    expect(c.size).toBe(2);
    c.set(id(3), session(3)); // evicts 2
    expect(c.get(id(2))).toBeUndefined();
    expect(c.get(id(1))?.createdAt).toBe(10);
  });

  it('drops sessions past their lifetime, counted from createdAt', () => {
    const t = clock(1_000_000);
    const c = new LruSessionCache({ lifetimeSeconds: 10, now: t.now });
    c.set(id(1), session(1_000_000));
    c.set(id(2), session(1_005_000));
    t.set(1_010_000); // exactly the lifetime: still valid
    expect(c.get(id(1))).toBeDefined();
    t.set(1_010_001);
    expect(c.get(id(1))).toBeUndefined();
    expect(c.size).toBe(1); // dropped, not just hidden
    expect(c.get(id(2))).toBeDefined();
    t.set(1_015_001);
    expect(c.get(id(2))).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not store a session that has already expired', () => {
    const t = clock(100_000);
    const c = new LruSessionCache({ lifetimeSeconds: 10, now: t.now });
    c.set(id(1), session(89_999));
    expect(c.size).toBe(0);
  });

  it('defaults to 7200 s and 1024 entries', () => {
    const t = clock(10_000_000);
    const c = new LruSessionCache({ now: t.now });
    c.set(id(1), session(10_000_000 - 7_200_000));
    expect(c.get(id(1))).toBeDefined();
    t.set(10_000_001);
    expect(c.get(id(1))).toBeUndefined();
    for (let i = 0; i < 1025; i++) c.set(id(i >> 8, i & 0xff), session(10_000_000));
    expect(c.size).toBe(1024);
    expect(c.get(id(0, 0))).toBeUndefined();
    expect(c.get(id(4, 0))).toBeDefined();
  });

  it('delete and clear', () => {
    const c = new LruSessionCache({ now: () => 0 });
    c.set(id(1), session());
    c.set(id(2), session());
    c.delete(id(1));
    c.delete(id(9)); // absent: no error
    expect(c.get(id(1))).toBeUndefined();
    expect(c.size).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get(id(2))).toBeUndefined();
  });

  it('never stores or finds the empty session ID (RFC 5246 §7.4.1.3: not cached)', () => {
    const c = new LruSessionCache({ now: () => 0 });
    c.set(new Uint8Array(0), session());
    expect(c.size).toBe(0);
    expect(c.get(new Uint8Array(0))).toBeUndefined();
  });

  it('ignores the ticket lifetime hint (server side)', () => {
    const t = clock(0);
    const c = new LruSessionCache({ now: t.now });
    c.set(id(1), session(0, { ticketLifetime: 1 }));
    t.set(5_000);
    expect(c.get(id(1))).toBeDefined();
  });

  it('rejects bad options', () => {
    for (const o of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { lifetimeSeconds: 0 }, { lifetimeSeconds: -1 }, { lifetimeSeconds: Infinity }]) {
      expect(() => new LruSessionCache(o)).toThrow(RangeError);
      expect(() => new MemoryClientSessionStore(o)).toThrow(RangeError);
    }
  });
});

describe('MemoryClientSessionStore', () => {
  it('stores by key with LRU eviction and refresh on get', () => {
    const c = new MemoryClientSessionStore({ maxEntries: 2, now: () => 0 });
    c.set('a.example:443', session(1));
    c.set('b.example:443', session(2));
    expect(c.get('a.example:443')?.createdAt).toBe(1);
    c.set('c.example:443', session(3)); // evicts b
    expect(c.get('b.example:443')).toBeUndefined();
    expect(c.get('a.example:443')?.createdAt).toBe(1);
    expect(c.size).toBe(2);
    c.delete('a.example:443');
    expect(c.get('a.example:443')).toBeUndefined();
    c.clear();
    expect(c.size).toBe(0);
  });

  it('drops sessions past the store lifetime', () => {
    const t = clock(0);
    const c = new MemoryClientSessionStore({ lifetimeSeconds: 60, now: t.now });
    c.set('k', session(0));
    t.set(60_001);
    expect(c.get('k')).toBeUndefined();
  });

  it('drops a session once its ticket lifetime hint has passed (RFC 5077 §3.3)', () => {
    const t = clock(0);
    const c = new MemoryClientSessionStore({ now: t.now });
    c.set('k', session(0, { ticket: id(1, 2, 3), ticketLifetime: 30 }));
    t.set(30_000);
    expect(c.get('k')?.ticketLifetime).toBe(30);
    t.set(30_001);
    expect(c.get('k')).toBeUndefined();
    expect(c.size).toBe(0);
    c.set('k', session(0, { ticket: id(1), ticketLifetime: 30 })); // already past: not stored
    expect(c.size).toBe(0);
  });

  it('treats a zero or absent ticket lifetime as unspecified: only the store lifetime applies', () => {
    const t = clock(0);
    const c = new MemoryClientSessionStore({ lifetimeSeconds: 100, now: t.now });
    c.set('zero', session(0, { ticket: id(1), ticketLifetime: 0 }));
    c.set('none', session(0, { ticket: id(1) }));
    t.set(100_000);
    expect(c.get('zero')).toBeDefined();
    expect(c.get('none')).toBeDefined();
    t.set(100_001);
    expect(c.get('zero')).toBeUndefined();
    expect(c.get('none')).toBeUndefined();
  });

  it('a ticket lifetime longer than the store lifetime does not extend it', () => {
    const t = clock(0);
    const c = new MemoryClientSessionStore({ lifetimeSeconds: 10, now: t.now });
    c.set('k', session(0, { ticket: id(1), ticketLifetime: 86_400 }));
    t.set(10_001);
    expect(c.get('k')).toBeUndefined();
  });
});
