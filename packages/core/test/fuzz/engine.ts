// The mutation fuzzer over recorded handshakes. One case: a fresh SUT (seeded, so it always answers the same
// way to the same bytes) and the scripted peer of a recorded handshake, which sends its flights with mutations
// at four levels, each flight built only after reading the SUT's answer to the previous one (so its Finished is
// computed over the real transcript and its records are correctly protected, and a mutation the SUT ought to
// accept does complete):
//   message   a field of a handshake message (tree.ts: lengths re-encoded) or its raw bytes;
//   sequence  drop, duplicate, swap or move messages (across flights too: early ChangeCipherSpec, Finished
//             before ClientKeyExchange...), insert messages from other handshakes, ChangeCipherSpec,
//             application data, alerts, empty records, garbage; a wrong Finished;
//   record    coalesce or fragment handshake records; duplicate, drop or swap records before protection
//             (valid MACs) or after it (replays), mutate record headers;
//   bytes     flip, set, truncate, extend, insert, delete or duplicate bytes of a flight on the wire.
// Then the flight is fed in random pieces (whole, random sizes, or byte by byte) under the Judge's oracle.
import { HandshakeType } from '../../src/codec/constants.js';
import { caseSeed, concatBytes, Judge, makeSut, mix32, Rng, ScriptedPeer, type Outcome, type Role, type Script } from './harness.js';
import { extensionEntries, mutateLeaf, mutateTree, parseMessage, serialize } from './tree.js';

/** What the peer sends; a flight is a list of them, built into records when its turn comes. */
export type Item =
  | { readonly t: 'hs'; readonly raw: Uint8Array }
  | { readonly t: 'finished'; readonly broken: boolean }
  | { readonly t: 'ccs' }
  | { readonly t: 'app'; readonly data: Uint8Array }
  | { readonly t: 'alert'; readonly level: number; readonly desc: number }
  | { readonly t: 'empty'; readonly type: number }
  | { readonly t: 'raw'; readonly bytes: Uint8Array };

/** A plaintext record before protection; `ccs` marks the ChangeCipherSpec that switches the peer's write state. */
interface PlainRecord {
  type: number;
  data: Uint8Array;
  ccs?: boolean;
  raw?: boolean;
}

const HELLO = new TextEncoder().encode('hello, fuzz');

/**
 * The genuine flights of a recorded handshake, as the peer sent them: its messages flight by flight, its CCS
 * and Finished with the flight they went out in, then data and close_notify. E.g. a server peer: ServerHello
 * … ServerHelloDone, then [NewSessionTicket] CCS Finished; resuming: ServerHello [NewSessionTicket] CCS
 * Finished in one flight. A client peer: ClientHello, then [Certificate] ClientKeyExchange
 * [CertificateVerify] CCS Finished (or CCS Finished alone when the server resumed).
 */
export function genuineFlights(script: Script): Item[][] {
  const h = script.handshakes[0]!;
  const flights: Item[][] = [];
  for (let f = 0; f <= h.ccsFlight; f++) flights.push(h.messages.filter((m) => m.flight === f).map((m): Item => ({ t: 'hs', raw: m.raw })));
  flights[h.ccsFlight]!.push({ t: 'ccs' }, { t: 'finished', broken: false });
  return [...flights.filter((f) => f.length > 0), [{ t: 'app', data: HELLO }, { t: 'alert', level: 1, desc: 0 }]];
}

/** Material for insertions: messages the peer could send in any handshake, and extension entries. */
export interface Dictionary {
  readonly messages: readonly Uint8Array[];
  readonly extensions: ReturnType<typeof extensionEntries>;
}

