// npm run bench: every figure set of docs/benchmarks.md in one run, then the report. Each benchmark runs
// in its own process, one after the other (never two at once: they would measure each other).
//   npm run bench [-- --quick] [-- --no-build] [-- --only=handshake,bulk,...] [-- --out=DIR]
// --quick: short runs (fewer rounds, smaller transfers, 200 idle connections) to check the machinery.
// --no-build: use the packages' dist as it is (default: `npm run build` first, so dist matches the source).
// --out=DIR: results to DIR and the report to DIR/docs instead of bench/results and docs/ (for a --quick
//   check that must not replace the committed figures); passed on as SANSTLS_BENCH_OUT.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ROOT } from './lib/stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
if (out) process.env.SANSTLS_BENCH_OUT = resolve(out); // every step (and the report) inherits it
const flags = quick ? ['--quick'] : [];
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(title: string, cmd: string, argv: string[]): boolean {
  console.log(`\n### ${title}`);
  const t = performance.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`### ${title}: ${ok ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return ok;
}

const t0 = performance.now();
if (!args.includes('--no-build') && !run('build', 'npm', ['run', 'build', '--silent'])) process.exit(1);
const steps: [string, string][] = [
  ['crypto', 'crypto.ts'], // the foundation issue's record-crypto benchmark, unchanged
  ['handshake', 'handshake.ts'],
  ['bulk', 'bulk.ts'],
  ['peers', 'peers.ts'],
  ['memory', 'memory.ts'],
  ['coldstart', 'coldstart.ts'],
  ['profile', 'profile.ts'],
];
const failed: string[] = [];
for (const [name, file] of steps) {
  if (only && !only.includes(name)) continue;
  if (!run(name, tsx, [join(ROOT, 'bench', file), ...flags])) failed.push(name);
}
run('report', tsx, [join(ROOT, 'bench', 'report.ts')]);
console.log(`\nnpm run bench: ${((performance.now() - t0) / 1000).toFixed(0)} s${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);
