import { describe, expect, it } from 'vitest';
import {
  aesGcmProtector,
  chacha20Poly1305Protector,
  nullProtector,
  RecordLayer,
  RecordWriter,
  SequenceNumber,
  type RecordEvent,
} from '../../src/record/index.js';
import { bytes, concat, events, expectTls, record, splitRecords, toHex } from './helpers.js';
import { NodeAead } from './node-aead.js';

const TLS12 = 0x0303;
const key = bytes(16, 1);
const salt = bytes(4, 2);
const gcm = () => aesGcmProtector(new NodeAead('aes-128-gcm', key), salt);

/** Plays a peer: a flight in the clear, ChangeCipherSpec, then protected records. */
function peerStream(): Uint8Array {
  const w = new RecordLayer();
  w.setVersion(TLS12);
  w.writeHandshake(bytes(300, 3));
  w.writeAlert(1, 100);
  w.writeApplicationData(new Uint8Array(0)); // writes nothing
  w.writeChangeCipherSpec();
  w.changeWriteCipher(gcm());
  w.writeHandshake(bytes(16, 4));
  w.writeApplicationData(bytes(20000, 5));
  w.writeAlert(2, 20);
  return w.takeOutgoing();
}

/** Drives a layer the way the handshake will: pulls events, switching cipher on ChangeCipherSpec. */
function consume(chunks: Uint8Array[]): string[] {
  const l = new RecordLayer();
  const out: string[] = [];
  for (const c of chunks) {
    l.receive(c);
    for (let ev: RecordEvent | null; (ev = l.nextEvent()); ) {
      if (ev.type === 'change_cipher_spec') {
        l.changeReadCipher(gcm());
        l.setVersion(TLS12);
      }
      out.push(ev.type === 'alert' ? `alert ${ev.level} ${ev.description}` : ev.type === 'change_cipher_spec' ? 'ccs' : `${ev.type} ${toHex(ev.payload)}`);
    }
  }
  return out;
}

