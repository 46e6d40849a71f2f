import { describe, expect, it } from 'vitest';
import { RecordReader, type RawRecord } from '../../src/record/index.js';
import { bytes, concat, expectTls, record, toHex } from './helpers.js';

const TLS12 = 0x0303;
const MAX = 1 << 14;

/** Drains the reader, copying fragments (they are views valid until the next call). */
function drain(r: RecordReader): { type: number; version: number; fragment: string }[] {
  const out = [];
  for (let rec: RawRecord | null; (rec = r.next()); ) {
    out.push({ type: rec.type, version: rec.version, fragment: toHex(rec.fragment) });
  }
  return out;
}

function readAll(chunks: Uint8Array[], setup?: (r: RecordReader) => void) {
  const r = new RecordReader();
  setup?.(r);
  const out = [];
  for (const c of chunks) {
    r.push(c);
    out.push(...drain(r));
  }
  return { records: out, reader: r };
}

const stream = concat(
  record(22, 0x0301, bytes(70, 1)),
  record(22, TLS12, bytes(1, 2)),
  record(21, TLS12, Uint8Array.of(1, 0)),
  record(23, TLS12, new Uint8Array(0)),
  record(20, TLS12, Uint8Array.of(1)),
  record(23, TLS12, bytes(300, 3)),
);

describe('RecordReader: chunking', () => {
  const whole = readAll([stream]).records;

  it('parses coalesced records', () => {
    expect(whole.map((r) => [r.type, r.version, r.fragment.length / 2])).toEqual([
      [22, 0x0301, 70],
      [22, TLS12, 1],
      [21, TLS12, 2],
      [23, TLS12, 0],
      [20, TLS12, 1],
      [23, TLS12, 300],
    ]);
  });

  it('gives identical records for a split at every byte position', () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(readAll([stream.subarray(0, i), stream.subarray(i)]).records).toEqual(whole);
    }
  });

  it('gives identical records for two splits at many positions', () => {
    for (let i = 0; i <= stream.length; i += 3) {
      for (let j = i; j <= stream.length; j += 7) {
        const chunks = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)];
        expect(readAll(chunks).records).toEqual(whole);
      }
    }
  });

  it('gives identical records byte by byte', () => {
    const chunks = Array.from(stream, (b) => Uint8Array.of(b));
    expect(readAll(chunks).records).toEqual(whole);
  });

  it('keeps no reference to a chunk once next() has returned null', () => {
    const r = new RecordReader();
    const chunk = stream.slice(0, 80); // first record (75 bytes) plus 5 bytes of the next header
    r.push(chunk);
    expect(drain(r)).toHaveLength(1);
    chunk.fill(0xee); // the caller reuses its buffer
    r.push(stream.slice(80));
    expect(drain(r)).toEqual(readAll([stream]).records.slice(1));
  });

  it('never buffers more than one maximal record plus header', () => {
    const big = concat(
      record(23, TLS12, bytes(MAX + 2048, 4)),
      record(23, TLS12, bytes(MAX + 2048, 5)),
      record(23, TLS12, bytes(10, 6)),
    );
    const r = new RecordReader();
    r.setVersion(TLS12);
    r.setProtected(true);
    let seen = 0;
    let most = 0;
    for (let i = 0; i < big.length; i += 1000) {
      r.push(big.subarray(i, i + 1000));
      seen += drain(r).length;
      most = Math.max(most, r.bufferedLength);
      expect(r.pendingLength).toBe(r.bufferedLength);
    }
    expect(seen).toBe(3);
    expect(most).toBeLessThanOrEqual(5 + MAX + 2048);
  });

  it('returns records inside one chunk as views, without copying', () => {
    const r = new RecordReader();
    const chunk = record(22, TLS12, bytes(10));
    r.push(chunk);
    const rec = r.next()!;
    expect(rec.fragment.buffer).toBe(chunk.buffer);
    expect(rec.fragment.byteOffset).toBe(5);
  });
});

