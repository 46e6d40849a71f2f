// A compact, versioned binary form of a TlsSession (for session files and, sealed, for RFC 5077 tickets),
// written in the TLS presentation language (RFC 5246 §4) with the codec's Reader and Writer:
//
//   uint8  format = 1;
//   uint16 version;                      /* 0x0303 only (RFC 5246 §7.4.1.2) */
//   uint16 cipher_suite;
//   uint8  flags;                        /* FLAG_* below; unknown bits are an error */
//   uint32 created_at_high; uint32 created_at_low;    /* ms since the epoch, < 2^53 */
//   opaque master_secret<48..48>;        /* RFC 5246 §8.1: always 48 bytes */
//   opaque session_id<0..32>;            /* RFC 5246 §7.4.1.2 SessionID */
//   select (flags) {                     /* each present only when its flag is set, in this order */
//     opaque ticket<0..2^16-1>;          /* RFC 5077 §3.3 */
//     uint32 ticket_lifetime;            /* RFC 5077 §3.3 ticket_lifetime_hint, seconds */
//     opaque server_name<0..2^16-1>;     /* RFC 6066 §3 HostName, one byte per char */
//     opaque alpn<0..2^8-1>;             /* RFC 7301 §3.1 ProtocolName, one byte per char */
//   };
//   opaque peer_certificates<0..2^24-1>; /* ASN.1Cert<1..2^24-1> each, as RFC 5246 §7.4.2 */
//
// Every value has exactly one encoding. Decoding copies every byte field out of the input, so the caller
// may wipe its buffer afterwards (tickets do: the plaintext holds the master secret).
// Malformed input of any kind is TlsError BAD_SESSION; so is encoding a session that breaks these rules.

import { TlsError } from '../errors.js';
import { binaryStringToBytes, bytesToBinaryString } from '../codec/extensions/common.js';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import type { TlsSession } from './types.js';

const FORMAT_V1 = 1;
const TLS12 = 0x0303;
const MASTER_SECRET_LENGTH = 48;
const MAX_SESSION_ID = 32;

const FLAG_EMS = 0x01;
const FLAG_ETM = 0x02;
const FLAG_TICKET = 0x04;
const FLAG_TICKET_LIFETIME = 0x08;
const FLAG_SERVER_NAME = 0x10;
const FLAG_ALPN = 0x20;
const KNOWN_FLAGS = 0x3f;

const TWO32 = 2 ** 32;
/** created_at_high bound: keeps created_at within Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_CREATED_HIGH = 0x1fffff;

const PEM_LABEL = 'SANSTLS SESSION';

const badSession = (msg: string, cause?: unknown): TlsError =>
  new TlsError('BAD_SESSION', 'internal_error', `session: ${msg}`, cause === undefined ? {} : { cause });

const isUint = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Bytes of a one-char-per-byte string, or BAD_SESSION (codec strings carry bytes as latin1). */
function latin1(s: unknown, max: number, what: string): Uint8Array {
  if (typeof s !== 'string') throw badSession(`${what} is not a string`);
  if (s.length > max) throw badSession(`${what} longer than ${max} bytes`);
  try {
    return binaryStringToBytes(s, what);
  } catch (e) {
    throw badSession(`${what} has a character above U+00FF`, e);
  }
}

function checkBytes(b: unknown, min: number, max: number, what: string): Uint8Array {
  if (!(b instanceof Uint8Array)) throw badSession(`${what} is not a Uint8Array`);
  if (b.length < min || b.length > max) throw badSession(`${what} length ${b.length} outside <${min}..${max}>`);
  return b;
}

