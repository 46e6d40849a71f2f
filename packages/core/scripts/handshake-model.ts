// The handshake model, read from the XState machine definitions themselves (nothing about the state list is
// written down here): the reachable states (@xstate/graph over the machine with every guard made an input of
// the event), every transition out of them for every event the wire can produce, which of those the tests
// exercised, and the Mermaid diagrams in docs/. Used by `npm run model` (scripts/model.ts) and by the tests
// in test/model/, so the tests, the printed figures and the pictures all come from one reading.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getShortestPaths } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { HandshakeType } from '../src/codec/constants.js';
import { clientMachine } from '../src/handshake/client-machine.js';
import type { HandshakeEvent } from '../src/handshake/machine-support.js';
import { serverMachine } from '../src/handshake/server-machine.js';

export type Role = 'client' | 'server';
export const ROLES: readonly Role[] = ['client', 'server'];
export const MACHINES: Record<Role, AnyStateMachine> = { client: clientMachine, server: serverMachine };

/** Repository root (this file is packages/core/scripts/handshake-model.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where the model tests record the (state, event, outcome) triples they observed, one JSON file each. */
export const COVERAGE_DIR = join(REPO_ROOT, 'test-results', 'model-coverage');

/**
 * Every event the connection can derive from received bytes (connection.ts): one per handshake message
 * type of the codec, unknown handshake types, ChangeCipherSpec and application data. Other event types a
 * machine names (today: the client's 'start') are internal: the connection sends them itself.
 */
export const WIRE_EVENTS: readonly HandshakeEvent['type'][] = [
  ...(Object.keys(HandshakeType) as (keyof typeof HandshakeType)[]),
  'unknown_handshake',
  'change_cipher_spec',
  'application_data',
];

/**
 * pass: the guard held; fail: the failure branch after a guard (to `failed`, with the check's alert); else: an
 * unguarded fallback after guards that does not fail (a declined renegotiation); always: unguarded;
 * unexpected: the root wildcard (also reached when every guard of a state's own list fails and the list has no
 * fallback of its own).
 */
export type Branch = 'pass' | 'fail' | 'else' | 'always' | 'unexpected';

export interface ModelTransition {
  readonly machine: Role;
  readonly from: string;
  readonly event: string;
  readonly branch: Branch;
  /** For display: the guard (conjuncts joined with ' & '), or for a failure branch the guards it follows. */
  readonly guard: string | undefined;
  /** The guard's conjuncts (pass branches only): every one must hold. */
  readonly guards: readonly string[];
  readonly to: string;
  readonly actions: readonly string[];
  /** The event comes from received bytes (not an internal event such as the client's 'start'). */
  readonly wire: boolean;
  /**
   * The transition raises the same event again (XState raise): it is then handled in `to` (the server's
   * renegotiating ClientHello, re-read by waitClientHello). `outcomes()` follows it.
   */
  readonly reraise: boolean;
}

/** A transition that accepts the event (the connection carries on). */
export const accepts = (t: { readonly branch: Branch }): boolean => t.branch === 'pass' || t.branch === 'always' || t.branch === 'else';

export interface Model {
  readonly role: Role;
  readonly id: string;
  readonly initial: string;
  /** The state a new connection is in: the initial state after the internal events (the client's 'start'). */
  readonly connectionInitial: string;
  /** Reachable states, in order of their shortest path. */
  readonly states: readonly string[];
  readonly finalStates: readonly string[];
  /** States only passed through inside the constructor: no received byte can ever meet them. */
  readonly internalStates: readonly string[];
  /** Shortest event path to each state (event types). */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  readonly transitions: readonly ModelTransition[];
  /** The events a machine names that are not wire events. */
  readonly internalEvents: readonly string[];
}

type Node = {
  key: string;
  parent?: Node;
  type: string;
  states: Record<string, Node>;
  transitions: Map<string, Def[]>;
};
type Def = { guard?: unknown; target?: readonly Node[]; actions: readonly unknown[]; eventType: string };

