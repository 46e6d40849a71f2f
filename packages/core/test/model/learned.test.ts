// A learned-model check (after de Ruiter and Poll, "Protocol State Fuzzing of TLS Implementations", 2015).
// Black box: the connection under test is only fed bytes and only its bytes are read, by the scripted peer
// (which decrypts them with the keys it derived, as any peer would). The application echoes the data it
// receives, so that a connection that accepts application data shows it on the wire.
//
// Input sequences are explored breadth-first up to a bounded depth. A state is identified by its answers to
// a fixed set of probes: every input, and every input after each input it accepts. Every fatal alert ends a
// branch. The observed machine is then walked together with the XState model: an input the implementation
// accepts where the model has no accepting transition (i.e. says unexpected_message) fails the test, and so
// does an input it refuses where the model only accepts, or an observed state that answers for two model
// states (or two observed states for one model state: a state the model does not have).
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allowed, buildModel, ROLES, type Role } from '../../scripts/handshake-model.js';
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

const MAX_DEPTH = 12;

/** Learning inputs: every handshake type (well-formed), an unknown one, ChangeCipherSpec, application data. */
const SIGMA: Input[] = [
  ...[...Object.keys(HandshakeType), 'unknown_handshake'].map((event) => ({ kind: 'handshake' as const, event, broken: false })),
  { kind: 'change_cipher_spec' },
  { kind: 'application_data' },
];

const isDead = (out: string) => out.includes('alert:fatal:') || out.includes('unreadable');

interface Observed {
  readonly states: { prefix: Input[]; sig: string }[];
  /** state index → input index → [output, next state index or -1 when dead] */
  readonly delta: Map<number, Map<number, [string, number]>>;
  runs: number;
}

function learn(script: Script): Observed {
  const memo = new Map<string, string>();
  const obs: Observed = { states: [], delta: new Map(), runs: 0 };
  /** The peer's reading of the SUT's answer to the last input of `seq` (after a fresh run of the rest). */
  const answer = (seq: Input[]): string => {
    const key = seq.map(inputName).join(' ');
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const run = new Run(script, true);
    obs.runs++;
    let out = '';
    for (const i of seq) out = run.step(i).out.join(' ');
    memo.set(key, out);
    return out;
  };
  const signature = (prefix: Input[]): string => {
    const parts: string[] = [];
    for (const a of SIGMA) {
      const o1 = answer([...prefix, a]);
      parts.push(o1);
      if (!isDead(o1)) for (const b of SIGMA) parts.push(answer([...prefix, a, b]));
    }
    return parts.join('|');
  };
  const queue: Input[][] = [[]];
  const bySig = new Map<string, number>();
  const stateOf = (prefix: Input[]): number => {
    const sig = signature(prefix);
    let id = bySig.get(sig);
    if (id === undefined) {
      id = obs.states.length;
      obs.states.push({ prefix, sig });
      bySig.set(sig, id);
      if (prefix.length < MAX_DEPTH) queue.push(prefix);
    }
    return id;
  };
  stateOf([]);
  while (queue.length) {
    const prefix = queue.shift()!;
    const id = bySig.get(signature(prefix))!;
    const row = new Map<number, [string, number]>();
    obs.delta.set(id, row);
    SIGMA.forEach((a, ai) => {
      const out = answer([...prefix, a]);
      row.set(ai, [out, isDead(out) ? -1 : stateOf([...prefix, a])]);
    });
  }
  return obs;
}

/**
 * The largest relation R between observed states and model states such that whatever q does, s allows:
 * an input q accepts (its answer has no fatal alert) has an accepting transition from s to a state related
 * to q's successor; an input q refuses has a failing branch in s (unexpected_message for the wildcard).
 * Model states with several accepting transitions for one event (a guard per key exchange) are resolved by
 * what follows. The implementation conforms when its initial state is related to the model's.
 */