const frame = (type: number, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + body.length);
  out.set([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  out.set(body, 4);
  return out;
};

/** Every recorded message of both roles, plus the types no recorded handshake has. */
export function makeDictionary(scripts: readonly Script[]): Dictionary {
  const messages: Uint8Array[] = [];
  const extensions: ReturnType<typeof extensionEntries> = [];
  for (const s of scripts) {
    for (const m of s.messages) {
      messages.push(m.raw);
      if (m.raw[0] === HandshakeType.client_hello || m.raw[0] === HandshakeType.server_hello) extensions.push(...extensionEntries(m.raw));
    }
  }
  messages.push(
    frame(HandshakeType.hello_request, new Uint8Array(0)),
    frame(HandshakeType.server_hello_done, new Uint8Array(0)),
    frame(HandshakeType.new_session_ticket, Uint8Array.of(0, 0, 0x1c, 0x20, 0, 4, 1, 2, 3, 4)),
    frame(HandshakeType.certificate, Uint8Array.of(0, 0, 0)),
    frame(HandshakeType.certificate_request, Uint8Array.of(2, 1, 64, 0, 4, 4, 3, 4, 1, 0, 0)),
    frame(HandshakeType.certificate_verify, Uint8Array.of(4, 3, 0, 2, 0x30, 0)),
    frame(HandshakeType.certificate_status, Uint8Array.of(1, 0, 0, 2, 0x30, 0)),
    frame(HandshakeType.finished, new Uint8Array(12)),
    frame(99, Uint8Array.of(1, 2, 3)),
  );
  return { messages, extensions };
}

// ---- mutations -------------------------------------------------------------------------------------------------

type Stage = 'sequence' | 'record' | 'wire' | 'bytes';

/** A case: its seed, and the mutations it applies (for the record, wire and bytes stages: in which flight). */
export interface Plan {
  readonly seed: number;
  readonly mutations: { readonly stage: Stage; readonly flight: number }[];
  readonly chunking: 'whole' | 'random' | 'bytewise';
}

export function makePlan(seed: number, flights: number, mutate = true): Plan {
  const rng = new Rng(seed);
  const mutations: Plan['mutations'] = [];
  if (mutate) {
    const n = 1 + (rng.chance(0.5) ? 0 : rng.chance(0.5) ? 1 : 1 + rng.int(4));
    for (let i = 0; i < n; i++) {
      const stage = (['sequence', 'record', 'wire', 'bytes'] as const)[rng.weighted([55, 15, 12, 18])]!;
      mutations.push({ stage, flight: rng.int(flights) });
    }
  }
  const chunking = (['whole', 'random', 'bytewise'] as const)[rng.weighted([50, 47, 3])]!;
  return { seed, mutations, chunking };
}

function insertable(rng: Rng, dict: Dictionary): Item {
  switch (rng.weighted([40, 10, 10, 8, 8, 8, 6, 5, 5])) {
    case 0:
      return { t: 'hs', raw: rng.pick(dict.messages) };
    case 1:
      return { t: 'ccs' };
    case 2:
      return { t: 'finished', broken: rng.chance(0.5) };
    case 3:
      return { t: 'app', data: rng.bytes(1 + rng.int(40)) };
    case 4:
      return { t: 'alert', level: 1, desc: rng.pick([0, 90, 100, 112, 40, rng.int(256)]) };
    case 5:
      return { t: 'alert', level: rng.pick([2, 0, 3, 255]), desc: rng.pick([10, 20, 40, 80, rng.int(256)]) };
    case 6:
      return { t: 'empty', type: rng.pick([20, 21, 22, 23]) };
    case 7:
      return { t: 'raw', bytes: Uint8Array.of(rng.pick([0, 19, 24, 99, 128, 255]), 3, 3, 0, 2, 1, 0) };
    default:
      return { t: 'hs', raw: rng.bytes(rng.int(12)) };
  }
}

/** One mutation of the item lists (all flights): messages, their order, their content. */
function mutateSequence(flights: Item[][], rng: Rng, dict: Dictionary): string {
  const positions: [number, number][] = [];
  flights.forEach((f, i) => f.forEach((_, j) => positions.push([i, j])));
  const hsPositions = positions.filter(([i, j]) => flights[i]![j]!.t === 'hs');
  const op = rng.weighted([40, 10, 8, 8, 6, 8, 12, 5, 3]);
  if ((op === 0 || op === 1 || op === 7) && hsPositions.length === 0) return 'none';
  if ((op >= 2 && op <= 5) && positions.length === 0) return 'none';
  switch (op) {
    case 0: { // a field of a message, lengths re-encoded
      const [i, j] = rng.pick(hsPositions);
      const item = flights[i]![j] as Extract<Item, { t: 'hs' }>;
      const tree = parseMessage(item.raw);
      const what: string[] = [];
      for (let k = 1 + (rng.chance(0.7) ? 0 : rng.int(3)); k > 0; k--) what.push(mutateTree(tree, rng, dict.extensions));
      flights[i]![j] = { t: 'hs', raw: serialize(tree) };
      return `message(${item.raw[0]}):${what.join('+')}`;
    }
    case 1: { // raw bytes of a message, header included
      const [i, j] = rng.pick(hsPositions);
      const item = flights[i]![j] as Extract<Item, { t: 'hs' }>;
      flights[i]![j] = { t: 'hs', raw: mutateLeaf(item.raw, rng) };
      return `message-bytes(${item.raw[0]})`;
    }
    case 2: { // drop
      const [i, j] = rng.pick(positions);
      flights[i]!.splice(j, 1);
      return 'drop';
    }
    case 3: { // duplicate, right after or anywhere
      const [i, j] = rng.pick(positions);
      const item = flights[i]![j]!;
      if (rng.chance(0.5)) flights[i]!.splice(j + 1, 0, item);
      else {
        const f = rng.int(flights.length);
        flights[f]!.splice(rng.int(flights[f]!.length + 1), 0, item);
      }
      return 'duplicate';
    }
    case 4: { // swap two
      const [i, j] = rng.pick(positions);
      const [k, l] = rng.pick(positions);
      const a = flights[i]![j]!;
      flights[i]![j] = flights[k]![l]!;
      flights[k]![l] = a;
      return 'swap';
    }
    case 5: { // move one, possibly into another flight
      const [i, j] = rng.pick(positions);
      const [item] = flights[i]!.splice(j, 1);
      const f = rng.int(flights.length);
      flights[f]!.splice(rng.int(flights[f]!.length + 1), 0, item!);
      return 'move';
    }
    case 6: { // insert
      const f = rng.int(flights.length);
      const item = insertable(rng, dict);
      flights[f]!.splice(rng.int(flights[f]!.length + 1), 0, item);
      return `insert(${item.t})`;
    }
    case 7: { // change a message's type
      const [i, j] = rng.pick(hsPositions);
      const item = flights[i]![j] as Extract<Item, { t: 'hs' }>;
      const raw = item.raw.slice();
      if (raw.length) raw[0] = rng.pick([0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 20, 22, 3, 99, 255]);
      flights[i]![j] = { t: 'hs', raw };
      return 'retype';
    }
    default: { // a wrong Finished
      for (const f of flights) for (let j = 0; j < f.length; j++) if (f[j]!.t === 'finished') f[j] = { t: 'finished', broken: true };
      return 'wrong-finished';
    }
  }
}

/** Record packing and order before protection (each record still gets a valid MAC). */
function mutateRecords(recs: PlainRecord[], rng: Rng): string {
  if (recs.length === 0) return 'none';
  const i = rng.int(recs.length);
  const r = recs[i]!;
  switch (rng.int(6)) {
    case 0: { // coalesce runs of handshake records
      let j = i;
      while (j + 1 < recs.length && recs[j + 1]!.type === 22 && r.type === 22 && !recs[j + 1]!.raw) j++;
      if (j > i) recs.splice(i, j - i + 1, { type: 22, data: concatBytes(recs.slice(i, j + 1).map((x) => x.data)) });
      return 'coalesce';
    }
    case 1: { // fragment a record (possibly into an empty piece)
      if (r.raw || r.ccs) return 'none';
      const cut = rng.int(r.data.length + 1);
      recs.splice(i, 1, { type: r.type, data: r.data.subarray(0, cut) }, { type: r.type, data: r.data.subarray(cut) });
      return 'fragment';
    }
    case 2: // fragment every handshake record into pieces of one byte.. a few bytes
      for (let k = recs.length - 1; k >= 0; k--) {
        const x = recs[k]!;
        if (x.type !== 22 || x.raw) continue;
        const parts: PlainRecord[] = [];
        for (let off = 0; off < x.data.length; ) {
          const n = 1 + rng.int(7);
          parts.push({ type: 22, data: x.data.subarray(off, off + n) });
          off += n;
        }
        recs.splice(k, 1, ...parts);
      }
      return 'fragment-all';
    case 3:
      recs.splice(i + 1, 0, { ...r });
      return 'record-dup';
    case 4:
      recs.splice(i, 1);
      return 'record-drop';
    default: {
      const j = rng.int(recs.length);
      [recs[i], recs[j]] = [recs[j]!, recs[i]!];
      return 'record-swap';
    }
  }
}

/** Protected records on the wire: replays, drops, reordering, header fields. */
function mutateWire(wire: Uint8Array[], rng: Rng): string {
  if (wire.length === 0) return 'none';
  const i = rng.int(wire.length);
  switch (rng.int(5)) {
    case 0:
      wire.splice(rng.int(wire.length + 1), 0, wire[i]!);
      return 'wire-replay';
    case 1:
      wire.splice(i, 1);
      return 'wire-drop';
    case 2: {
      const j = rng.int(wire.length);
      [wire[i], wire[j]] = [wire[j]!, wire[i]!];
      return 'wire-swap';
    }
    case 3: { // header: type, version, length
      const r = wire[i]!.slice();
      const at = rng.int(5);
      if (at === 0) r[0] = rng.pick([20, 21, 22, 23, 24, 0, 0x80, 0x16 ^ 0x80]);
      else if (at <= 2) r[at] = rng.pick([0, 1, 2, 3, 4, 0xff]);
      else {
        const len = ((r[3]! << 8) | r[4]!) + rng.pick([-1, 1, -16, 16, 2048, -5]);
        const v = Math.max(0, Math.min(0xffff, len));
        r[3] = v >> 8;
        r[4] = v & 0xff;
      }
      wire[i] = r;
      return 'wire-header';
    }
    default: { // a bit of the body
      const r = wire[i]!.slice();
      if (r.length > 5) r[5 + rng.int(r.length - 5)]! ^= 1 << rng.int(8);
      wire[i] = r;
      return 'wire-body';
    }
  }
}

/** Bytes of the flight as a whole. */
function mutateBytes(b: Uint8Array, rng: Rng): Uint8Array {
  if (b.length === 0) return rng.bytes(1 + rng.int(16));
  const at = rng.int(b.length);
  switch (rng.int(7)) {
    case 0: {
      const out = b.slice();
      for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    }
    case 1: {
      const out = b.slice();
      out[at] = rng.pick([0, 1, 3, 0x7f, 0x80, 0xff, 20, 21, 22, 23]);
      return out;
    }
    case 2: // truncate
      return b.slice(0, at);
    case 3: // extend
      return concatBytes([b, rng.bytes(1 + rng.int(rng.chance(0.2) ? 5000 : 64))]);
    case 4: // insert
      return concatBytes([b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at)]);
    case 5: // delete
      return concatBytes([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(32)))]);
    default: { // duplicate a slice elsewhere
      const end = Math.min(b.length, at + 1 + rng.int(256));
      const to = rng.int(b.length + 1);
      return concatBytes([b.subarray(0, to), b.subarray(at, end), b.subarray(to)]);
    }
  }
}

