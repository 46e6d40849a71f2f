// Conformance through the real connection: for every state a real ClientConnection/ServerConnection reaches
// (breadth-first from a new connection, driven by the scripted peer with correctly protected records; a state
// during a renegotiation counts apart from the same state in the first handshake, since application data is
// then accepted), every input: each handshake type well-formed and broken, an empty Certificate,
// ChangeCipherSpec, application data, alerts of each level, an empty record of each content type, malformed
// records, and the renegotiate() call. The outcome must be a transition the XState model allows (the listed
// one, its failure branch, or unexpected_message from the root wildcard), or for inputs below the machine
// the record layer's rule. After a failure or a close nothing more is accepted, nothing more is sent, and no
// key is used again; every key object has been disposed. The scripts (fixtures.ts) cover every key exchange
// and the optional flows: resumption by ticket and by session ID, client certificates, renegotiation (both
// sides), OCSP stapling.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { accepts, buildModel, describeTransition, observationMatches, outcomes, ROLES, UNREACHABLE, type Model, type Role } from '../../scripts/handshake-model.js';
import { cleanupPkis } from '../interop/pki.js';
import { CoverageRecorder, makeFixture } from './fixtures.js';
import { alphabet, inputName, machineEvent, Run, type Input, type Script, type StepResult } from './peer.js';

const fx = makeFixture();
const coverage = new CoverageRecorder(fileURLToPath(import.meta.url));
afterAll(() => {
  coverage.write();
  cleanupPkis();
});

const reached: Record<Role, Set<string>> = { client: new Set(), server: new Set() };

/** The specific alert the record layer gives inputs that never reach the machine. */
const RECORD_RULES: Record<string, string | 'ignored' | 'closed' | 'remote' | 'machine'> = {
  'record:alert:warning:user_canceled': 'ignored', // RFC 5246 §7.2: reported, otherwise ignored
  // Reported and ignored, except that it answers our renegotiating ClientHello (RFC 5746 §4.4): then the
  // connection tells the machine, which returns to connected (see judge).
  'record:alert:warning:no_renegotiation': 'ignored',
  'record:alert:warning:close_notify': 'closed', // §7.2.1: answered with close_notify, then nothing
  'record:alert:fatal:handshake_failure': 'remote', // §7.2.2: the connection ends, nothing is sent back
  'record:empty:application_data': 'ignored', // §6.2.1: zero-length application data fragments are allowed
  'record:empty:handshake': 'unexpected_message', // §6.2.1: not for other content types
  'record:empty:change_cipher_spec': 'unexpected_message',
  'record:empty:alert': 'unexpected_message',
  'record:malformed:content_type': 'unexpected_message', // §6: unknown record type
  'record:malformed:overflow': 'record_overflow', // §6.2.3: TLSCiphertext over 2^14 + 2048
  'record:malformed:alert_length': 'decode_error', // §7.2: an alert is two bytes
  'record:malformed:tampered': 'bad_record_mac', // §6.2.3.3 (plaintext before the peer's CCS: application data)
};

/** The event the connection gives the client machine for a no_renegotiation warning answering its ClientHello. */
const DECLINED = 'renegotiation_declined';

/** What the connection was before the input: the model's context and the API's preconditions. */
interface Before {
  /** A handshake completed on this connection: the machine's 'renegotiating' guard holds. */
  readonly established: boolean;
  readonly state: string;
  readonly secure: boolean;
}

interface Judged {
  readonly to: string;
  readonly alert?: string;
  readonly problem?: string;
  readonly terminal: boolean;
}

