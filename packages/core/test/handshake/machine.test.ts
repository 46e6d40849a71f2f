// The machines as tables: the structural guarantees the handshake relies on, read from the machine
// definitions themselves (the same definitions @xstate/graph will enumerate in the model-checking issue).
import { describe, expect, it } from 'vitest';
import { clientMachine, serverMachine } from '../../src/index.js';

interface Transition {
  from: string;
  event: string;
  target: string | undefined;
  guard: string | undefined;
}

function transitions(machine: typeof clientMachine | typeof serverMachine): Transition[] {
  const out: Transition[] = [];
  const states = machine.config.states as Record<string, { on?: Record<string, unknown> }>;
  for (const [from, cfg] of Object.entries(states)) {
    for (const [event, t] of Object.entries(cfg.on ?? {})) {
      const list = (Array.isArray(t) ? t : [t]) as { target?: string; guard?: string }[];
      for (const x of list) out.push({ from, event, target: x.target, guard: typeof x.guard === 'string' ? x.guard : undefined });
    }
  }
  return out;
}

/** States from which `target` is reachable, walking edges backwards. */
function entriesTo(ts: Transition[], target: string): Transition[] {
  return ts.filter((t) => t.target === target);
}

describe('client machine structure', () => {
  const ts = transitions(clientMachine);

  it('application data is accepted in connected only', () => {
    expect(ts.filter((t) => t.event === 'application_data').map((t) => t.from)).toEqual(['connected']);
  });

  it('connected is entered only through serverFinishedVerified, after the CCS, after the verified key exchange', () => {
    expect(entriesTo(ts, 'connected')).toEqual([{ from: 'waitFinished', event: 'finished', target: 'connected', guard: 'serverFinishedVerified' }]);
    expect(entriesTo(ts, 'waitFinished')).toEqual([{ from: 'waitChangeCipherSpec', event: 'change_cipher_spec', target: 'waitFinished', guard: undefined }]);
    const toCcs = entriesTo(ts, 'waitChangeCipherSpec');
    expect(toCcs.map((t) => t.from).sort()).toEqual(['waitServerHelloDone', 'waitServerHelloDoneAfterRequest']);
    // RSA key exchange (RFC 5246 §7.4.3) reaches it from the accepted Certificate, with no ServerKeyExchange.
    expect(entriesTo(ts, 'waitServerHelloDone')).toEqual([
      { from: 'waitCertificate', event: 'certificate', target: 'waitServerHelloDone', guard: 'rsaCertificateAccepted' },
      { from: 'waitServerKeyExchange', event: 'server_key_exchange', target: 'waitServerHelloDone', guard: 'serverKeyExchangeVerified' },
    ]);
    expect(entriesTo(ts, 'waitServerHelloDoneAfterRequest').map((t) => t.from)).toEqual(['waitServerHelloDone']);
    expect(entriesTo(ts, 'waitServerKeyExchange')).toEqual([
      { from: 'waitCertificate', event: 'certificate', target: 'waitServerKeyExchange', guard: 'certificateChainAccepted' },
    ]);
    expect(entriesTo(ts, 'waitCertificate')).toEqual([
      { from: 'waitServerHello', event: 'server_hello', target: 'waitCertificate', guard: 'serverHelloAcceptable' },
    ]);
  });

  it('every guarded transition has an unguarded failure branch to failed', () => {
    const byKey = new Map<string, Transition[]>();
    for (const t of ts) byKey.set(`${t.from}/${t.event}`, [...(byKey.get(`${t.from}/${t.event}`) ?? []), t]);
    for (const [key, list] of byKey) {
      if (list.some((t) => t.guard)) expect(list.at(-1), key).toMatchObject({ target: 'failed', guard: undefined });
    }
  });

  it('anything else is unexpected_message (root wildcard)', () => {
    expect(clientMachine.config.on).toMatchObject({ '*': { target: '.failed', actions: 'unexpected' } });
  });
});

describe('server machine structure', () => {
  const ts = transitions(serverMachine);
  it('application data is accepted in connected only', () => {
    expect(ts.filter((t) => t.event === 'application_data').map((t) => t.from)).toEqual(['connected']);
  });
  it('connected is entered only through clientFinishedVerified after the CCS after a valid ClientKeyExchange', () => {
    expect(entriesTo(ts, 'connected')).toEqual([{ from: 'waitFinished', event: 'finished', target: 'connected', guard: 'clientFinishedVerified' }]);
    expect(entriesTo(ts, 'waitFinished')).toEqual([{ from: 'waitChangeCipherSpec', event: 'change_cipher_spec', target: 'waitFinished', guard: undefined }]);
    expect(entriesTo(ts, 'waitChangeCipherSpec')).toEqual([
      { from: 'waitClientKeyExchange', event: 'client_key_exchange', target: 'waitChangeCipherSpec', guard: 'clientKeyExchangeValid' },
    ]);
  });
  it('anything else is unexpected_message (root wildcard)', () => {
    expect(serverMachine.config.on).toMatchObject({ '*': { target: '.failed', actions: 'unexpected' } });
  });
});
