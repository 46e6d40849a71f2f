// Alert parity with OpenSSL. Where RFC 5246 leaves the choice of alert open (duplicate extensions,
// oversized messages) or where we chose the same as OpenSSL, malformed ClientHellos go both to a
// real `openssl s_server` and to our decoder; both must answer with the same alert.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDescription } from '../../src/alerts.js';
import {
  buildClientHelloExtensions,
  decodeHandshakeMessage,
  encodeClientHello,
  encodeHandshake,
  encodeServerName,
  HandshakeAssembler,
  Writer,
  type RawExtension,
} from '../../src/codec/index.js';
import { TlsError } from '../../src/errors.js';
import { CertDir, catchError, concat, connect, readHandshake, record, startOpensslServer } from './helpers.js';

let certs: CertDir;
let server: Awaited<ReturnType<typeof startOpensslServer>>;

beforeAll(async () => {
  certs = new CertDir();
  const leaf = certs.make('leaf', 'p256', { cn: 'localhost' });
  server = await startOpensslServer(['-tls1_2', '-cert', leaf.cert, '-key', leaf.key]);
});
afterAll(() => {
  server?.stop();
  certs?.cleanup();
});

const base = {
  version: 0x0303,
  random: new Uint8Array(32).fill(7),
  sessionId: new Uint8Array(0),
  cipherSuites: [0xc02b, 0xc02f],
  compressionMethods: [0],
  extensions: buildClientHelloExtensions({ supportedGroups: [29, 23], ecPointFormats: [0], signatureAlgorithms: [0x0403, 0x0804] }),
};
const good = encodeClientHello(base);
// Offsets in `good`: version(2) random(32) | sid len @34 | suites len @35 | suites @37 | compression len @41.
const compressionAt = 2 + 32 + 1 + 2 + 4;

/** A ClientHello body with an extensions block written by hand (duplicates allowed). */
function withExtensions(exts: RawExtension[]): Uint8Array {
  const w = new Writer();
  w.bytes(encodeClientHello({ ...base, extensions: [] }));
  w.vec16((b) => { for (const e of exts) b.u16(e.type).opaque(2, e.data); });
  return w.finish();
}
const patched = (at: number, value: number) => { const b = good.slice(); b[at] = value; return b; };

const cases: [name: string, fragment: Uint8Array, alert: keyof typeof AlertDescription][] = [
  ['duplicate extended_master_secret', encodeHandshake(1, withExtensions([...base.extensions, { type: 23, data: new Uint8Array(0) }, { type: 23, data: new Uint8Array(0) }])), 'illegal_parameter'],
  ['duplicate server_name', encodeHandshake(1, withExtensions([...base.extensions, { type: 0, data: encodeServerName('a.example') }, { type: 0, data: encodeServerName('a.example') }])), 'illegal_parameter'],
  ['no null compression', encodeHandshake(1, patched(compressionAt + 1, 1)), 'decode_error'],
  ['odd cipher_suites length', encodeHandshake(1, patched(36, 3)), 'decode_error'],
  ['session id of 33 bytes', encodeHandshake(1, concat(good.subarray(0, 34), Uint8Array.of(33), new Uint8Array(33), good.subarray(35))), 'decode_error'],
  ['trailing byte', encodeHandshake(1, concat(good, Uint8Array.of(0))), 'decode_error'],
  ['two SNI host names', encodeHandshake(1, withExtensions([...base.extensions, { type: 0, data: Uint8Array.from([0, 8, 0, 0, 1, 0x61, 0, 0, 1, 0x62]) }])), 'decode_error'],
  ['empty ALPN protocol name', encodeHandshake(1, withExtensions([...base.extensions, { type: 16, data: Uint8Array.from([0, 3, 0, 1, 0x61]) }])), 'decode_error'],
  ['extended_master_secret with data', encodeHandshake(1, withExtensions([...base.extensions, { type: 23, data: Uint8Array.of(0) }])), 'decode_error'],
  ['ClientHello claiming 192 KiB', Uint8Array.of(1, 0x03, 0x00, 0x00), 'illegal_parameter'],
];

/** What our codec says about a handshake fragment. */
function ours(fragment: Uint8Array): TlsError | undefined {
  const e = catchError(() => new HandshakeAssembler().push(fragment, (m) => decodeHandshakeMessage(m)));
  return e as TlsError | undefined;
}

async function openssls(fragment: Uint8Array): Promise<number | undefined> {
  const sock = await connect(server.port);
  const reading = readHandshake(sock, () => false, 5000);
  sock.write(record(22, fragment));
  const { alerts } = await reading;
  sock.destroy();
  const a = alerts[0];
  return a === undefined ? undefined : a[1];
}

describe('alert parity with openssl s_server', () => {
  it('the well-formed baseline is accepted by both', async () => {
    expect(ours(encodeHandshake(1, good))).toBeUndefined();
    const sock = await connect(server.port);
    const reading = readHandshake(sock, (m) => m.some((x) => x.type === 14));
    sock.write(record(22, encodeHandshake(1, good)));
    const { messages, alerts } = await reading;
    sock.destroy();
    expect(alerts).toEqual([]);
    expect(messages[0]!.type).toBe(2);
  });

  for (const [name, fragment, alert] of cases) {
    it(`${name}: ${alert}`, async () => {
      const mine = ours(fragment);
      expect(mine).toBeInstanceOf(TlsError);
      expect(mine!.alert).toBe(alert);
      expect(await openssls(fragment)).toBe(AlertDescription[alert]);
    });
  }
});
