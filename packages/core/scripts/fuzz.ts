// npm run fuzz [-- --seconds 60] [--seed N] [--case I] [--replay file.json] [--hang-seconds 10]
//
// The long run of the handshake mutation fuzzer (packages/core/test/fuzz/engine.ts) against ClientConnection and
// ServerConnection, under the oracle of test/fuzz/harness.ts (no exception out of the API, one TlsError with a
// stable code or a clean completion, bounded buffers, work bounded by the bytes fed). The cases run in a worker
// thread; the main thread is a watchdog: a case that makes no progress for --hang-seconds is a hang, and the
// bytes fed so far (mirrored into shared memory before each receive()) are written out.
//
// Every failing input goes to test-results/fuzz/<role>-<handshake>-<seed>-<case>.json, in the corpus format of
// test/fuzz/corpus/ (replayed by test/fuzz/corpus.test.ts once copied there), and the exit code is 1.
//   --seed N      the campaign seed (default: random, printed); case I of seed N is always the same input
//   --case I      run only that case (prints its mutations and outcome)
//   --replay F    replay a corpus or failure file and print its outcome
//   --corpus      (re)make test/fuzz/corpus/*.json: each file says what it stands for (role, recorded
//                 handshake, outcome, and the final state in its description); it becomes the case of its
//                 seed (origin; default 20241) that ends that way: its own case if that still does, else the
//                 first such case. A file with no chunks is a wish: add one, run this, and it is filled. Needed
//                 whenever the handshakes change (a recorded input then no longer replays to its outcome).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { caseSpec, endOf, hex, runCase, toCorpusEntry, unhex, makeDictionary, type CaseResult, type CaseSpec, type CorpusEntry } from '../test/fuzz/engine.js';
import { findScript, loadScripts, replay, signature, type Role } from '../test/fuzz/harness.js';

const OUT_DIR = join(process.cwd(), 'test-results', 'fuzz');
/** Shared memory the worker mirrors the current case into: [progress, case, byte count] then the chunks. */
const SHARED_BYTES = 4 << 20;

interface Args {
  seconds: number;
  seed: number;
  case: number | undefined;
  replay: string | undefined;
  hangSeconds: number;
  corpus: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seconds: 60, seed: (Date.now() ^ (process.pid << 16)) >>> 0, case: undefined, replay: undefined, hangSeconds: 10, corpus: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const num = () => {
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n)) throw new Error(`${a} needs a number`);
      i++;
      return n;
    };
    if (a === '--seconds') args.seconds = num();
    else if (a === '--seed') args.seed = num() >>> 0;
    else if (a === '--case') args.case = num();
    else if (a === '--hang-seconds') args.hangSeconds = num();
    else if (a === '--replay') {
      if (!v) throw new Error('--replay needs a file');
      args.replay = v;
      i++;
    } else if (a === '--corpus') args.corpus = true;
    else throw new Error(`unknown argument ${a} (use --seconds, --seed, --case, --replay, --hang-seconds, --corpus)`);
  }
  return args;
}

// ---- the worker: runs cases, reports failures and statistics ----------------------------------------------------

type WorkerMessage =
  | { t: 'ready'; scripts: string[]; unavailable: string[] }
  | { t: 'failure'; entry: CorpusEntry }
  | { t: 'done'; executions: number; outcomes: [string, number][]; completedMutated: number; bytes: number; slowest: number };

