import { describe, expect, it } from 'vitest';
import {
  buildClientHelloExtensions,
  buildServerHelloExtensions,
  decodeAlpn,
  decodeAlpnSelected,
  decodeEcPointFormats,
  decodeEncryptThenMac,
  decodeExtendedMasterSecret,
  decodeExtensions,
  decodeRenegotiationInfo,
  decodeServerName,
  decodeSessionTicket,
  decodeSessionTicketAck,
  decodeSignatureAlgorithms,
  decodeStatusRequest,
  decodeSupportedGroups,
  encode,
  encodeAlpn,
  encodeAlpnSelected,
  encodeEcPointFormats,
  encodeRenegotiationInfo,
  encodeServerName,
  encodeSignatureAlgorithms,
  encodeStatusRequest,
  encodeSupportedGroups,
  ExtensionType,
  isSniHostName,
  NamedGroup,
  parseClientHelloExtensions,
  parseServerHelloExtensions,
  SignatureScheme,
  unsolicitedExtensions,
  writeExtensions,
  type ClientHelloExtensions,
  type RawExtension,
} from '../../src/codec/index.js';
import { bytes, expectTlsError, hex, toHex } from './helpers.js';

/** Every proper prefix of `data` must fail to decode with decode_error. */
function everyTruncationFails(data: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let i = 0; i < data.length; i++) expectTlsError(() => decode(data.subarray(0, i)), 'decode_error');
}

describe('server_name (RFC 6066 §3)', () => {
  it('round-trips and matches the RFC layout', () => {
    const data = encodeServerName('example.com');
    expect(toHex(data)).toBe('000e' + '00' + '000b' + Buffer.from('example.com').toString('hex'));
    expect(decodeServerName(data)).toBe('example.com');
    everyTruncationFails(data, decodeServerName);
    expectTlsError(() => decodeServerName(hex(toHex(data) + '00')), 'decode_error');
  });

  it('refuses two names, other name types, empty lists and names', () => {
    expectTlsError(() => decodeServerName(hex('0008 00 0001 61 00 0001 62')), 'decode_error'); // two host_names
    expectTlsError(() => decodeServerName(hex('0004 01 0001 61')), 'decode_error'); // name_type 1
    expectTlsError(() => decodeServerName(hex('0000')), 'decode_error'); // empty list <1..>
    expectTlsError(() => decodeServerName(hex('0003 00 0000')), 'decode_error'); // empty HostName <1..>
  });

  it('refuses trailing dots and non-ASCII names both ways', () => {
    expectTlsError(() => decodeServerName(hex('0005 00 0002 612e')), 'decode_error');
    expectTlsError(() => decodeServerName(hex('0005 00 0002 c3a9')), 'decode_error'); // "é" in UTF-8
    expectTlsError(() => decodeServerName(hex('0005 00 0002 6100')), 'decode_error'); // NUL
    expectTlsError(() => encodeServerName('example.com.'), 'internal_error', 'ENCODE_ERROR');
    expectTlsError(() => encodeServerName('exämple.com'), 'internal_error');
    expectTlsError(() => encodeServerName('127.0.0.1'), 'internal_error');
    expect(isSniHostName('example.com')).toBe(true);
    expect(isSniHostName('::1')).toBe(false);
    expect(isSniHostName('10.0.0.1')).toBe(false);
    expect(isSniHostName('a'.repeat(256))).toBe(false);
  });
});

describe('supported_groups, ec_point_formats, signature_algorithms', () => {
  it('round-trip, keeping unknown codepoints', () => {
    const groups = [NamedGroup.x25519, NamedGroup.secp256r1, 0x0a0a, NamedGroup.ffdhe2048];
    expect(decodeSupportedGroups(encodeSupportedGroups(groups))).toEqual(groups);
    const schemes = [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256, 0x0201];
    expect(decodeSignatureAlgorithms(encodeSignatureAlgorithms(schemes))).toEqual(schemes);
    expect(decodeEcPointFormats(encodeEcPointFormats())).toEqual([0]);
    expect(decodeEcPointFormats(hex('03 01 00 02'))).toEqual([1, 0, 2]);
    everyTruncationFails(encodeSupportedGroups(groups), decodeSupportedGroups);
    everyTruncationFails(encodeSignatureAlgorithms(schemes), decodeSignatureAlgorithms);
  });

  it('refuses empty and odd-length lists', () => {
    expectTlsError(() => decodeSupportedGroups(hex('0000')), 'decode_error');
    expectTlsError(() => decodeSupportedGroups(hex('0003 001d17')), 'decode_error');
    expectTlsError(() => decodeSignatureAlgorithms(hex('0000')), 'decode_error');
    expectTlsError(() => decodeSignatureAlgorithms(hex('0001 04')), 'decode_error');
    expectTlsError(() => decodeEcPointFormats(hex('00')), 'decode_error');
    expectTlsError(() => encodeSupportedGroups([]), 'internal_error');
  });

  it('ec_point_formats without uncompressed is illegal_parameter (RFC 8422 §5.1.2)', () => {
    expectTlsError(() => decodeEcPointFormats(hex('01 01')), 'illegal_parameter', 'ILLEGAL_PARAMETER');
  });
});