/** The encoding of `s`. Throws TlsError BAD_SESSION if `s` cannot be represented (see the format above). */
export function encodeSession(s: TlsSession): Uint8Array {
  if (s === null || typeof s !== 'object') throw badSession('not an object');
  if (s.version !== TLS12) throw badSession(`version ${s.version} is not TLS 1.2 (0x0303)`);
  if (!isUint(s.cipherSuite, 0xffff)) throw badSession('cipherSuite is not a uint16');
  if (typeof s.extendedMasterSecret !== 'boolean' || typeof s.encryptThenMac !== 'boolean') {
    throw badSession('extendedMasterSecret and encryptThenMac must be booleans');
  }
  if (!isUint(s.createdAt, Number.MAX_SAFE_INTEGER)) throw badSession('createdAt is not a non-negative integer');
  const masterSecret = checkBytes(s.masterSecret, MASTER_SECRET_LENGTH, MASTER_SECRET_LENGTH, 'masterSecret');
  const sessionId = checkBytes(s.sessionId, 0, MAX_SESSION_ID, 'sessionId');
  const ticket = s.ticket === undefined ? undefined : checkBytes(s.ticket, 0, 0xffff, 'ticket');
  if (s.ticketLifetime !== undefined && !isUint(s.ticketLifetime, 0xffffffff)) {
    throw badSession('ticketLifetime is not a uint32');
  }
  const serverName = s.serverName === undefined ? undefined : latin1(s.serverName, 0xffff, 'serverName');
  const alpn = s.alpn === undefined ? undefined : latin1(s.alpn, 0xff, 'alpn');
  if (!Array.isArray(s.peerCertificates)) throw badSession('peerCertificates is not an array');
  let certBytes = 0;
  for (const c of s.peerCertificates) certBytes += 3 + checkBytes(c, 1, 0xffffff, 'peer certificate').length;
  if (certBytes > 0xffffff) throw badSession('peerCertificates longer than 2^24-1 bytes');

  const flags =
    (s.extendedMasterSecret ? FLAG_EMS : 0) |
    (s.encryptThenMac ? FLAG_ETM : 0) |
    (ticket ? FLAG_TICKET : 0) |
    (s.ticketLifetime !== undefined ? FLAG_TICKET_LIFETIME : 0) |
    (serverName ? FLAG_SERVER_NAME : 0) |
    (alpn ? FLAG_ALPN : 0);

  // The exact size up front: the Writer then never grows, so no stale copy of the master secret is
  // left behind in a discarded buffer, and wiping the result wipes every copy.
  const size =
    1 + 2 + 2 + 1 + 8 + (1 + MASTER_SECRET_LENGTH) + (1 + sessionId.length) +
    (ticket ? 2 + ticket.length : 0) + (s.ticketLifetime !== undefined ? 4 : 0) +
    (serverName ? 2 + serverName.length : 0) + (alpn ? 1 + alpn.length : 0) + 3 + certBytes;
  const w = new Writer(size);
  try {
    w.u8(FORMAT_V1).u16(s.version).u16(s.cipherSuite).u8(flags);
    w.u32(Math.floor(s.createdAt / TWO32)).u32(s.createdAt % TWO32);
    w.opaque(1, masterSecret, MASTER_SECRET_LENGTH, MASTER_SECRET_LENGTH, 'master_secret');
    w.opaque(1, sessionId, 0, MAX_SESSION_ID, 'session_id');
    if (ticket) w.opaque(2, ticket, 0, 0xffff, 'ticket');
    if (s.ticketLifetime !== undefined) w.u32(s.ticketLifetime);
    if (serverName) w.opaque(2, serverName, 0, 0xffff, 'server_name');
    if (alpn) w.opaque(1, alpn, 0, 0xff, 'alpn');
    w.vec24((l) => {
      for (const c of s.peerCertificates) l.opaque(3, c, 1, 0xffffff, 'ASN.1Cert');
    }, 0, 0xffffff, 'peer_certificates');
  } catch (e) {
    w.finish().fill(0);
    throw e instanceof TlsError && e.code === 'BAD_SESSION' ? e : badSession('cannot encode', e);
  }
  return w.finish();
}

/**
 * The session encoded in `bytes`. Anything else (unknown format, truncated, trailing bytes, a field out of
 * range, a version other than 0x0303) is TlsError BAD_SESSION, never another exception.
 */