function worker(): void {
  const { seed, seconds, sab } = workerData as { seed: number; seconds: number; sab: SharedArrayBuffer };
  const head = new Int32Array(sab, 0, 4);
  const body = new Uint8Array(sab, 16);
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const scripts = loadScripts();
  const dict = makeDictionary([...scripts.client, ...scripts.server]);
  post({ t: 'ready', scripts: [...scripts.client.map((s) => `client:${s.name}`), ...scripts.server.map((s) => `server:${s.name}`)], unavailable: scripts.unavailable });
  const outcomes = new Map<string, number>();
  const seen = new Set<string>();
  const end = performance.now() + seconds * 1000;
  let executions = 0;
  let completedMutated = 0;
  let bytes = 0;
  let slowest = 0;
  for (let index = 0; performance.now() < end; index++) {
    const spec = caseSpec(scripts, seed, index);
    Atomics.store(head, 1, index);
    Atomics.store(head, 2, 0);
    const r = runCase(spec.script, spec.plan, dict, (chunk) => {
      // Mirror the chunk for the watchdog: [length u32][bytes], while it fits.
      let at = Atomics.load(head, 2);
      if (at + 4 + chunk.length <= body.length) {
        new DataView(sab, 16 + at, 4).setUint32(0, chunk.length);
        body.set(chunk, at + 4);
        at += 4 + chunk.length;
        Atomics.store(head, 2, at);
      }
      Atomics.add(head, 0, 1);
    });
    Atomics.add(head, 0, 1);
    executions++;
    bytes += r.bytesIn;
    slowest = Math.max(slowest, r.ms);
    const sig = signature(spec.role, r);
    outcomes.set(sig, (outcomes.get(sig) ?? 0) + 1);
    if (r.handshake && spec.plan.mutations.length > 0) completedMutated++;
    if (r.violations.length > 0) {
      // One file per kind of violation (its first line, numbers removed), not thousands of the same.
      const kind = `${spec.role}:${r.violations[0]!.split('\n')[0]!.replace(/\d+/g, 'N')}`;
      if (!seen.has(kind)) {
        seen.add(kind);
        post({ t: 'failure', entry: toCorpusEntry(spec, seed, r, `fuzz failure: ${r.violations[0]!.split('\n')[0]}`) });
      }
    }
  }
  post({ t: 'done', executions, outcomes: [...outcomes], completedMutated, bytes, slowest });
}

// ---- the main thread ---------------------------------------------------------------------------------------------