function compare(role: Role, obs: Observed): { problems: string[]; relation: Map<number, Set<string>> } {
  const model = buildModel(role);
  const live = model.states.filter((x) => !model.finalStates.includes(x));
  const R = new Map<number, Set<string>>(obs.states.map((_, q) => [q, new Set(live)]));
  const why = new Map<string, string>();
  const step = (q: number, s: string): string | undefined => {
    for (const [ai, [out, next]] of obs.delta.get(q) ?? []) {
      const a = SIGMA[ai]!;
      const ts = allowed(model, s, machineEvent(a)!);
      const where = `${inputName(a)} → ${out || '(nothing)'}`;
      if (next === -1) {
        const alert = /alert:fatal:(\S+)/.exec(out)?.[1];
        if (!ts.some((t) => t.to === 'failed' && (t.branch === 'fail' || (t.branch === 'unexpected' && alert === 'unexpected_message')))) {
          return `refused where the model only accepts (${ts.map((t) => t.branch).join('/')}): ${where}`;
        }
      } else {
        const acc = ts.filter((t) => t.branch === 'pass' || t.branch === 'always');
        if (acc.length === 0) return `EXTRA TRANSITION: accepted where the model says unexpected_message: ${where}`;
        if (!acc.some((t) => R.get(next)!.has(t.to))) return `accepted, but no model successor (${acc.map((t) => t.to).join('/')}) behaves like what follows: ${where}`;
      }
    }
    return undefined;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [q, ss] of R) {
      for (const s of [...ss]) {
        const bad = step(q, s);
        if (bad) {
          ss.delete(s);
          why.set(`${q}/${s}`, bad);
          changed = true;
        }
      }
    }
  }
  const problems: string[] = [];
  const init = model.connectionInitial;
  if (!R.get(0)!.has(init)) {
    // Walk the observed machine along the model from the start and report where they part.
    const seen = new Set<string>();
    const queue: [number, string, string][] = [[0, init, '']];
    while (queue.length) {
      const [q, s, path] = queue.shift()!;
      if (seen.has(`${q}/${s}`)) continue;
      seen.add(`${q}/${s}`);
      const reason = why.get(`${q}/${s}`);
      if (!reason) continue;
      if (!reason.startsWith('accepted, but')) problems.push(`${s} after [${path}]: ${reason}`);
      for (const [ai, [, next]] of obs.delta.get(q) ?? []) {
        if (next === -1) continue;
        for (const t of allowed(model, s, machineEvent(SIGMA[ai]!)!)) {
          if (t.branch === 'pass' || t.branch === 'always') queue.push([next, t.to, `${path} ${inputName(SIGMA[ai]!)}`.trim()]);
        }
      }
    }
    if (problems.length === 0) problems.push(`the initial state is not simulated by ${init}: ${why.get(`0/${init}`)}`);
  }
  // Every observed state stands for one model state, and no two observed states for the same one. A guard
  // may always fail, so a state that refuses a guarded message also "matches" the state that lists it; among
  // the candidates, take the one that explains the most refusals by unexpected_message rather than by a
  // failing check (e.g. after CertificateRequest: waitServerHelloDoneAfterRequest, not waitServerHelloDone).
  const guardRefusals = (q: number, s: string) =>
    [...(obs.delta.get(q) ?? [])].filter(([ai, [, next]]) => next === -1 && allowed(model, s, machineEvent(SIGMA[ai]!)!).some((t) => t.branch === 'fail')).length;
  const owner = new Map<string, number>();
  for (const [q, ss] of R) {
    if (ss.size === 0) continue; // reported above when it matters (unreachable from the start otherwise)
    const best = Math.min(...[...ss].map((s) => guardRefusals(q, s)));
    const chosen = [...ss].filter((s) => guardRefusals(q, s) === best);
    if (chosen.length !== 1) {
      problems.push(`observed q${q} (${obs.states[q]!.prefix.map(inputName).join(' ')}) matches ${chosen.length} model states: ${chosen.join(', ')}`);
      continue;
    }
    const s = chosen[0]!;
    R.set(q, new Set([s]));
    if (owner.has(s)) problems.push(`q${owner.get(s)} and q${q} are different on the wire but both are ${s} in the model`);
    owner.set(s, q);
  }
  // Coverage: the transitions the learned machine took, in model terms.
  for (const [q, ss] of R) {
    for (const s of ss) {
      for (const [ai, [out, next]] of obs.delta.get(q) ?? []) {
        const event = machineEvent(SIGMA[ai]!)!;
        const alert = /alert:fatal:(\S+)/.exec(out)?.[1];
        const to = next === -1 ? 'failed' : allowed(model, s, event).find((t) => (t.branch === 'pass' || t.branch === 'always') && R.get(next)!.has(t.to))?.to;
        if (to) coverage.add({ machine: role, from: s, event, to, ...(alert ? { alert } : {}) });
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
      const states = [...relation.values()].map((ss) => [...ss][0]!);
      expect(states).toContain('connected');
      console.log(`${role} ${script.name}: ${obs.states.length} observed states (${states.join(', ')}), ${obs.runs} runs`);
    });
  }
});
