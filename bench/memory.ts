// Memory per established idle connection: for each stack, a child process (--expose-gc) holds `count`
// TLS connections to or from a node:tls peer in this process, after a baseline with everything loaded.
// Per connection = (with connections − baseline) / count, for RSS, V8 heap used and external memory
// (ArrayBuffers and WASM memory included), each reading once the child is idle (see settle() in
// memory-child.ts: V8's young generation back to its initial size). The node:tls peer is the same for every stack, so only the
// side under test is in the child. Note: the net.Socket under each TLS socket is counted too (alike in
// all stacks); node:tls's OpenSSL state is malloc'd, so it shows in RSS, not in heap or external.
//   tsx bench/memory.ts [--quick]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { heapGrowth, type HeapGroup } from './lib/heap-diff.js';
import { makePki } from './lib/pki.js';
import { connectClient, openUpTo, startServer, type Stack } from './lib/impls.js';
import { quick, ROOT, spread, writeResult } from './lib/stats.js';

const count = quick ? 200 : 1000;
const runs = quick ? 1 : 3;
const pki = makePki();
type Mem = { rss: number; heapUsed: number; external: number; arrayBuffers: number };
interface Report { before: Mem; mid: Mem; midConnections: number; after: Mem; connections: number }

/** snapshots: a path prefix for the child's heap snapshots (the breakdown run), or none. */
let snapshots: string | undefined;
function child(stack: Stack, role: 'client' | 'server', port?: number): ChildProcess {
  return fork(join(ROOT, 'bench', 'memory-child.ts'), [pki.dir, stack, role, String(count), ...(port ? [String(port)] : [])], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(snapshots ? { env: { ...process.env, SANSTLS_HEAP_SNAPSHOT: snapshots } } : {}),
  });
}
const nextMessage = <T>(c: ChildProcess) => new Promise<T>((resolve, reject) => {
  c.once('message', (m) => resolve(m as T));
  c.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
});

async function clientSide(stack: Stack): Promise<Report> {
  const held: Duplex[] = [];
  const srv = await startServer({ stack: 'node:tls', pki, key: 'ecdsa', cipher: 'AES-128-GCM', onSecure: (s) => held.push(s) });
  const c = child(stack, 'client', srv.port);
  const r = await nextMessage<Report>(c);
  c.send('exit');
  await new Promise((res) => c.once('exit', res));
  held.forEach((s) => s.destroy());
  await srv.close();
  return r;
}

async function serverSide(stack: Stack): Promise<Report> {
  const c = child(stack, 'server');
  const { port } = await nextMessage<{ port: number }>(c);
  const open = () => connectClient({ stack: 'node:tls', pki, key: 'ecdsa', cipher: 'AES-128-GCM', port });
  (await open()).destroy();
  c.send('baseline');
  await nextMessage(c);
  const held: Duplex[] = [];
  const midDone = nextMessage(c);
  await openUpTo(held, Math.floor(count / 2), open);
  await midDone;
  const done = nextMessage<Report>(c);
  await openUpTo(held, count, open);
  const r = await done;
  c.send('exit');
  await new Promise((res) => c.once('exit', res));
  held.forEach((s) => s.destroy());
  return r;
}

const stacks: Stack[] = ['node:tls', 'sanstls-wasm', 'sanstls-native'];
const per: Record<string, Record<keyof Mem | 'rssMarginal', number[]>> = {};
for (let r = 0; r < runs; r++) {
  for (const role of ['client', 'server'] as const) {
    for (const stack of r % 2 ? [...stacks].reverse() : stacks) {
      const rep = role === 'client' ? await clientSide(stack) : await serverSide(stack);
      const k = `${stack}|${role}`;
      per[k] ??= { rss: [], heapUsed: [], external: [], arrayBuffers: [], rssMarginal: [] };
      for (const f of ['rss', 'heapUsed', 'external', 'arrayBuffers'] as const) per[k]![f].push((rep.after[f] - rep.before[f]) / rep.connections / 1024);
      const marginal = (rep.after.rss - rep.mid.rss) / (rep.connections - rep.midConnections) / 1024;
      per[k]!.rssMarginal.push(marginal);
      console.log(`${role.padEnd(6)} ${stack.padEnd(15)} ${rep.connections} conns: per connection RSS ${((rep.after.rss - rep.before.rss) / rep.connections / 1024).toFixed(1)} KiB (second half ${marginal.toFixed(1)} KiB), heap ${((rep.after.heapUsed - rep.before.heapUsed) / rep.connections / 1024).toFixed(1)} KiB, external ${((rep.after.external - rep.before.external) / rep.connections / 1024).toFixed(1)} KiB`);
    }
  }
}
const rows = Object.entries(per).map(([k, v]) => {
  const [stack, role] = k.split('|') as [Stack, string];
  return {
    stack, role,
    rssKiB: spread(v.rss), rssMarginalKiB: spread(v.rssMarginal), heapKiB: spread(v.heapUsed), externalKiB: spread(v.external), arrayBuffersKiB: spread(v.arrayBuffers),
    heapPlusExternalKiB: spread(v.heapUsed.map((h, i) => h + v.external[i]!)),
  };
});

// Where the V8 heap of a connection goes: one more run per stack and side with heap
// snapshots before and after (taken after the readings, so they do not disturb them), grouped by constructor.
const breakdown: { stack: Stack; role: string; totalBytes: number; groups: HeapGroup[] }[] = [];
const snapDir = mkdtempSync(join(tmpdir(), 'sanstls-heap-'));
try {
  for (const stack of stacks) {
    for (const role of ['client', 'server'] as const) {
      snapshots = join(snapDir, `${stack}-${role}`);
      const rep = role === 'client' ? await clientSide(stack) : await serverSide(stack);
      const g = heapGrowth(`${snapshots}.before.heapsnapshot`, `${snapshots}.after.heapsnapshot`, rep.connections);
      breakdown.push({ stack, role, totalBytes: g.totalBytes, groups: g.groups });
      console.log(`heap breakdown ${stack} ${role}: ${(g.totalBytes / 1024).toFixed(1)} KiB/conn without compiled code; top: ${g.groups.slice(0, 5).map((x) => `${x.name} ${x.bytes.toFixed(0)} B`).join(', ')}`);
    }
  }
} finally {
  snapshots = undefined;
  rmSync(snapDir, { recursive: true, force: true });
}
writeResult('memory', { connections: count, runs, rows, breakdown });