// ---- a case ----------------------------------------------------------------------------------------------------

/** The peer's private transcript hook (test/model/peer.ts hashes a message in `note` before sealing it). */
const note = (peer: ScriptedPeer, raw: Uint8Array): void => (peer as unknown as { note(raw: Uint8Array): void }).note(raw);

export interface CaseResult extends Outcome {
  readonly plan: Plan;
  /** What was done, in order (for reports). */
  readonly log: string[];
}

/** Runs one case: `plan.mutations` empty is the genuine handshake, which must complete and close cleanly. */
export function runCase(script: Script, plan: Plan, dict: Dictionary, onFeed?: (chunk: Uint8Array) => void): CaseResult {
  const rng = new Rng(plan.seed ^ 0x5bd1e995);
  const log: string[] = [];
  const flights = genuineFlights(script);
  for (const m of plan.mutations) if (m.stage === 'sequence') log.push(mutateSequence(flights, rng, dict));

  const { sut, random } = makeSut(script);
  const peer = new ScriptedPeer(script);
  const judge = new Judge(sut, random, (b) => peer.observe(b), onFeed);
  for (let f = 0; f < flights.length; f++) {
    if (sut.state === 'failed' || sut.state === 'closed') break;
    // Build the flight now: the peer's transcript and keys include the SUT's answers so far.
    const recs: PlainRecord[] = [];
    for (const item of flights[f]!) {
      switch (item.t) {
        case 'hs':
          note(peer, item.raw);
          recs.push({ type: 22, data: item.raw });
          break;
        case 'finished': {
          const raw = peer.message('finished', item.broken);
          note(peer, raw);
          recs.push({ type: 22, data: raw });
          break;
        }
        case 'ccs':
          recs.push({ type: 20, data: Uint8Array.of(1), ccs: true });
          break;
        case 'app':
          recs.push({ type: 23, data: item.data });
          break;
        case 'alert':
          recs.push({ type: 21, data: Uint8Array.of(item.level, item.desc) });
          break;
        case 'empty':
          recs.push({ type: item.type, data: new Uint8Array(0) });
          break;
        case 'raw':
          recs.push({ type: -1, data: item.bytes, raw: true });
          break;
      }
    }
    for (const m of plan.mutations) if (m.stage === 'record' && m.flight === f) log.push(mutateRecords(recs, rng));
    const wire: Uint8Array[] = recs.map((r) =>
      r.raw ? r.data : r.ccs ? peer.send({ kind: 'change_cipher_spec' }) : peer.seal(r.type, r.data),
    );
    for (const m of plan.mutations) if (m.stage === 'wire' && m.flight === f) log.push(mutateWire(wire, rng));
    let bytes = concatBytes(wire);
    for (const m of plan.mutations) if (m.stage === 'bytes' && m.flight === f) {
      bytes = mutateBytes(bytes, rng);
      log.push('bytes');
    }
    feed(judge, bytes, plan.chunking, rng);
  }
  return { ...judge.finish(), plan, log };
}

