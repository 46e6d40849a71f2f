import { describe, expect, it } from 'vitest';
import {
  buildClientHelloExtensions,
  buildServerHelloExtensions,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateStatus,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeFinished,
  decodeHandshakeMessage,
  decodeServerHello,
  decodeServerKeyExchange,
  encodeClientHello,
  encodeHandshakeBody,
  encodeHandshakeMessage,
  encodeServerHello,
  encodeServerKeyExchange,
  encodeServerKeyExchangeParams,
  HandshakeType,
  type ClientHello,
  type DecodeContext,
  type HandshakeMessage,
  type KeyExchange,
  type ServerHello,
} from '../../src/codec/index.js';
import { bytes, catchError, expectTlsError, hex, toHex } from './helpers.js';

const rand = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

const clientHello: ClientHello = {
  version: 0x0303,
  random: rand(32),
  sessionId: rand(32, 2),
  cipherSuites: [0xc02b, 0xc02f, 0xcca9, 0x00ff],
  compressionMethods: [0],
  extensions: buildClientHelloExtensions({
    serverName: 'example.com', supportedGroups: [29, 23], ecPointFormats: [0], signatureAlgorithms: [0x0403, 0x0804],
    alpn: ['h2'], extendedMasterSecret: true, renegotiationInfo: new Uint8Array(0),
  }),
};
const serverHello: ServerHello = {
  version: 0x0303, random: rand(32, 3), sessionId: rand(16, 4), cipherSuite: 0xc02f, compressionMethod: 0,
  extensions: buildServerHelloExtensions({ renegotiationInfo: new Uint8Array(0), extendedMasterSecret: true, alpn: 'h2' }),
};
const ecdheParams = { kind: 'ecdhe', group: 29, publicKey: rand(32, 5) } as const;
const dheParams = { kind: 'dhe', p: rand(256, 6), g: bytes(2), publicKey: rand(256, 7) } as const;

/** One sample of every message, with the context its decoder needs. */
const samples: [string, HandshakeMessage, DecodeContext][] = [
  ['hello_request', { type: HandshakeType.hello_request }, {}],
  ['client_hello', { type: HandshakeType.client_hello, message: clientHello }, {}],
  ['client_hello (no extensions, empty session id)', { type: HandshakeType.client_hello, message: { ...clientHello, sessionId: new Uint8Array(0), extensions: [] } }, {}],
  ['server_hello', { type: HandshakeType.server_hello, message: serverHello }, {}],
  ['certificate', { type: HandshakeType.certificate, message: { certificates: [rand(700, 8), rand(500, 9)] } }, {}],
  ['certificate (empty)', { type: HandshakeType.certificate, message: { certificates: [] } }, {}],
  ['server_key_exchange ECDHE', { type: HandshakeType.server_key_exchange, message: { params: ecdheParams, signed: { scheme: 0x0403, signature: rand(71, 10) } } }, { keyExchange: 'ECDHE_ECDSA' }],
  ['server_key_exchange DHE', { type: HandshakeType.server_key_exchange, message: { params: dheParams, signed: { scheme: 0x0804, signature: rand(256, 11) } } }, { keyExchange: 'DHE_RSA' }],
  ['certificate_request', { type: HandshakeType.certificate_request, message: { certificateTypes: [1, 64], signatureAlgorithms: [0x0403, 0x0804], certificateAuthorities: [rand(40, 12), rand(30, 13)] } }, {}],
  ['server_hello_done', { type: HandshakeType.server_hello_done }, {}],
  ['client_key_exchange ECDHE', { type: HandshakeType.client_key_exchange, message: { kind: 'ecdhe', publicKey: rand(65, 14) } }, { keyExchange: 'ECDHE_RSA' }],
  ['client_key_exchange DHE', { type: HandshakeType.client_key_exchange, message: { kind: 'dhe', publicKey: rand(256, 15) } }, { keyExchange: 'DHE_RSA' }],
  ['client_key_exchange RSA', { type: HandshakeType.client_key_exchange, message: { kind: 'rsa', encryptedPreMasterSecret: rand(256, 16) } }, { keyExchange: 'RSA' }],
  ['certificate_verify', { type: HandshakeType.certificate_verify, message: { scheme: 0x0804, signature: rand(256, 17) } }, {}],
  ['finished', { type: HandshakeType.finished, message: { verifyData: rand(12, 18) } }, {}],
  ['new_session_ticket', { type: HandshakeType.new_session_ticket, message: { lifetimeHint: 0xfffffffe, ticket: rand(180, 19) } }, {}],
  ['new_session_ticket (empty)', { type: HandshakeType.new_session_ticket, message: { lifetimeHint: 0, ticket: new Uint8Array(0) } }, {}],
  ['certificate_status', { type: HandshakeType.certificate_status, message: { statusType: 1, ocspResponse: rand(900, 20) } }, {}],
];

