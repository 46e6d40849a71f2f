// Property tests for every decoder of the codec (src/codec: each extension, each handshake message, the
// extensions block, message framing and reassembly), the record header reader and alerts:
//   round trip   decode(encode(x)) equals x for arbitrary valid x;
//   robustness   arbitrary bytes (noise, and valid encodings slightly damaged) give a value or a TlsError with a
//                valid alert, nothing else (no TypeError, RangeError, INTERNAL_ERROR) and no long computation;
//   canonical    when damaged bytes still decode, encoding the value gives those very bytes back: the decoders
//                accept one encoding per value (the only exception, noted below, is an empty extensions block).
// Seeds are fixed (FC_SEED overrides); fast-check prints the seed and the shrunk counterexample on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertName, AlertDescription, type AlertName } from '../../src/alerts.js';
import {
  buildClientHelloExtensions,
  buildServerHelloExtensions,
  decodeAlpn,
  decodeAlpnSelected,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateStatus,
  decodeCertificateVerify,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeEcPointFormats,
  decodeEmpty,
  decodeEncryptThenMac,
  decodeExtendedMasterSecret,
  decodeExtensions,
  decodeFinished,
  decodeHandshakeMessage,
  decodeHelloRequest,
  decodeNewSessionTicket,
  decodeRenegotiationInfo,
  decodeServerHello,
  decodeServerHelloDone,
  decodeServerKeyExchange,
  decodeServerName,
  decodeSessionTicket,
  decodeSessionTicketAck,
  decodeSignatureAlgorithms,
  decodeStatusRequest,
  decodeSupportedGroups,
  encode,
  encodeAlpn,
  encodeAlpnSelected,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateStatus,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeEcPointFormats,
  encodeEmpty,
  encodeFinished,
  encodeHandshake,
  encodeHandshakeMessage,
  encodeNewSessionTicket,
  encodeRenegotiationInfo,
  encodeServerHello,
  encodeServerKeyExchange,
  encodeServerKeyExchangeParams,
  encodeServerName,
  encodeSessionTicket,
  encodeSignatureAlgorithms,
  encodeStatusRequest,
  encodeSupportedGroups,
  HandshakeAssembler,
  HandshakeType,
  isSniHostName,
  parseClientHelloExtensions,
  parseServerHelloExtensions,
  Reader,
  Writer,
  writeExtensions,
  type HandshakeMessage,
  type KeyExchange,
  type RawHandshakeMessage,
} from '../../src/codec/index.js';
import { TlsError } from '../../src/errors.js';
import { RecordLayer } from '../../src/record/layer.js';
import { RecordReader } from '../../src/record/framing.js';
import { NullProtector } from '../../src/record/protection/null.js';
import * as A from './arbitraries.js';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 0x5a75;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 300;
const params = { seed: SEED, numRuns: RUNS };
const check = <T>(arb: fc.Arbitrary<T>, pred: (x: T) => unknown, runs = RUNS) =>
  fc.assert(fc.property(arb, (x) => { pred(x); }), { ...params, numRuns: runs });

