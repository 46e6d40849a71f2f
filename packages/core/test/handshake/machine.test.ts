// The machines as tables: the structural guarantees the handshake relies on, read from the machine
// definitions themselves (test/model/ enumerates the same definitions with @xstate/graph and drives real
// connections through every state). These pin the shape: which states may deliver application data, and the
// only ways into 'connected' and into the states in front of it.
import { describe, expect, it } from 'vitest';
import { clientMachine, serverMachine } from '../../src/index.js';

interface Transition {
  from: string;
  event: string;
  target: string | undefined;
  /** The guard's name, or for and([...]) its conjuncts joined with ' & '. */
  guard: string | undefined;
  actions: string[];
}

const guardName = (g: unknown): string | undefined => {
  if (g === undefined) return undefined;
  if (typeof g === 'string') return g;
  const inner = (g as { guards?: unknown[] }).guards;
  if (typeof g === 'function' && Array.isArray(inner)) return inner.map(guardName).join(' & ');
  return String((g as { type?: unknown }).type ?? g);
};
const actionName = (a: unknown): string => (typeof a === 'string' ? a : String((a as { type?: unknown }).type));

function transitions(machine: typeof clientMachine | typeof serverMachine): Transition[] {
  const out: Transition[] = [];
  const states = machine.config.states as Record<string, { on?: Record<string, unknown> }>;
  for (const [from, cfg] of Object.entries(states)) {
    for (const [event, t] of Object.entries(cfg.on ?? {})) {
      const list = (Array.isArray(t) ? t : [t]) as { target?: string; guard?: unknown; actions?: unknown }[];
      for (const x of list) {
        const actions = x.actions === undefined ? [] : Array.isArray(x.actions) ? x.actions.map(actionName) : [actionName(x.actions)];
        out.push({ from, event, target: x.target, guard: guardName(x.guard), actions });
      }
    }
  }
  return out;
}

/** The transitions into `target`, without their actions. */
const entriesTo = (ts: Transition[], target: string) => ts.filter((t) => t.target === target).map(({ actions: _a, ...t }) => t);
const byKey = (ts: Transition[]) => {
  const m = new Map<string, Transition[]>();
  for (const t of ts) m.set(`${t.from}/${t.event}`, [...(m.get(`${t.from}/${t.event}`) ?? []), t]);
  return m;
};

/** Application data: delivered unguarded in connected, and elsewhere only while renegotiating (old keys still in force). */
function expectApplicationData(ts: Transition[], renegotiationStates: string[]) {
  const app = ts.filter((t) => t.event === 'application_data');
  expect(app.filter((t) => t.guard === undefined).map((t) => t.from)).toEqual(['connected']);
  expect(app.find((t) => t.from === 'connected')).toMatchObject({ target: undefined, actions: ['deliver'] });
  const guarded = app.filter((t) => t.guard !== undefined);
  expect(guarded.map((t) => t.from).sort()).toEqual([...renegotiationStates].sort());
  for (const t of guarded) expect(t, t.from).toEqual({ from: t.from, event: 'application_data', target: undefined, guard: 'renegotiating', actions: ['deliver'] });
  // Each is the state's only application_data transition: when the guard fails, the root '*' applies.
  for (const s of renegotiationStates) expect(app.filter((t) => t.from === s)).toHaveLength(1);
}

/** Every guarded list ends with an unguarded failure branch to failed; application data while renegotiating falls through to '*'. */
function expectFailureBranches(ts: Transition[], exceptions: Record<string, Partial<Transition> | 'wildcard'>) {
  for (const [key, list] of byKey(ts)) {
    if (!list.some((t) => t.guard)) continue;
    if (key.endsWith('/application_data')) continue; // checked by expectApplicationData
    const exception = exceptions[key];
    if (exception === 'wildcard') {
      expect(list, key).toHaveLength(1); // nothing after the guard: the root '*' (unexpected_message) applies
      continue;
    }
    if (exception) {
      expect(list.at(-1), key).toMatchObject(exception);
      continue;
    }
    expect(list.at(-1), key).toMatchObject({ target: 'failed', guard: undefined, actions: ['fail'] });
  }
}