describe('RecordReader: limits (RFC 5246 §6.2.1, §6.2.3)', () => {
  it('accepts 2^14 plaintext bytes and rejects 2^14 + 1', () => {
    expect(readAll([record(23, TLS12, bytes(MAX))]).records).toHaveLength(1);
    expectTls(() => readAll([record(23, TLS12, bytes(MAX + 1))]), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('accepts 2^14 + 2048 ciphertext bytes and rejects 2^14 + 2049 once protected', () => {
    const prot = (r: RecordReader) => r.setProtected(true);
    expect(readAll([record(23, TLS12, bytes(MAX + 2048))], prot).records).toHaveLength(1);
    expectTls(() => readAll([record(23, TLS12, bytes(MAX + 2049))], prot), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('rejects an oversized length from the header alone, before the body arrives', () => {
    const r = new RecordReader();
    r.setProtected(true);
    r.push(Uint8Array.of(23, 3, 3, (MAX + 2049) >> 8, (MAX + 2049) & 0xff));
    expectTls(() => r.next(), 'RECORD_OVERFLOW');
    const r2 = new RecordReader();
    r2.push(Uint8Array.of(22, 3, 1, 0xff, 0xff));
    expectTls(() => r2.next(), 'RECORD_OVERFLOW');
  });

  it('follows a lowered max_fragment_length', () => {
    const lim = (r: RecordReader) => r.setMaxPlaintextLength(512);
    expect(readAll([record(23, TLS12, bytes(512))], lim).records).toHaveLength(1);
    expectTls(() => readAll([record(23, TLS12, bytes(513))], lim), 'RECORD_OVERFLOW');
  });

  it('waits on a truncated record without error', () => {
    const rec = record(22, TLS12, bytes(100));
    for (let i = 0; i < rec.length; i++) expect(readAll([rec.subarray(0, i)]).records).toEqual([]);
  });
});

describe('RecordReader: content types and versions', () => {
  it('rejects unknown content types with unexpected_message', () => {
    for (const t of [0, 1, 19, 24, 25, 63, 127]) {
      expectTls(() => readAll([record(t, TLS12, bytes(4))]), 'UNKNOWN_CONTENT_TYPE', 'unexpected_message');
    }
  });

  it('accepts {3,1}..{3,3} before the version is negotiated (RFC 5246 Appendix E.1)', () => {
    for (const v of [0x0301, 0x0302, 0x0303]) {
      expect(readAll([record(22, v, bytes(4))]).records[0]!.version).toBe(v);
    }
  });

  it('rejects other versions before negotiation', () => {
    for (const v of [0x0300, 0x0304, 0x0200, 0x0403, 0x0003, 0xfefd]) {
      expectTls(() => readAll([record(22, v, bytes(4))]), 'PROTOCOL_VERSION', 'protocol_version');
    }
  });

  it('accepts only {3,3} once negotiated', () => {
    const lock = (r: RecordReader) => r.setVersion(TLS12);
    expect(readAll([record(22, TLS12, bytes(4))], lock).records).toHaveLength(1);
    for (const v of [0x0301, 0x0302, 0x0300, 0x0304]) {
      expectTls(() => readAll([record(22, v, bytes(4))], lock), 'PROTOCOL_VERSION');
    }
    // A later record with an old version is refused too, whatever the first one was.
    expectTls(
      () => readAll([concat(record(22, TLS12, bytes(4)), record(23, 0x0301, bytes(4)))], lock),
      'PROTOCOL_VERSION',
    );
  });

  it('rejects an SSLv2-compatible ClientHello with a clear code', () => {
    // RFC 5246 E.2: msg_length with the high bit set, msg_type 1, version {3,1}, lengths, then data.
    const v2 = concat(
      Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10),
      bytes(0x15 + 0x10),
    );
    const e = expectTls(() => readAll([v2]), 'UNSUPPORTED_SSLV2_HELLO', 'protocol_version');
    expect(e.message).toMatch(/SSLv2/);
    // Byte by byte gives the same verdict.
    expectTls(() => readAll(Array.from(v2, (b) => Uint8Array.of(b))), 'UNSUPPORTED_SSLV2_HELLO');
  });

  it('treats a high-bit type after the first record as an unknown content type', () => {
    expectTls(
      () => readAll([concat(record(22, TLS12, bytes(4)), record(0x80, TLS12, bytes(4)))]),
      'UNKNOWN_CONTENT_TYPE',
    );
  });
});
