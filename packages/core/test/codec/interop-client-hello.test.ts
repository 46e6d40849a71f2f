// Decode ClientHellos written by real peers: `openssl s_client -tls1_2` and Node's tls.connect.
// A plain TCP server on 127.0.0.1:0 reads the first handshake message and then hangs up.

import { spawn } from 'node:child_process';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  cipherSuiteByName,
  decodeHandshakeMessage,
  encodeClientHello,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  type DecodedClientHello,
} from '../../src/codec/index.js';
import { captureClientHello, toHex } from './helpers.js';

function decode(raw: { type: number; body: Uint8Array; raw: Uint8Array }): DecodedClientHello {
  const m = decodeHandshakeMessage(raw);
  if (m.type !== HandshakeType.client_hello) throw new Error(`expected client_hello, got ${m.type}`);
  // Re-encoding gives back the peer's exact bytes: nothing dropped, nothing reordered.
  expect(toHex(encodeClientHello(m.message))).toBe(toHex(raw.body));
  return m.message;
}

const code = (name: string) => cipherSuiteByName(name)!.code;

describe('ClientHello from real peers', () => {
  it('openssl s_client -tls1_2 with SNI, ALPN and OCSP stapling request', async () => {
    const raw = await captureClientHello((port) => {
      const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-servername', 'sni.example.net',
        '-alpn', 'h2,http/1.1', '-status', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:AES128-SHA'],
        { stdio: ['pipe', 'ignore', 'ignore'] });
      return () => p.kill();
    });
    const ch = decode(raw);
    expect(ch.version).toBe(0x0303);
    expect(ch.random.length).toBe(32);
    expect(ch.compressionMethods).toEqual([0]);
    // The -cipher list, in order, then the renegotiation SCSV (RFC 5746 §3.3).
    expect(ch.cipherSuites).toEqual([
      code('ECDHE-ECDSA-AES128-GCM-SHA256'), code('ECDHE-RSA-CHACHA20-POLY1305'), code('DHE-RSA-AES256-GCM-SHA384'), code('AES128-SHA'),
      TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
    ]);
    expect(ch.ext.serverName).toBe('sni.example.net');
    expect(ch.ext.alpn).toEqual(['h2', 'http/1.1']);
    expect(ch.ext.statusRequest).toMatchObject({ statusType: 1, responderIds: [] });
    expect(ch.ext.extendedMasterSecret).toBe(true);
    expect(ch.ext.encryptThenMac).toBe(true);
    expect(ch.ext.sessionTicket).toEqual(new Uint8Array(0));
    expect(ch.ext.ecPointFormats).toContain(0);
    expect(ch.ext.supportedGroups).toEqual(expect.arrayContaining([NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]));
    expect(ch.ext.signatureAlgorithms).toEqual(expect.arrayContaining([
      SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.ed25519,
    ]));
  });

  it("Node's tls.connect limited to TLS 1.2, with servername and ALPNProtocols", async () => {
    const raw = await captureClientHello((port) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'node.example.com', ALPNProtocols: ['http/1.1', 'h2'], maxVersion: 'TLSv1.2' });
      s.on('error', () => {});
      return () => s.destroy();
    });
    const ch = decode(raw);
    expect(ch.version).toBe(0x0303);
    expect(ch.ext.serverName).toBe('node.example.com');
    expect(ch.ext.alpn).toEqual(['http/1.1', 'h2']);
    expect(ch.cipherSuites).toEqual(expect.arrayContaining([
      code('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'), code('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'),
      code('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'), TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
    ]));
    // Without maxVersion 1.3 there must be no TLS 1.3-only suites (0x13xx) in the list.
    expect(ch.cipherSuites.filter((c) => c >> 8 === 0x13)).toEqual([]);
    expect(ch.ext.extendedMasterSecret).toBe(true);
    expect(ch.ext.supportedGroups).toContain(NamedGroup.x25519);
    expect(ch.ext.raw.map((e) => e.type)).toContain(ExtensionType.signature_algorithms);
    expect(ch.ext.raw.map((e) => e.type)).not.toContain(ExtensionType.supported_versions);
  });
});