function judge(model: Model, run: Run, state: string, before: Before, input: Input, res: StepResult, peerProtected: boolean): Judged {
  const conn = run.sut;
  const name = inputName(input);
  const err = res.events.find((e) => e.type === 'error');
  const error = err?.type === 'error' ? err.error : undefined;
  const alerts = res.out.filter((t) => t.startsWith('alert:'));
  const fail = (problem: string): Judged => ({ to: conn.state === 'failed' ? 'failed' : conn.handshakeState, problem: `${state} + ${name}: ${problem}`, terminal: true });
  if (res.out.includes('unreadable')) return fail(`the peer cannot read the answer (${res.out.join(' ')})`);

  if (conn.state === 'failed') {
    if (!error) return fail('failed without an error event');
    if (error.remote) {
      if (res.bytes !== 0) return fail('answered a fatal alert');
    } else if (alerts.length !== 1 || alerts[0] !== `alert:fatal:${error.alert}` || res.out.at(-1) !== alerts[0]) {
      return fail(`expected one fatal ${error.alert} alert as the last record, got ${res.out.join(' ')}`);
    }
  } else if (error || alerts.some((a) => a.startsWith('alert:fatal'))) {
    return fail('an error without failing');
  }

  // renegotiate(): the connection refuses it (throws, nothing changes) unless it is connected with RFC 5746
  // and no handshake under way; then the machine gets the 'renegotiate' event.
  let event = machineEvent(input) ?? (input.kind === 'malformed' && input.what === 'tampered' && !peerProtected ? 'application_data' : undefined);
  if (name === 'record:alert:warning:no_renegotiation' && before.established && before.state === 'waitServerHello') event = DECLINED;
  if (input.kind === 'api') {
    const possible = before.established && before.state === 'connected' && before.secure;
    if (possible && res.threw !== undefined) return fail(`renegotiate() threw ${String(res.threw)}`);
    if (!possible) {
      if (res.threw === undefined) return fail('renegotiate() was accepted where the connection must refuse it');
      if (conn.state === 'failed' || conn.handshakeState !== before.state || res.bytes !== 0 || res.events.length) return fail('a refused renegotiate() changed the connection');
      return { to: before.state, terminal: false };
    }
    event = input.call;
  }
  if (event !== undefined) {
    const ts = outcomes(model, before.state, event, { renegotiating: before.established });
    const allows = ts.map((t) => `${t.branch}→${t.to}`).join(', ');
    if (conn.state === 'failed') {
      const ok = ts.some((t) => t.to === 'failed' && (t.branch === 'fail' || (t.branch === 'unexpected' && error!.alert === 'unexpected_message')));
      return ok ? { to: 'failed', alert: error!.alert, terminal: true } : fail(`failed with ${error!.alert}; the model allows ${allows}`);
    }
    const to = conn.handshakeState;
    const ok = conn.state !== 'closed' && ts.some((t) => accepts(t) && t.to === to);
    return ok ? { to, terminal: false } : fail(`went to ${to} (${conn.state}); the model allows ${allows}`);
  }

  const rule = RECORD_RULES[name];
  switch (rule) {
    case undefined:
      return fail('no rule for this input');
    case 'ignored':
      if (conn.state === 'failed' || conn.handshakeState !== before.state || res.bytes !== 0) return fail(`expected no change, got ${conn.state}/${conn.handshakeState} ${res.out.join(' ')}`);
      return { to: before.state, terminal: false };
    case 'closed':
      if (conn.state !== 'closed' || res.out.join(' ') !== 'alert:warning:close_notify' || !res.events.some((e) => e.type === 'close')) {
        return fail(`expected close_notify back and closed, got ${conn.state} ${res.out.join(' ')}`);
      }
      return { to: 'closed', terminal: true };
    case 'remote':
      if (conn.state !== 'failed' || !error?.remote) return fail(`expected a remote failure, got ${conn.state}`);
      return { to: 'failed', terminal: true };
    default:
      if (conn.state !== 'failed' || error!.alert !== rule) return fail(`expected ${rule}, got ${conn.state} ${error?.alert ?? ''}`);
      return { to: 'failed', alert: error!.alert, terminal: true };
  }
}

/** After the end, nothing is read, nothing is sent, no key is used, every key object is gone. */
function checkOver(run: Run, script: Script, where: string): string[] {
  const problems: string[] = [];
  const ops = run.use.operations;
  const more: Input[] = [...script.messages.map((m) => ({ kind: 'handshake' as const, event: m.event, broken: false })), { kind: 'change_cipher_spec' }, { kind: 'application_data' }, { kind: 'handshake', event: 'finished', broken: false }];
  for (const i of more) {
    const r = run.step(i);
    if (r.events.length || r.bytes) problems.push(`${where}: ${inputName(i)} afterwards gave ${r.events.map((e) => e.type).join(',')} ${r.bytes} bytes`);
  }
  if (run.use.operations !== ops) problems.push(`${where}: a key was used after the end`);
  if (run.use.disposed < run.use.created) problems.push(`${where}: ${run.use.created - run.use.disposed} key objects not disposed`);
  let threw = false;
  try {
    run.sut.write(Uint8Array.of(1));
  } catch {
    threw = true;
  }
  if (!threw) problems.push(`${where}: write() accepted after the end`);
  return problems;
}