/** Byte offsets at which a truncated body is itself a complete, valid message. */
function validPrefixes(m: HandshakeMessage): number[] {
  // A hello without extensions is legal (RFC 5246 §7.4.1.2-3): cutting the block off leaves one.
  if (m.type === HandshakeType.client_hello && m.message.extensions.length > 0) {
    return [encodeClientHello({ ...m.message, extensions: [] }).length];
  }
  if (m.type === HandshakeType.server_hello && m.message.extensions.length > 0) {
    return [encodeServerHello({ ...m.message, extensions: [] }).length];
  }
  return [];
}

describe('handshake messages: round trips', () => {
  for (const [name, msg, ctx] of samples) {
    it(`${name} round-trips byte for byte`, () => {
      const framed = encodeHandshakeMessage(msg);
      expect(framed[0]).toBe(msg.type);
      const len = (framed[1]! << 16) | (framed[2]! << 8) | framed[3]!;
      expect(len).toBe(framed.length - 4);
      const decoded = decodeHandshakeMessage({ type: framed[0]!, body: framed.subarray(4), raw: framed }, ctx);
      expect(decoded.type).toBe(msg.type);
      expect(decoded.raw).toBe(framed);
      // Re-encoding the decoded form gives the same bytes.
      const again = encodeHandshakeMessage(decoded as HandshakeMessage);
      expect(toHex(again)).toBe(toHex(framed));
      if ('message' in msg && 'message' in decoded) {
        expect(decoded.message).toMatchObject(msg.message as object);
      }
    });

    it(`${name}: every truncation is decode_error, except a legal shorter form`, () => {
      const body = encodeHandshakeBody(msg);
      const ok = validPrefixes(msg);
      for (let i = 0; i < body.length; i++) {
        const cut = body.subarray(0, i);
        const run = () => decodeHandshakeMessage({ type: msg.type, body: cut, raw: cut }, ctx);
        if (ok.includes(i)) expect(catchError(run)).toBeUndefined();
        else expectTlsError(run, 'decode_error', 'DECODE_ERROR');
      }
    });

    it(`${name}: a trailing byte is decode_error`, () => {
      const body = encodeHandshakeBody(msg);
      const longer = new Uint8Array(body.length + 1);
      longer.set(body);
      expectTlsError(() => decodeHandshakeMessage({ type: msg.type, body: longer, raw: longer }, ctx), 'decode_error');
    });
  }

  it('unknown handshake types are unexpected_message', () => {
    expectTlsError(() => decodeHandshakeMessage({ type: 3, body: bytes(), raw: bytes() }), 'unexpected_message', 'UNEXPECTED_MESSAGE');
    expectTlsError(() => decodeHandshakeMessage({ type: 24, body: bytes(), raw: bytes() }), 'unexpected_message');
  });
});