const nameOf = (x: unknown): string | undefined =>
  x === undefined ? undefined : typeof x === 'string' ? x : typeof x === 'function' ? (x.name || 'inline') : String((x as { type: unknown }).type);

/** The conjuncts of a guard: a named guard, or XState's and([...]) of named guards (nested ands flattened). */
function conjuncts(g: unknown): string[] {
  if (g === undefined) return [];
  const inner = (g as { guards?: unknown[] }).guards;
  if (typeof g === 'function' && (g as { name?: string }).name === 'and' && Array.isArray(inner)) return inner.flatMap(conjuncts);
  if (typeof g === 'function' && Array.isArray(inner)) throw new Error(`guard combinator ${(g as { name?: string }).name}: the model reads and() only`);
  return [nameOf(g)!];
}

/**
 * The transitions XState considers for `event` in `node`, in order (XState v5 StateNode.next and
 * transitionParentNode): the state's own list for the event (exact, else its '*'); when no guard of it holds
 * and it has no unguarded entry, its parent's, and so on up to the root. `wildcard` marks entries from a '*'.
 */
function candidates(node: Node, event: string): { def: Def; wildcard: boolean }[] {
  const out: { def: Def; wildcard: boolean }[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) {
    const exact = n.transitions.get(event);
    const list = exact ?? n.transitions.get('*');
    if (!list) continue;
    for (const def of list) {
      out.push({ def, wildcard: !exact });
      if (def.guard === undefined) return out; // always enabled: nothing after it is ever considered
    }
  }
  return out;
}

/** The machine with inert actions, each guard holding exactly when the event lists it in `take`. */
function stubbed(machine: AnyStateMachine): AnyStateMachine {
  const impl = machine.implementations as { actions: Record<string, unknown>; guards: Record<string, unknown> };
  const actions = Object.fromEntries(Object.keys(impl.actions).map((k) => [k, () => {}]));
  const guards = Object.fromEntries(Object.keys(impl.guards).map((k) => [k, ({ event }: { event: { take?: readonly string[] } }) => event.take?.includes(k) === true]));
  return machine.provide({ actions, guards } as never);
}

/** Names of the actions that raise an event (the stubbed machine does not run them: reachability is unaffected). */
function raiseActions(machine: AnyStateMachine): Set<string> {
  const impl = machine.implementations as { actions: Record<string, unknown> };
  return new Set(Object.entries(impl.actions).filter(([, a]) => (a as { type?: unknown } | undefined)?.type === 'xstate.raise').map(([k]) => k));
}

const cache = new Map<Role, Model>();

