import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CERTIFICATE_MESSAGE_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  encodeHandshake,
  HandshakeAssembler,
  HandshakeType,
  type HandshakeLimits,
  type RawHandshakeMessage,
} from '../../src/codec/index.js';
import { TlsError } from '../../src/errors.js';
import { catchError, concat, expectTlsError, toHex } from './helpers.js';

const rand = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

// A flight like a server's: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone (empty body),
// with a HelloRequest (also empty) in the middle to exercise zero-length bodies.
const flight = [
  encodeHandshake(HandshakeType.server_hello, rand(70, 1)),
  encodeHandshake(HandshakeType.certificate, rand(3000, 2)),
  encodeHandshake(HandshakeType.hello_request, new Uint8Array(0)),
  encodeHandshake(HandshakeType.server_key_exchange, rand(300, 3)),
  encodeHandshake(HandshakeType.server_hello_done, new Uint8Array(0)),
];
const stream = concat(...flight);

type Out = { type: number; raw: string; body: string };

function run(fragments: Uint8Array[], limits?: HandshakeLimits): Out[] {
  const asm = new HandshakeAssembler(limits);
  const out: Out[] = [];
  for (const f of fragments) {
    asm.push(f, (m: RawHandshakeMessage) => {
      expect(m.raw[0]).toBe(m.type);
      expect(m.body.length).toBe(m.raw.length - 4);
      out.push({ type: m.type, raw: toHex(m.raw), body: toHex(m.body) });
    });
  }
  expect(asm.pending).toBe(false);
  return out;
}

const expected: Out[] = flight.map((raw) => ({ type: raw[0]!, raw: toHex(raw), body: toHex(raw.subarray(4)) }));

describe('HandshakeAssembler', () => {
  it('yields every message of a coalesced flight in order', () => {
    expect(run([stream])).toEqual(expected);
  });

  it('gives the same output when the stream is split at every byte position', () => {
    for (let i = 1; i < stream.length; i++) {
      expect(run([stream.subarray(0, i), stream.subarray(i)])).toEqual(expected);
    }
  });

  it('gives the same output split at every pair of positions around message boundaries', () => {
    const boundaries: number[] = [];
    let at = 0;
    for (const m of flight) boundaries.push(at, at + 1, at + 2, at + 3, at + 4, (at += m.length) - 1);
    for (const i of boundaries) {
      for (const j of boundaries) {
        if (!(0 < i && i < j && j < stream.length)) continue;
        expect(run([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])).toEqual(expected);
      }
    }
  });

  it('gives the same output fed one byte at a time, and in record-sized chunks', () => {
    expect(run(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(expected);
    for (const size of [2, 3, 5, 7, 100, 1024]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expect(run(chunks)).toEqual(expected);
    }
  });

  it('hands out views of the input when a message lies in one fragment', () => {
    const asm = new HandshakeAssembler();
    const got: RawHandshakeMessage[] = [];
    asm.push(stream, (m) => got.push(m));
    expect(got[1]!.raw.buffer).toBe(stream.buffer);
  });

  it('reports pending state for a split header and a split body', () => {
    const asm = new HandshakeAssembler();
    const noop = () => {};
    asm.push(stream.subarray(0, 2), noop);
    expect(asm.pending).toBe(true);
    expect(asm.bufferedBytes).toBe(2);
    asm.push(stream.subarray(2, 10), noop);
    expect(asm.bufferedBytes).toBe(10);
    asm.push(stream.subarray(10, flight[0]!.length), noop);
    expect(asm.pending).toBe(false);
    asm.push(new Uint8Array(0), noop); // no-op
    expect(asm.pending).toBe(false);
  });

  describe('size limits', () => {
    it('defaults: 64 KiB for certificate-like messages, 16 KiB for others', () => {
      const asm = new HandshakeAssembler();
      expect(DEFAULT_MAX_CERTIFICATE_MESSAGE_SIZE).toBe(65536);
      expect(DEFAULT_MAX_MESSAGE_SIZE).toBe(16384);
      expect(asm.limitFor(HandshakeType.certificate)).toBe(65536);
      expect(asm.limitFor(HandshakeType.certificate_request)).toBe(65536);
      expect(asm.limitFor(HandshakeType.certificate_status)).toBe(65536);
      expect(asm.limitFor(HandshakeType.client_hello)).toBe(16384);
      expect(asm.limitFor(99)).toBe(16384);
    });

    it('accepts a message at the limit, refuses one byte more as soon as the header arrives', () => {
      const limits = { maxMessageSize: 100, maxCertificateMessageSize: 200 };
      expect(run([encodeHandshake(1, new Uint8Array(100))], limits).length).toBe(1);
      expect(run([encodeHandshake(11, new Uint8Array(200))], limits).length).toBe(1);
      for (const [type, len] of [[1, 101], [11, 201]] as const) {
        // Only the 4 header bytes are given: no body needs to arrive for the refusal.
        const header = encodeHandshake(type, new Uint8Array(len)).subarray(0, 4);
        for (const split of [[header], [header.subarray(0, 1), header.subarray(1)], Array.from(header, (b) => Uint8Array.of(b))]) {
          const asm = new HandshakeAssembler(limits);
          let e: unknown;
          for (const f of split) e ??= catchError(() => asm.push(f, () => {}));
          expect(e).toBeInstanceOf(TlsError);
          expect((e as TlsError).code).toBe('HANDSHAKE_MESSAGE_TOO_LARGE');
          expect((e as TlsError).alert).toBe('illegal_parameter');
          expect(asm.bufferedBytes).toBe(0);
        }
      }
    });

    it('a 16 MiB length claim never allocates: refused from the header', () => {
      const asm = new HandshakeAssembler();
      expectTlsError(() => asm.push(Uint8Array.of(11, 0xff, 0xff, 0xff), () => {}), 'illegal_parameter', 'HANDSHAKE_MESSAGE_TOO_LARGE');
    });

    it('per-type overrides apply', () => {
      const asm = new HandshakeAssembler({ perType: { [HandshakeType.finished]: 12 } });
      expect(asm.limitFor(HandshakeType.finished)).toBe(12);
      expectTlsError(() => asm.push(encodeHandshake(20, new Uint8Array(13)), () => {}), 'illegal_parameter');
      expect(() => new HandshakeAssembler({ maxMessageSize: 2 ** 24 })).toThrow(RangeError);
    });
  });

  it('delivers earlier messages before failing on a later oversized header, however the bytes are cut', () => {
    const bad = concat(flight[0]!, Uint8Array.of(11, 0x10, 0, 0));
    for (let i = 1; i <= bad.length; i++) {
      const asm = new HandshakeAssembler();
      const types: number[] = [];
      let e: unknown;
      for (const f of [bad.subarray(0, i), bad.subarray(i)]) e ??= catchError(() => asm.push(f, (m) => types.push(m.type)));
      expect(types).toEqual([HandshakeType.server_hello]);
      expect((e as TlsError).code).toBe('HANDSHAKE_MESSAGE_TOO_LARGE');
    }
  });

  it('stays failed after an error, including an error thrown by the consumer', () => {
    const asm = new HandshakeAssembler();
    const boom = new Error('consumer');
    expect(catchError(() => asm.push(stream, () => { throw boom; }))).toBe(boom);
    expect(catchError(() => asm.push(stream, () => {}))).toBe(boom);
  });
});
