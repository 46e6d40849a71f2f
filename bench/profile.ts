// Where a sanstls handshake's time goes: runs bench/profile-loop.ts under `node --cpu-prof` for sanstls as
// the client against a node:tls server and as the server against a node:tls client, so that each profile's
// sanstls share belongs to one side: full handshakes with WASM crypto for both key types, full ECDSA
// handshakes with the node:crypto provider, and abbreviated handshakes (ticket resumption, WASM). Summarizes
// every profile into the top self-time functions, a breakdown by area (noble-curves, xstate, the WASM
// module, …) and the inclusive time of the handshake's operations; writes bench/results/profile.json. The
// raw .cpuprofile files stay in bench/results/profiles/ (open them in Chrome DevTools) but are not
// committed material.
//   tsx bench/profile.ts [--quick] [--out=DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makePki } from './lib/pki.js';
import type { KeyType, Resume, Stack } from './lib/impls.js';
import { quick, RESULTS, ROOT, writeResult } from './lib/stats.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** The area a frame belongs to, from its script URL. */
export function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name;
  if (url.startsWith('wasm://')) return 'WASM module (@sanstls/crypto)';
  if (url.includes('@noble/curves')) return '@noble/curves (elliptic curves in JS)';
  if (url.includes('@noble/hashes')) return '@noble/hashes';
  if (url.includes('/xstate/')) return 'xstate';
  for (const pkg of ['core', 'crypto', 'x509', 'node']) {
    if (url.includes(`/packages/${pkg}/`) || url.includes(`@sanstls/${pkg}/`)) return `@sanstls/${pkg} (JS)`;
  }
  if (url.startsWith('node:')) return 'Node internals (net, stream, tls, crypto)';
  if (url.includes('/bench/')) return 'benchmark loop';
  if (url === '') return name ? `native: ${name}` : '(native)';
  return url.replace(/^.*node_modules\//, '').split('/').slice(0, 2).join('/');
}

/** Operations of a handshake, by the frames that do them: inclusive time (a sample counts once per label). */
const OPERATIONS: { label: string; name: RegExp; url: RegExp }[] = [
  { label: 'connection set-up (core ClientConnection / ServerConnection)', name: /^(ClientConnection|ServerConnection)$/, url: /core/ },
  { label: 'ECDHE key generation (core generateEcdhe → noble or provider)', name: /^generateEcdhe$/, url: /core/ },
  { label: 'ECDHE shared secret (core ecdheSharedSecret → noble or provider)', name: /^ecdheSharedSecret$/, url: /core/ },
  { label: 'ServerKeyExchange signing (core sign)', name: /^sign$/, url: /packages\/core|@sanstls\/core/ },
  { label: 'ServerKeyExchange signature check (core verify)', name: /^verify$/, url: /packages\/core|@sanstls\/core/ },
  { label: 'certificate chain verification (x509 verifyChain)', name: /^verifyChain$/, url: /x509/ },
  { label: 'certificate parsing (x509 parseCertificate, all calls)', name: /^parseCertificate$/, url: /x509/ },
  { label: 'resumed session: chain checked again (@sanstls/node #recheckResumed)', name: /recheckResumed$/, url: /packages\/node|@sanstls\/node/ },
  { label: 'server session lookup (core findResumption: cache or ticket)', name: /^findResumption$/, url: /core/ },
  { label: 'session encoding (core encodeSession / decodeSession)', name: /^(encodeSession|decodeSession)$/, url: /core/ },
  { label: 'TLS PRF: master secret, key block, Finished', name: /^(masterSecret|keyBlock|finishedVerifyData)$/, url: /core/ },
  { label: 'record protection set-up (AEAD key objects)', name: /^(AesGcm|ChaCha20Poly1305|NativeAead)$/, url: /crypto|node/ },
];

