// Server-side RFC 5077 session tickets: the session state, encrypted and authenticated under a key only the
// server knows, so the server keeps nothing per session (RFC 5077 §1). RFC 5077 §4 recommends
//   struct { opaque key_name[16]; opaque iv[16]; opaque encrypted_state<0..2^16-1>; opaque mac[32]; } ticket;
// with AES-CBC and HMAC; we keep its key_name and use an AEAD instead (AES-256-GCM, NIST SP 800-38D):
//   ticket = key_name[16] || nonce[12] || AES-256-GCM(key, nonce, plaintext = encodeSession(state),
//                                                     aad = key_name)   /* ciphertext || tag[16] */
// Keys rotate (RFC 5077 §5.5 "Ticket Protection Key Management"): a ticket under the previous key still opens
// during a grace period, and the server then issues a fresh one (RFC 5077 §3.3 allows a NewSessionTicket in
// an abbreviated handshake). Key material lives in the WASM AES-GCM contexts and is wiped when a key goes.

import { AesGcm } from '@sanstls/crypto';
import { TlsError } from '../errors.js';
import { decodeSession, encodeSession } from './encoding.js';
import type { TlsSession } from './types.js';

const NAME_LENGTH = 16;
const AES_KEY_LENGTH = 32;
const MATERIAL_LENGTH = NAME_LENGTH + AES_KEY_LENGTH;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = NAME_LENGTH + NONCE_LENGTH;
/** NewSessionTicket carries opaque ticket<0..2^16-1> (RFC 5077 §3.3). */
const MAX_TICKET_LENGTH = 0xffff;
/** SP 800-38D §8.3: with random 96-bit IVs, at most 2^32 encryptions under one key. */
const MAX_SEALS_PER_KEY = 2 ** 32;

export interface TicketKeysOptions {
  /** Seconds a key seals new tickets before a new one replaces it (default 43200, 12 h). */
  readonly rotateAfterSeconds?: number;
  /** Seconds a replaced key still opens tickets, counted from its rotation due time (default rotateAfterSeconds). */
  readonly graceSeconds?: number;
  /** Seconds a ticket is valid after the session's full handshake; also the lifetime hint (default 7200). */
  readonly lifetimeSeconds?: number;
  /** The clock, ms since the epoch (default Date.now). */
  readonly now?: () => number;
  /** Random bytes (default crypto.getRandomValues). */
  readonly random?: (n: number) => Uint8Array;
  /**
   * Fixed key material, newest first, each 48 bytes: key_name[16] || AES-256 key[32]; for servers that share
   * keys across processes. The first seals; all open (the others with renew = true). These keys are never
   * rotated or dropped on a timer, since other processes must agree on them: change them by making a new
   * TicketKeys. The caller's arrays are neither kept nor wiped.
   */
  readonly keys?: readonly Uint8Array[];
}

interface TicketKey {
  readonly name: Uint8Array;
  readonly aead: AesGcm;
  /** ms since the epoch; for fixed keys, when this object was made. */
  readonly createdAt: number;
  /** A fixed key (options.keys): never rotated or dropped on a timer. */
  readonly fixed: boolean;
  seals: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true; // key names are public: no need for a constant-time comparison
};

const defaultRandom = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

function seconds(v: number | undefined, fallback: number, min: number, what: string): number {
  const s = v ?? fallback;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < min) throw new RangeError(`TicketKeys: ${what} must be a number >= ${min}`);
  return s;
}

export class TicketKeys {
  /** Newest first; [0] is the current (sealing) key. Empty once disposed. */
  #keys: TicketKey[] = [];
  readonly #rotateMs: number;
  readonly #graceMs: number;
  readonly #lifetime: number;
  readonly #now: () => number;
  readonly #random: (n: number) => Uint8Array;
  readonly #autoRotate: boolean;
  #disposed = false;

  constructor(options: TicketKeysOptions = {}) {
    const rotate = seconds(options.rotateAfterSeconds, 12 * 3600, Number.MIN_VALUE, 'rotateAfterSeconds');
    this.#rotateMs = rotate * 1000;
    this.#graceMs = seconds(options.graceSeconds, rotate, 0, 'graceSeconds') * 1000;
    const lifetime = seconds(options.lifetimeSeconds, 7200, 1, 'lifetimeSeconds');
    if (!Number.isInteger(lifetime) || lifetime > 0xffffffff) {
      throw new RangeError('TicketKeys: lifetimeSeconds must be an integer that fits ticket_lifetime_hint (uint32)');
    }
    this.#lifetime = lifetime;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? defaultRandom;
    this.#autoRotate = options.keys === undefined;
    if (options.keys === undefined) {
      this.rotate();
      return;
    }
    if (options.keys.length === 0) throw new RangeError('TicketKeys: keys must not be empty');
    const now = this.#now();
    for (const m of options.keys) {
      if (!(m instanceof Uint8Array) || m.length !== MATERIAL_LENGTH) {
        this.dispose();
        throw new RangeError(`TicketKeys: each key must be ${MATERIAL_LENGTH} bytes (16-byte name, 32-byte AES key)`);
      }
      const name = m.slice(0, NAME_LENGTH);
      if (this.#keys.some((k) => sameBytes(k.name, name))) {
        this.dispose();
        throw new RangeError('TicketKeys: two keys share a key name');
      }
      this.#keys.push({ name, aead: new AesGcm(m.subarray(NAME_LENGTH)), createdAt: now, fixed: true, seals: 0 });
    }
  }

