// A learned-model check (after de Ruiter and Poll, "Protocol State Fuzzing of TLS Implementations", 2015).
// Black box: the connection under test is only fed bytes and only its bytes are read, by the scripted peer
// (which decrypts them with the keys it derived, as any peer would). The application echoes the data it
// receives, so that a connection that accepts application data shows it on the wire.
//
// Input sequences are explored breadth-first up to a bounded depth. A state is identified by its answers to
// a fixed set of probes (every input, and every input after each input it accepts) and by how many
// handshakes its input sequence completed (each accepted Finished completes one: the first, then each
// renegotiation; the model's 'renegotiating' guard holds from the first on). Every fatal alert ends a
// branch. The observed machine is then walked together with the XState model: an input the implementation
// accepts where the model has no accepting transition (i.e. says unexpected_message) fails the test, and so
// does an input it refuses where the model only accepts, or an observed state that answers for two model
// states (or two observed states for one model state: a state the model does not have).
//
// Scripts with a renegotiation are also explored from the connection their first handshake established
// (the genuine first handshake as a prefix), so that the bounded depth reaches through the renegotiation.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { accepts, buildModel, outcomes, ROLES, type Role } from '../../scripts/handshake-model.js';
import { cleanupPkis } from '../interop/pki.js';
import { CoverageRecorder, makeFixture } from './fixtures.js';
import { inputName, machineEvent, Run, type Input, type Script } from './peer.js';
import { HandshakeType } from '../../src/codec/constants.js';

const fx = makeFixture();
const coverage = new CoverageRecorder(fileURLToPath(import.meta.url));
afterAll(() => {
  coverage.write();
  cleanupPkis();
});

/** Inputs after the root a state may be reached with and still be explored. */
const MAX_DEPTH = 12;

/** Learning inputs: every handshake type (well-formed), an unknown one, ChangeCipherSpec, application data. */
const SIGMA: Input[] = [
  ...[...Object.keys(HandshakeType), 'unknown_handshake'].map((event) => ({ kind: 'handshake' as const, event, broken: false })),
  { kind: 'change_cipher_spec' },
  { kind: 'application_data' },
];

const isDead = (out: string) => out.includes('alert:fatal:') || out.includes('unreadable');
/**
 * The answer when the input started a handshake the genuine run did not have (one renegotiation more): the
 * peer cannot play it correctly (it has no premaster secret for it), so the exploration stops there.
 */
const BEYOND = '(beyond the script)';
/** Next-state marks in `delta`: dead (a fatal alert), beyond the script. */
const DEAD = -1;
const UNKNOWN = -2;

interface Observed {
  readonly states: { prefix: Input[]; sig: string; handshakes: number }[];
  /** state index → input index → [output, next state index, DEAD or UNKNOWN] */
  readonly delta: Map<number, Map<number, [string, number]>>;
  /** The states the exploration started from (the first: a new connection). */
  readonly roots: number[];
  runs: number;
}

const isFinished = (i: Input) => i.kind === 'handshake' && i.event === 'finished';
/** Handshakes an accepted input sequence completed: one per Finished (the model enters connected on each). */
const handshakesOf = (seq: readonly Input[]) => seq.filter(isFinished).length;

/** The genuine first handshake from the peer's side: its messages, its ChangeCipherSpec, its Finished. */
function firstHandshake(script: Script): Input[] {
  const hs = (event: string): Input => ({ kind: 'handshake', event, broken: false });
  return [...script.messages.map((m) => hs(m.event)), { kind: 'change_cipher_spec' }, hs('finished')];
}

