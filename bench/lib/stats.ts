// Small statistics and bookkeeping shared by the end-to-end benchmarks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_RESULTS = join(ROOT, 'bench', 'results');
/**
 * Where results go: bench/results (the committed figures) unless `--out=DIR` or SANSTLS_BENCH_OUT names
 * another directory, e.g. for a `--quick` check that must not replace the committed figures. With another
 * directory the report (bench/report.ts) writes its benchmarks.md and charts under DIR/docs too.
 */
const out = process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? process.env.SANSTLS_BENCH_OUT;
export const RESULTS = out ? resolve(out) : DEFAULT_RESULTS;
export const DOCS = RESULTS === DEFAULT_RESULTS ? join(ROOT, 'docs') : join(RESULTS, 'docs');

export interface Spread { median: number; min: number; max: number; runs: number }

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(xs: readonly number[], digits = 1): Spread {
  const r = (v: number) => +v.toFixed(digits);
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), runs: xs.length };
}

/** CPU milliseconds (user + system) used by this process so far. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function machine(): string {
  const c = cpus();
  return `${c[0]?.model?.trim() ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}`;
}

export const quick = process.argv.includes('--quick');

export function writeResult(name: string, data: object): void {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), date: new Date().toISOString(), quick, ...data }, null, 1) + '\n');
  console.log(`wrote ${file}`);
}

export function readResult<T = any>(name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS, `${name}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