describe('client machine structure', () => {
  const ts = transitions(clientMachine);

  it('application data is accepted in connected, and in the states before the server\'s CCS only during a renegotiation', () => {
    expectApplicationData(ts, [
      'waitServerHello', 'waitCertificate', 'waitCertificateStatus', 'waitCertificateStatusRsa', 'waitServerKeyExchange',
      'waitServerHelloDone', 'waitServerHelloDoneAfterRequest', 'waitNewSessionTicket', 'waitChangeCipherSpec',
    ]);
    // Never between the server's CCS and its Finished, never in the abbreviated handshake (never a renegotiation).
    for (const s of ['waitFinished', 'resumedWaitNewSessionTicket', 'resumedWaitChangeCipherSpec', 'resumedWaitFinished', 'start']) {
      expect(ts.filter((t) => t.from === s && t.event === 'application_data'), s).toEqual([]);
    }
  });

  it('connected is entered only through serverFinishedVerified, after the CCS, after the verified key exchange or a resumed session', () => {
    // ...or, only once a handshake has completed (renegotiating), back from a renegotiation the server
    // declined before anything of it was negotiated (RFC 5746 §4.4: the connection goes on as it was).
    expect(entriesTo(ts, 'connected')).toEqual([
      { from: 'waitServerHello', event: 'renegotiation_declined', target: 'connected', guard: 'renegotiating' },
      { from: 'waitFinished', event: 'finished', target: 'connected', guard: 'serverFinishedVerified' },
      { from: 'resumedWaitFinished', event: 'finished', target: 'connected', guard: 'serverFinishedVerified' },
    ]);
    expect(ts.find((t) => t.event === 'renegotiation_declined')?.actions).toEqual([]);
    expect(entriesTo(ts, 'waitFinished')).toEqual([{ from: 'waitChangeCipherSpec', event: 'change_cipher_spec', target: 'waitFinished', guard: undefined }]);
    expect(entriesTo(ts, 'resumedWaitFinished')).toEqual([
      { from: 'resumedWaitChangeCipherSpec', event: 'change_cipher_spec', target: 'resumedWaitFinished', guard: undefined },
    ]);
    // Only a ServerHello that resumes the session we offered leads into the abbreviated handshake.
    expect(entriesTo(ts, 'resumedWaitChangeCipherSpec')).toEqual([
      { from: 'waitServerHello', event: 'server_hello', target: 'resumedWaitChangeCipherSpec', guard: 'serverHelloResumes' },
      { from: 'resumedWaitNewSessionTicket', event: 'new_session_ticket', target: 'resumedWaitChangeCipherSpec', guard: 'newSessionTicketWellFormed' },
    ]);
    expect(entriesTo(ts, 'resumedWaitNewSessionTicket')).toEqual([
      { from: 'waitServerHello', event: 'server_hello', target: 'resumedWaitNewSessionTicket', guard: 'serverHelloResumes & serverHelloAcknowledgesTicket' },
    ]);
    // The full handshake: our flight goes out on ServerHelloDone (after the key exchange), then the
    // server's NewSessionTicket when it acknowledged session_ticket (RFC 5077 §3.3), then its CCS.
    expect(entriesTo(ts, 'waitChangeCipherSpec').map((t) => `${t.from} ${t.event} [${t.guard}]`).sort()).toEqual([
      'waitCertificateStatusRsa server_hello_done [serverHelloDoneWellFormed]',
      'waitNewSessionTicket new_session_ticket [newSessionTicketWellFormed]',
      'waitServerHelloDone server_hello_done [serverHelloDoneWellFormed]',
      'waitServerHelloDoneAfterRequest server_hello_done [serverHelloDoneWellFormed]',
    ]);
    expect(entriesTo(ts, 'waitNewSessionTicket').map((t) => `${t.from} ${t.event} [${t.guard}]`).sort()).toEqual([
      'waitCertificateStatusRsa server_hello_done [serverHelloDoneWellFormed & ticketAcknowledged]',
      'waitServerHelloDone server_hello_done [serverHelloDoneWellFormed & ticketAcknowledged]',
      'waitServerHelloDoneAfterRequest server_hello_done [serverHelloDoneWellFormed & ticketAcknowledged]',
    ]);
    // RSA key exchange (RFC 5246 §7.4.3) reaches waitServerHelloDone from the accepted Certificate (or its
    // CertificateStatus), with no ServerKeyExchange; the others only through a verified ServerKeyExchange.
    expect(entriesTo(ts, 'waitServerHelloDone').map((t) => `${t.from} ${t.event} [${t.guard}]`).sort()).toEqual([
      'waitCertificate certificate [rsaCertificateAccepted]',
      'waitCertificateStatus server_key_exchange [serverKeyExchangeVerified]',
      'waitCertificateStatusRsa certificate_status [certificateStatusAccepted]',
      'waitServerKeyExchange server_key_exchange [serverKeyExchangeVerified]',
    ]);
    expect(entriesTo(ts, 'waitCertificateStatusRsa')).toEqual([
      { from: 'waitCertificate', event: 'certificate', target: 'waitCertificateStatusRsa', guard: 'statusAcknowledged & rsaCertificateAccepted' },
    ]);
    expect(entriesTo(ts, 'waitServerHelloDoneAfterRequest').map((t) => t.from).sort()).toEqual(['waitCertificateStatusRsa', 'waitServerHelloDone']);
    expect(entriesTo(ts, 'waitServerKeyExchange').map((t) => `${t.from} ${t.event} [${t.guard}]`).sort()).toEqual([
      'waitCertificate certificate [certificateChainAccepted]',
      'waitCertificateStatus certificate_status [certificateStatusAccepted]',
    ]);
    expect(entriesTo(ts, 'waitCertificate')).toEqual([
      { from: 'waitServerHello', event: 'server_hello', target: 'waitCertificate', guard: 'serverHelloAcceptable' },
    ]);
  });

  it('a new handshake starts only from start, or from connected when a renegotiation is admitted (RFC 5746)', () => {
    expect(entriesTo(ts, 'waitServerHello')).toEqual([
      { from: 'start', event: 'start', target: 'waitServerHello', guard: undefined },
      { from: 'connected', event: 'hello_request', target: 'waitServerHello', guard: 'helloRequestWellFormed & renegotiationAdmitted' },
      { from: 'connected', event: 'renegotiate', target: 'waitServerHello', guard: 'renegotiationPossible' },
    ]);
    for (const t of ts.filter((x) => x.from === 'connected' && x.target === 'waitServerHello')) {
      expect(t.actions).toEqual(['beginRenegotiation', 'sendClientHello']);
    }
    // A HelloRequest not admitted (no RFC 5746, over the limit) is ignored: no target, no action.
    expect(ts.filter((t) => t.from === 'connected' && t.event === 'hello_request')[1]).toEqual({
      from: 'connected', event: 'hello_request', target: undefined, guard: 'helloRequestWellFormed', actions: [],
    });
  });

  it('every guarded transition has an unguarded failure branch to failed', () => {
    // renegotiate() is an API call: the connection refuses it itself (INSECURE_RENEGOTIATION) on a connection
    // without RFC 5746, so the machine never sees it fail; were it sent, '*' would make it unexpected_message.
    // renegotiation_declined is the connection's own event (a no_renegotiation warning answering our
    // renegotiating ClientHello), sent only in that case; anything else would be unexpected_message too.
    expectFailureBranches(ts, { 'connected/renegotiate': 'wildcard', 'waitServerHello/renegotiation_declined': 'wildcard' });
  });

  it('anything else is unexpected_message (root wildcard)', () => {
    expect(clientMachine.config.on).toMatchObject({ '*': { target: '.failed', actions: 'unexpected' } });
  });
});

