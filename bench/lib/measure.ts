// Throughput measurement: run an operation in timed batches, interleaving implementations round by round
// so that the machine's noise (shared, 2 cores) falls on all of them alike; report the median and spread.
// Time is this process's CPU time (user + system), not wall time: on a shared machine the wall clock also
// counts the time other processes held the core, which would fall unevenly on the implementations.

export interface Sample {
  median: number; // MB/s (10^6 bytes per second)
  min: number;
  max: number;
  runs: number;
}

export type Op = () => unknown;

/** CPU milliseconds used by this process so far. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `op` for at least `ms` CPU milliseconds; returns MB/s for `bytes` bytes per call. */
function batch(op: Op, bytes: number, ms: number): number {
  let calls = 0;
  let sink: unknown;
  // Reading the CPU clock is a system call (~1 µs): grow the inner loop until it runs ≥ 1 ms per reading,
  // so the clock's cost stays out of small operations' figures.
  let inner = 8;
  const start = cpuMs();
  let now = start;
  do {
    const t = now;
    for (let i = 0; i < inner; i++) sink = op();
    calls += inner;
    now = cpuMs();
    if (now - t < 1) inner *= 2;
  } while (now - start < ms);
  if (sink === Symbol.for('never')) console.log(sink);
  return (calls * bytes) / ((now - start) / 1000) / 1e6;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Measures each implementation `rounds` times after a warm-up, interleaved; returns samples by name. */
export function compare(
  impls: Record<string, Op>,
  bytes: number,
  { rounds = 7, ms = 60, warmupMs = 150 } = {},
): Record<string, Sample> {
  const names = Object.keys(impls);
  for (const n of names) batch(impls[n]!, bytes, warmupMs);
  const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...names].reverse() : names) runs[n]!.push(batch(impls[n]!, bytes, ms));
  }
  return Object.fromEntries(
    names.map((n) => {
      const xs = runs[n]!;
      return [n, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length }];
    }),
  );
}