describe('ClientHello strictness (RFC 5246 §7.4.1.2)', () => {
  const body = encodeClientHello(clientHello);
  const sidLenAt = 2 + 32;
  const suitesLenAt = sidLenAt + 1 + 32;
  const comprAt = suitesLenAt + 2 + 8;

  it('decodes what it encodes, including the typed extensions', () => {
    const d = decodeClientHello(body);
    expect(d.ext.serverName).toBe('example.com');
    expect(d.ext.alpn).toEqual(['h2']);
    expect(d.cipherSuites).toEqual([0xc02b, 0xc02f, 0xcca9, 0x00ff]);
    expect(d.ext.raw.length).toBe(clientHello.extensions.length);
  });

  it('a session id over 32 bytes is decode_error', () => {
    const b = new Uint8Array(body.length + 1);
    b.set(body.subarray(0, sidLenAt));
    b[sidLenAt] = 33;
    b.set(body.subarray(sidLenAt + 1, sidLenAt + 33), sidLenAt + 1);
    b[sidLenAt + 33] = 0xee;
    b.set(body.subarray(sidLenAt + 33), sidLenAt + 34);
    expectTlsError(() => decodeClientHello(b), 'decode_error');
    expectTlsError(() => encodeClientHello({ ...clientHello, sessionId: new Uint8Array(33) }), 'internal_error');
  });

  it('odd-length or empty cipher_suites is decode_error', () => {
    const odd = body.slice();
    odd[suitesLenAt + 1] = 7;
    expectTlsError(() => decodeClientHello(odd), 'decode_error');
    const empty = hex(toHex(body.subarray(0, suitesLenAt)) + '0000' + toHex(body.subarray(comprAt)));
    expectTlsError(() => decodeClientHello(empty), 'decode_error');
    expectTlsError(() => encodeClientHello({ ...clientHello, cipherSuites: [] }), 'internal_error');
  });

  it('compression_methods must be non-empty and include null', () => {
    const noNull = body.slice();
    expect(noNull[comprAt]).toBe(1);
    noNull[comprAt + 1] = 1; // deflate only
    expectTlsError(() => decodeClientHello(noNull), 'decode_error');
    const emptyList = hex(toHex(body.subarray(0, comprAt)) + '00' + toHex(body.subarray(comprAt + 2)));
    expectTlsError(() => decodeClientHello(emptyList), 'decode_error');
    // null among others is fine.
    const both = hex(toHex(body.subarray(0, comprAt)) + '020100' + toHex(body.subarray(comprAt + 2)));
    expect(decodeClientHello(both).compressionMethods).toEqual([1, 0]);
  });

  it('an extensions block with a wrong length or a duplicate is refused', () => {
    const extLenAt = comprAt + 2;
    const b = body.slice();
    b[extLenAt + 1]! += 1;
    expectTlsError(() => decodeClientHello(b), 'decode_error');
    const dup = hex(toHex(body.subarray(0, extLenAt)) + '0008' + '00170000' + '00170000');
    expectTlsError(() => decodeClientHello(dup), 'illegal_parameter');
    const empty = hex(toHex(body.subarray(0, extLenAt)) + '0000');
    expect(decodeClientHello(empty).extensions).toEqual([]);
  });
});

describe('ServerHello strictness (RFC 5246 §7.4.1.3)', () => {
  it('refuses a compression method other than null with illegal_parameter', () => {
    const b = encodeServerHello({ ...serverHello, compressionMethod: 1 });
    expectTlsError(() => decodeServerHello(b), 'illegal_parameter');
  });

  it('refuses a session id over 32 bytes', () => {
    const sh = encodeServerHello({ ...serverHello, sessionId: new Uint8Array(32), extensions: [] });
    const b = hex(toHex(sh.subarray(0, 34)) + '21' + '00'.repeat(33) + toHex(sh.subarray(35 + 32)));
    expectTlsError(() => decodeServerHello(b), 'decode_error');
  });

  it('decodes the typed server extensions', () => {
    const d = decodeServerHello(encodeServerHello(serverHello));
    expect(d.ext.alpn).toBe('h2');
    expect(d.ext.extendedMasterSecret).toBe(true);
    expect(d.ext.renegotiationInfo).toEqual(new Uint8Array(0));
  });
});

