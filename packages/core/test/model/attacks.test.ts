// Regression tests named after the known state-machine attacks on TLS stacks (Beurdouche et al., "A Messy
// State of the Union", 2015; de Ruiter and Poll, 2015), against real connections through the scripted peer
// (correctly protected records, for every key exchange our two sides speak and for the optional flows:
// resumption, client certificates, renegotiation, OCSP stapling). Where bad-input-*.test.ts already has the
// single recorded-flight case, the test here is the general one (every position, every script) and
// docs/handshake.md lists both.
import { afterAll, describe, expect, it } from 'vitest';
import { CIPHER_SUITES, ExtensionType, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../../src/codec/constants.js';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.js';
import { decodeServerHello, encodeServerHello } from '../../src/codec/messages/server-hello.js';
import { LruSessionCache, TicketKeys, type ClientConnection, type TlsError, type TlsSession } from '../../src/index.js';
import { cleanupPkis } from '../interop/pki.js';
import { makeFixture } from './fixtures.js';
import { inputName, Run, type Input, type Script, type StepResult } from './peer.js';

const fx = makeFixture();
afterAll(cleanupPkis);

const hs = (event: string, broken = false): Input => ({ kind: 'handshake', event, broken });
const CCS: Input = { kind: 'change_cipher_spec' };
const APP: Input = { kind: 'application_data' };
const ABC = Uint8Array.of(0x61, 0x62, 0x63);

/** The peer's first handshake, in order: its messages, its ChangeCipherSpec, its Finished. */
const happyPath = (s: Script): Input[] => [...s.messages.map((m) => hs(m.event)), CCS, hs('finished')];

/** The renegotiation of a script that has one, from connected: the peer's HelloRequest (or ClientHello) to its Finished. */
const renegotiation = (s: Script): Input[] => [
  ...(s.sut === 'client' ? [hs('hello_request')] : []),
  ...s.handshakes[1]!.messages.map((m) => hs(m.event)),
  CCS,
  hs('finished'),
];

function drive(s: Script, inputs: Input[]): { run: Run; last: StepResult; all: StepResult[] } {
  const run = new Run(s);
  const all = inputs.map((i) => run.step(i));
  return { run, last: all.at(-1)!, all };
}

const errorOf = (run: Run): TlsError | undefined => run.sut.error;
const frame = (type: number, body: Uint8Array) => Uint8Array.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff, ...body]);
const genuine = (s: Script, event: string, handshake = 0) => s.handshakes[handshake]!.messages.find((m) => m.event === event)!.raw;
/** The script with a SUT made with other options (same seed: the recorded messages still fit). */
const variant = (s: Script, extra: Parameters<Script['make']>[0]): Script => ({ ...s, make: () => s.make(extra) });

type Extensions = { readonly type: number; readonly data: Uint8Array }[];
/** A recorded ClientHello with its extensions (and cipher suites) changed. */
function clientHelloWith(raw: Uint8Array, f: (ext: Extensions) => Extensions, suites?: (s: number[]) => number[]): Uint8Array {
  const ch = decodeClientHello(raw.subarray(4));
  return frame(1, encodeClientHello({ ...ch, cipherSuites: suites ? suites([...ch.cipherSuites]) : ch.cipherSuites, extensions: f([...ch.extensions]) }));
}
function serverHelloWith(raw: Uint8Array, f: (ext: Extensions) => Extensions): Uint8Array {
  const sh = decodeServerHello(raw.subarray(4));
  return frame(2, encodeServerHello({ ...sh, extensions: f([...sh.extensions]) }));
}
const without = (type: number) => (ext: Extensions) => ext.filter((e) => e.type !== type);
const replacing = (type: number, data: Uint8Array) => (ext: Extensions) => ext.map((e) => (e.type === type ? { type, data } : e));
const renegotiationInfo = (v: Uint8Array) => Uint8Array.from([v.length, ...v]);

/** The run ended with our fatal alert `alert`, reached no handshake, delivered no data. */
function expectRefused(run: Run, all: StepResult[], alert: string, label: string) {
  expect(run.sut.state, label).toBe('failed');
  expect(errorOf(run)?.alert, label).toBe(alert);
  expect(errorOf(run)?.remote, label).toBe(false);
  expect(all.flatMap((r) => r.events.map((e) => e.type)).filter((e) => e === 'handshake' || e === 'data' || e === 'renegotiated'), label).toEqual([]);
  expect(all.at(-1)!.out.at(-1), label).toBe(`alert:fatal:${alert}`);
}