describe('empty extensions: extended_master_secret (RFC 7627), encrypt_then_mac (RFC 7366)', () => {
  it('accept empty data and refuse anything else', () => {
    expect(decodeExtendedMasterSecret(new Uint8Array(0))).toBe(true);
    expect(decodeEncryptThenMac(new Uint8Array(0))).toBe(true);
    expectTlsError(() => decodeExtendedMasterSecret(bytes(0)), 'decode_error');
    expectTlsError(() => decodeEncryptThenMac(bytes(0, 0)), 'decode_error');
  });
});

describe('renegotiation_info (RFC 5746 §3.2)', () => {
  it('round-trips empty and verify-data contents', () => {
    expect(toHex(encodeRenegotiationInfo())).toBe('00');
    const vd = Uint8Array.from({ length: 24 }, (_, i) => i);
    expect(decodeRenegotiationInfo(encodeRenegotiationInfo(vd))).toEqual(vd);
    everyTruncationFails(encodeRenegotiationInfo(vd), decodeRenegotiationInfo);
    expectTlsError(() => decodeRenegotiationInfo(hex('00 00')), 'decode_error');
    expectTlsError(() => encodeRenegotiationInfo(new Uint8Array(256)), 'internal_error');
  });
});

describe('application_layer_protocol_negotiation (RFC 7301 §3.1)', () => {
  it('round-trips the client list and the server choice', () => {
    const data = encodeAlpn(['h2', 'http/1.1']);
    expect(toHex(data)).toBe('000c 02 6832 08 687474702f312e31'.replace(/ /g, ''));
    expect(decodeAlpn(data)).toEqual(['h2', 'http/1.1']);
    expect(decodeAlpnSelected(encodeAlpnSelected('h2'))).toBe('h2');
    // Names are byte strings: any byte survives.
    expect(decodeAlpn(encodeAlpn(['\x00\xff']))).toEqual(['\x00\xff']);
    everyTruncationFails(data, decodeAlpn);
  });

  it('refuses empty names, empty lists, truncated names and a server choosing two', () => {
    expectTlsError(() => decodeAlpn(hex('0003 00 01 61')), 'decode_error');
    expectTlsError(() => decodeAlpn(hex('0000')), 'decode_error');
    expectTlsError(() => decodeAlpn(hex('0003 05 6162')), 'decode_error');
    expectTlsError(() => decodeAlpnSelected(encodeAlpn(['h2', 'http/1.1'])), 'decode_error');
    expectTlsError(() => encodeAlpn(['']), 'internal_error');
    expectTlsError(() => encodeAlpn([]), 'internal_error');
    expectTlsError(() => encodeAlpn(['\u0100']), 'internal_error'); // not a byte
  });
});

describe('session_ticket (RFC 5077 §3.2) and status_request (RFC 6066 §8)', () => {
  it('session_ticket carries the ticket as is; the server form is empty', () => {
    const t = bytes(1, 2, 3);
    expect(decodeSessionTicket(t)).toBe(t);
    expect(decodeSessionTicketAck(new Uint8Array(0))).toBe(true);
    expectTlsError(() => decodeSessionTicketAck(t), 'decode_error');
  });

  it('status_request round-trips, including responder IDs and extensions', () => {
    expect(toHex(encodeStatusRequest())).toBe('01' + '0000' + '0000');
    const req = { responderIds: [bytes(0xa1, 1), bytes(0xa2, 2, 3)], requestExtensions: bytes(0x30, 0) };
    const d = decodeStatusRequest(encodeStatusRequest(req));
    expect(d.statusType).toBe(1);
    expect(d.responderIds).toEqual(req.responderIds);
    expect(d.requestExtensions).toEqual(req.requestExtensions);
    everyTruncationFails(encodeStatusRequest(req), decodeStatusRequest);
    expectTlsError(() => decodeStatusRequest(hex('01 0002 0000 0000')), 'decode_error'); // empty ResponderID
    expect(decodeStatusRequest(hex('02 abcd')).unknownRequest).toEqual(hex('abcd'));
  });
});

