// Mutated and random input never makes the codec throw anything but TlsError.

import { describe, expect, it } from 'vitest';
import {
  buildClientHelloExtensions,
  decodeHandshakeMessage,
  encodeCertificateRequest,
  encodeClientHello,
  encodeHandshake,
  encodeServerHello,
  encodeServerKeyExchange,
  HandshakeAssembler,
  buildServerHelloExtensions,
  type KeyExchange,
} from '../../src/codec/index.js';
import { TlsError } from '../../src/errors.js';

/** xorshift32: deterministic, so a failure reproduces. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function mutate(b: Uint8Array, next: () => number): Uint8Array {
  const out = Array.from(b);
  const n = 1 + (next() % 4);
  for (let i = 0; i < n; i++) {
    const at = next() % (out.length + 1);
    switch (next() % 4) {
      case 0: if (at < out.length) out[at] = next() & 0xff; break;
      case 1: out.splice(at, 1); break;
      case 2: out.splice(at, 0, next() & 0xff); break;
      case 3: if (at < out.length) out[at]! ^= 1 << (next() % 8); break;
    }
  }
  return Uint8Array.from(out);
}

const seeds: [number, Uint8Array][] = [
  [1, encodeClientHello({
    version: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(32), cipherSuites: [0xc02b, 0xc02f], compressionMethods: [0],
    extensions: buildClientHelloExtensions({
      serverName: 'example.com', supportedGroups: [29, 23], ecPointFormats: [0], signatureAlgorithms: [0x0403], alpn: ['h2', 'http/1.1'],
      extendedMasterSecret: true, encryptThenMac: true, renegotiationInfo: new Uint8Array(0), sessionTicket: new Uint8Array(5),
      statusRequest: { statusType: 1, responderIds: [Uint8Array.of(1)], requestExtensions: new Uint8Array(0) },
    }),
  })],
  [2, encodeServerHello({
    version: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(32), cipherSuite: 0xc02f, compressionMethod: 0,
    extensions: buildServerHelloExtensions({ alpn: 'h2', ecPointFormats: [0], renegotiationInfo: new Uint8Array(0), sessionTicket: true }),
  })],
  [12, encodeServerKeyExchange({ params: { kind: 'ecdhe', group: 23, publicKey: new Uint8Array(65) }, signed: { scheme: 0x0403, signature: new Uint8Array(70) } })],
  [13, encodeCertificateRequest({ certificateTypes: [1, 64], signatureAlgorithms: [0x0401], certificateAuthorities: [new Uint8Array(20)] })],
];

const kxs: KeyExchange[] = ['ECDHE_ECDSA', 'ECDHE_RSA', 'DHE_RSA', 'RSA'];

function onlyTlsErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
  }
}

describe('fuzz', () => {
  it('mutated messages of every type decode or fail with TlsError only', () => {
    const next = prng(0x5eed);
    let failures = 0;
    for (const [type, body] of seeds) {
      for (let i = 0; i < 1500; i++) {
        const m = mutate(body, next);
        // Decode the mutant as every message type and key exchange, not only its own.
        for (const t of [type, 0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 20, 22]) {
          for (const keyExchange of t === 12 || t === 16 ? kxs : kxs.slice(0, 1)) {
            onlyTlsErrors(() => decodeHandshakeMessage({ type: t, body: m, raw: m }, { keyExchange }));
          }
        }
        try {
          decodeHandshakeMessage({ type, body: m, raw: m }, { keyExchange: 'ECDHE_ECDSA' });
        } catch {
          failures++;
        }
      }
    }
    expect(failures).toBeGreaterThan(500); // most mutants are refused
  });

  it('random bytes into the assembler produce messages or TlsError only', () => {
    const next = prng(42);
    for (let run = 0; run < 500; run++) {
      const asm = new HandshakeAssembler({ maxMessageSize: 300, maxCertificateMessageSize: 600 });
      try {
        for (let rec = 0; rec < 20; rec++) {
          const len = next() % 64;
          const frag = Uint8Array.from({ length: len }, () => (next() % 3 === 0 ? 0 : next() & 0xff));
          asm.push(frag, (m) => onlyTlsErrors(() => decodeHandshakeMessage(m, { keyExchange: 'ECDHE_RSA' })));
        }
      } catch (e) {
        expect(e).toBeInstanceOf(TlsError);
      }
    }
    // Framing of a random body is always recovered exactly.
    const body = Uint8Array.from({ length: 1000 }, () => next() & 0xff);
    const got: Uint8Array[] = [];
    new HandshakeAssembler().push(encodeHandshake(11, body), (m) => got.push(m.body));
    expect(got).toEqual([body]);
  });
});
