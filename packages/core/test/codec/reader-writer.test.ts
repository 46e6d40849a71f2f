import { describe, expect, it } from 'vitest';
import { Reader, Writer, encode } from '../../src/codec/index.js';
import { TlsError } from '../../src/errors.js';
import { bytes, expectTlsError, toHex } from './helpers.js';

describe('Reader', () => {
  it('reads big-endian integers', () => {
    const r = new Reader(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff));
    expect(r.u8()).toBe(1);
    expect(r.u16()).toBe(0x0203);
    expect(r.u24()).toBe(0x040506);
    expect(r.u8()).toBe(7);
    expect(r.u16()).toBe(0x0809);
    expect(r.u32()).toBe(0xffffffff); // unsigned, not -1
    r.end();
  });

  it('returns views, not copies', () => {
    const buf = bytes(0, 3, 1, 2, 3);
    const v = new Reader(buf).vec16('v');
    expect(v.buffer).toBe(buf.buffer);
    expect(v.byteOffset).toBe(2);
  });

  it('fails with decode_error on truncation of every kind', () => {
    expectTlsError(() => new Reader(bytes()).u8(), 'decode_error', 'DECODE_ERROR');
    expectTlsError(() => new Reader(bytes(1)).u16(), 'decode_error');
    expectTlsError(() => new Reader(bytes(1, 2)).u24(), 'decode_error');
    expectTlsError(() => new Reader(bytes(1, 2, 3)).u32(), 'decode_error');
    expectTlsError(() => new Reader(bytes(1, 2)).bytes(3), 'decode_error');
    expectTlsError(() => new Reader(bytes(0)).vec16('v'), 'decode_error');
    expectTlsError(() => new Reader(bytes(0, 0)).vec24('v'), 'decode_error');
    // The length claims more than is there.
    expectTlsError(() => new Reader(bytes(3, 1, 2)).vec8('v'), 'decode_error');
  });

  it('enforces vector floor, ceiling and element size (RFC 5246 §4.3)', () => {
    expectTlsError(() => new Reader(bytes(0)).vec8('v', 1), 'decode_error');
    expectTlsError(() => new Reader(bytes(3, 1, 2, 3)).vec8('v', 0, 2), 'decode_error');
    expectTlsError(() => new Reader(bytes(0, 3, 1, 2, 3)).vec16('v', 0, 0xffff, 2), 'decode_error');
    expect(toHex(new Reader(bytes(0, 0, 2, 1, 2)).vec24('v', 2, 2))).toBe('0102');
    expect(new Reader(bytes(0, 4, 0, 1, 0xab, 0xcd)).u16List(2, 'l', 2, 0xfffe)).toEqual([1, 0xabcd]);
    expectTlsError(() => new Reader(bytes(0, 0)).u16List(2, 'l', 2, 0xfffe), 'decode_error');
  });

  it('end() refuses trailing bytes', () => {
    const r = new Reader(bytes(1, 2));
    r.u8();
    const e = expectTlsError(() => r.end(), 'decode_error');
    expect(e.message).toContain('1 trailing');
  });

  it('sub-readers are bounded by their vector', () => {
    const r = new Reader(bytes(2, 7, 8, 9));
    const s = r.sub(1, 'inner');
    expect(s.u8()).toBe(7);
    expect(s.u8()).toBe(8);
    expectTlsError(() => s.u8(), 'decode_error');
    expect(r.u8()).toBe(9);
    r.end();
  });
});

describe('Writer', () => {
  it('writes integers and grows past its initial capacity', () => {
    const w = new Writer(16);
    for (let i = 0; i < 100; i++) w.u8(i & 0xff).u16(0x0102).u24(0x030405).u32(0xfffffffe);
    const out = w.finish();
    expect(out.length).toBe(1000);
    expect(toHex(out.subarray(0, 10))).toBe('00010203040' + '5fffffffe');
  });

  it('back-patches nested length prefixes', () => {
    const out = encode((w) =>
      w.vec16((a) => {
        a.u8(0xaa);
        a.vec24((b) => b.vec8((c) => c.bytes(bytes(1, 2, 3))));
      }),
    );
    expect(toHex(out)).toBe('0008' + 'aa' + '000004' + '03' + '010203');
    const r = new Reader(out);
    const a = r.sub(2, 'a');
    expect(a.u8()).toBe(0xaa);
    expect(toHex(a.sub(3, 'b').vec8('c'))).toBe('010203');
    r.end();
  });

  it('refuses out-of-range values and vector lengths with ENCODE_ERROR', () => {
    for (const f of [
      () => new Writer().u8(256),
      () => new Writer().u16(-1),
      () => new Writer().u24(0x1000000),
      () => new Writer().u32(2 ** 32),
      () => new Writer().u8(1.5),
      () => new Writer().opaque(1, new Uint8Array(256)),
      () => new Writer().opaque(1, new Uint8Array(0), 1),
    ]) {
      const e = expectTlsError(f, 'internal_error', 'ENCODE_ERROR');
      expect(e).toBeInstanceOf(TlsError);
    }
  });

  it('a 2^16-1 byte vector fits a 2-byte prefix, one more does not', () => {
    expect(encode((w) => w.opaque(2, new Uint8Array(0xffff))).length).toBe(0x10001);
    expectTlsError(() => encode((w) => w.opaque(2, new Uint8Array(0x10000))), 'internal_error');
  });
});