export function buildModel(role: Role): Model {
  const hit = cache.get(role);
  if (hit) return hit;
  const machine = MACHINES[role];
  const root = machine.root as unknown as Node;
  const named = new Set<string>();
  const walk = (n: Node) => {
    for (const k of n.transitions.keys()) if (k !== '*') named.add(k);
    for (const c of Object.values(n.states)) walk(c);
  };
  walk(root);
  const internalEvents = [...named].filter((e) => !(WIRE_EVENTS as readonly string[]).includes(e)).sort();
  const allEvents = [...internalEvents, ...WIRE_EVENTS];

  // Reachability: @xstate/graph explores the machine itself; each event comes once per set of guards it may
  // satisfy (each guard alone, and the conjuncts of each and(): exactly those hold) and once with none holding.
  const guardNames = Object.keys((machine.implementations as { guards: Record<string, unknown> }).guards);
  const guardSets = new Map<string, string[]>(guardNames.map((g) => [g, [g]]));
  const collect = (n: Node) => {
    for (const defs of n.transitions.values()) {
      for (const d of defs) {
        const gs = conjuncts(d.guard);
        if (gs.length > 1) guardSets.set(gs.join('&'), gs);
      }
    }
    for (const c of Object.values(n.states)) collect(c);
  };
  collect(root);
  const events = allEvents.flatMap((type) => [...[...guardSets.values()].map((take) => ({ type, take })), { type, take: [] as string[] }]);
  const found = getShortestPaths(stubbed(machine), {
    events,
    input: { hs: {}, io: {} },
    serializeState: (s: { value: unknown }) => JSON.stringify(s.value),
    serializeEvent: (e: { type: string; take?: readonly string[] }) => `${e.type}[${(e.take ?? []).join('&')}]`,
  } as never) as unknown as { state: { value: unknown }; steps: { event: { type: string } }[] }[];
  const paths: Record<string, string[]> = {};
  for (const p of found) {
    if (typeof p.state.value !== 'string') throw new Error(`${role}: nested state ${JSON.stringify(p.state.value)}: the model reads flat machines only`);
    const steps = p.steps.map((s) => s.event).filter((e) => !e.type.startsWith('xstate.'));
    paths[p.state.value] = steps.map((e) => e.type);
  }
  const states = Object.keys(paths).sort((a, b) => paths[a]!.length - paths[b]!.length || a.localeCompare(b));
  const initial = String((machine.config as { initial: string }).initial);
  const finalStates = states.filter((s) => root.states[s]!.type === 'final');
  const raises = raiseActions(machine);

  const transitions: ModelTransition[] = [];
  for (const from of states) {
    const node = root.states[from]!;
    if (node.type === 'final') continue; // a final state ends the actor: it receives nothing
    for (const event of allEvents) {
      const before: string[] = [];
      for (const { def, wildcard } of candidates(node, event)) {
        const gs = conjuncts(def.guard);
        const to = def.target?.[0]?.key ?? from;
        let branch: Branch;
        if (gs.length > 0) branch = 'pass';
        else if (wildcard) branch = 'unexpected';
        else if (before.length === 0) branch = 'always';
        else branch = root.states[to]?.type === 'final' ? 'fail' : 'else';
        const actions = def.actions.map((a) => nameOf(a) ?? '?');
        transitions.push({
          machine: role,
          from,
          event,
          branch,
          guard: gs.length > 0 ? gs.join(' & ') : branch === 'fail' || branch === 'else' ? before.join('/') : undefined,
          guards: gs,
          to,
          actions,
          wire: (WIRE_EVENTS as readonly string[]).includes(event),
          reraise: actions.some((a) => raises.has(a)),
        });
        if (gs.length > 0) before.push(gs.join(' & '));
      }
    }
  }
  // Constructor events: follow internal unguarded transitions from the initial state.
  let connectionInitial = initial;
  const internalStates: string[] = [];
  for (;;) {
    const t = transitions.find((x) => x.from === connectionInitial && !x.wire && x.branch === 'always' && x.event !== '*');
    if (!t || internalStates.includes(connectionInitial)) break;
    internalStates.push(connectionInitial);
    connectionInitial = t.to;
  }
  for (const t of transitions) {
    if (!states.includes(t.to)) throw new Error(`${role}: ${t.from} --${t.event}--> ${t.to}, a state @xstate/graph did not reach`);
  }
  const model: Model = { role, id: machine.id, initial, connectionInitial, states, finalStates, internalStates, paths, transitions, internalEvents };
  cache.set(role, model);
  return model;
}

/** The transitions the model lists for `event` in `state` (all branches, in XState's order). */
export function allowed(model: Model, state: string, event: string): ModelTransition[] {
  return model.transitions.filter((t) => t.from === state && t.event === event);
}

/**
 * What the test knows of the machine's context, as guard values: e.g. { renegotiating: true } once a
 * handshake has completed on the connection. Guards it does not name may go either way.
 */
export type GuardContext = Readonly<Record<string, boolean>>;

/** One possible result of an event: the branch that decides it, where it ends, and the transitions taken. */
export interface ModelStep {
  readonly branch: Branch;
  readonly to: string;
  readonly path: readonly ModelTransition[];
}

/**
 * Every result `event` may have in `state` given `ctx`: the listed transitions a context guard does not rule
 * out, up to the first that is certain to be taken (unguarded, or every conjunct a context guard that holds),
 * with re-raised events followed into the state that reads them again.
 */