  /** The ticket_lifetime_hint to send, in seconds (RFC 5077 §3.3). */
  get lifetimeHint(): number {
    return this.#lifetime;
  }

  /** Makes a fresh random key the current one; the old current key opens tickets until its grace ends. */
  rotate(): void {
    if (this.#disposed) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'TicketKeys used after dispose()');
    const m = this.#randomBytes(MATERIAL_LENGTH);
    try {
      const name = m.slice(0, NAME_LENGTH);
      // A repeated name (only with a broken random source) would shadow the older key: drop that one.
      for (const k of this.#keys.filter((k) => sameBytes(k.name, name))) this.#drop(k);
      this.#keys.unshift({ name, aead: new AesGcm(m.subarray(NAME_LENGTH)), createdAt: this.#now(), fixed: false, seals: 0 });
    } finally {
      m.fill(0);
    }
  }

  /**
   * A ticket for `session` (its ticket and ticketLifetime fields are not included). Throws TlsError
   * BAD_SESSION if the session cannot be encoded or the ticket would exceed 2^16-1 bytes (a very long
   * client certificate chain): the server then issues no ticket.
   */
  seal(session: TlsSession): Uint8Array {
    if (this.#disposed) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'TicketKeys used after dispose()');
    this.#maintain(this.#now());
    const key = this.#keys[0]!;
    const { ticket: _ticket, ticketLifetime: _lifetime, ...state } = session;
    const plaintext = encodeSession(state);
    const n = plaintext.length;
    if (HEADER_LENGTH + n + TAG_LENGTH > MAX_TICKET_LENGTH) {
      plaintext.fill(0);
      throw new TlsError('BAD_SESSION', 'internal_error', 'session: ticket would exceed 65535 bytes');
    }
    const ticket = new Uint8Array(HEADER_LENGTH + n + TAG_LENGTH);
    try {
      const nonce = this.#randomBytes(NONCE_LENGTH);
      ticket.set(key.name, 0);
      ticket.set(nonce, NAME_LENGTH);
      ticket.set(plaintext, HEADER_LENGTH);
      plaintext.fill(0);
      key.aead.sealInPlace(ticket, HEADER_LENGTH, n, nonce, key.name); // the plaintext is encrypted in place
      key.seals++;
      return ticket;
    } catch (e) {
      ticket.fill(0);
      throw e;
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * The session in `ticket`, or undefined when it is malformed, under an unknown or dropped key, fails
   * authentication, does not decode, or is past its lifetime. Never throws (RFC 5077 §3.1: a ticket that
   * cannot be used means a full handshake). renew: sealed under a key other than the current one.
   */
  open(ticket: Uint8Array): { session: TlsSession; renew: boolean } | undefined {
    try {
      if (this.#disposed || !(ticket instanceof Uint8Array) || ticket.length < HEADER_LENGTH + TAG_LENGTH) return undefined;
      const now = this.#now();
      this.#maintain(now);
      const name = ticket.subarray(0, NAME_LENGTH);
      const key = this.#keys.find((k) => sameBytes(k.name, name));
      if (!key) return undefined;
      const plaintext = key.aead.open(ticket.subarray(NAME_LENGTH, HEADER_LENGTH), ticket.subarray(HEADER_LENGTH), key.name);
      if (!plaintext) return undefined;
      let session: TlsSession;
      try {
        session = decodeSession(plaintext);
      } finally {
        plaintext.fill(0);
      }
      if (session.createdAt + this.#lifetime * 1000 < now) {
        session.masterSecret.fill(0);
        return undefined;
      }
      return { session, renew: key !== this.#keys[0] };
    } catch {
      return undefined;
    }
  }

  /** Wipes and frees every key; seal and rotate then throw, open returns undefined. */
  dispose(): void {
    for (const k of this.#keys) this.#wipe(k);
    this.#keys = [];
    this.#disposed = true;
  }

  /** Lazy rotation and expiry, run on every seal and open. */
  #maintain(now: number): void {
    const current = this.#keys[0]!;
    if ((this.#autoRotate && now - current.createdAt >= this.#rotateMs) || current.seals >= MAX_SEALS_PER_KEY) this.rotate();
    // A key seals only while younger than rotateAfter, and its tickets must open for graceSeconds more.
    for (const k of this.#keys.slice(1)) {
      if (!k.fixed && now - k.createdAt > this.#rotateMs + this.#graceMs) this.#drop(k);
    }
  }

  #drop(k: TicketKey): void {
    this.#keys = this.#keys.filter((x) => x !== k);
    this.#wipe(k);
  }

  #wipe(k: TicketKey): void {
    k.aead.dispose(); // frees the WASM context, which holds the expanded key
    k.name.fill(0);
  }

  #randomBytes(n: number): Uint8Array {
    const b = this.#random(n);
    if (!(b instanceof Uint8Array) || b.length !== n) throw new RangeError(`TicketKeys: random(${n}) must return ${n} bytes`);
    return b;
  }
}