describe('Certificate, CertificateRequest, CertificateStatus', () => {
  it('an empty ASN.1Cert is decode_error; the list length must match', () => {
    expectTlsError(() => decodeCertificate(hex('000003 000000')), 'decode_error');
    expectTlsError(() => decodeCertificate(hex('000005 000001 aa')), 'decode_error');
    expectTlsError(() => decodeCertificate(hex('000004 000002 aa')), 'decode_error');
    expect(decodeCertificate(hex('000000')).certificates).toEqual([]);
  });

  it('CertificateRequest refuses empty types, empty algorithms, empty DNs', () => {
    expectTlsError(() => decodeCertificateRequest(hex('00 0002 0403 0000')), 'decode_error');
    expectTlsError(() => decodeCertificateRequest(hex('01 40 0000 0000')), 'decode_error');
    expectTlsError(() => decodeCertificateRequest(hex('01 40 0002 0403 0002 0000')), 'decode_error');
    expect(decodeCertificateRequest(hex('01 40 0002 0403 0000'))).toEqual({ certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: [] });
  });

  it('CertificateStatus: ocsp only, non-empty response', () => {
    expectTlsError(() => decodeCertificateStatus(hex('02 000001 aa')), 'decode_error');
    expectTlsError(() => decodeCertificateStatus(hex('01 000000')), 'decode_error');
  });
});

describe('key exchange messages', () => {
  it('ServerKeyExchange exposes the signed params bytes verbatim', () => {
    const body = encodeServerKeyExchange({ params: ecdheParams, signed: { scheme: 0x0403, signature: bytes(1, 2) } });
    const d = decodeServerKeyExchange(body, 'ECDHE_RSA');
    expect(toHex(d.paramsBytes)).toBe(toHex(encodeServerKeyExchangeParams(ecdheParams)));
    expect(toHex(d.paramsBytes)).toBe('03' + '001d' + '20' + toHex(ecdheParams.publicKey));
    expect(d.paramsBytes.buffer).toBe(body.buffer);
  });

  it('ServerKeyExchange: explicit curves are illegal_parameter, empty point or DH values decode_error', () => {
    expectTlsError(() => decodeServerKeyExchange(hex('01 0017 01 04 0403 0000'), 'ECDHE_ECDSA'), 'illegal_parameter');
    expectTlsError(() => decodeServerKeyExchange(hex('03 0017 00 0403 0000'), 'ECDHE_ECDSA'), 'decode_error');
    expectTlsError(() => decodeServerKeyExchange(hex('0000 0001 02 0001 05 0401 0000'), 'DHE_RSA'), 'decode_error');
    expectTlsError(() => decodeServerKeyExchange(hex('0001 17 0001 02 0000 0401 0000'), 'DHE_RSA'), 'decode_error');
  });

  it('ServerKeyExchange with RSA key exchange is unexpected_message', () => {
    expectTlsError(() => decodeServerKeyExchange(hex('00'), 'RSA'), 'unexpected_message');
  });

  it('ClientKeyExchange shapes differ by key exchange', () => {
    const kxs: KeyExchange[] = ['ECDHE_ECDSA', 'DHE_RSA', 'RSA'];
    const body = hex('0002 aabb');
    // The same bytes are a 2-byte DH/RSA vector but not an ECDH point (1-byte length 0 = empty).
    expectTlsError(() => decodeClientKeyExchange(body, kxs[0]!), 'decode_error');
    expect(decodeClientKeyExchange(body, 'DHE_RSA')).toEqual({ kind: 'dhe', publicKey: hex('aabb') });
    expect(decodeClientKeyExchange(body, 'RSA')).toEqual({ kind: 'rsa', encryptedPreMasterSecret: hex('aabb') });
    expectTlsError(() => decodeClientKeyExchange(hex('00'), 'ECDHE_RSA'), 'decode_error');
    expectTlsError(() => decodeClientKeyExchange(hex('0000'), 'DHE_RSA'), 'decode_error');
  });

  it('the generic decoder needs the key exchange for SKE and CKE', () => {
    expectTlsError(() => decodeHandshakeMessage({ type: 12, body: bytes(), raw: bytes() }), 'internal_error');
  });
});

describe('Finished', () => {
  it('verify_data must be exactly 12 bytes', () => {
    expect(decodeFinished(rand(12)).verifyData.length).toBe(12);
    expectTlsError(() => decodeFinished(rand(11)), 'decode_error');
    expectTlsError(() => decodeFinished(rand(13)), 'decode_error');
    expectTlsError(() => encodeHandshakeMessage({ type: 20, message: { verifyData: rand(11) } }), 'internal_error');
  });
});