export function decodeSession(bytes: Uint8Array): TlsSession {
  if (!(bytes instanceof Uint8Array)) throw badSession('input is not a Uint8Array');
  try {
    const r = new Reader(bytes, 'session');
    const format = r.u8('format');
    if (format !== FORMAT_V1) throw badSession(`unknown format ${format}`);
    const version = r.u16('version');
    if (version !== TLS12) throw badSession(`version 0x${version.toString(16)} is not TLS 1.2 (0x0303)`);
    const cipherSuite = r.u16('cipher_suite');
    const flags = r.u8('flags');
    if ((flags & ~KNOWN_FLAGS) !== 0) throw badSession(`unknown flags 0x${flags.toString(16)}`);
    const high = r.u32('created_at_high');
    const low = r.u32('created_at_low');
    if (high > MAX_CREATED_HIGH) throw badSession('created_at beyond 2^53');
    const masterSecret = r.vec8('master_secret', MASTER_SECRET_LENGTH, MASTER_SECRET_LENGTH).slice();
    const sessionId = r.vec8('session_id', 0, MAX_SESSION_ID).slice();
    const ticket = flags & FLAG_TICKET ? r.vec16('ticket').slice() : undefined;
    const ticketLifetime = flags & FLAG_TICKET_LIFETIME ? r.u32('ticket_lifetime') : undefined;
    const serverName = flags & FLAG_SERVER_NAME ? bytesToBinaryString(r.vec16('server_name')) : undefined;
    const alpn = flags & FLAG_ALPN ? bytesToBinaryString(r.vec8('alpn')) : undefined;
    const certs = r.sub(3, 'peer_certificates');
    r.end();
    const peerCertificates: Uint8Array[] = [];
    while (certs.remaining > 0) peerCertificates.push(certs.vec24('ASN.1Cert', 1).slice());

    // Optional fields are left out rather than set to undefined, so decode(encode(s)) equals s.
    return {
      version,
      cipherSuite,
      masterSecret,
      extendedMasterSecret: (flags & FLAG_EMS) !== 0,
      encryptThenMac: (flags & FLAG_ETM) !== 0,
      sessionId,
      ...(ticket !== undefined && { ticket }),
      ...(ticketLifetime !== undefined && { ticketLifetime }),
      ...(serverName !== undefined && { serverName }),
      ...(alpn !== undefined && { alpn }),
      peerCertificates,
      createdAt: high * TWO32 + low,
    };
  } catch (e) {
    if (e instanceof TlsError && e.code === 'BAD_SESSION') throw e;
    throw badSession(e instanceof Error ? e.message : 'malformed', e);
  }
}

// --- PEM (RFC 7468 textual encoding; base64 as RFC 4648 §4) ---

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

function base64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = b.length - i; // 1, 2 or >= 3 bytes left
    const v = (b[i]! << 16) | ((n > 1 ? b[i + 1]! : 0) << 8) | (n > 2 ? b[i + 2]! : 0);
    out += B64[v >>> 18]! + B64[(v >>> 12) & 63]! + (n > 1 ? B64[(v >>> 6) & 63]! : '=') + (n > 2 ? B64[v & 63]! : '=');
  }
  return out;
}

/** Strict base64: whitespace between characters is ignored; padding only at the end; unused bits zero. */
function unbase64(text: string): Uint8Array {
  const s = text.replace(/[ \t\r\n]/g, '');
  if (s.length === 0 || s.length % 4 !== 0) throw badSession('PEM: bad base64 length');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const at = i + j;
      const c = s.charCodeAt(at);
      const d = at >= s.length - pad ? (c === 61 ? 0 : -1) : c < 128 ? B64_VALUE[c]! : -1;
      if (d < 0) throw badSession('PEM: bad base64 character');
      v = (v << 6) | d;
    }
    if ((pad === 2 && i + 4 === s.length && (v & 0xffff) !== 0) || (pad === 1 && i + 4 === s.length && (v & 0xff) !== 0)) {
      throw badSession('PEM: non-canonical base64 padding'); // RFC 4648 §3.5
    }
    out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

/** The session as a PEM block labelled SANSTLS SESSION, 64 characters a line (RFC 7468 §2). Secret. */
export function sessionToPem(s: TlsSession): string {
  const der = encodeSession(s);
  const b64 = base64(der);
  der.fill(0);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${PEM_LABEL}-----\n${body}-----END ${PEM_LABEL}-----\n`;
}

/**
 * The session in the one SANSTLS SESSION block of `text` (text around it is ignored, RFC 7468 §2).
 * No block, several blocks, bad base64 or a bad encoding: TlsError BAD_SESSION.
 */
export function sessionFromPem(text: string): TlsSession {
  if (typeof text !== 'string') throw badSession('PEM: input is not a string');
  const blocks = [...text.matchAll(/-----BEGIN SANSTLS SESSION-----([^-]*)-----END SANSTLS SESSION-----/g)];
  if (blocks.length !== 1) throw badSession(`PEM: expected one ${PEM_LABEL} block, found ${blocks.length}`);
  const der = unbase64(blocks[0]![1]!);
  try {
    return decodeSession(der);
  } finally {
    der.fill(0);
  }
}