/** Messages a peer may leave out (RFC 6066 §8: CertificateStatus; RFC 5246 §7.4.4: CertificateRequest). */
const OPTIONAL = new Set(['certificate_status', 'certificate_request']);

describe.each(['client', 'server'] as const)('%s', (role) => {
  const scripts = fx.scripts[role];

  it('the happy path completes (baseline for every script), and every renegotiation too', () => {
    for (const s of scripts) {
      const { run } = drive(s, happyPath(s));
      expect(run.sut.state, s.name).toBe('connected');
      expect(run.sut.handshake?.resumed, s.name).toBe(s.resumed);
      if (s.handshakes.length < 2) continue;
      const all = renegotiation(s).map((i) => run.step(i));
      expect(all.flatMap((r) => r.events.map((e) => e.type)), s.name).toContain('renegotiated');
      expect(run.sut.handshakeState, s.name).toBe('connected');
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

  it('early CCS in the abbreviated handshake: before the hello, before the renewed ticket', () => {
    const resumed = scripts.filter((s) => s.resumed);
    expect(resumed.length).toBe(2);
    for (const s of resumed) {
      const path = happyPath(s);
      const ccsAt = path.indexOf(CCS);
      expect(ccsAt, s.name).toBe(role === 'client' ? s.messages.length : 1);
      for (let k = 0; k < ccsAt; k++) {
        const { run, all } = drive(s, [...path.slice(0, k), CCS]);
        expectRefused(run, all, 'unexpected_message', `${s.name}: CCS after ${k} messages`);
      }
    }
  });

  it('SKIP: leaving out any one message of the handshake (ServerKeyExchange, Certificate, CertificateVerify, ClientKeyExchange, NewSessionTicket, CCS, Finished…) is refused', () => {
    for (const s of scripts) {
      const path = happyPath(s);
      for (let k = 0; k < path.length; k++) {
        const i = path[k]!;
        if (i.kind === 'handshake' && OPTIONAL.has(i.event)) continue;
        const skipped = [...path.slice(0, k), ...path.slice(k + 1)];
        const { run, all } = drive(s, k === path.length - 1 ? [...skipped, APP] : skipped);
        const label = `${s.name}: SKIP ${inputName(i)}`;
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

  it('duplicated messages: every message of the handshake, and of a renegotiation, sent twice is refused', () => {
    for (const s of scripts) {
      for (const [before, path] of [[[], happyPath(s)], ...(s.handshakes.length > 1 ? [[happyPath(s), renegotiation(s)]] : [])] as [Input[], Input[]][]) {
        for (let k = 0; k < path.length; k++) {
          if (path[k]!.kind === 'handshake' && (path[k] as { event: string }).event === 'hello_request') continue; // ignored while negotiating
          const { run, all } = drive(s, [...before, ...path.slice(0, k + 1), path[k]!]);
          const label = `${s.name}: ${inputName(path[k]!)} twice${before.length ? ' in the renegotiation' : ''}`;
          expect(run.sut.state, label).toBe('failed');
          expect(errorOf(run)?.alert, label).toBe('unexpected_message');
          expect(all.at(-1)!.out.at(-1), label).toBe('alert:fatal:unexpected_message');
        }
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

  it('renegotiation: application data keeps flowing up to the CCS, and between CCS and Finished it is unexpected_message', () => {
    const renegotiating = scripts.filter((s) => s.handshakes.length > 1);
    expect(renegotiating.length).toBeGreaterThan(0);
    for (const s of renegotiating) {
      const path = renegotiation(s);
      const ccsAt = path.indexOf(CCS);
      // Before the CCS (after each message of the renegotiation): delivered under the keys in force.
      for (let k = 1; k <= ccsAt; k++) {
        const { run, last } = drive(s, [...happyPath(s), ...path.slice(0, k), APP]);
        expect(run.sut.state, `${s.name}: data after ${k}`).toBe('connected');
        expect(last.events, `${s.name}: data after ${k}`).toEqual([{ type: 'data', data: ABC }]);
      }
      // Between the CCS and the Finished: the new keys read it, and it is refused (the Finished first).
      const { run, all } = drive(s, [...happyPath(s), ...path.slice(0, ccsAt + 1), APP]);
      expect(run.sut.state, s.name).toBe('failed');
      expect(errorOf(run)?.alert, s.name).toBe('unexpected_message');
      expect(all.at(-1)!.out.at(-1), s.name).toBe('alert:fatal:unexpected_message');
      expect(all.at(-1)!.events.filter((e) => e.type === 'data'), s.name).toEqual([]);
      expect(all.flatMap((r) => r.events.map((e) => e.type)), s.name).not.toContain('renegotiated');
    }
  });
});

describe('server', () => {
  const scripts = fx.scripts.server;
  const withCertificate = scripts.find((s) => s.messages.some((m) => m.event === 'certificate_verify'))!;
  const renegotiating = scripts.find((s) => s.handshakes.length > 1)!;

  it('CCS interleaved with ClientKeyExchange: before it, or inside a fragmented one, is unexpected_message', () => {
    for (const s of scripts.filter((x) => x.messages.some((m) => m.event === 'client_key_exchange'))) {
      // The messages before the ClientKeyExchange: the ClientHello, and the Certificate when one is asked for.
      const lead = s.messages.slice(0, s.messages.findIndex((m) => m.event === 'client_key_exchange')).map((m) => hs(m.event));
      const early = drive(s, [...lead, CCS, hs('client_key_exchange')]);
      expectRefused(early.run, early.all.slice(0, lead.length + 1), 'unexpected_message', `${s.name}: CCS before ClientKeyExchange`);
      const run = new Run(s);
      for (const i of lead) run.step(i);
      const cke = run.peer.message('client_key_exchange', false);
      const half = cke.length >> 1;
      run.feed(run.peer.seal(22, cke.subarray(0, half)));
      const r = run.feed(run.peer.seal(20, Uint8Array.of(1)));
      expect(run.sut.state, s.name).toBe('failed');
      expect(errorOf(run)?.alert, s.name).toBe('unexpected_message');
      expect(r.out.at(-1), s.name).toBe('alert:fatal:unexpected_message');
    }
  });

  it('SKIP CertificateVerify: a client that sent a certificate must sign; Certificate, ClientKeyExchange, then CCS is unexpected_message', () => {
    const path = happyPath(withCertificate);
    const cv = path.findIndex((i) => i.kind === 'handshake' && i.event === 'certificate_verify');
    expect(path.slice(0, cv + 1).map(inputName)).toEqual(['client_hello', 'certificate', 'client_key_exchange', 'certificate_verify']);
    for (const next of [CCS, hs('finished'), APP]) {
      const { run, all } = drive(withCertificate, [...path.slice(0, cv), next]);
      expectRefused(run, all, 'unexpected_message', `CertificateVerify skipped, then ${inputName(next)}`);
    }
    // In a renegotiation as well.
    const again = renegotiation(renegotiating);
    const cv2 = again.findIndex((i) => i.kind === 'handshake' && i.event === 'certificate_verify');
    const { run, all } = drive(renegotiating, [...happyPath(renegotiating), ...again.slice(0, cv2), CCS]);
    expect(run.sut.state).toBe('failed');
    expect(errorOf(run)?.alert).toBe('unexpected_message');
    expect(all.at(-1)!.out.at(-1)).toBe('alert:fatal:unexpected_message');
  });

  it('CertificateVerify with a bad signature is decrypt_error (first handshake and renegotiation)', () => {
    const path = happyPath(withCertificate);
    const run = new Run(withCertificate);
    for (const i of path.slice(0, 3)) run.step(i);
    const r = run.feed(run.peer.handshake(run.peer.certificateVerify(undefined, true)));
    expect(errorOf(run)?.alert).toBe('decrypt_error');
    expect(errorOf(run)?.code).toBe('BAD_SIGNATURE');
    expect(r.out).toEqual(['alert:fatal:decrypt_error']);
    const again = new Run(renegotiating);
    for (const i of [...happyPath(renegotiating), ...renegotiation(renegotiating).slice(0, 3)]) again.step(i);
    const r2 = again.feed(again.peer.handshake(again.peer.certificateVerify(undefined, true)));
    expect(errorOf(again)?.alert).toBe('decrypt_error');
    expect(r2.out.at(-1)).toBe('alert:fatal:decrypt_error');
  });

  it('a server that asks for no certificate accepts no Certificate or CertificateVerify at any point', () => {
    for (const s of scripts.filter((x) => x.messages.length > 0 && !x.messages.some((m) => m.event === 'certificate'))) {
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

  it('renegotiation without RFC 5746: a server that does not allow it declines every renegotiating ClientHello (no_renegotiation), keys unchanged', () => {
    for (const s of scripts.filter((x) => x.handshakes.length === 1 && !x.resumed)) {
      const ch = genuine(s, 'client_hello');
      const variants: [string, Uint8Array][] = [
        ['as in the first handshake', ch],
        ['without renegotiation_info or SCSV', clientHelloWith(ch, without(ExtensionType.renegotiation_info), (cs) => cs.filter((c) => c !== TLS_EMPTY_RENEGOTIATION_INFO_SCSV))],
      ];
      for (const [what, raw] of variants) {
        const { run } = drive(s, happyPath(s));
        const r = run.feed(run.peer.handshake(raw));
        expect(r.out, `${s.name} ${what}`).toEqual(['alert:warning:no_renegotiation']);
        expect(run.sut.state).toBe('connected');
        const after = run.step(APP);
        expect(after.events, `${s.name} ${what}: data still flows under the same keys`).toEqual([{ type: 'data', data: ABC }]);
      }
    }
  });

  it('renegotiation (allowed): a renegotiating ClientHello without renegotiation_info, with the SCSV, or with a wrong verify_data is handshake_failure', () => {
    const s = renegotiating;
    const ch = genuine(s, 'client_hello', 1);
    const info = decodeClientHello(ch.subarray(4)).ext.renegotiationInfo!;
    expect(info.length).toBe(12); // client_verify_data (RFC 5746 §3.5); the peer sends the real one
    const variants: [string, (run: Run) => Uint8Array][] = [
      ['without renegotiation_info', () => clientHelloWith(ch, without(ExtensionType.renegotiation_info))],
      ['without renegotiation_info, with the SCSV', () => clientHelloWith(ch, without(ExtensionType.renegotiation_info), (cs) => [...cs, TLS_EMPTY_RENEGOTIATION_INFO_SCSV])],
      ['with the SCSV besides the extension', (run) => clientHelloWith(run.peer.message('client_hello', false), (e) => e, (cs) => [...cs, TLS_EMPTY_RENEGOTIATION_INFO_SCSV])],
      ['with an empty renegotiated_connection', () => clientHelloWith(ch, replacing(ExtensionType.renegotiation_info, renegotiationInfo(new Uint8Array(0))))],
      ['with a wrong client_verify_data', (run) => {
        const right = decodeClientHello(run.peer.message('client_hello', false).subarray(4)).ext.renegotiationInfo!.slice();
        right[0]! ^= 1;
        return clientHelloWith(ch, replacing(ExtensionType.renegotiation_info, renegotiationInfo(right)));
      }],
    ];
    for (const [what, make] of variants) {
      const { run } = drive(s, happyPath(s));
      const r = run.feed(run.peer.handshake(make(run)));
      expect(errorOf(run)?.alert, what).toBe('handshake_failure');
      expect(r.out, what).toEqual(['alert:fatal:handshake_failure']);
    }
    // The right one is taken (the peer's own ClientHello, with the real verify_data).
    const { run } = drive(s, happyPath(s));
    expect(run.step(hs('client_hello')).out[0]).toBe('hs:server_hello');
  });

  it('renegotiation without RFC 5746: a connection whose first handshake had neither renegotiation_info nor the SCSV is never renegotiated, even when allowed', () => {
    const s = renegotiating;
    const legacy = clientHelloWith(genuine(s, 'client_hello'), without(ExtensionType.renegotiation_info), (cs) => cs.filter((c) => c !== TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
    const run = new Run(s);
    run.feed(run.peer.handshake(legacy));
    for (const i of happyPath(s).slice(1)) run.step(i);
    expect(run.sut.state).toBe('connected');
    expect(run.sut.handshake?.secureRenegotiation).toBe(false);
    const r = run.step(hs('client_hello'));
    expect(r.out).toEqual(['alert:warning:no_renegotiation']);
    expect(run.sut.handshakeState).toBe('connected');
    expect(run.step(APP).events).toEqual([{ type: 'data', data: ABC }]);
  });

  it('resumption without EMS (triple handshake): a session without the extended master secret is never resumed', () => {
    // The resumed scripts' ClientHellos offer a session by ticket and by ID; the server is given a cache and
    // ticket keys that hold the very same session, but made without EMS: a full handshake follows.
    for (const s of scripts.filter((x) => x.resumed)) {
      const ch = decodeClientHello(genuine(s, 'client_hello').subarray(4));
      const noEms: TlsSession = { version: 0x0303, cipherSuite: s.suite.code, masterSecret: s.sessionMaster!, extendedMasterSecret: false, encryptThenMac: false, sessionId: ch.sessionId, serverName: 'localhost', peerCertificates: [], createdAt: Date.now() };
      const sessionCache = new LruSessionCache();
      sessionCache.set(ch.sessionId, noEms);
      const ticketKeys = new TicketKeys();
      const offered = clientHelloWith(genuine(s, 'client_hello'), ch.ext.sessionTicket?.length ? replacing(ExtensionType.session_ticket, ticketKeys.seal(noEms)) : (e) => e);
      const run = new Run(variant(s, { sessionCache, ticketKeys }));
      const flight = run.feed(run.peer.handshake(offered));
      expect(flight.out.slice(0, 2), s.name).toEqual(['hs:server_hello', 'hs:certificate']);
      expect(flight.out, s.name).not.toContain('ccs'); // an abbreviated handshake would send CCS now
      const sh = decodeServerHello(run.peer.received[0]!.subarray(4));
      expect(Buffer.from(sh.sessionId).equals(Buffer.from(ch.sessionId)), s.name).toBe(false);
      expect(run.sut.handshakeState, s.name).toBe('waitClientKeyExchange');
    }
  });

  it('resumption without EMS (RFC 7627 §5.3): a ClientHello offering an EMS session without the extension is handshake_failure', () => {
    for (const s of scripts.filter((x) => x.resumed)) {
      const run = new Run(s);
      const r = run.feed(run.peer.handshake(clientHelloWith(genuine(s, 'client_hello'), without(ExtensionType.extended_master_secret))));
      expect(errorOf(run)?.code, s.name).toBe('EMS_REQUIRED');
      expect(r.out, s.name).toEqual(['alert:fatal:handshake_failure']);
    }
  });

  it('version rollback: a ClientHello offering at most SSL 3.0, TLS 1.0 or TLS 1.1 is protocol_version', () => {
    for (const s of scripts) {
      const ch = decodeClientHello(genuine(s, 'client_hello').subarray(4));
      for (const version of [0x0300, 0x0301, 0x0302]) {
        const run = new Run(s);
        const r = run.feed(run.peer.handshake(frame(1, encodeClientHello({ ...ch, version }))));
        expect(errorOf(run)?.alert, `${s.name} ${version.toString(16)}`).toBe('protocol_version');
        expect(r.out).toEqual(['alert:fatal:protocol_version']);
      }
    }
  });
});

describe('client', () => {
  const scripts = fx.scripts.client;
  const full = scripts.filter((s) => !s.resumed);
  const renegotiating = scripts.filter((s) => s.handshakes.length > 1);

  /** A run that has sent the ClientHello, and the ServerHello the test makes of the genuine one. */
  function withServerHello(s: Script, raw: Uint8Array) {
    const run = new Run(s);
    const r = run.feed(run.peer.handshake(raw));
    return { run, r };
  }
  const modified = (s: Script, f: (sh: ReturnType<typeof decodeServerHello>) => Parameters<typeof encodeServerHello>[0]) =>
    frame(2, encodeServerHello(f(decodeServerHello(genuine(s, 'server_hello').subarray(4)))));

  it('SKIP of an optional message (CertificateStatus, CertificateRequest) is a handshake without it, not a hole', () => {
    let checked = 0;
    for (const s of scripts) {
      const path = happyPath(s);
      path.forEach((i, k) => {
        if (i.kind !== 'handshake' || !OPTIONAL.has(i.event)) return;
        checked++;
        const { run } = drive(s, [...path.slice(0, k), ...path.slice(k + 1)]);
        expect(run.sut.state, `${s.name}: without ${i.event}`).toBe('connected');
        if (i.event === 'certificate_status') expect(run.sut.handshake?.ocspResponse, s.name).toBeUndefined();
      });
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('renegotiation without RFC 5746: a server that sent no renegotiation_info gets no ClientHello for its HelloRequest (ignored), and an unsolicited ServerHello is unexpected_message', () => {
    for (const s of full) {
      const run = new Run(s);
      run.feed(run.peer.handshake(serverHelloWith(genuine(s, 'server_hello'), without(ExtensionType.renegotiation_info))));
      for (const i of happyPath(s).slice(1)) run.step(i);
      expect(run.sut.state, s.name).toBe('connected');
      expect(run.sut.handshake?.secureRenegotiation, s.name).toBe(false);
      expect(run.step(hs('hello_request')).bytes, s.name).toBe(0);
      expect(run.sut.handshakeState, s.name).toBe('connected');
      expect(() => (run.sut as ClientConnection).renegotiate(), s.name).toThrow(/RFC 5746/);
      expect(run.step(APP).events, s.name).toEqual([{ type: 'data', data: ABC }]);
      const r = run.step(hs('server_hello'));
      expect(errorOf(run)?.alert, s.name).toBe('unexpected_message');
      expect(r.out).toEqual(['alert:fatal:unexpected_message']);
    }
  });

  it('renegotiation (RFC 5746): a renegotiating ServerHello without renegotiation_info, or with a wrong or empty one, is handshake_failure', () => {
    expect(renegotiating.length).toBeGreaterThan(0);
    for (const s of renegotiating) {
      const sh = genuine(s, 'server_hello', 1);
      const variants: [string, (run: Run) => Uint8Array][] = [
        ['without renegotiation_info', () => serverHelloWith(sh, without(ExtensionType.renegotiation_info))],
        ['with an empty renegotiated_connection', () => serverHelloWith(sh, replacing(ExtensionType.renegotiation_info, renegotiationInfo(new Uint8Array(0))))],
        ['with client_verify_data only', (run) => {
          const right = decodeServerHello(run.peer.message('server_hello', false).subarray(4)).ext.renegotiationInfo!;
          return serverHelloWith(sh, replacing(ExtensionType.renegotiation_info, renegotiationInfo(right.subarray(0, 12))));
        }],
        ['with a wrong server_verify_data', (run) => {
          const right = decodeServerHello(run.peer.message('server_hello', false).subarray(4)).ext.renegotiationInfo!.slice();
          expect(right.length).toBe(24);
          right[23]! ^= 1;
          return serverHelloWith(sh, replacing(ExtensionType.renegotiation_info, renegotiationInfo(right)));
        }],
      ];
      for (const [what, make] of variants) {
        const { run } = drive(s, [...happyPath(s), hs('hello_request')]);
        expect(run.sut.handshakeState, `${s.name} ${what}`).toBe('waitServerHello');
        const r = run.feed(run.peer.handshake(make(run)));
        expect(errorOf(run)?.alert, `${s.name} ${what}`).toBe('handshake_failure');
        expect(r.out, `${s.name} ${what}`).toEqual(['alert:fatal:handshake_failure']);
      }
    }
  });

  it('resumption without EMS (triple handshake): a session without the extended master secret is never offered', () => {
    for (const s of scripts.filter((x) => x.resumed)) {
      const offered = decodeClientHello(new Run(s).peer.received[0]!.subarray(4));
      expect(offered.sessionId.length, s.name).toBe(32);
      const run = new Run(variant(s, { session: { ...s.session!, extendedMasterSecret: false } }));
      const ch = decodeClientHello(run.peer.received[0]!.subarray(4));
      expect(ch.sessionId.length, s.name).toBe(0);
      expect(ch.ext.sessionTicket?.length ?? 0, s.name).toBe(0);
    }
  });

  it('resumption without EMS (RFC 7627 §5.3): a ServerHello resuming our session without extended_master_secret is handshake_failure', () => {
    for (const s of scripts.filter((x) => x.resumed)) {
      const { run, r } = withServerHello(s, serverHelloWith(genuine(s, 'server_hello'), without(ExtensionType.extended_master_secret)));
      expect(errorOf(run)?.code, s.name).toBe('EMS_REQUIRED');
      expect(r.out, s.name).toEqual(['alert:fatal:handshake_failure']);
    }
  });

  it('NewSessionTicket the server did not acknowledge (no session_ticket in its ServerHello) is unexpected_message', () => {
    const unacknowledged = scripts.filter((s) => !s.messages.some((m) => m.event === 'new_session_ticket'));
    expect(unacknowledged.map((s) => s.name).some((n) => n.includes('without EMS'))).toBe(true);
    expect(unacknowledged.some((s) => s.resumed)).toBe(true);
    for (const s of unacknowledged) {
      const path = happyPath(s);
      const ccsAt = path.indexOf(CCS);
      const sh = decodeServerHello(genuine(s, 'server_hello').subarray(4));
      expect(sh.ext.sessionTicket, s.name).toBeUndefined();
      const { run, all } = drive(s, [...path.slice(0, ccsAt), hs('new_session_ticket')]);
      expectRefused(run, all, 'unexpected_message', s.name);
    }
  });

  it('ServerHello choosing a suite that was not offered is illegal_parameter (every suite the codec knows)', () => {
    for (const s of full) {
      const probe = new Run(s);
      const offered = decodeClientHello(probe.peer.received[0]!.subarray(4)).cipherSuites;
      for (const suite of CIPHER_SUITES.filter((c) => !offered.includes(c.code))) {
        const { run } = withServerHello(s, modified(s, (sh) => ({ ...sh, cipherSuite: suite.code })));
        expect(errorOf(run)?.alert, `${s.name}: ${suite.iana}`).toBe('illegal_parameter');
      }
    }
  });

  it('a resuming ServerHello with another suite than the session\'s is illegal_parameter', () => {
    for (const s of scripts.filter((x) => x.resumed)) {
      const other = CIPHER_SUITES.find((c) => c.code !== s.suite.code && c.keyExchange === s.suite.keyExchange)!;
      const { run } = withServerHello(variant(s, { cipherSuites: [s.suite.iana, other.iana] }), modified(s, (sh) => ({ ...sh, cipherSuite: other.code })));
      expect(errorOf(run)?.alert, s.name).toBe('illegal_parameter');
    }
  });

  it('ServerHello with an extension that was not offered is unsupported_extension (every extension type the codec knows)', () => {
    for (const s of scripts) {
      const probe = new Run(s);
      const offered = decodeClientHello(probe.peer.received[0]!.subarray(4)).extensions.map((e) => e.type);
      const notOffered = Object.values(ExtensionType).filter((t) => !offered.includes(t));
      expect(notOffered.length).toBeGreaterThan(0);
      for (const type of notOffered) {
        const { run } = withServerHello(s, modified(s, (sh) => ({ ...sh, extensions: [...sh.extensions, { type, data: new Uint8Array(0) }] })));
        // RFC 5246 §7.4.1.4: unsupported_extension, judged before the body (an empty ALPN body would be a
        // decode_error if the extension had been offered).
        expect(run.sut.state, `${s.name}: extension ${type}`).toBe('failed');
        expect(errorOf(run)?.alert, `${s.name}: extension ${type}`).toBe('unsupported_extension');
      }
    }
  });

  it('a renegotiating ServerHello acknowledging session_ticket (not offered in a renegotiation) is unsupported_extension', () => {
    for (const s of renegotiating) {
      const { run } = drive(s, [...happyPath(s), hs('hello_request')]);
      const ch = decodeClientHello(run.peer.received.at(-1)!.subarray(4));
      expect(ch.ext.sessionTicket, s.name).toBeUndefined();
      const sh = serverHelloWith(run.peer.message('server_hello', false), (e) => [...e, { type: ExtensionType.session_ticket, data: new Uint8Array(0) }]);
      run.feed(run.peer.handshake(sh));
      expect(errorOf(run)?.alert, s.name).toBe('unsupported_extension');
    }
  });

  it('version rollback: a ServerHello choosing SSL 3.0, TLS 1.0 or TLS 1.1 is protocol_version', () => {
    for (const s of scripts) {
      for (const version of [0x0300, 0x0301, 0x0302]) {
        const { run, r } = withServerHello(s, modified(s, (sh) => ({ ...sh, version })));
        expect(errorOf(run)?.alert, `${s.name} ${version.toString(16)}`).toBe('protocol_version');
        expect(r.out).toEqual(['alert:fatal:protocol_version']);
      }
    }
  });
});
