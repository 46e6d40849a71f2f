// Regression tests named after the known state-machine attacks on TLS stacks (Beurdouche et al., "A Messy
// State of the Union", 2015; de Ruiter and Poll, 2015), against real connections through the scripted peer
// (correctly protected records, for every key exchange our two sides speak). Where bad-input-*.test.ts
// already has the single recorded-flight case, the test here is the general one (every position, every
// script) and docs/handshake.md lists both.
import { afterAll, describe, expect, it } from 'vitest';
import { CIPHER_SUITES, ExtensionType, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../../src/codec/constants.js';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.js';
import { decodeServerHello, encodeServerHello } from '../../src/codec/messages/server-hello.js';
import type { TlsError } from '../../src/index.js';
import { cleanupPkis } from '../interop/pki.js';
import { makeFixture } from './fixtures.js';
import { inputName, Run, type Input, type Script, type StepResult } from './peer.js';

const fx = makeFixture();
afterAll(cleanupPkis);

const hs = (event: string, broken = false): Input => ({ kind: 'handshake', event, broken });
const CCS: Input = { kind: 'change_cipher_spec' };
const APP: Input = { kind: 'application_data' };

/** The peer's whole handshake, in order: its messages, its ChangeCipherSpec, its Finished. */
const happyPath = (s: Script): Input[] => [...s.messages.map((m) => hs(m.event)), CCS, hs('finished')];

function drive(s: Script, inputs: Input[]): { run: Run; last: StepResult; all: StepResult[] } {
  const run = new Run(s);
  const all = inputs.map((i) => run.step(i));
  return { run, last: all.at(-1)!, all };
}

const errorOf = (run: Run): TlsError | undefined => run.sut.error;
const frame = (type: number, body: Uint8Array) => Uint8Array.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff, ...body]);

/** The run ended with our fatal alert `alert`, reached no handshake, delivered no data. */
function expectRefused(run: Run, all: StepResult[], alert: string, label: string) {
  expect(run.sut.state, label).toBe('failed');
  expect(errorOf(run)?.alert, label).toBe(alert);
  expect(errorOf(run)?.remote, label).toBe(false);
  expect(all.flatMap((r) => r.events.map((e) => e.type)).filter((e) => e === 'handshake' || e === 'data'), label).toEqual([]);
  expect(all.at(-1)!.out.at(-1), label).toBe(`alert:fatal:${alert}`);
}

describe.each(['client', 'server'] as const)('%s', (role) => {
  const scripts = fx.scripts[role];

  it('the happy path completes (baseline for every script)', () => {
    for (const s of scripts) {
      const { run } = drive(s, happyPath(s));
      expect(run.sut.state, s.name).toBe('connected');
    }
  });

  it('early CCS (CVE-2014-0224): a ChangeCipherSpec anywhere before the expected one is unexpected_message, no key installed', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      for (let k = 0; k < path.indexOf(CCS); k++) {
        const { run, all } = drive(s, [...path.slice(0, k), CCS]);
        const label = `${s.name}: CCS after [${path.slice(0, k).map(inputName).join(' ')}]`;
        expectRefused(run, all, 'unexpected_message', label);
        // The peer can still read the alert with the keys it has: the SUT never switched to a read key it
        // could have received early; and it wiped every key it had made.
        expect(run.use.disposed, label).toBe(run.use.created);
      }
    }
  });

  it('SKIP: leaving out any one message of the handshake (ServerKeyExchange, Certificate, ClientKeyExchange, CCS, Finished…) is refused', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      for (let k = 0; k < path.length; k++) {
        const skipped = [...path.slice(0, k), ...path.slice(k + 1)];
        const { run, all } = drive(s, k === path.length - 1 ? [...skipped, APP] : skipped);
        const label = `${s.name}: SKIP ${inputName(path[k]!)}`;
        expect(run.sut.state, label).toBe('failed');
        expect(all.flatMap((r) => r.events).some((e) => e.type === 'handshake' || e.type === 'data'), label).toBe(false);
        // unexpected_message, or the Finished check failing because the transcript lacks the message
        expect(['unexpected_message', 'decrypt_error'], label).toContain(errorOf(run)?.alert);
      }
    }
  });

  it('SKIP Finished: application data instead of Finished (after the CCS, or instead of CCS and Finished) is unexpected_message', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      for (const cut of [path.length - 1, path.length - 2]) {
        const { run, all } = drive(s, [...path.slice(0, cut), APP]);
        const label = `${s.name}: application data after [${path.slice(0, cut).map(inputName).join(' ')}]`;
        expectRefused(run, all, 'unexpected_message', label);
        expect(all.flatMap((r) => r.events).some((e) => e.type === 'data'), label).toBe(false);
      }
    }
  });

  it('duplicated messages: every message of the handshake sent twice is refused', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      for (let k = 0; k < path.length; k++) {
        const { run, all } = drive(s, [...path.slice(0, k + 1), path[k]!]);
        const label = `${s.name}: ${inputName(path[k]!)} twice`;
        expect(run.sut.state, label).toBe('failed');
        expect(errorOf(run)?.alert, label).toBe('unexpected_message');
        expect(all.at(-1)!.out.at(-1), label).toBe('alert:fatal:unexpected_message');
      }
    }
  });

  it('Finished with a wrong verify_data (correctly protected) is decrypt_error, and no Finished answers it', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      const { run, all } = drive(s, [...path.slice(0, -1), hs('finished', true)]);
      expectRefused(run, all, 'decrypt_error', s.name);
      expect(all.at(-1)!.out, s.name).not.toContain('hs:finished');
      expect(all.flatMap((r) => r.events).some((e) => e.type === 'handshake'), s.name).toBe(false);
    }
  });
});