describe('server machine structure', () => {
  const ts = transitions(serverMachine);

  it('application data is accepted in connected, and before the client\'s CCS only during a renegotiation', () => {
    expectApplicationData(ts, [
      'waitClientHello', 'waitClientCertificate', 'waitClientKeyExchange', 'waitClientKeyExchangeCertified', 'waitCertificateVerify', 'waitChangeCipherSpec',
    ]);
    for (const s of ['waitFinished', 'resumedWaitChangeCipherSpec', 'resumedWaitFinished']) {
      expect(ts.filter((t) => t.from === s && t.event === 'application_data'), s).toEqual([]);
    }
  });

  it('connected is entered only through clientFinishedVerified after the CCS after a valid ClientKeyExchange (and CertificateVerify) or a resumed session', () => {
    expect(entriesTo(ts, 'connected')).toEqual([
      { from: 'waitFinished', event: 'finished', target: 'connected', guard: 'clientFinishedVerified' },
      { from: 'resumedWaitFinished', event: 'finished', target: 'connected', guard: 'clientFinishedVerified' },
    ]);
    expect(entriesTo(ts, 'waitFinished')).toEqual([{ from: 'waitChangeCipherSpec', event: 'change_cipher_spec', target: 'waitFinished', guard: undefined }]);
    expect(entriesTo(ts, 'waitChangeCipherSpec')).toEqual([
      { from: 'waitClientKeyExchange', event: 'client_key_exchange', target: 'waitChangeCipherSpec', guard: 'clientKeyExchangeValid' },
      { from: 'waitCertificateVerify', event: 'certificate_verify', target: 'waitChangeCipherSpec', guard: 'certificateVerifyValid' },
    ]);
    expect(entriesTo(ts, 'resumedWaitFinished')).toEqual([
      { from: 'resumedWaitChangeCipherSpec', event: 'change_cipher_spec', target: 'resumedWaitFinished', guard: undefined },
    ]);
    expect(entriesTo(ts, 'resumedWaitChangeCipherSpec')).toEqual([
      { from: 'waitClientHello', event: 'client_hello', target: 'resumedWaitChangeCipherSpec', guard: 'clientHelloResumes' },
    ]);
  });

  it('a client that sent a certificate must prove its key: CertificateVerify after ClientKeyExchange (RFC 5246 §7.4.8)', () => {
    expect(entriesTo(ts, 'waitClientCertificate')).toEqual([
      { from: 'waitClientHello', event: 'client_hello', target: 'waitClientCertificate', guard: 'clientHelloAcceptable & clientCertificateRequested' },
    ]);
    expect(entriesTo(ts, 'waitClientKeyExchangeCertified')).toEqual([
      { from: 'waitClientCertificate', event: 'certificate', target: 'waitClientKeyExchangeCertified', guard: 'clientCertificateAccepted' },
    ]);
    expect(entriesTo(ts, 'waitCertificateVerify')).toEqual([
      { from: 'waitClientKeyExchangeCertified', event: 'client_key_exchange', target: 'waitCertificateVerify', guard: 'clientKeyExchangeValid' },
    ]);
    // Only an empty Certificate goes on without CertificateVerify.
    expect(entriesTo(ts, 'waitClientKeyExchange')).toEqual([
      { from: 'waitClientHello', event: 'client_hello', target: 'waitClientKeyExchange', guard: 'clientHelloAcceptable' },
      { from: 'waitClientCertificate', event: 'certificate', target: 'waitClientKeyExchange', guard: 'clientCertificateEmpty' },
    ]);
  });

  it('a renegotiating ClientHello is admitted (RFC 5746, policy) and read again by waitClientHello, or declined', () => {
    expect(ts.filter((t) => t.from === 'connected' && t.event === 'client_hello')).toEqual([
      { from: 'connected', event: 'client_hello', target: 'waitClientHello', guard: 'renegotiationAdmitted', actions: ['beginRenegotiation', 'reprocess'] },
      { from: 'connected', event: 'client_hello', target: undefined, guard: undefined, actions: ['refuseRenegotiation'] },
    ]);
    expect(entriesTo(ts, 'waitClientHello')).toEqual([
      { from: 'connected', event: 'client_hello', target: 'waitClientHello', guard: 'renegotiationAdmitted' },
    ]);
    expect(ts.filter((t) => t.from === 'connected' && t.event === 'renegotiate')).toEqual([
      { from: 'connected', event: 'renegotiate', target: undefined, guard: undefined, actions: ['sendHelloRequest'] },
    ]);
  });

  it('every guarded transition has an unguarded failure branch to failed (a declined renegotiation stays connected)', () => {
    expectFailureBranches(ts, { 'connected/client_hello': { target: undefined, guard: undefined, actions: ['refuseRenegotiation'] } });
  });

  it('anything else is unexpected_message (root wildcard)', () => {
    expect(serverMachine.config.on).toMatchObject({ '*': { target: '.failed', actions: 'unexpected' } });
  });
});
