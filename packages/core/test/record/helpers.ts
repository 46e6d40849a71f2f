import { expect } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { RecordLayer, type RecordEvent, type RecordProtector } from '../../src/record/index.js';

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A record with the given header fields and fragment; `length` overrides the length field. */
export function record(type: number, version: number, fragment: Uint8Array, length = fragment.length): Uint8Array {
  return concat(Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff), fragment);
}

/** uint64 big-endian. */
export function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}

/** The RFC 5246 §6.2.3.2/§6.2.3.3 pseudo-header, built from the RFC text: seq_num + type + version + length. */
export function pseudoHeader(seq: bigint, type: number, version: number, length: number): Uint8Array {
  return concat(u64(seq), Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff));
}

/** Runs fn and returns the TlsError it throws (failing the test if it does not throw one). */
export function catchTls(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return e as TlsError;
  }
  throw new Error('expected a TlsError, nothing was thrown');
}

export function expectTls(fn: () => unknown, code: string, alert?: string): TlsError {
  const e = catchTls(fn);
  expect(e.code).toBe(code);
  if (alert) expect(e.alert).toBe(alert);
  return e;
}

/** Deterministic pseudo-random bytes for test data. */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Splits a byte string into records with a parser written here, independent of RecordReader. */
export function splitRecords(buf: Uint8Array): { type: number; version: number; fragment: Uint8Array }[] {
  const out = [];
  for (let i = 0; i < buf.length; ) {
    const len = (buf[i + 3]! << 8) | buf[i + 4]!;
    out.push({ type: buf[i]!, version: (buf[i + 1]! << 8) | buf[i + 2]!, fragment: buf.subarray(i + 5, i + 5 + len) });
    i += 5 + len;
  }
  return out;
}

/** A layer whose read side is switched to `p`, as after the peer's ChangeCipherSpec. */
export function readingLayer(p: RecordProtector, lockVersion = true): RecordLayer {
  const l = new RecordLayer();
  if (lockVersion) l.setVersion(0x0303);
  l.receive(record(20, 0x0303, Uint8Array.of(1)));
  expect(l.nextEvent()).toEqual({ type: 'change_cipher_spec' });
  l.changeReadCipher(p);
  return l;
}

/** A layer whose write side is switched to `p`, its ChangeCipherSpec already taken. */
export function writingLayer(p: RecordProtector): RecordLayer {
  const l = new RecordLayer();
  l.setVersion(0x0303);
  l.writeChangeCipherSpec();
  l.changeWriteCipher(p);
  l.takeOutgoing();
  return l;
}

export function events(l: RecordLayer): RecordEvent[] {
  return [...l.events()];
}

export const payloads = (evs: RecordEvent[]): Uint8Array[] => evs.map((e) => (e as { payload: Uint8Array }).payload);

/** Byte equality for large arrays (deep toEqual on typed arrays is slow); hex diff on failure. */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  if (!Buffer.from(actual!).equals(Buffer.from(expected))) expect(toHex(actual!)).toBe(toHex(expected));
}