/** Self time by function and by area of the samples taken in [from, to] (µs, the profile's clock). */
function summarize(p: Profile, from: number, to: number, top = 20) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  let total = 0;
  const fns = new Map<string, { name: string; where: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(node_modules|packages)\//, '$1/').replace('file://', '')}:${lineNumber + 1}` : '';
    const k = `${functionName}@${where}`;
    const f = fns.get(k) ?? { name: wasmName(functionName) || '(anonymous)', where, area: a, us: 0 };
    f.us += us;
    fns.set(k, f);
  }
  const pct = (us: number) => +((100 * us) / total).toFixed(1);
  // Inclusive time of the operations: walk each sampled node's ancestors once (memoized per node).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const labelsOf = new Map<number, Set<string>>();
  const labels = (id: number): Set<string> => {
    let l = labelsOf.get(id);
    if (l) return l;
    const n = byId.get(id)!;
    const up = parent.get(id);
    l = new Set(up === undefined ? [] : labels(up));
    for (const o of OPERATIONS) if (o.name.test(n.callFrame.functionName) && o.url.test(n.callFrame.url)) l.add(o.label);
    labelsOf.set(id, l);
    return l;
  };
  const ops = new Map<string, number>();
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    for (const l of labels(id)) ops.set(l, (ops.get(l) ?? 0) + us);
  }
  return {
    operations: OPERATIONS.map((o) => ({ operation: o.label, ms: +((ops.get(o.label) ?? 0) / 1000).toFixed(1), pct: pct(ops.get(o.label) ?? 0) })),
    busyMs: +(total / 1000).toFixed(0),
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([a, us]) => ({ area: a, ms: +(us / 1000).toFixed(0), pct: pct(us) })),
    top: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, area: f.area, ms: +(f.us / 1000).toFixed(0), pct: pct(f.us) })),
  };
}

// WASM frames are 'wasm-function[i]': name them from build/sanstls.wat (the module has no name section;
// the .wat lists the functions in index order and the module imports none).
const watNames: string[] = (() => {
  try {
    return [...readFileSync(join(ROOT, 'build', 'sanstls.wat'), 'utf8').matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
})();
function wasmName(name: string): string {
  const m = /^wasm-function\[(\d+)\]$/.exec(name);
  return m && watNames[Number(m[1])] ? `${watNames[Number(m[1])]} (${name})` : name;
}

const pki = makePki();
const ms = quick ? 1500 : 5000;
const dir = join(RESULTS, 'profiles');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
type Provider = 'wasm' | 'native';
const cases: { key: KeyType; server: Stack; client: Stack; side: 'client' | 'server'; provider: Provider; resume?: Resume }[] = [
  { key: 'ecdsa', server: 'node:tls', client: 'sanstls-wasm', side: 'client', provider: 'wasm' },
  { key: 'ecdsa', server: 'sanstls-wasm', client: 'node:tls', side: 'server', provider: 'wasm' },
  { key: 'rsa', server: 'node:tls', client: 'sanstls-wasm', side: 'client', provider: 'wasm' },
  { key: 'rsa', server: 'sanstls-wasm', client: 'node:tls', side: 'server', provider: 'wasm' },
  { key: 'ecdsa', server: 'node:tls', client: 'sanstls-native', side: 'client', provider: 'native' },
  { key: 'ecdsa', server: 'sanstls-native', client: 'node:tls', side: 'server', provider: 'native' },
  { key: 'ecdsa', server: 'node:tls', client: 'sanstls-wasm', side: 'client', provider: 'wasm', resume: 'ticket' },
  { key: 'ecdsa', server: 'sanstls-wasm', client: 'node:tls', side: 'server', provider: 'wasm', resume: 'ticket' },
];
const profiles = [];
for (const c of cases) {
  const name = `${c.key}-sanstls-${c.provider}-${c.side}${c.resume ? `-resume-${c.resume}` : ''}`;
  const before = new Set(readdirSync(dir));
  const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`, '--import', 'tsx', join(ROOT, 'bench', 'profile-loop.ts'), pki.dir, c.key, c.server, c.client, String(ms), ...(c.resume ? [c.resume] : [])], { cwd: ROOT, encoding: 'utf8' });
  const run = JSON.parse(out.trim().split('\n').pop()!) as { handshakes: number; cpuMs: number; from: number; to: number };
  const file = readdirSync(dir).find((f) => !before.has(f) && f.startsWith(name))!;
  const s = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, run.from, run.to);
  profiles.push({ ...c, name, handshakes: run.handshakes, msPerHandshake: +(run.cpuMs / run.handshakes).toFixed(2), file: relative(ROOT, join(dir, file)), ...s });
  console.log(`\n== ${name}: ${run.handshakes} handshakes, ${(run.cpuMs / run.handshakes).toFixed(2)} CPU ms each (both ends)`);
  for (const o of s.operations) if (o.pct > 0) console.log(`  ${String(o.pct).padStart(5)}%  incl. ${o.operation}`);
  for (const a of s.areas.slice(0, 8)) console.log(`  ${String(a.pct).padStart(5)}%  ${a.area}`);
  for (const f of s.top.slice(0, 12)) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}  ${f.where}`);
}
writeResult('profile', { msPerCase: ms, profiles });
