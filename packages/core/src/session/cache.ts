// In-memory session stores bounded in entries (least recently used first out) and in age.
//
// Lifetime: RFC 5246 §F.1.4 suggests at most 24 hours for a session ID, since whoever learns a master secret
// can resume as that peer until the session is retired. We default to 2 hours (7200 s), the default session
// timeout of OpenSSL's TLS methods (tls1_default_timeout), which also keeps a busy cache from filling with
// sessions nobody will resume. Age counts from session.createdAt (the full handshake), so resuming never
// extends a session's life.
//
// Evicted sessions are dropped, not wiped: a connection may still hold the very same object.

import type { ClientSessionStore, SessionCache, TlsSession } from './types.js';

export interface SessionStoreOptions {
  /** Most sessions kept (default 1024); the least recently used goes first. */
  readonly maxEntries?: number;
  /** Seconds a session stays usable after session.createdAt (default 7200). */
  readonly lifetimeSeconds?: number;
  /** The clock, ms since the epoch (default Date.now). */
  readonly now?: () => number;
}

/** A Map used as an LRU list: iteration order is insertion order, so re-inserting on use moves a key last. */
class BoundedStore {
  readonly #map = new Map<string, TlsSession>();
  readonly #max: number;
  readonly #lifetimeMs: number;
  readonly #now: () => number;

  constructor(options: SessionStoreOptions) {
    const max = options.maxEntries ?? 1024;
    const lifetime = options.lifetimeSeconds ?? 7200;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('session store: maxEntries must be an integer >= 1');
    if (!(lifetime > 0 && Number.isFinite(lifetime))) throw new RangeError('session store: lifetimeSeconds must be > 0');
    this.#max = max;
    this.#lifetimeMs = lifetime * 1000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Past its lifetime (RFC 5246 §F.1.4), or, with a ticket lifetime hint, past that (RFC 5077 §3.3). */
  expired(s: TlsSession, checkTicket: boolean): boolean {
    const now = this.#now();
    if (s.createdAt + this.#lifetimeMs < now) return true;
    const hint = s.ticketLifetime ?? 0;
    return checkTicket && hint > 0 && s.createdAt + hint * 1000 < now;
  }

  get(key: string, checkTicket: boolean): TlsSession | undefined {
    const s = this.#map.get(key);
    if (s === undefined) return undefined;
    this.#map.delete(key);
    if (this.expired(s, checkTicket)) return undefined;
    this.#map.set(key, s); // now the most recently used
    return s;
  }

  set(key: string, s: TlsSession, checkTicket: boolean): void {
    this.#map.delete(key);
    if (this.expired(s, checkTicket)) return; // never store what get would refuse
    this.#map.set(key, s);
    for (const oldest of this.#map.keys()) {
      if (this.#map.size <= this.#max) break;
      this.#map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}

/** Session IDs as Map keys: one char per byte (IDs are at most 32 bytes, RFC 5246 §7.4.1.2). */
function idKey(id: Uint8Array): string {
  let k = '';
  for (let i = 0; i < id.length; i++) k += String.fromCharCode(id[i]!);
  return k;
}

/**
 * Server side: sessions by session ID (RFC 5246 §7.4.1.3). An empty ID is never stored or found: a server
 * sends one to say the session will not be cached, a client to say it is not resuming.
 */
export class LruSessionCache implements SessionCache {
  readonly #store: BoundedStore;

  constructor(options: SessionStoreOptions = {}) {
    this.#store = new BoundedStore(options);
  }

  get size(): number {
    return this.#store.size;
  }

  get(sessionId: Uint8Array): TlsSession | undefined {
    return sessionId.length === 0 ? undefined : this.#store.get(idKey(sessionId), false);
  }

  set(sessionId: Uint8Array, session: TlsSession): void {
    if (sessionId.length !== 0) this.#store.set(idKey(sessionId), session, false);
  }

  delete(sessionId: Uint8Array): void {
    this.#store.delete(idKey(sessionId));
  }

  clear(): void {
    this.#store.clear();
  }
}

/**
 * Client side: sessions by "name:port". Besides the store's own lifetime, a session whose ticket lifetime
 * hint (RFC 5077 §3.3) has passed, counted from session.createdAt, is dropped: the server would refuse it.
 */
export class MemoryClientSessionStore implements ClientSessionStore {
  readonly #store: BoundedStore;

  constructor(options: SessionStoreOptions = {}) {
    this.#store = new BoundedStore(options);
  }

  get size(): number {
    return this.#store.size;
  }

  get(key: string): TlsSession | undefined {
    return this.#store.get(key, true);
  }

  set(key: string, session: TlsSession): void {
    this.#store.set(key, session, true);
  }

  delete(key: string): void {
    this.#store.delete(key);
  }

  clear(): void {
    this.#store.clear();
  }
}