describe('server', () => {
  const scripts = fx.scripts.server;

  it('CCS interleaved with ClientKeyExchange: before it, or inside a fragmented one, is unexpected_message', () => {
    for (const s of scripts) {
      const before = drive(s, [hs('client_hello'), CCS, hs('client_key_exchange')]);
      expectRefused(before.run, before.all.slice(0, 2), 'unexpected_message', `${s.name}: CCS before ClientKeyExchange`);
      const run = new Run(s);
      run.step(hs('client_hello'));
      const cke = run.peer.message('client_key_exchange', false);
      const half = cke.length >> 1;
      run.feed(run.peer.seal(22, cke.subarray(0, half)));
      const r = run.feed(run.peer.seal(20, Uint8Array.of(1)));
      expect(run.sut.state, s.name).toBe('failed');
      expect(errorOf(run)?.alert, s.name).toBe('unexpected_message');
      expect(r.out.at(-1), s.name).toBe('alert:fatal:unexpected_message');
    }
  });

  it('SKIP CertificateVerify: the server never requests a certificate yet, so Certificate and CertificateVerify are refused everywhere', () => {
    // Client authentication is issue 6: once the server can send CertificateRequest, this becomes the test that
    // Certificate + ClientKeyExchange without CertificateVerify is refused.
    for (const s of scripts) {
      const run = new Run(s);
      const flight = run.step(hs('client_hello'));
      expect(flight.out, s.name).not.toContain('hs:certificate_request');
      const path = happyPath(s);
      for (let k = 0; k <= path.length; k++) {
        for (const m of ['certificate', 'certificate_verify']) {
          const { run: r } = drive(s, [...path.slice(0, k), hs(m)]);
          expect(errorOf(r)?.alert, `${s.name}: ${m} after ${k} messages`).toBe('unexpected_message');
        }
      }
    }
  });

  it('renegotiation without RFC 5746: every renegotiating ClientHello is declined with no_renegotiation, keys unchanged', () => {
    for (const s of scripts) {
      const genuine = decodeClientHello(s.messages.find((m) => m.event === 'client_hello')!.raw.subarray(4));
      const legacy = encodeClientHello({
        ...genuine,
        cipherSuites: genuine.cipherSuites.filter((c) => c !== TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
        extensions: genuine.extensions.filter((e) => e.type !== ExtensionType.renegotiation_info),
      });
      const variants: [string, Uint8Array][] = [
        ['as in the first handshake', s.messages.find((m) => m.event === 'client_hello')!.raw],
        ['without renegotiation_info or SCSV', frame(1, legacy)],
      ];
      for (const [what, raw] of variants) {
        const { run } = drive(s, happyPath(s));
        const r = run.feed(run.peer.handshake(raw));
        expect(r.out, `${s.name} ${what}`).toEqual(['alert:warning:no_renegotiation']);
        expect(run.sut.state).toBe('connected');
        const after = run.step(APP);
        expect(after.events, `${s.name} ${what}: data still flows under the same keys`).toEqual([{ type: 'data', data: Uint8Array.of(0x61, 0x62, 0x63) }]);
      }
    }
  });

  it('resumption without EMS (triple handshake): a ClientHello offering a session ID or a ticket gets a fresh full handshake', () => {
    for (const s of scripts) {
      const genuine = decodeClientHello(s.messages.find((m) => m.event === 'client_hello')!.raw.subarray(4));
      const offered = new Uint8Array(32).fill(0x5a);
      const ch = encodeClientHello({
        ...genuine,
        sessionId: offered,
        extensions: [...genuine.extensions.filter((e) => e.type !== ExtensionType.session_ticket), { type: ExtensionType.session_ticket, data: new Uint8Array(48).fill(7) }],
      });
      const run = new Run(s);
      const flight = run.feed(run.peer.handshake(frame(1, ch)));
      expect(flight.out.slice(0, 2), s.name).toEqual(['hs:server_hello', 'hs:certificate']);
      expect(flight.out, s.name).toContain('hs:server_hello_done');
      expect(flight.out, s.name).not.toContain('ccs'); // an abbreviated handshake would send CCS now
      const sh = decodeServerHello(run.peer.received[0]!.subarray(4));
      expect(Buffer.from(sh.sessionId).equals(Buffer.from(offered)), s.name).toBe(false);
      expect(sh.extensions.some((e) => e.type === ExtensionType.session_ticket), s.name).toBe(false);
      for (const i of [hs('client_key_exchange'), CCS, hs('finished')]) run.step(i);
      expect(run.sut.state, s.name).toBe('connected');
    }
  });

  it('version rollback: a ClientHello offering at most SSL 3.0, TLS 1.0 or TLS 1.1 is protocol_version', () => {
    for (const s of scripts) {
      const genuine = decodeClientHello(s.messages.find((m) => m.event === 'client_hello')!.raw.subarray(4));
      for (const version of [0x0300, 0x0301, 0x0302]) {
        const run = new Run(s);
        const r = run.feed(run.peer.handshake(frame(1, encodeClientHello({ ...genuine, version }))));
        expect(errorOf(run)?.alert, `${s.name} ${version.toString(16)}`).toBe('protocol_version');
        expect(r.out).toEqual(['alert:fatal:protocol_version']);
      }
    }
  });
});

describe('client', () => {
  const scripts = fx.scripts.client;
  const serverHello = (s: Script) => decodeServerHello(s.messages.find((m) => m.event === 'server_hello')!.raw.subarray(4));

  /** A run that has sent the ClientHello, and the ServerHello the test makes of the genuine one. */
  function withServerHello(s: Script, f: (sh: ReturnType<typeof serverHello>) => Parameters<typeof encodeServerHello>[0]) {
    const run = new Run(s);
    const r = run.feed(run.peer.handshake(frame(2, encodeServerHello(f(serverHello(s))))));
    return { run, r };
  }

  it('renegotiation without RFC 5746: HelloRequest is ignored once connected (no ClientHello), a ServerHello is unexpected_message', () => {
    for (const s of scripts) {
      const { run } = drive(s, happyPath(s));
      expect(run.step(hs('hello_request')).bytes, s.name).toBe(0);
      expect(run.sut.state).toBe('connected');
      const r = run.step(hs('server_hello'));
      expect(errorOf(run)?.alert, s.name).toBe('unexpected_message');
      expect(r.out).toEqual(['alert:fatal:unexpected_message']);
    }
  });

  it('ServerHello choosing a suite that was not offered is illegal_parameter (every suite the codec knows)', () => {
    for (const s of scripts) {
      const probe = new Run(s);
      const offered = decodeClientHello(probe.peer.received[0]!.subarray(4)).cipherSuites;
      for (const suite of CIPHER_SUITES.filter((c) => !offered.includes(c.code))) {
        const { run } = withServerHello(s, (sh) => ({ ...sh, cipherSuite: suite.code }));
        expect(errorOf(run)?.alert, `${s.name}: ${suite.iana}`).toBe('illegal_parameter');
      }
    }
  });

  it('ServerHello with an extension that was not offered is unsupported_extension (every extension type the codec knows)', () => {
    for (const s of scripts) {
      const probe = new Run(s);
      const offered = decodeClientHello(probe.peer.received[0]!.subarray(4)).extensions.map((e) => e.type);
      const notOffered = Object.values(ExtensionType).filter((t) => !offered.includes(t));
      expect(notOffered.length).toBeGreaterThan(0);
      for (const type of notOffered) {
        const { run } = withServerHello(s, (sh) => ({ ...sh, extensions: [...sh.extensions, { type, data: new Uint8Array(0) }] }));
        // RFC 5246 §7.4.1.4: unsupported_extension, judged before the body (an empty ALPN body would be a
        // decode_error if the extension had been offered).
        expect(run.sut.state, `${s.name}: extension ${type}`).toBe('failed');
        expect(errorOf(run)?.alert, `${s.name}: extension ${type}`).toBe('unsupported_extension');
      }
    }
  });

  it('version rollback: a ServerHello choosing SSL 3.0, TLS 1.0 or TLS 1.1 is protocol_version', () => {
    for (const s of scripts) {
      for (const version of [0x0300, 0x0301, 0x0302]) {
        const { run, r } = withServerHello(s, (sh) => ({ ...sh, version }));
        expect(errorOf(run)?.alert, `${s.name} ${version.toString(16)}`).toBe('protocol_version');
        expect(r.out).toEqual(['alert:fatal:protocol_version']);
      }
    }
  });
});