describe('extensions block (RFC 5246 §7.4.1.4)', () => {
  const block = (exts: [number, string][]) => hex(exts.map(([t, d]) => t.toString(16).padStart(4, '0') + (d.length / 2).toString(16).padStart(4, '0') + d).join(''));

  it('keeps wire order and unknown extensions raw', () => {
    const exts = decodeExtensions(block([[0x1234, 'beef'], [23, ''], [0xfe0d, '']]));
    expect(exts.map((e) => e.type)).toEqual([0x1234, 23, 0xfe0d]);
    expect(toHex(exts[0]!.data)).toBe('beef');
  });

  it('refuses duplicates (known or unknown) with illegal_parameter, as OpenSSL does', () => {
    expectTlsError(() => decodeExtensions(block([[23, ''], [10, '0002001d'], [23, '']])), 'illegal_parameter', 'ILLEGAL_PARAMETER');
    expectTlsError(() => decodeExtensions(block([[0x1234, ''], [0x1234, '00']])), 'illegal_parameter');
    const dup: RawExtension[] = [{ type: 23, data: new Uint8Array(0) }, { type: 23, data: new Uint8Array(0) }];
    expectTlsError(() => encode((w) => writeExtensions(w, dup)), 'internal_error');
  });

  it('refuses a truncated extension and a bad inner length', () => {
    expectTlsError(() => decodeExtensions(hex('0017')), 'decode_error');
    expectTlsError(() => decodeExtensions(hex('0017 0001')), 'decode_error');
    expectTlsError(() => decodeExtensions(hex('0017 0000 00')), 'decode_error');
  });

  it('typed client extensions round-trip through build and parse', () => {
    const x: ClientHelloExtensions = {
      serverName: 'example.org',
      supportedGroups: [29, 23, 24, 256],
      ecPointFormats: [0],
      signatureAlgorithms: [0x0403, 0x0804, 0x0401],
      alpn: ['h2', 'http/1.1'],
      extendedMasterSecret: true,
      encryptThenMac: true,
      renegotiationInfo: new Uint8Array(0),
      sessionTicket: bytes(9, 9),
      statusRequest: { statusType: 1, responderIds: [], requestExtensions: new Uint8Array(0) },
    };
    const unknown = { type: 0x7a7a, data: bytes(0) };
    const raw = buildClientHelloExtensions(x, [unknown]);
    const bytesOut = encode((w) => writeExtensions(w, raw));
    const parsed = parseClientHelloExtensions(decodeExtensions(bytesOut.subarray(2)));
    const { raw: r, other, ...typed } = parsed;
    expect(typed).toEqual(x);
    expect(other).toEqual([unknown]);
    expect(r.length).toBe(11);
  });

  it('typed server extensions round-trip; non-server types are left in other', () => {
    const raw = buildServerHelloExtensions({
      serverName: true, ecPointFormats: [0], alpn: 'h2', extendedMasterSecret: true, encryptThenMac: true,
      renegotiationInfo: new Uint8Array(0), sessionTicket: true, statusRequest: true,
    }, [{ type: ExtensionType.supported_groups, data: encodeSupportedGroups([29]) }]);
    const p = parseServerHelloExtensions(raw);
    expect(p).toMatchObject({ serverName: true, ecPointFormats: [0], alpn: 'h2', extendedMasterSecret: true, encryptThenMac: true, sessionTicket: true, statusRequest: true });
    expect(p.other.map((e) => e.type)).toEqual([ExtensionType.supported_groups]);
    // Server forms are strict: an SNI ack or status_request ack with data is decode_error.
    expectTlsError(() => parseServerHelloExtensions([{ type: 0, data: encodeServerName('a.b') }]), 'decode_error');
    expectTlsError(() => parseServerHelloExtensions([{ type: 5, data: encodeStatusRequest() }]), 'decode_error');
    expectTlsError(() => parseServerHelloExtensions([{ type: 16, data: encodeAlpn(['a', 'b']) }]), 'decode_error');
  });

  it('finds unsolicited ServerHello extensions; the SCSV counts as offering renegotiation_info', () => {
    const offered = buildClientHelloExtensions({ extendedMasterSecret: true, alpn: ['h2'] });
    const received = buildServerHelloExtensions({ extendedMasterSecret: true, alpn: 'h2', renegotiationInfo: new Uint8Array(0), sessionTicket: true });
    expect(unsolicitedExtensions(offered, received)).toEqual([ExtensionType.renegotiation_info, ExtensionType.session_ticket]);
    expect(unsolicitedExtensions(offered, received, [0xc02f, 0x00ff])).toEqual([ExtensionType.session_ticket]);
  });
});