describe('RecordLayer events', () => {
  const stream = peerStream();
  const whole = consume([stream]);

  it('decodes a flight, ChangeCipherSpec and protected records', () => {
    expect(whole.map((s) => s.slice(0, 24))).toEqual([
      `handshake ${toHex(bytes(300, 3)).slice(0, 14)}`,
      'alert 1 100',
      'ccs',
      `handshake ${toHex(bytes(16, 4)).slice(0, 14)}`,
      `application_data ${toHex(bytes(20000, 5)).slice(0, 7)}`,
      `application_data ${toHex(bytes(20000, 5).subarray(16384)).slice(0, 7)}`,
      'alert 2 20',
    ]);
  });

  it('gives identical events for a split at every byte position, across the cipher change', () => {
    for (let i = 0; i <= stream.length; i += 1 + (i > 400 && i < stream.length - 400 ? 97 : 0)) {
      expect(consume([stream.subarray(0, i), stream.subarray(i)])).toEqual(whole);
    }
  });

  it('gives identical events byte by byte', () => {
    expect(consume(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it('events() is lazy: a cipher change inside the loop applies to the next record', () => {
    const l = new RecordLayer();
    l.receive(stream);
    const types: string[] = [];
    for (const ev of l.events()) {
      types.push(ev.type);
      if (ev.type === 'change_cipher_spec') l.changeReadCipher(gcm());
    }
    expect(types).toEqual(['handshake', 'alert', 'change_cipher_spec', 'handshake', 'application_data', 'application_data', 'alert']);
  });

  it('hands out payloads the receiver owns', () => {
    const l = new RecordLayer();
    const input = record(22, TLS12, bytes(10, 6));
    l.receive(input);
    const ev = l.nextEvent() as { payload: Uint8Array };
    input.fill(0);
    expect(ev.payload).toEqual(bytes(10, 6));
  });
});

describe('RecordLayer checks', () => {
  const feed = (...recs: Uint8Array[]) => {
    const l = new RecordLayer();
    l.receive(concat(...recs));
    return l;
  };

  it('requires ChangeCipherSpec to be exactly the byte 1', () => {
    expect(events(feed(record(20, TLS12, Uint8Array.of(1))))).toEqual([{ type: 'change_cipher_spec' }]);
    for (const body of [Uint8Array.of(0), Uint8Array.of(2), Uint8Array.of(1, 1), Uint8Array.of(1, 0)]) {
      expectTls(() => events(feed(record(20, TLS12, body))), 'BAD_CHANGE_CIPHER_SPEC', 'decode_error');
    }
  });

  it('rejects empty handshake, alert and ChangeCipherSpec records', () => {
    for (const t of [20, 21, 22]) {
      expectTls(() => events(feed(record(t, TLS12, new Uint8Array(0)))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('parses alerts of exactly two bytes', () => {
    expect(events(feed(record(21, TLS12, Uint8Array.of(2, 40))))).toEqual([{ type: 'alert', level: 2, description: 40 }]);
    expect(events(feed(record(21, TLS12, Uint8Array.of(1, 250))))).toEqual([{ type: 'alert', level: 1, description: 250 }]);
    expectTls(() => events(feed(record(21, TLS12, Uint8Array.of(2)))), 'DECODE_ERROR', 'decode_error');
    expectTls(() => events(feed(record(21, TLS12, Uint8Array.of(2, 40, 0)))), 'DECODE_ERROR', 'decode_error');
    expectTls(() => events(feed(record(21, TLS12, Uint8Array.of(2, 40, 2, 40)))), 'DECODE_ERROR');
    expectTls(() => events(feed(record(21, TLS12, Uint8Array.of(3, 0)))), 'ILLEGAL_PARAMETER', 'illegal_parameter');
    expectTls(() => events(feed(record(21, TLS12, Uint8Array.of(0, 0)))), 'ILLEGAL_PARAMETER');
  });

  it('tolerates 32 consecutive empty application-data records, not 33', () => {
    const empty = record(23, TLS12, new Uint8Array(0));
    const data = record(23, TLS12, bytes(3, 7));
    const ok = feed(...Array(32).fill(empty), data, ...Array(32).fill(empty), data);
    expect(events(ok)).toEqual([
      { type: 'application_data', payload: bytes(3, 7) },
      { type: 'application_data', payload: bytes(3, 7) },
    ]);
    const bad = feed(...Array(33).fill(empty), data);
    expectTls(() => events(bad), 'TOO_MANY_EMPTY_RECORDS', 'unexpected_message');
    const custom = new RecordLayer({ maxEmptyRecords: 2 });
    custom.receive(concat(empty, empty, empty));
    expectTls(() => events(custom), 'TOO_MANY_EMPTY_RECORDS');
  });

  it('plaintext over 2^14 is record_overflow, 2^14 is fine', () => {
    expect(events(feed(record(23, TLS12, bytes(16384))))).toHaveLength(1);
    expectTls(() => events(feed(record(23, TLS12, bytes(16385)))), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses to read past ChangeCipherSpec until the read cipher is changed', () => {
    const l = feed(record(20, TLS12, Uint8Array.of(1)), record(22, TLS12, bytes(4)));
    expect(l.nextEvent()).toEqual({ type: 'change_cipher_spec' });
    expectTls(() => l.nextEvent(), 'INTERNAL_ERROR');
    const l2 = feed(record(20, TLS12, Uint8Array.of(1)));
    expect(l2.nextEvent()).toEqual({ type: 'change_cipher_spec' });
    expect(l2.nextEvent()).toBeNull(); // nothing pending: fine
  });

  it('refuses cipher changes without a ChangeCipherSpec', () => {
    const l = new RecordLayer();
    expectTls(() => l.changeReadCipher(gcm()), 'INTERNAL_ERROR');
    expectTls(() => l.changeWriteCipher(gcm()), 'INTERNAL_ERROR');
    l.writeHandshake(bytes(4));
    expectTls(() => l.changeWriteCipher(gcm()), 'INTERNAL_ERROR');
  });

  it('stays failed after a fatal error', () => {
    const l = feed(record(99, TLS12, bytes(4)));
    const e = expectTls(() => l.nextEvent(), 'UNKNOWN_CONTENT_TYPE');
    expect(() => l.nextEvent()).toThrow(e);
    expect(() => l.receive(bytes(3))).toThrow(e);
    // The fatal alert can still be written.
    l.writeAlert(2, 10);
    expect(l.takeOutgoing()).toEqual(record(21, TLS12, Uint8Array.of(2, 10)));
  });

  it('wraps non-TLS exceptions from a protector as internal_error', () => {
    const l = feed(record(20, TLS12, Uint8Array.of(1)));
    l.nextEvent();
    const broken = { ...nullProtector(), kind: 'aead' as const, unprotect: () => { throw new Error('boom'); }, dispose() {} };
    l.changeReadCipher(broken);
    l.receive(record(23, TLS12, bytes(30)));
    expectTls(() => l.nextEvent(), 'INTERNAL_ERROR', 'internal_error');
  });
});

describe('RecordWriter', () => {
  it('fragments at 2^14 and hands back one buffer per flight', () => {
    const w = new RecordWriter();
    w.write(22, bytes(16384 * 2 + 5, 8));
    w.write(23, bytes(10, 9));
    const out = w.takeOutgoing();
    const recs = splitRecords(out);
    expect(recs.map((r) => [r.type, r.version, r.fragment.length])).toEqual([
      [22, TLS12, 16384],
      [22, TLS12, 16384],
      [22, TLS12, 5],
      [23, TLS12, 10],
    ]);
    expect(concat(...recs.slice(0, 3).map((r) => r.fragment))).toEqual(bytes(16384 * 2 + 5, 8));
    expect(w.takeOutgoing()).toEqual(new Uint8Array(0));
  });

  it('follows a configured max fragment length and record version', () => {
    const w = new RecordWriter();
    w.setMaxFragmentLength(512);
    w.version = 0x0301;
    w.write(22, bytes(1100));
    expect(splitRecords(w.takeOutgoing()).map((r) => [r.version, r.fragment.length])).toEqual([
      [0x0301, 512],
      [0x0301, 512],
      [0x0301, 76],
    ]);
  });

  it('returns buffers the caller owns (later writes do not touch them)', () => {
    const w = new RecordWriter();
    w.write(23, bytes(100, 1));
    const first = w.takeOutgoing();
    const copy = first.slice();
    for (let i = 0; i < 50; i++) w.write(23, bytes(3000, i));
    w.takeOutgoing();
    expect(first).toEqual(copy);
  });

  it('writes nothing for empty application data and refuses other empty records', () => {
    const w = new RecordWriter();
    w.write(23, new Uint8Array(0));
    expect(w.pendingLength).toBe(0);
    for (const t of [20, 21, 22] as const) expectTls(() => w.write(t, new Uint8Array(0)), 'INTERNAL_ERROR');
  });

  it('an AEAD with sealInto writes the same records as through sealInPlace, its input untouched', () => {
    for (const [name, make] of [
      ['aes-128-gcm', (a: NodeAead) => aesGcmProtector(a, salt)],
      ['chacha20-poly1305', (a: NodeAead) => chacha20Poly1305Protector(a, bytes(12, 6))],
    ] as const) {
      const k = name === 'aes-128-gcm' ? key : bytes(32, 7);
      const plain = new NodeAead(name, k);
      // sealInto over seal(): the writer hands it the plaintext where it lies.
      const into = Object.assign(new NodeAead(name, k), {
        sealInto(dst: Uint8Array, offset: number, pt: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) {
          dst.set(plain.seal(nonce, pt, aad), offset);
        },
      });
      const data = bytes(16384 * 2 + 7, 4);
      const before = data.slice();
      const outs = [make(plain), make(into)].map((p) => {
        const w = new RecordWriter();
        w.changeCipher(p);
        w.write(23, data);
        w.write(22, bytes(40, 5));
        return toHex(w.takeOutgoing());
      });
      expect(make(into).sealInto).toBeTypeOf('function');
      expect(make(plain).sealInto).toBeUndefined();
      expect(outs[1]).toBe(outs[0]);
      expect(data).toEqual(before);
    }
  });

  it('ChaCha20-Poly1305 records carry no explicit nonce (RFC 7905): header + n + 16', () => {
    const l = new RecordLayer();
    l.writeChangeCipherSpec();
    l.changeWriteCipher(chacha20Poly1305Protector(new NodeAead('chacha20-poly1305', bytes(32)), bytes(12)));
    expect(l.takeOutgoing()).toEqual(record(20, TLS12, Uint8Array.of(1)));
    l.writeApplicationData(bytes(16384));
    expect(l.takeOutgoing().length).toBe(5 + 16384 + 16);
  });
});

describe('sequence numbers (RFC 5246 §6.1)', () => {
  it('counts big-endian across the 32-bit boundary', () => {
    const s = new SequenceNumber();
    expect(toHex(s.next())).toBe('0000000000000000');
    expect(toHex(s.next())).toBe('0000000000000001');
    s.set(0xffffffffn);
    expect(toHex(s.next())).toBe('00000000ffffffff');
    expect(toHex(s.next())).toBe('0000000100000000');
    expect(s.value).toBe(0x100000001n);
    s.reset();
    expect(s.value).toBe(0n);
  });

  it('uses 2^64-1 and then fails instead of wrapping', () => {
    const s = new SequenceNumber();
    s.set((1n << 64n) - 2n);
    expect(toHex(s.next())).toBe('fffffffffffffffe');
    expect(toHex(s.next())).toBe('ffffffffffffffff');
    expectTls(() => s.next(), 'SEQUENCE_OVERFLOW');
    expectTls(() => s.next(), 'SEQUENCE_OVERFLOW');
    s.reset();
    expect(toHex(s.next())).toBe('0000000000000000');
  });

  it('the writer refuses the record after 2^64-1', () => {
    const l = new RecordLayer();
    l.writeChangeCipherSpec();
    l.changeWriteCipher(gcm());
    l.writeSequence.set((1n << 64n) - 2n);
    l.writeApplicationData(bytes(10));
    l.writeApplicationData(bytes(10));
    expectTls(() => l.writeApplicationData(bytes(10)), 'SEQUENCE_OVERFLOW');
    expect(splitRecords(l.takeOutgoing())).toHaveLength(3); // CCS + two records
  });

  it('the reader refuses the record after 2^64-1', () => {
    const w = new RecordLayer();
    w.writeChangeCipherSpec();
    w.changeWriteCipher(gcm());
    w.writeSequence.set((1n << 64n) - 2n);
    w.writeApplicationData(bytes(10, 1));
    w.writeApplicationData(bytes(10, 2));
    const out = w.takeOutgoing();
    const r = new RecordLayer();
    r.receive(out);
    expect(r.nextEvent()).toEqual({ type: 'change_cipher_spec' });
    r.changeReadCipher(gcm());
    r.readSequence.set((1n << 64n) - 2n);
    expect(events(r)).toHaveLength(2);
    r.receive(record(23, TLS12, bytes(40)));
    expectTls(() => r.nextEvent(), 'SEQUENCE_OVERFLOW');
  });

  it('resets to 0 on each cipher change', () => {
    const l = new RecordLayer();
    l.writeHandshake(bytes(4));
    l.writeHandshake(bytes(4));
    expect(l.writeSequence.value).toBe(2n);
    l.writeChangeCipherSpec();
    l.changeWriteCipher(gcm());
    expect(l.writeSequence.value).toBe(0n);
  });
});