function learn(script: Script): Observed {
  const memo = new Map<string, string>();
  const obs: Observed = { states: [], delta: new Map(), roots: [], runs: 0 };
  /** The peer's reading of the SUT's answer to the last input of `seq` (after a fresh run of the rest). */
  const answer = (seq: Input[]): string => {
    const key = seq.map(inputName).join(' ');
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const run = new Run(script, true);
    obs.runs++;
    let out = '';
    for (const i of seq) {
      out = run.step(i).out.join(' ');
      if (run.peer.beyondScript) {
        out = BEYOND;
        break;
      }
    }
    memo.set(key, out);
    return out;
  };
  const signature = (prefix: Input[]): string => {
    const parts: string[] = [];
    for (const a of SIGMA) {
      const o1 = answer([...prefix, a]);
      parts.push(o1);
      if (!isDead(o1) && o1 !== BEYOND) for (const b of SIGMA) parts.push(answer([...prefix, a, b]));
    }
    return parts.join('|');
  };
  const queue: { prefix: Input[]; depth: number }[] = [];
  const byKey = new Map<string, number>();
  const stateOf = (prefix: Input[], depth: number): number => {
    const sig = signature(prefix);
    const handshakes = handshakesOf(prefix);
    const key = `${handshakes}|${sig}`;
    let id = byKey.get(key);
    if (id === undefined) {
      id = obs.states.length;
      obs.states.push({ prefix, sig, handshakes });
      byKey.set(key, id);
      if (depth < MAX_DEPTH) queue.push({ prefix, depth });
    }
    return id;
  };
  obs.roots.push(stateOf([], 0));
  if (script.handshakes.length > 1) obs.roots.push(stateOf(firstHandshake(script), 0));
  while (queue.length) {
    const { prefix, depth } = queue.shift()!;
    const id = byKey.get(`${handshakesOf(prefix)}|${signature(prefix)}`)!;
    const row = new Map<number, [string, number]>();
    obs.delta.set(id, row);
    SIGMA.forEach((a, ai) => {
      const out = answer([...prefix, a]);
      row.set(ai, [out, isDead(out) ? DEAD : out === BEYOND ? UNKNOWN : stateOf([...prefix, a], depth + 1)]);
    });
  }
  return obs;
}

/** A model configuration: a state, and how many handshakes the connection completed (0: the first is under way). */
const config = (state: string, handshakes: number) => `${state}#${handshakes}`;
const parse = (c: string) => {
  const at = c.lastIndexOf('#');
  return { state: c.slice(0, at), handshakes: Number(c.slice(at + 1)) };
};
const label = (c: string) => {
  const { state, handshakes } = parse(c);
  return handshakes === 0 || state === 'connected' ? state : `${state} (renegotiation ${handshakes})`;
};

/**
 * The largest relation R between observed states and model configurations such that whatever q does, c
 * allows: an input q accepts (its answer has no fatal alert) has an accepting transition from c's state, under
 * c's context (renegotiating once a handshake completed), to a configuration related to q's successor; an input
 * q refuses has a failing branch there (unexpected_message for the wildcard). Model states with several
 * accepting transitions for one event (a guard per key exchange) are resolved by what follows. The
 * implementation conforms when each root is related to its configuration (a new connection: the model's
 * initial state; after the first handshake: connected).
 */
