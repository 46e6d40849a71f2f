// Failures surface as TlsError with a code: on handshake(), on the readable, on write().
import { describe, expect, it } from 'vitest';
import { pki, runDeno } from './helpers.js';

const tlsError = (code: string | RegExp) =>
  expect.objectContaining({ ok: false, name: 'TlsError', instanceOfTlsError: true, code: typeof code === 'string' ? code : expect.stringMatching(code) });

describe('@sanstls/deno errors', () => {
  it('reports a wrong CA, a wrong name and a non-TLS peer as TlsError codes; the peers see the alerts', async () => {
    const p = pki();
    const { result } = await runDeno('errors.ts', { cert: p.ec.cert, key: p.ec.key, ca: p.ca, otherCa: p.otherCa }, { read: [p.dir], net: ['127.0.0.1', 'localhost'] });
    const r = result as Record<string, Record<string, unknown>>;

    // Wrong CA: handshake(), the readable and write() all fail with the same error; rustls got unknown_ca.
    const wrongCa = r['wrongCa']!;
    expect(wrongCa['handshake']).toEqual(tlsError(/^UNABLE_TO_VERIFY|UNKNOWN_CA|ISSUER/));
    expect(wrongCa['handshake']).toEqual(expect.objectContaining({ alert: 'unknown_ca' }));
    expect(wrongCa['readable']).toEqual(wrongCa['handshake']);
    expect(wrongCa['write']).toEqual(wrongCa['handshake']);
    expect(wrongCa['server']).toEqual(expect.objectContaining({ ok: false, message: expect.stringMatching(/UnknownCA/i) }));

    // Right CA, wrong name.
    const wrongName = r['wrongName']!;
    expect(wrongName['handshake']).toEqual(tlsError(/ALTNAME|HOST|NAME/));
    expect(wrongName['readable']).toEqual(wrongName['handshake']);
    expect(wrongName['server']).toEqual(expect.objectContaining({ ok: false, message: expect.stringMatching(/BadCertificate|alert/i) }));

    // rustls refuses the sanstls server's certificate: the server's handshake() and readable get the alert.
    const rustls = r['rustlsClientWrongCa']!;
    expect(rustls['client']).toEqual(expect.objectContaining({ ok: false, message: expect.stringMatching(/UnknownIssuer/) }));
    const server = rustls['server'] as Record<string, unknown>;
    expect(server['handshake']).toEqual(expect.objectContaining({ ok: false, name: 'TlsError', instanceOfTlsError: true, code: 'PEER_ALERT', alert: 'unknown_ca' }));
    expect(server['readable']).toEqual(server['handshake']);

    // A peer that answers with plain text.
    expect(r['notTls']!['handshake']).toEqual(tlsError(/CONTENT_TYPE|DECODE|PROTOCOL_VERSION|TRUNCATED/));
  });
});