export function outcomes(model: Model, state: string, event: string, ctx: GuardContext = {}, depth = 0): ModelStep[] {
  const out: ModelStep[] = [];
  for (const t of allowed(model, state, event)) {
    if (t.guards.some((g) => ctx[g] === false)) continue;
    if (t.reraise && depth < 4) {
      for (const s of outcomes(model, t.to, event, ctx, depth + 1)) out.push({ branch: s.branch === 'always' || s.branch === 'else' ? 'pass' : s.branch, to: s.to, path: [t, ...s.path] });
    } else {
      out.push({ branch: t.branch, to: t.to, path: [t] });
    }
    if (t.guards.every((g) => ctx[g] === true)) break; // certain (also: unguarded)
  }
  return out;
}

// ---- coverage ---------------------------------------------------------------------------------------

export const describeTransition = (t: ModelTransition): string => `${t.from} --${t.event} (${t.branch}${t.guard ? ` ${t.guard}` : ''})--> ${t.to}`;

/**
 * Listed transitions no connection can take, with the reason (test/model/conformance.test.ts checks that
 * exactly these stay unexercised). The machines list application data under the 'renegotiating' guard in
 * every state before the peer's ChangeCipherSpec; in these two the guard cannot hold.
 */
export const UNREACHABLE: Record<Role, Readonly<Record<string, string>>> = {
  client: {
    'waitNewSessionTicket --application_data (pass renegotiating)--> waitNewSessionTicket':
      'a renegotiating ClientHello offers no session_ticket (client-steps sendClientHello), so no server acknowledges one: waitNewSessionTicket is never entered during a renegotiation',
  },
  server: {
    'waitClientHello --application_data (pass renegotiating)--> waitClientHello':
      'a renegotiation enters waitClientHello only to re-read the ClientHello that started it, in the same step (raise): the state never waits for input then',
  },
};

/** One observation by a test: in `from`, input `event` led to `to` (and, when it failed, the alert sent). */
export interface Observation {
  readonly machine: Role;
  readonly from: string;
  /** A wire event name, or a connection-level input (alerts, empty and malformed records: 'record:…'). */
  readonly event: string;
  readonly to: string;
  readonly alert?: string;
}

/** Does observation `o` exercise transition `t`? A re-raising transition is exercised by any result of the re-read. */
export function observationMatches(model: Model, t: ModelTransition, o: Observation): boolean {
  if (o.machine !== t.machine || o.from !== t.from || o.event !== t.event) return false;
  const fits = (branch: Branch, to: string): boolean => {
    if (o.to !== to) return false;
    if (branch === 'fail') return o.alert !== undefined;
    if (branch === 'unexpected') return o.alert === 'unexpected_message';
    return o.alert === undefined;
  };
  if (t.reraise) return outcomes(model, t.to, t.event).some((s) => fits(s.branch, s.to));
  return fits(t.branch, t.to);
}

export function readCoverage(dir = COVERAGE_DIR): Observation[] {
  if (!existsSync(dir)) return [];
  const out: Observation[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    out.push(...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Observation[]));
  }
  return out;
}

// ---- diagrams ---------------------------------------------------------------------------------------

const label = (t: ModelTransition) =>
  `${t.event}${t.guard && t.branch === 'pass' ? ` [${t.guard}]` : t.branch === 'else' ? ' [else]' : ''}${t.actions.length ? ` / ${t.actions.join(', ')}` : ''}${t.reraise ? ' (re-read there)' : ''}`;

