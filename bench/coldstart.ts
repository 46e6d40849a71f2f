// Cold start: a fresh process per sample (bench/coldstart-child.mjs) imports the stack, instantiates the
// WASM module (sanstls) and completes its first handshake (ECDHE-ECDSA-AES128-GCM-SHA256, certificate
// verified) against a node:tls server in this process. Stacks alternate sample by sample; medians and
// spread of each stage, ms since the child's process start (Node's own bootstrap included in `total`).
//   tsx bench/coldstart.ts [--quick]
import { execFileSync, fork } from 'node:child_process';
import { join } from 'node:path';
import { makePki } from './lib/pki.js';
import { startServer, type Stack } from './lib/impls.js';
import { ROOT, spread, writeResult } from './lib/stats.js';
import { quick } from './lib/stats.js';

const samples = quick ? 3 : 9;
const pki = makePki();
const srv = await startServer({ stack: 'node:tls', pki, key: 'ecdsa', cipher: 'AES-128-GCM' });
const stacks: Stack[] = ['node:tls', 'sanstls-wasm', 'sanstls-native'];
interface T { start: number; imported: number; instantiated: number; handshake: number; cpuMs: number }
const res: Record<string, T[]> = Object.fromEntries(stacks.map((s) => [s, []]));

function once(stack: Stack): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = fork(join(ROOT, 'bench', 'coldstart-child.mjs'), [stack, String(srv.port), pki.caFile], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: T | undefined;
    c.once('message', (m) => (got = m as T));
    c.once('exit', (code) => (got ? resolve(got) : reject(new Error(`${stack}: child exited with ${code}`))));
  });
}

for (let i = 0; i < samples + 1; i++) {
  for (const s of i % 2 ? [...stacks].reverse() : stacks) {
    const t = await once(s);
    if (i > 0) res[s]!.push(t); // the first round warms the OS file cache
  }
}
await srv.close();

// What the import of @sanstls/node is made of: single dependencies, each imported in a fresh process.
const MODULES = ['@sanstls/node', '@sanstls/core', '@sanstls/x509', 'xstate', '@noble/curves/nist.js', 'asn1js', '@sanstls/roots', '@sanstls/crypto'];
const importMs = (m: string) =>
  Number(execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(m)}); process.stdout.write(String(performance.now() - t));`], { cwd: ROOT, encoding: 'utf8' }));
const imp: Record<string, number[]> = Object.fromEntries(MODULES.map((m) => [m, []]));
for (let i = 0; i < (quick ? 2 : 5); i++) for (const m of MODULES) imp[m]!.push(importMs(m));
const imports = MODULES.map((module) => ({ module, ms: spread(imp[module]!) }));
for (const m of imports) console.log(`import ${m.module.padEnd(24)} ${m.ms.median} ms`);
const rows = stacks.map((stack) => {
  const xs = res[stack]!;
  return {
    stack,
    importMs: spread(xs.map((t) => t.imported - t.start)),
    instantiateMs: spread(xs.map((t) => t.instantiated - t.imported)),
    firstHandshakeMs: spread(xs.map((t) => t.handshake - t.instantiated)),
    importToHandshakeMs: spread(xs.map((t) => t.handshake - t.start)),
    totalSinceProcessStartMs: spread(xs.map((t) => t.handshake)),
    processCpuMs: spread(xs.map((t) => t.cpuMs)),
  };
});
for (const r of rows) {
  console.log(`${r.stack.padEnd(15)} import ${r.importMs.median} ms, instantiate ${r.instantiateMs.median} ms, first handshake ${r.firstHandshakeMs.median} ms; import→handshake ${r.importToHandshakeMs.median} ms [${r.importToHandshakeMs.min}–${r.importToHandshakeMs.max}], since process start ${r.totalSinceProcessStartMs.median} ms`);
}
writeResult('coldstart', { samples, rows, imports });
