import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatSummary, runLimbo } from '../scripts/limbo-lib.js';

const FILE = fileURLToPath(new URL('../../../../shared/vectors/x509-limbo/limbo-core.json', import.meta.url));

/** Correct results reached when this floor was set; it may only go up. */
const CORRECT_FLOOR = 189;

describe('x509-limbo (limbo-core.json)', () => {
  it('has the vectors', () => {
    expect(existsSync(FILE)).toBe(true);
  });

  it('never accepts a chain limbo expects to fail, and keeps its pass count', () => {
    const run = runLimbo(FILE);
    console.log(`x509-limbo summary\n${formatSummary(run)}`);
    if (run.wrongRejects.length > 0) console.log(`wrong rejects:\n  ${run.wrongRejects.join('\n  ')}`);
    expect(run.wrongAccepts).toEqual([]);
    expect(run.total.pass).toBeGreaterThanOrEqual(CORRECT_FLOOR);
    // Every skip names the feature it is about.
    for (const r of run.results.filter((x) => x.actual_result === 'SKIPPED')) expect(r.context.length).toBeGreaterThan(10);
    expect(run.results.length).toBe(208);
  });
});