function feed(judge: Judge, bytes: Uint8Array, chunking: Plan['chunking'], rng: Rng): void {
  if (bytes.length === 0) return;
  if (chunking === 'whole') {
    judge.feed(bytes);
    return;
  }
  for (let off = 0; off < bytes.length; ) {
    const n = chunking === 'bytewise' ? 1 : 1 + rng.int(rng.chance(0.3) ? 8 : 700);
    judge.feed(bytes.subarray(off, Math.min(bytes.length, off + n)));
    off += n;
  }
}

export type { Role };

// ---- campaigns: which case comes next, and what is kept of a failure ----------------------------------------

export interface Scripts {
  readonly client: readonly Script[];
  readonly server: readonly Script[];
}

export interface CaseSpec {
  readonly index: number;
  readonly role: Role;
  readonly script: Script;
  readonly plan: Plan;
}

/** Case `index` of the campaign seeded with `seed`: roles alternate, the handshake and mutations come from the case seed. */
export function caseSpec(scripts: Scripts, seed: number, index: number): CaseSpec {
  const role: Role = index % 2 === 0 ? 'client' : 'server';
  const s = caseSeed(seed, index);
  const list = scripts[role];
  const script = list[mix32(s) % list.length]!;
  return { index, role, script, plan: makePlan(s, genuineFlights(script).length) };
}