function writeEntry(entry: CorpusEntry, name: string): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(entry, null, 1)}\n`);
  return file;
}

function runOne(args: Args): number {
  const scripts = loadScripts();
  const spec = caseSpec(scripts, args.seed, args.case!);
  const r = runCase(spec.script, spec.plan, makeDictionary([...scripts.client, ...scripts.server]));
  console.log(`case ${args.case} of seed ${args.seed}: ${spec.role} ${spec.script.name}, ${JSON.stringify(spec.plan)}`);
  console.log(`mutations: ${r.log.join(', ') || '(none)'}`);
  console.log(`outcome: ${signature(spec.role, r)} after ${r.bytesIn} bytes in ${r.chunks.length} chunks, ${r.ms.toFixed(1)} ms`);
  if (r.error) console.log(`error: ${r.error.code} (${r.error.alert}): ${r.error.message}`);
  for (const v of r.violations) console.log(`VIOLATION: ${v}`);
  if (r.violations.length) console.log(`written to ${writeEntry(toCorpusEntry(spec, args.seed, r, `fuzz failure: ${r.violations[0]}`), `${spec.role}-${spec.script.name}-${args.seed}-${spec.index}`)}`);
  return r.violations.length ? 1 : 0;
}

function runReplay(file: string): number {
  const entry = JSON.parse(readFileSync(file, 'utf8')) as CorpusEntry;
  const r = replay(findScript(entry.role, entry.script), entry.chunks.map(unhex));
  console.log(`${file}: ${signature(entry.role, r)}; expected ${entry.expect.handshake ? 'handshake' : 'no-handshake'} ${entry.expect.end}`);
  if (r.error) console.log(`error: ${r.error.code} (${r.error.alert}): ${r.error.message}`);
  for (const v of r.violations) console.log(`VIOLATION: ${v}`);
  return r.violations.length || endOf(r) !== entry.expect.end || r.handshake !== entry.expect.handshake ? 1 : 0;
}

const CORPUS_DIR = new URL('../test/fuzz/corpus/', import.meta.url);
/** The seed the committed corpus was drawn from. */
const CORPUS_SEED = 20241;
/** Cases of one role and handshake tried per corpus file before giving up. */
const CORPUS_BUDGET = 20_000;

/** How corpus entries describe their outcome (corpus.test.ts prints it). */
function describeOutcome(spec: CaseSpec, r: CaseResult): string {
  const how = r.handshake && r.closed ? 'still completes' : `ends with ${endOf(r)} in state ${r.state}`;
  return `${spec.role} ${spec.script.name}, mutations ${r.log.join(' + ')}: ${how}`;
}

function regenerateCorpus(): number {
  const scripts = loadScripts();
  const dict = makeDictionary([...scripts.client, ...scripts.server]);
  const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json')).sort();
  let missing = 0;
  for (const file of files) {
    const want = JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8')) as CorpusEntry;
    const [, seedText, caseText] = /--seed (\d+) --case (\d+)/.exec(want.origin ?? '') ?? [];
    const seed = seedText ? Number(seedText) : CORPUS_SEED;
    const state = /in state (\w+)/.exec(want.description)?.[1];
    const fits = (spec: CaseSpec, r: CaseResult, strict: boolean) =>
      spec.role === want.role && spec.script.name === want.script && spec.plan.mutations.length > 0 && r.violations.length === 0 &&
      r.handshake === want.expect.handshake && endOf(r) === want.expect.end && (!strict || state === undefined || r.state === state);
    const tryCase = (index: number, strict: boolean) => {
      const spec = caseSpec(scripts, seed, index);
      if (spec.role !== want.role || spec.script.name !== want.script) return undefined;
      const r = runCase(spec.script, spec.plan, dict);
      return fits(spec, r, strict) ? { spec, r } : undefined;
    };
    let found = caseText !== undefined ? tryCase(Number(caseText), true) : undefined;
    for (const strict of [true, false]) {
      for (let index = 0, tried = 0; !found && tried < CORPUS_BUDGET; index++) {
        if (caseSpec(scripts, seed, index).role !== want.role || caseSpec(scripts, seed, index).script.name !== want.script) continue;
        tried++;
        found = tryCase(index, strict);
      }
      if (found) break;
    }
    if (!found) {
      missing++;
      console.log(`${file}: no case of seed ${seed} within ${CORPUS_BUDGET} ends with ${want.expect.handshake ? 'handshake' : 'no-handshake'} ${want.expect.end}${state ? ` in ${state}` : ''}`);
      continue;
    }
    const { spec, r } = found;
    const entry: CorpusEntry = {
      description: describeOutcome(spec, r),
      role: spec.role,
      script: spec.script.name,
      origin: `--seed ${seed} --case ${spec.index}`,
      chunks: r.chunks.map(hex),
      expect: { handshake: r.handshake, end: endOf(r) },
      log: r.log,
    };
    writeFileSync(new URL(file, CORPUS_DIR), `${JSON.stringify(entry, null, 1)}\n`);
    console.log(`${file}: ${entry.origin}: ${entry.description}`);
  }
  return missing ? 1 : 0;
}

async function campaign(args: Args): Promise<number> {
  console.log(`fuzz: seed ${args.seed}, ${args.seconds} s (reproduce a case: npm run fuzz -- --seed ${args.seed} --case I)`);
  const sab = new SharedArrayBuffer(16 + SHARED_BYTES);
  const head = new Int32Array(sab, 0, 4);
  // The worker runs this same file, through tsx's loader (a worker does not inherit the loader hooks).
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const w = new Worker(boot, { eval: true, workerData: { seed: args.seed, seconds: args.seconds, sab } });
  const failures: string[] = [];
  let done: Extract<WorkerMessage, { t: 'done' }> | undefined;
  let hung = false;
  let started = false; // the watchdog starts with the first case, not while the handshakes are recorded
  const t0 = performance.now();
  let last = -1;
  let lastChange = performance.now();
  const watchdog = setInterval(() => {
    const p = Atomics.load(head, 0);
    if (!started) return;
    if (p !== last) {
      last = p;
      lastChange = performance.now();
      return;
    }
    if (performance.now() - lastChange < args.hangSeconds * 1000 || hung) return;
    hung = true;
    // The case that hangs: its bytes fed so far, from shared memory.
    const index = Atomics.load(head, 1);
    const used = Atomics.load(head, 2);
    const chunks: string[] = [];
    for (let at = 0; at < used; ) {
      const n = new DataView(sab, 16 + at, 4).getUint32(0);
      chunks.push(hex(new Uint8Array(sab, 16 + at + 4, n).slice()));
      at += 4 + n;
    }
    const spec = caseSpec(loadScripts(), args.seed, index);
    const entry: CorpusEntry = {
      description: `fuzz failure: hang (no progress for ${args.hangSeconds} s inside receive())`,
      role: spec.role,
      script: spec.script.name,
      origin: `--seed ${args.seed} --case ${index}`,
      chunks,
      expect: { handshake: false, end: '?' },
      violations: [`hang: no progress for ${args.hangSeconds} s`],
    };
    failures.push(writeEntry(entry, `${spec.role}-${spec.script.name}-${args.seed}-${index}-hang`));
    console.log(`HANG in case ${index} (${spec.role} ${spec.script.name}): written to ${failures.at(-1)}`);
    void w.terminate();
  }, 500);
  await new Promise<void>((resolve) => {
    w.on('message', (m: WorkerMessage) => {
      if (m.t === 'ready') {
        started = true;
        lastChange = performance.now();
        console.log(`recorded handshakes: ${m.scripts.join(', ')}`);
        if (m.unavailable.length) console.log(`not completing (not fuzzed): ${m.unavailable.join(', ')}`);
      } else if (m.t === 'failure') {
        const [, index] = /--case (\d+)/.exec(m.entry.origin ?? '') ?? [];
        const file = writeEntry(m.entry, `${m.entry.role}-${m.entry.script}-${args.seed}-${index}`);
        failures.push(file);
        console.log(`FAILURE (${m.entry.origin}): ${m.entry.violations?.[0]?.split('\n')[0]}\n  written to ${file}`);
      } else done = m;
    });
    w.on('error', (e) => {
      console.log(`worker error: ${e.stack ?? e}`);
      failures.push('worker error');
      resolve();
    });
    w.on('exit', () => resolve());
  });
  clearInterval(watchdog);
  const secs = (performance.now() - t0) / 1000;
  if (done) {
    const outcomes = done.outcomes.sort((a, b) => b[1] - a[1]);
    console.log(`\n${done.executions} executions in ${secs.toFixed(1)} s (${(done.executions / secs).toFixed(0)}/s), ${(done.bytes / 1e6).toFixed(1)} MB fed, slowest case ${done.slowest.toFixed(0)} ms`);
    console.log(`${outcomes.length} distinct outcomes (role, handshake or not, end, machine state); mutated cases that still completed: ${done.completedMutated}`);
    for (const role of ['client', 'server'] as Role[]) {
      const mine = outcomes.filter(([k]) => k.startsWith(role));
      console.log(`  ${role}: ${mine.length} outcomes; most frequent:`);
      for (const [k, n] of mine.slice(0, 12)) console.log(`    ${String(n).padStart(7)}  ${k.slice(role.length + 1)}`);
    }
  }
  console.log(`\n${failures.length} failure${failures.length === 1 ? '' : 's'}${failures.length ? `: ${failures.join(', ')}` : ''}`);
  return failures.length || hung ? 1 : 0;
}

if (!isMainThread) {
  worker();
} else {
  const args = parseArgs(process.argv.slice(2));
  const code = args.corpus ? regenerateCorpus() : args.replay ? runReplay(args.replay) : args.case !== undefined ? runOne(args) : await campaign(args);
  process.exit(code);
}
