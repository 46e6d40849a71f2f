// npm run model: the handshake model read from the XState machines. Prints, per machine, the reachable
// states, the events each state accepts (with their guards), and how many transitions the model tests
// exercised (from test-results/model-coverage/*.json, written by `npx vitest run packages/core/test/model`),
// then writes the diagrams into docs/. `--check` writes nothing and exits 1 when docs/ is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, COVERAGE_DIR, describeTransition, generatedDocs, observationMatches, readCoverage, REPO_ROOT, ROLES, UNREACHABLE, type Observation } from './handshake-model.js';

const check = process.argv.includes('--check');
const coverage = readCoverage();
const out: string[] = [];
const say = (s = '') => out.push(s);

if (coverage.length === 0) say(`(no coverage recorded in ${COVERAGE_DIR}: run \`npx vitest run packages/core/test/model\` first)\n`);

for (const role of ROLES) {
  const m = buildModel(role);
  const obs = coverage.filter((o) => o.machine === role);
  const listed = m.transitions.filter((t) => t.branch !== 'unexpected');
  const wildcard = m.transitions.filter((t) => t.branch === 'unexpected' && t.wire);
  const hit = (t: (typeof m.transitions)[number]) => obs.some((o) => observationMatches(m, t, o));
  const visited = new Set(obs.flatMap((o) => [o.from, o.to]));
  say(`${role} machine (${m.id}): ${m.states.length} reachable states, a new connection starts in ${m.connectionInitial}`);
  for (const s of m.states) {
    const ts = m.transitions.filter((t) => t.from === s && t.branch !== 'unexpected');
    const unexpected = m.transitions.filter((t) => t.from === s && t.branch === 'unexpected' && t.wire).length;
    const flag = visited.has(s) ? '✓' : m.internalStates.includes(s) ? '·' : '✗';
    say(`  ${flag} ${s}${m.internalStates.includes(s) ? ' (constructor only)' : ''}${m.finalStates.includes(s) ? ' (final)' : ''}   path: ${m.paths[s]!.join(' → ') || '(initial)'}`);
    for (const t of ts) {
      const guard = t.guard ? ` ${t.branch === 'fail' ? '✗' : t.branch === 'else' ? 'else ✗' : ''}[${t.guard}]` : '';
      const unreachable = UNREACHABLE[role][describeTransition(t)];
      say(`      ${hit(t) ? '✓' : unreachable ? '·' : '✗'} ${t.event}${guard} → ${t.to}${t.actions.length ? ` / ${t.actions.join(', ')}` : ''}${t.reraise ? ' (event re-read there)' : ''}${t.wire ? '' : ' (not a message: from the API or the connection)'}${unreachable && !hit(t) ? ` (unreachable: ${unreachable})` : ''}`);
    }
    if (unexpected) {
      const n = m.transitions.filter((t) => t.from === s && t.branch === 'unexpected' && t.wire && hit(t)).length;
      const mark = m.internalStates.includes(s) ? '·' : n === unexpected ? '✓' : '✗';
      say(`      ${mark} ${unexpected} other wire events → failed (unexpected_message): ${n} exercised`);
    }
  }
  const testable = (t: { from: string }) => !m.internalStates.includes(t.from);
  const statesSeen = m.states.filter((s) => visited.has(s) && !m.internalStates.includes(s)).length;
  say(`  states exercised: ${statesSeen}/${m.states.length - m.internalStates.length} reachable from the wire (+${m.internalStates.length} constructor-only)`);
  const unreachable = listed.filter((t) => UNREACHABLE[role][describeTransition(t)] !== undefined).length;
  say(`  listed transitions exercised: ${listed.filter(hit).length}/${listed.length}${unreachable ? ` (${unreachable} unreachable, marked ·)` : ''}`);
  say(`  unexpected_message pairs exercised: ${wildcard.filter(hit).length}/${wildcard.filter(testable).length} (+${wildcard.length - wildcard.filter(testable).length} in constructor-only states)`);
  const rules = new Map<string, Observation[]>();
  for (const o of obs.filter((x) => x.event.startsWith('record:') || x.event.startsWith('api:'))) rules.set(o.event, [...(rules.get(o.event) ?? []), o]);
  if (rules.size) {
    say(`  connection-level inputs (alerts, empty and malformed records, API calls the connection refuses), states × outcomes:`);
    for (const [ev, os] of [...rules].sort()) {
      const outcomes = [...new Set(os.map((o) => (o.alert ? `fatal ${o.alert}` : o.to === o.from ? 'no change' : o.to)))];
      say(`      ${ev}: ${new Set(os.map((o) => o.from)).size} states → ${outcomes.join(', ')}`);
    }
  }
  say();
}

const overviewPath = join(REPO_ROOT, 'docs', 'handshake.md');
const docs = generatedDocs(existsSync(overviewPath) ? readFileSync(overviewPath, 'utf8') : '');
let stale = 0;
for (const [rel, text] of Object.entries(docs)) {
  const path = join(REPO_ROOT, rel);
  const same = existsSync(path) && readFileSync(path, 'utf8') === text;
  if (same) say(`${rel}: up to date`);
  else if (check) {
    stale++;
    say(`${rel}: STALE (run npm run model)`);
  } else {
    writeFileSync(path, text);
    say(`${rel}: written`);
  }
}
console.log(out.join('\n'));
if (stale) process.exit(1);