/** Mermaid stateDiagram-v2 of the accepting transitions; every failure goes to `failed` (see the table). */
export function mermaid(model: Model): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${model.initial}`];
  for (const t of model.transitions) {
    if (accepts(t)) lines.push(`  ${t.from} --> ${t.to}: ${label(t)}`);
  }
  for (const f of model.finalStates) lines.push(`  ${f} --> [*]`);
  lines.push(`  note right of ${model.finalStates[0] ?? model.initial}`, '    every failure branch and every message', '    a state does not list ends here (fatal alert)', '  end note');
  return lines.join('\n');
}

/** One row per state: what it accepts, its failure branches, and what is unexpected_message. */
export function table(model: Model): string {
  const rows = ['| state | accepts | failure branch (alert from the check) | unexpected_message |', '| --- | --- | --- | --- |'];
  for (const s of model.states) {
    const ts = model.transitions.filter((t) => t.from === s);
    if (ts.length === 0) {
      rows.push(`| \`${s}\` | final: nothing | | |`);
      continue;
    }
    const ok = ts.filter(accepts).map((t) => `${t.event}${t.guard && t.branch === 'pass' ? ` [${t.guard}]` : t.branch === 'else' ? ' [else]' : ''} → \`${t.to}\`${t.reraise ? ' (re-read there)' : ''}`);
    const guarded = (t: ModelTransition) => ts.some((x) => x.event === t.event && x.branch === 'pass');
    const fail = ts
      .filter((t) => t.branch === 'fail' || (t.branch === 'unexpected' && t.wire && guarded(t)))
      .map((t) => (t.branch === 'fail' ? `${t.event} ✗${t.guard}` : `${t.event} ✗${ts.filter((x) => x.event === t.event && x.branch === 'pass').map((x) => x.guard).join('/')} (unexpected_message)`));
    const unexpected = ts.filter((t) => t.branch === 'unexpected' && t.wire && !guarded(t)).length;
    rows.push(`| \`${s}\`${model.internalStates.includes(s) ? ' (constructor only)' : ''} | ${ok.join('<br>')} | ${fail.join('<br>')} | ${unexpected ? `the ${unexpected} other wire events` : ''} |`);
  }
  return rows.join('\n');
}

export const GENERATED_NOTE = '<!-- generated by `npm run model` from the XState machine definitions: do not edit -->';

export function machineDoc(model: Model): string {
  const wire = model.transitions.filter((t) => t.wire);
  return [
    `# TLS 1.2 ${model.role} handshake (\`${model.id}\`)`,
    '',
    GENERATED_NOTE,
    '',
    `${model.states.length} reachable states, ${model.transitions.filter((t) => t.branch !== 'unexpected').length} listed transitions ` +
      `(guard held, guard failed, unguarded), ${wire.filter((t) => t.branch === 'unexpected').length} (state, event) pairs that are unexpected_message. ` +
      `A new connection starts in \`${model.connectionInitial}\`.`,
    '',
    '```mermaid',
    mermaid(model),
    '```',
    '',
    table(model),
    '',
  ].join('\n');
}

/** Replaces each `<!-- model:NAME -->…<!-- /model:NAME -->` section of `doc` with the generated text. */
export function fillSections(doc: string, sections: Record<string, string>): string {
  let out = doc;
  for (const [name, text] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- model:${name} -->\\n)[\\s\\S]*?(<!-- /model:${name} -->)`);
    if (!re.test(out)) throw new Error(`docs/handshake.md lacks the section <!-- model:${name} -->`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}${text}\n${b}`);
  }
  return out;
}

/** The generated parts of docs/handshake.md. */
export function overviewSections(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of ROLES) out[role] = ['```mermaid', mermaid(buildModel(role)), '```'].join('\n');
  out['figures'] = ROLES.map((role) => {
    const m = buildModel(role);
    return `- ${role}: ${m.states.length} reachable states, ${m.transitions.filter((t) => t.branch !== 'unexpected').length} listed transitions, ` +
      `${m.transitions.filter((t) => t.branch === 'unexpected' && t.wire).length} unexpected_message pairs.`;
  }).join('\n');
  return out;
}

/** Every generated file under docs/, by path relative to the repository root, given the current handshake.md. */
export function generatedDocs(currentOverview: string): Record<string, string> {
  return {
    'docs/handshake-client.md': machineDoc(buildModel('client')),
    'docs/handshake-server.md': machineDoc(buildModel('server')),
    'docs/handshake.md': fillSections(currentOverview, overviewSections()),
  };
}