const KXS: readonly KeyExchange[] = ['ECDHE_ECDSA', 'ECDHE_RSA', 'DHE_RSA', 'RSA'];
const cat = (...parts: readonly (Uint8Array | readonly number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const u16be = (n: number) => [n >> 8, n & 0xff];

/** The failure a hostile input may cause: a TlsError with a real alert, never our internal error. */
function expectTlsError(e: unknown): void {
  if (!(e instanceof TlsError)) throw new Error(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}, not a TlsError`);
  expect(e.code).not.toBe('INTERNAL_ERROR');
  expect(e.code).not.toBe('ENCODE_ERROR');
  expect(alertName(e.alertCode)).toBe(e.alert);
}

/**
 * Robustness and canonicity of one decoder: `valid` gives encodings to damage; `reencode` (when the decoded
 * value can be encoded) must give the bytes back, or the list of acceptable encodings it returns.
 */
function robust<T>(valid: fc.Arbitrary<Uint8Array>, decode: (b: Uint8Array) => T, reencode?: (v: T, b: Uint8Array) => Uint8Array | Uint8Array[] | undefined): void {
  check(A.hostile(valid), (b) => {
    const input = b.slice();
    const t0 = performance.now();
    let v: T;
    try {
      v = decode(b);
    } catch (e) {
      expectTlsError(e);
      return;
    } finally {
      expect(performance.now() - t0, 'decoding time (ms)').toBeLessThan(500);
    }
    expect(b, 'decoding must not modify its input').toEqual(input);
    const again = reencode?.(v, b);
    if (again === undefined) return;
    const forms = Array.isArray(again) ? again : [again];
    expect(forms.some((f) => Buffer.from(f).equals(Buffer.from(b))), `re-encoding ${Buffer.from(b).toString('hex')}`).toBe(true);
  });
}

// ---- extensions ------------------------------------------------------------------------------------------------

describe('extension codecs', () => {
  it('server_name: round trip, robustness, canonical', () => {
    check(A.hostName, (h) => expect(decodeServerName(encodeServerName(h))).toBe(h));
    robust(A.hostName.map(encodeServerName), decodeServerName, (h) => (isSniHostName(h) ? encodeServerName(h) : undefined));
  });

  it('supported_groups and signature_algorithms', () => {
    check(A.u16List, (l) => expect(decodeSupportedGroups(encodeSupportedGroups(l))).toEqual(l));
    check(A.u16List, (l) => expect(decodeSignatureAlgorithms(encodeSignatureAlgorithms(l))).toEqual(l));
    robust(A.u16List.map(encodeSupportedGroups), decodeSupportedGroups, encodeSupportedGroups);
    robust(A.u16List.map(encodeSignatureAlgorithms), decodeSignatureAlgorithms, encodeSignatureAlgorithms);
  });

  it('ec_point_formats', () => {
    check(A.pointFormats, (f) => expect(decodeEcPointFormats(encodeEcPointFormats(f))).toEqual(f));
    robust(A.pointFormats.map((f) => encodeEcPointFormats(f)), decodeEcPointFormats, (f) => encodeEcPointFormats(f));
  });

  it('application_layer_protocol_negotiation, both forms', () => {
    check(A.alpnList, (l) => expect(decodeAlpn(encodeAlpn(l))).toEqual(l));
    check(A.alpnName, (n) => expect(decodeAlpnSelected(encodeAlpnSelected(n))).toBe(n));
    robust(A.alpnList.map(encodeAlpn), decodeAlpn, encodeAlpn);
    robust(A.alpnName.map(encodeAlpnSelected), decodeAlpnSelected, encodeAlpnSelected);
  });

  it('renegotiation_info', () => {
    check(A.renegotiationInfo, (r) => expect(decodeRenegotiationInfo(encodeRenegotiationInfo(r))).toEqual(r));
    robust(A.renegotiationInfo.map((r) => encodeRenegotiationInfo(r)), decodeRenegotiationInfo, (r) => encodeRenegotiationInfo(r));
  });

  it('session_ticket, both forms', () => {
    check(A.sessionTicket, (t) => expect(decodeSessionTicket(encodeSessionTicket(t))).toEqual(t));
    robust(A.sessionTicket, decodeSessionTicket, (t) => encodeSessionTicket(t));
    robust(fc.constant(encodeEmpty()), decodeSessionTicketAck, () => encodeEmpty());
  });

  it('status_request', () => {
    check(A.ocspStatusRequest, (s) => expect(decodeStatusRequest(encodeStatusRequest(s))).toEqual(s));
    robust(A.ocspStatusRequest.map((s) => encodeStatusRequest(s)), decodeStatusRequest, (s) => (s.statusType === 1 ? encodeStatusRequest(s) : undefined));
  });

  it('empty extensions: extended_master_secret, encrypt_then_mac, server acknowledgements', () => {
    expect(decodeExtendedMasterSecret(encodeEmpty())).toBe(true);
    expect(decodeEncryptThenMac(encodeEmpty())).toBe(true);
    robust(fc.constant(encodeEmpty()), decodeExtendedMasterSecret, () => encodeEmpty());
    robust(fc.constant(encodeEmpty()), decodeEncryptThenMac, () => encodeEmpty());
    robust(fc.constant(encodeEmpty()), (b) => decodeEmpty('server_name', b), () => encodeEmpty());
  });

  it('the extensions block: raw round trip, duplicates refused, robustness', () => {
    const block = (exts: Parameters<typeof writeExtensions>[1]) => encode((w) => writeExtensions(w, exts)).subarray(2);
    check(A.rawExtensions(new Set(), 12), (exts) => expect(decodeExtensions(block(exts))).toEqual(exts));
    check(A.rawExtensions(new Set(), 6).filter((e) => e.length > 0), (exts) => {
      const dup = cat(block(exts), u16be(exts[0]!.type), [0, 0]);
      expect(() => decodeExtensions(dup)).toThrow(expect.objectContaining({ code: 'ILLEGAL_PARAMETER', alert: 'illegal_parameter' }));
    });
    robust(A.rawExtensions(new Set(), 12).map(block), decodeExtensions, (exts) => block(exts));
  });

  it('typed hello extensions: build then parse gives the same values, unknown ones kept in order', () => {
    check(fc.tuple(A.clientHelloExtensions, A.clientExtras), ([typed, extra]) => {
      const raw = buildClientHelloExtensions(typed, extra);
      const { raw: rawOut, other, ...parsed } = parseClientHelloExtensions(decodeExtensions(encode((w) => writeExtensions(w, raw)).subarray(2)));
      expect(parsed).toEqual(typed);
      expect(other).toEqual(extra);
      expect(rawOut).toEqual(raw);
    });
    check(fc.tuple(A.serverHelloExtensions, A.serverExtras), ([typed, extra]) => {
      const raw = buildServerHelloExtensions(typed, extra);
      const { raw: rawOut, other, ...parsed } = parseServerHelloExtensions(decodeExtensions(encode((w) => writeExtensions(w, raw)).subarray(2)));
      expect(parsed).toEqual(typed);
      expect(other).toEqual(extra);
      expect(rawOut).toEqual(raw);
    });
    // Arbitrary data under every known type: a value or a TlsError.
    const known = [0, 5, 10, 11, 13, 16, 22, 23, 35, 0xff01];
    check(fc.tuple(fc.constantFrom(...known), A.bytes(0, 60)), ([type, data]) => {
      for (const parse of [parseClientHelloExtensions, parseServerHelloExtensions]) {
        try {
          parse([{ type, data }]);
        } catch (e) {
          expectTlsError(e);
        }
      }
    });
  });
});

// ---- handshake messages ------------------------------------------------------------------------------------------

/** A hello's accepted encodings: as encoded, or with an empty extensions block (RFC 5246 §7.4.1.2 allows both). */
const helloForms = (encoded: Uint8Array, extensions: readonly unknown[]) => (extensions.length === 0 ? [encoded, cat(encoded, [0, 0])] : [encoded]);

describe('handshake message codecs', () => {
  it('ClientHello', () => {
    check(A.clientHello, ({ message, typed, extra }) => {
      const extensions = buildClientHelloExtensions(typed, extra);
      const { ext, ...plain } = decodeClientHello(encodeClientHello({ ...message, extensions }));
      expect(plain).toEqual({ ...message, extensions });
      const { raw, other, ...parsed } = ext;
      expect(parsed).toEqual(typed);
      expect(other).toEqual(extra);
      expect(raw).toEqual(extensions);
    });
    const valid = A.clientHello.map(({ message, typed, extra }) => encodeClientHello({ ...message, extensions: buildClientHelloExtensions(typed, extra) }));
    robust(valid, decodeClientHello, (ch) => helloForms(encodeClientHello(ch), ch.extensions));
  });

  it('ServerHello', () => {
    check(A.serverHello, ({ message, typed, extra }) => {
      const extensions = buildServerHelloExtensions(typed, extra);
      const { ext, ...plain } = decodeServerHello(encodeServerHello({ ...message, extensions }));
      expect(plain).toEqual({ ...message, extensions });
      const { raw, other, ...parsed } = ext;
      expect(parsed).toEqual(typed);
      expect(other).toEqual(extra);
      expect(raw).toEqual(extensions);
    });
    const valid = A.serverHello.map(({ message, typed, extra }) => encodeServerHello({ ...message, extensions: buildServerHelloExtensions(typed, extra) }));
    robust(valid, decodeServerHello, (sh) => helloForms(encodeServerHello(sh), sh.extensions));
  });

  it('NewSessionTicket', () => {
    check(A.newSessionTicket, (t) => expect(decodeNewSessionTicket(encodeNewSessionTicket(t))).toEqual(t));
    robust(A.newSessionTicket.map(encodeNewSessionTicket), decodeNewSessionTicket, encodeNewSessionTicket);
  });

  it('Certificate', () => {
    check(A.certificate, (c) => expect(decodeCertificate(encodeCertificate(c))).toEqual(c));
    robust(A.certificate.map(encodeCertificate), decodeCertificate, encodeCertificate);
  });

  it('ServerKeyExchange, per key exchange (RSA: never legal)', () => {
    check(A.serverKeyExchange, ({ kx, ske }) => {
      expect(decodeServerKeyExchange(encodeServerKeyExchange(ske), kx)).toEqual({ ...ske, paramsBytes: encodeServerKeyExchangeParams(ske.params) });
    });
    for (const kx of KXS) {
      const valid = A.serverKeyExchange.map(({ ske }) => encodeServerKeyExchange(ske));
      robust(valid, (b) => decodeServerKeyExchange(b, kx), (ske, b) => {
        expect(ske.paramsBytes).toEqual(encodeServerKeyExchangeParams(ske.params));
        expect(b.subarray(0, ske.paramsBytes.length)).toEqual(ske.paramsBytes);
        return encodeServerKeyExchange(ske);
      });
    }
    check(A.serverKeyExchange, ({ ske }) => {
      expect(() => decodeServerKeyExchange(encodeServerKeyExchange(ske), 'RSA')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_MESSAGE' }));
    }, 20);
  });

  it('CertificateRequest', () => {
    check(A.certificateRequest, (c) => expect(decodeCertificateRequest(encodeCertificateRequest(c))).toEqual(c));
    robust(A.certificateRequest.map(encodeCertificateRequest), decodeCertificateRequest, encodeCertificateRequest);
  });

  it('CertificateVerify', () => {
    check(A.digitallySigned, (ds) => expect(decodeCertificateVerify(encodeCertificateVerify(ds))).toEqual(ds));
    robust(A.digitallySigned.map(encodeCertificateVerify), decodeCertificateVerify, encodeCertificateVerify);
  });

  it('ClientKeyExchange, per key exchange', () => {
    check(A.clientKeyExchange, ({ kx, cke }) => expect(decodeClientKeyExchange(encodeClientKeyExchange(cke), kx)).toEqual(cke));
    for (const kx of KXS) {
      robust(A.clientKeyExchange.map(({ cke }) => encodeClientKeyExchange(cke)), (b) => decodeClientKeyExchange(b, kx), encodeClientKeyExchange);
    }
  });

  it('Finished', () => {
    check(A.finished, (f) => expect(decodeFinished(encodeFinished(f))).toEqual(f));
    robust(A.finished.map((f) => encodeFinished(f)), (b) => decodeFinished(b), (f) => encodeFinished(f));
  });

  it('CertificateStatus', () => {
    check(A.certificateStatus, (c) => expect(decodeCertificateStatus(encodeCertificateStatus(c))).toEqual({ statusType: 1, ...c }));
    robust(A.certificateStatus.map(encodeCertificateStatus), decodeCertificateStatus, encodeCertificateStatus);
  });

  it('HelloRequest and ServerHelloDone: empty bodies only', () => {
    expect(decodeHelloRequest(new Uint8Array(0))).toEqual({});
    expect(decodeServerHelloDone(new Uint8Array(0))).toEqual({});
    robust(fc.constant(new Uint8Array(0)), decodeHelloRequest, () => new Uint8Array(0));
    robust(fc.constant(new Uint8Array(0)), decodeServerHelloDone, () => new Uint8Array(0));
  });
});

// ---- framing and dispatch ------------------------------------------------------------------------------------------

/** Every message type with its decode context and the value decodeHandshakeMessage must give back. */
const anyMessage: fc.Arbitrary<{ m: HandshakeMessage; kx: KeyExchange; expected: unknown }> = fc.oneof(
  fc.constant({ m: { type: HandshakeType.hello_request }, kx: 'ECDHE_RSA' as KeyExchange, expected: undefined }),
  fc.constant({ m: { type: HandshakeType.server_hello_done }, kx: 'ECDHE_RSA' as KeyExchange, expected: undefined }),
  A.newSessionTicket.map((message) => ({ m: { type: HandshakeType.new_session_ticket, message }, kx: 'RSA' as KeyExchange, expected: message })),
  A.certificate.map((message) => ({ m: { type: HandshakeType.certificate, message }, kx: 'RSA' as KeyExchange, expected: message })),
  A.serverKeyExchange.map(({ kx, ske }) => ({ m: { type: HandshakeType.server_key_exchange, message: ske }, kx, expected: { ...ske, paramsBytes: encodeServerKeyExchangeParams(ske.params) } })),
  A.certificateRequest.map((message) => ({ m: { type: HandshakeType.certificate_request, message }, kx: 'RSA' as KeyExchange, expected: message })),
  A.digitallySigned.map((message) => ({ m: { type: HandshakeType.certificate_verify, message }, kx: 'RSA' as KeyExchange, expected: message })),
  A.clientKeyExchange.map(({ kx, cke }) => ({ m: { type: HandshakeType.client_key_exchange, message: cke }, kx, expected: cke })),
  A.finished.map((message) => ({ m: { type: HandshakeType.finished, message }, kx: 'RSA' as KeyExchange, expected: message })),
  A.certificateStatus.map((c) => ({ m: { type: HandshakeType.certificate_status, message: { statusType: 1 as const, ...c } }, kx: 'RSA' as KeyExchange, expected: { statusType: 1, ...c } })),
);

/** Cuts `b` at the given points (taken modulo its length). */
function cut(b: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => (b.length ? p % (b.length + 1) : 0)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, b.length]) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('handshake framing', () => {
  it('messages framed, cut anywhere and reassembled, decode to what was encoded', () => {
    check(fc.tuple(fc.array(anyMessage, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 })), ([msgs, points]) => {
      const wire = cat(...msgs.map(({ m }) => encodeHandshakeMessage(m)));
      const got: RawHandshakeMessage[] = [];
      const asm = new HandshakeAssembler();
      for (const piece of cut(wire, points)) asm.push(piece, (m) => got.push({ type: m.type, body: m.body.slice(), raw: m.raw.slice() }));
      expect(asm.pending).toBe(false);
      expect(got.map((g) => g.raw)).toEqual(msgs.map(({ m }) => encodeHandshakeMessage(m)));
      got.forEach((g, i) => {
        const { m, kx, expected } = msgs[i]!;
        const d = decodeHandshakeMessage(g, { keyExchange: kx });
        expect(d.type).toBe(m.type);
        if (expected !== undefined) expect('message' in d ? d.message : undefined).toEqual(expected);
      });
    });
  });

  it('a message over its limit is refused from its header, before its body is buffered', () => {
    check(fc.tuple(A.u8, fc.integer({ min: 301, max: 0xffffff }), fc.nat(3)), ([type, length, split]) => {
      const asm = new HandshakeAssembler({ maxMessageSize: 300, maxCertificateMessageSize: 300 });
      const header = Uint8Array.of(type, length >> 16, (length >> 8) & 0xff, length & 0xff);
      let thrown: unknown;
      try {
        asm.push(header.subarray(0, split), () => {});
        asm.push(header.subarray(split), () => {});
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ code: 'HANDSHAKE_MESSAGE_TOO_LARGE', alert: 'illegal_parameter' });
      expect(asm.bufferedBytes).toBe(0);
    });
  });

  it('any bytes into the assembler and the dispatcher: messages or a TlsError', () => {
    const valid = fc.array(anyMessage, { minLength: 1, maxLength: 4 }).map((ms) => cat(...ms.map(({ m }) => encodeHandshakeMessage(m))));
    check(fc.tuple(A.hostile(valid), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(...KXS)), ([b, points, kx]) => {
      const asm = new HandshakeAssembler({ maxMessageSize: 1000, maxCertificateMessageSize: 2000 });
      try {
        for (const piece of cut(b, points)) {
          asm.push(piece, (m) => {
            try {
              decodeHandshakeMessage(m, { keyExchange: kx });
            } catch (e) {
              expectTlsError(e);
            }
          });
        }
      } catch (e) {
        expectTlsError(e);
      }
      expect(asm.bufferedBytes).toBeLessThanOrEqual(2004);
    });
    // A raw body under every type byte, with every key exchange.
    check(fc.tuple(A.u8, A.hostile(A.bytes(0, 40)), fc.constantFrom(...KXS)), ([type, body, kx]) => {
      try {
        decodeHandshakeMessage({ type, body, raw: encodeHandshake(type, body) }, { keyExchange: kx });
      } catch (e) {
        expectTlsError(e);
      }
    });
  });
});

// ---- the presentation-language primitives ----------------------------------------------------------------------

type Op = { k: 'u8' | 'u16' | 'u24' | 'u32'; v: number } | { k: 'vec'; p: 1 | 2 | 3; v: Uint8Array };
const op: fc.Arbitrary<Op> = fc.oneof(
  A.u8.map((v) => ({ k: 'u8' as const, v })),
  A.u16.map((v) => ({ k: 'u16' as const, v })),
  A.u24.map((v) => ({ k: 'u24' as const, v })),
  A.u32.map((v) => ({ k: 'u32' as const, v })),
  fc.tuple(fc.constantFrom<1 | 2 | 3>(1, 2, 3), A.bytes(0, 255)).map(([p, v]) => ({ k: 'vec' as const, p, v })),
);

describe('Reader and Writer', () => {
  it('what the writer writes, the reader reads back, with nothing left over', () => {
    check(fc.array(op, { maxLength: 20 }), (ops) => {
      const w = new Writer(1);
      for (const o of ops) (o.k === 'vec' ? w.opaque(o.p, o.v) : w[o.k](o.v));
      const r = new Reader(w.finish());
      for (const o of ops) expect(o.k === 'vec' ? r.vector(o.p, 'v', 0, 256 ** o.p - 1) : r[o.k]()).toEqual(o.v);
      r.end();
    });
  });

  it('reads of any shape over any bytes: values or decode_error', () => {
    check(fc.tuple(A.bytes(0, 64), fc.array(op, { maxLength: 10 })), ([b, ops]) => {
      const r = new Reader(b);
      try {
        for (const o of ops) {
          if (o.k === 'vec') r.vector(o.p, 'v', o.v.length % 3, 40, 1 + (o.v.length % 3));
          else r[o.k]();
        }
        r.end();
      } catch (e) {
        expectTlsError(e);
        expect((e as TlsError).code).toBe('DECODE_ERROR');
      }
    });
  });
});

// ---- records and alerts -----------------------------------------------------------------------------------------

const recordArb = fc.record({
  type: fc.constantFrom(20, 21, 22, 23),
  version: fc.constantFrom(0x0301, 0x0302, 0x0303),
  fragment: fc.oneof({ weight: 9, arbitrary: A.bytes(0, 300) }, { weight: 1, arbitrary: A.bytes(16000, 1 << 14) }),
});
const header = (type: number, version: number, length: number) => [type, version >> 8, version & 0xff, length >> 8, length & 0xff];
const frameRecord = (r: { type: number; version: number; fragment: Uint8Array }) => cat(header(r.type, r.version, r.fragment.length), r.fragment);

/** Pushes the pieces one by one, reading every record available after each; stops at the first TlsError. */
function readRecords(reader: RecordReader, pieces: readonly Uint8Array[]) {
  const out: { type: number; version: number; fragment: Uint8Array }[] = [];
  for (const p of pieces) {
    reader.push(p);
    for (let r = reader.next(); r; r = reader.next()) out.push({ type: r.type, version: r.version, fragment: r.fragment.slice() });
    expect(reader.bufferedLength).toBeLessThan(5 + (1 << 14));
  }
  return out;
}

describe('record header reader (record/framing.ts)', () => {
  it('records cut anywhere come back whole, in order', () => {
    check(fc.tuple(fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 })), ([recs, points]) => {
      const wire = cat(...recs.map(frameRecord));
      const reader = new RecordReader();
      expect(readRecords(reader, cut(wire, points))).toEqual(recs);
      expect(reader.pendingLength).toBe(0);
    }, 150);
  });

  it('a header over the length limit fails before the body arrives', () => {
    check(fc.tuple(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: (1 << 14) + 1, max: 0xffff }), fc.boolean()), ([type, length, isProtected]) => {
      const reader = new RecordReader();
      reader.setProtected(isProtected);
      reader.push(Uint8Array.from(header(type, 0x0303, length)));
      if (isProtected && length <= (1 << 14) + 2048) expect(reader.next()).toBeNull();
      else expect(() => reader.next()).toThrow(expect.objectContaining({ code: 'RECORD_OVERFLOW', alert: 'record_overflow' }));
    });
  });

  it('any bytes, any version lock: records or a TlsError', () => {
    const valid = fc.array(recordArb, { minLength: 1, maxLength: 4 }).map((rs) => cat(...rs.map(frameRecord)));
    check(fc.tuple(A.hostile(valid), fc.array(fc.nat(), { maxLength: 6 }), fc.option(fc.constantFrom(0x0301, 0x0303)), fc.boolean()), ([b, points, lock, isProtected]) => {
      const reader = new RecordReader();
      if (lock !== null) reader.setVersion(lock);
      reader.setProtected(isProtected);
      try {
        for (const r of readRecords(reader, cut(b, points))) {
          expect([20, 21, 22, 23]).toContain(r.type);
          expect(r.fragment.length).toBeLessThanOrEqual(isProtected ? (1 << 14) + 2048 : 1 << 14);
        }
      } catch (e) {
        expectTlsError(e);
      }
    });
  });
});

describe('alerts (record/layer.ts)', () => {
  it('every level and description written is read back', () => {
    check(fc.tuple(fc.constantFrom(1 as const, 2 as const), A.u8), ([level, description]) => {
      const a = new RecordLayer();
      a.writeAlert(level, description);
      const b = new RecordLayer();
      b.receive(a.takeOutgoing());
      expect(b.nextEvent()).toEqual({ type: 'alert', level, description });
      expect(b.nextEvent()).toBeNull();
    });
  });

  it('alert names and codes map one to one', () => {
    check(A.u8, (code) => {
      const name = alertName(code);
      if (name !== undefined) expect(AlertDescription[name]).toBe(code);
    });
    for (const name of Object.keys(AlertDescription) as AlertName[]) expect(alertName(AlertDescription[name])).toBe(name);
  });

  it('any alert record body: an alert of a known level, or decode_error / illegal_parameter', () => {
    check(A.bytes(0, 5), (body) => {
      const layer = new RecordLayer();
      layer.receive(cat(header(21, 0x0303, body.length), body));
      try {
        const ev = layer.nextEvent();
        expect(ev).toEqual({ type: 'alert', level: body[0], description: body[1] });
        expect(body.length).toBe(2);
        expect([1, 2]).toContain(body[0]);
      } catch (e) {
        expectTlsError(e);
        expect(['DECODE_ERROR', 'ILLEGAL_PARAMETER', 'UNEXPECTED_MESSAGE']).toContain((e as TlsError).code);
      }
    });
  });

  it('any bytes into the record layer: events or a TlsError', () => {
    const valid = fc.array(recordArb, { minLength: 1, maxLength: 4 }).map((rs) => cat(...rs.map(frameRecord)));
    check(fc.tuple(A.hostile(valid), fc.array(fc.nat(), { maxLength: 4 })), ([b, points]) => {
      const layer = new RecordLayer();
      try {
        for (const piece of cut(b, points)) {
          layer.receive(piece);
          for (let ev = layer.nextEvent(); ev; ev = layer.nextEvent()) {
            // What the handshake does after accepting ChangeCipherSpec (here: stay in plaintext).
            if (ev.type === 'change_cipher_spec') layer.changeReadCipher(new NullProtector());
          }
        }
      } catch (e) {
        expectTlsError(e);
      }
    });
  });
});