/** A corpus entry: enough to replay a run exactly (test/fuzz/corpus.test.ts) and to say what it should give. */
export interface CorpusEntry {
  readonly description: string;
  readonly role: Role;
  readonly script: string;
  /** Where it came from: `--seed S --case I` of `npm run fuzz`. */
  readonly origin?: string;
  /** The bytes fed to the SUT, chunk by chunk (hex). */
  readonly chunks: readonly string[];
  /** The correct outcome: the handshake completed or not, and `closed` or `CODE:alert`. */
  readonly expect: { readonly handshake: boolean; readonly end: string };
  /** For a failure: the broken invariants, and the mutations that led there. */
  readonly violations?: readonly string[];
  readonly log?: readonly string[];
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** How an outcome ends, in corpus terms. */
export const endOf = (o: Outcome): string => (o.error ? `${o.error.code}:${o.error.alert}` : o.closed ? 'closed' : 'open');

export function toCorpusEntry(spec: CaseSpec, seed: number, r: CaseResult, description: string): CorpusEntry {
  return {
    description,
    role: spec.role,
    script: spec.script.name,
    origin: `--seed ${seed} --case ${spec.index}`,
    chunks: r.chunks.map(hex),
    expect: { handshake: r.handshake, end: endOf(r) },
    violations: r.violations,
    log: r.log,
  };
}