/** Where a connection is: its machine state, and whether a renegotiation is under way (a context of its own). */
const placeOf = (run: Run): string => `${run.sut.handshakeState}${run.sut.renegotiating ? ' (renegotiating)' : ''}`;

function explore(script: Script): { problems: string[]; states: string[]; runs: number } {
  const model = buildModel(script.sut);
  const problems: string[] = [];
  const initial = new Run(script);
  if (initial.sut.handshakeState !== model.connectionInitial) problems.push(`a new connection is in ${initial.sut.handshakeState}, the model says ${model.connectionInitial}`);
  // The constructor's internal events (the client's 'start'): observed as the state a new connection is in.
  for (const t of model.transitions.filter((x) => !x.wire && x.branch === 'always' && model.internalStates.includes(x.from))) {
    if (t.to === initial.sut.handshakeState || model.internalStates.includes(t.to)) coverage.add({ machine: script.sut, from: t.from, event: t.event, to: t.to });
  }
  const start = placeOf(initial);
  const prefixes = new Map<string, Input[]>([[start, []]]);
  const queue = [start];
  let runs = 0;
  while (queue.length) {
    const place = queue.shift()!;
    const prefix = prefixes.get(place)!;
    for (const input of alphabet()) {
      const run = new Run(script);
      runs++;
      for (const p of prefix) run.step(p);
      if (placeOf(run) !== place) {
        problems.push(`${prefix.map(inputName).join(' ')} no longer reaches ${place}`);
        break;
      }
      const before: Before = { established: run.sut.state === 'connected', state: run.sut.handshakeState, secure: run.sut.handshake?.secureRenegotiation === true };
      const peerProtected = run.peer.protectedWrites;
      const res = run.step(input);
      const j = judge(model, run, place, before, input, res, peerProtected);
      if (j.problem) problems.push(j.problem);
      const declined = inputName(input) === 'record:alert:warning:no_renegotiation' && before.established && before.state === 'waitServerHello';
      const event = input.kind === 'api' && res.threw === undefined ? input.call : declined ? DECLINED : machineEvent(input) ?? inputName(input);
      coverage.add({ machine: script.sut, from: before.state, event, to: j.to, ...(j.alert ? { alert: j.alert } : {}) });
      if (j.terminal) problems.push(...checkOver(run, script, `${place} + ${inputName(input)}`));
      else if (!j.problem) {
        const next = placeOf(run);
        if (!prefixes.has(next)) {
          prefixes.set(next, [...prefix, input]);
          queue.push(next);
        }
      }
    }
  }
  for (const s of prefixes.keys()) reached[script.sut].add(s);
  reached[script.sut].add('failed');
  return { problems, states: [...prefixes.keys()], runs };
}

describe.each(ROLES)('%s connection conforms to its XState model', (role) => {
  const scripts = fx.scripts[role];

  it('has scripted peers (one per key exchange our two sides complete, one without EMS, and the optional flows)', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(scripts.some((s) => s.ems) && scripts.some((s) => !s.ems)).toBe(true);
    expect(scripts.some((s) => s.resumed)).toBe(true);
    expect(scripts.some((s) => s.handshakes.length > 1)).toBe(true);
  });

  for (const script of scripts) {
    it(`every input in every reachable state: ${script.name}`, () => {
      const r = explore(script);
      expect(r.problems).toEqual([]);
      expect(r.states).toContain('connected');
      if (script.handshakes.length > 1) expect(r.states.some((s) => s.endsWith('(renegotiating)'))).toBe(true);
    });
  }

  it('every state of the model is reached from the wire, every listed transition is exercised', () => {
    const model = buildModel(role);
    const wireStates = model.states.filter((s) => !model.internalStates.includes(s));
    const machineStates = new Set([...reached[role]].map((p) => p.replace(/ \(renegotiating\)$/, '')));
    expect(wireStates.filter((s) => !machineStates.has(s))).toEqual([]);
    const obs = coverage.snapshot();
    // Every wire transition (accepting, failing, unexpected_message), and the accepting internal ones (the
    // client's start, renegotiate() on either side, a declined renegotiation).
    const missing = model.transitions
      .filter((t) => (t.wire || accepts(t)) && !model.internalStates.includes(t.from) && !obs.some((o) => observationMatches(model, t, o)))
      .map(describeTransition);
    expect(missing.sort()).toEqual(Object.keys(UNREACHABLE[role]).sort());
  });
});
