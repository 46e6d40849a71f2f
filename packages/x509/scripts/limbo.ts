// npm run limbo -- FILE [--out RESULTS.json] [--verbose]
// Runs an x509-limbo file, writes the standard results JSON and prints pass/fail/skip per family.

import { writeFileSync } from 'node:fs';
import { formatSummary, runLimbo } from './limbo-lib.js';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1] : undefined;
if (!file) {
  console.error('usage: npm run limbo -- FILE [--out RESULTS.json] [--verbose]');
  process.exit(2);
}
const run = runLimbo(file);
if (out) {
  writeFileSync(out, `${JSON.stringify({ version: 1, harness: 'sanstls', results: run.results }, null, 2)}\n`);
}
console.log(formatSummary(run));
if (args.includes('--verbose')) {
  for (const r of run.results.filter((x) => x.actual_result === 'SKIPPED')) console.log(`SKIP ${r.id}: ${r.context}`);
  for (const id of run.wrongRejects) console.log(`WRONG REJECT ${id}`);
}
for (const id of run.wrongAccepts) console.log(`WRONG ACCEPT ${id}`);
process.exit(run.wrongAccepts.length > 0 ? 1 : 0);
