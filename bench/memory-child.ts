// One side of the idle-connection memory benchmark, in its own process (run with --expose-gc), driven by
// bench/memory.ts over IPC. role 'client': opens `count` connections to the parent's node:tls server;
// role 'server': listens and the parent connects `count` node:tls clients. It reports memory after
// start-up plus one connection opened and closed (the baseline: code loaded, WASM instantiated), and
// again with all connections established and idle. Both readings after forced full GCs.
//   node --expose-gc --import tsx bench/memory-child.ts <pki-dir> <stack> <client|server> <count> [port]
import type { Duplex } from 'node:stream';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { makePki } from './lib/pki.js';
import { connectClient, openUpTo, startServer, type Stack } from './lib/impls.js';
import { sleep } from './lib/stats.js';

const [dir, stack, role, countArg, portArg] = process.argv.slice(2) as [string, Stack, 'client' | 'server', string, string?];
const pki = makePki(dir);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc!;
const send = (m: object) => process.send!(m);

// Idle means idle: V8 grows the young generation (new space, up to 2 × 16 MiB) while the handshakes
// allocate fast and shrinks it again only at a GC that sees a low allocation rate over its recent window
// (5 s). Without that wait the young generation's growth, a fixed cost of the burst of handshakes, would
// be counted as per-connection memory (24 KiB of a sanstls connection's RSS figure in one run; node:tls
// allocates less JS per handshake and grows it less). So: wait out the window, then forced full GCs until
// the young generation is back to V8's initial size (1 MiB, at most 30 s).
const youngKiB = () => Math.round(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.physical_space_size / 1024);

async function settle() {
  await sleep(6000);
  for (let waited = 6000; ; waited += 1000) {
    for (let i = 0; i < 4; i++) {
      gc();
      await sleep(20);
    }
    if (youngKiB() <= 1024 || waited >= 30_000) break;
    await sleep(1000);
  }
}
// With SANSTLS_HEAP_SNAPSHOT=<prefix>: V8 heap snapshots next to the readings, <prefix>.before/.after.heapsnapshot
// (bench/memory.ts breaks the heap growth down by constructor from them).
const snapshotPrefix = process.env.SANSTLS_HEAP_SNAPSHOT;
function snapshot(when: 'before' | 'after') {
  if (snapshotPrefix) writeHeapSnapshot(`${snapshotPrefix}.${when}.heapsnapshot`);
}

async function reading() {
  await settle();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, youngKiB: youngKiB() };
}

const keep: Duplex[] = [];
// Readings before the connections, with half of them open (`mid`), and with all: the second half's growth
// per connection is the marginal cost of one more idle connection, free of whatever slack the baseline
// process had (freed pages the first connections reuse).
const half = Math.floor(count / 2);
if (role === 'client') {
  const port = Number(portArg);
  const open = () => connectClient({ stack, pki, key: 'ecdsa', cipher: 'AES-128-GCM', port });
  (await open()).destroy();
  const before = await reading();
  snapshot('before');
  await openUpTo(keep, half, open);
  const mid = await reading();
  await openUpTo(keep, count, open);
  const after = await reading();
  snapshot('after');
  send({ before, mid, midConnections: half, after, connections: keep.length });
} else {
  let secure = 0;
  const waiting = new Map<number, () => void>();
  const srv = await startServer({
    stack, pki, key: 'ecdsa', cipher: 'AES-128-GCM',
    onSecure: (s) => {
      keep.push(s);
      waiting.get(++secure)?.();
    },
  });
  // Resolves once `n` connections are established (the parent's first, closed one included).
  const established = (n: number) => new Promise<void>((r) => (secure >= n ? r() : waiting.set(n, r)));
  send({ port: srv.port });
  // The parent opens one connection, closes it, and says 'baseline'; then it opens half of `count`, waits
  // for the mid reading, and opens the rest.
  await new Promise<void>((r) => process.once('message', () => r()));
  keep.splice(0).forEach((s) => s.destroy());
  const before = await reading();
  snapshot('before');
  send({ ready: true });
  await established(1 + half);
  const mid = await reading();
  send({ mid: true });
  await established(1 + count);
  const after = await reading();
  snapshot('after');
  send({ before, mid, midConnections: half, after, connections: keep.length });
}
await new Promise<void>((r) => process.once('message', () => r())); // 'exit': the parent is done
process.exit(0);