function compare(role: Role, obs: Observed): { problems: string[]; relation: Map<number, Set<string>> } {
  const model = buildModel(role);
  const live = model.states.filter((x) => !model.finalStates.includes(x));
  const R = new Map<number, Set<string>>(obs.states.map((st, q) => [q, new Set(live.map((s) => config(s, st.handshakes)))]));
  const why = new Map<string, string>();
  const results = (c: string, ai: number) => {
    const { state, handshakes } = parse(c);
    const a = SIGMA[ai]!;
    const event = machineEvent(a)!;
    const next = handshakes + (isFinished(a) ? 1 : 0);
    return outcomes(model, state, event, { renegotiating: handshakes > 0 }).map((t) => ({ ...t, next: config(t.to, next) }));
  };
  const step = (q: number, c: string): string | undefined => {
    for (const [ai, [out, next]] of obs.delta.get(q) ?? []) {
      if (next === UNKNOWN) continue;
      const ts = results(c, ai);
      const where = `${inputName(SIGMA[ai]!)} → ${out || '(nothing)'}`;
      if (next === DEAD) {
        const alert = /alert:fatal:(\S+)/.exec(out)?.[1];
        if (!ts.some((t) => t.to === 'failed' && (t.branch === 'fail' || (t.branch === 'unexpected' && alert === 'unexpected_message')))) {
          return `refused where the model only accepts (${ts.map((t) => t.branch).join('/')}): ${where}`;
        }
      } else {
        const acc = ts.filter(accepts);
        if (acc.length === 0) return `EXTRA TRANSITION: accepted where the model says unexpected_message: ${where}`;
        if (!acc.some((t) => R.get(next)!.has(t.next))) return `accepted, but no model successor (${acc.map((t) => label(t.next)).join('/')}) behaves like what follows: ${where}`;
      }
    }
    return undefined;
  };
  // What the model can be in after each observed state's own input sequence (all accepted): the configurations
  // reachable along it from a new connection. Wire-alike states (waitNewSessionTicket and
  // resumedWaitNewSessionTicket answer every input alike) are told apart by how they were reached.
  for (const [q, cs] of R) {
    let along = new Set([config(model.connectionInitial, 0)]);
    for (const a of obs.states[q]!.prefix) {
      const ai = SIGMA.findIndex((x) => inputName(x) === inputName(a));
      along = new Set([...along].flatMap((c) => results(c, ai).filter(accepts).map((t) => t.next)));
    }
    for (const c of [...cs]) if (!along.has(c)) cs.delete(c);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [q, cs] of R) {
      for (const c of [...cs]) {
        const bad = step(q, c);
        if (bad) {
          cs.delete(c);
          why.set(`${q}/${c}`, bad);
          changed = true;
        }
      }
    }
  }
  const problems: string[] = [];
  const roots: [number, string][] = obs.roots.map((q, i) => [q, i === 0 ? config(model.connectionInitial, 0) : config('connected', 1)]);
  for (const [root, init] of roots) {
    if (R.get(root)!.has(init)) continue;
    // Walk the observed machine along the model from the root and report where they part.
    const before = problems.length;
    const seen = new Set<string>();
    const queue: [number, string, string][] = [[root, init, '']];
    while (queue.length) {
      const [q, c, path] = queue.shift()!;
      if (seen.has(`${q}/${c}`)) continue;
      seen.add(`${q}/${c}`);
      const reason = why.get(`${q}/${c}`);
      if (!reason) continue;
      if (!reason.startsWith('accepted, but')) problems.push(`${label(c)} after [${path}]: ${reason}`);
      for (const [ai, [, next]] of obs.delta.get(q) ?? []) {
        if (next < 0) continue;
        for (const t of results(c, ai)) if (accepts(t)) queue.push([next, t.next, `${path} ${inputName(SIGMA[ai]!)}`.trim()]);
      }
    }
    if (problems.length === before) problems.push(`root q${root} is not simulated by ${label(init)}: ${why.get(`${root}/${init}`)}`);
  }
  // Every observed state stands for one model configuration, and no two observed states for the same one. A
  // guard may always fail, so a state that refuses a guarded message also "matches" the state that lists it;
  // among the candidates, take the one that explains the most refusals by unexpected_message rather than by
  // a failing check (e.g. after CertificateRequest: waitServerHelloDoneAfterRequest, not waitServerHelloDone).
  const guardRefusals = (q: number, c: string) =>
    [...(obs.delta.get(q) ?? [])].filter(([ai, [, next]]) => next === DEAD && results(c, ai).some((t) => t.branch === 'fail')).length;
  const owner = new Map<string, number>();
  for (const [q, cs] of R) {
    if (cs.size === 0) continue; // reported above when it matters (unreachable from the roots otherwise)
    const best = Math.min(...[...cs].map((c) => guardRefusals(q, c)));
    const chosen = [...cs].filter((c) => guardRefusals(q, c) === best);
    if (chosen.length !== 1) {
      problems.push(`observed q${q} (${obs.states[q]!.prefix.map(inputName).join(' ')}) matches ${chosen.length} model states: ${chosen.map(label).join(', ')}`);
      continue;
    }
    const c = chosen[0]!;
    R.set(q, new Set([c]));
    if (owner.has(c)) problems.push(`q${owner.get(c)} and q${q} are different on the wire but both are ${label(c)} in the model`);
    owner.set(c, q);
  }
  // Coverage: the transitions the learned machine took, in model terms.
  for (const [q, cs] of R) {
    for (const c of cs) {
      for (const [ai, [out, next]] of obs.delta.get(q) ?? []) {
        if (next === UNKNOWN) continue;
        const event = machineEvent(SIGMA[ai]!)!;
        const alert = /alert:fatal:(\S+)/.exec(out)?.[1];
        const to = next === DEAD ? 'failed' : results(c, ai).find((t) => accepts(t) && R.get(next)!.has(t.next))?.to;
        if (to) coverage.add({ machine: role, from: parse(c).state, event, to, ...(alert ? { alert } : {}) });
      }
    }
  }
  return { problems, relation: R };
}

describe.each(ROLES)('learned %s machine vs the XState model', (role) => {
  for (const script of fx.scripts[role]) {
    it(`no extra transition, one observed state per model state: ${script.name}`, () => {
      const obs = learn(script);
      const { problems, relation } = compare(role, obs);
      expect(problems).toEqual([]);
      const states = [...relation.values()].map((cs) => label([...cs][0]!));
      expect(states).toContain('connected');
      console.log(`${role} ${script.name}: ${obs.states.length} observed states (${states.join(', ')}), ${obs.runs} runs`);
    });
  }
});
