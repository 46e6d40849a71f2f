// TLS 1.2 handshakes per second over loopback, sequential, both ends in this one thread: each pairing of
// sanstls (WASM or node:crypto provider) and node:tls, for
//   - full handshakes: ECDHE-ECDSA P-256, ECDHE-RSA 2048 (the ECDHE group both sides prefer: X25519),
//     RSA key exchange (AES128-GCM-SHA256, RSA 2048 certificate), DHE-RSA over ffdhe2048
//     (DHE-RSA-AES128-GCM-SHA256; node:tls servers with dhparam 'auto'), all with AES-128-GCM;
//   - abbreviated handshakes: resumption by session ID and by RFC 5077 ticket (ECDHE-ECDSA-AES128-GCM-SHA256
//     sessions; the server enables only the one mechanism, the client offers only it). The client gets its
//     session from one full handshake per pairing, then resumes it on every connection; every resumed
//     connection is checked with isSessionReused() and the count is recorded next to the rate.
// A handshake counts once both ends completed it (the client's 'secureConnect', then the server's
// 'secureConnection', which comes last in an abbreviated handshake); then the client is destroyed. The
// pairings of one figure set run in timed batches interleaved round by round (order reversed every other
// round); the rate is handshakes per CPU second of this process (both ends, the kernel's loopback work
// included), the wall-clock rate is recorded next to it; ratios are against node:tls ↔ node:tls of the same
// figure set, measured in this run.
//
//   tsx bench/handshake.ts [--quick] [--only=ecdsa,rsa,rsa-kx,dhe,resume-id,resume-ticket]
import type { Pki } from './lib/pki.js';
import { makePki } from './lib/pki.js';
import { connectClient, startServer, suite, type KeyType, type Kx, type Resume, type Running, type Stack, type TlsClient } from './lib/impls.js';
import { cpuMs, quick, spread, writeResult, type Spread } from './lib/stats.js';

const opts = quick ? { rounds: 3, batchMs: 150, warmupMs: 150 } : { rounds: 7, batchMs: 350, warmupMs: 400 };
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

/** One figure set: a certificate, a key exchange, and for abbreviated handshakes the resumption mechanism. */
export interface Group { id: string; title: string; key: KeyType; kx: Kx; resume?: Resume; suite: string; what: string }
const GROUPS: Group[] = [
  { id: 'ecdsa', title: 'ECDHE-ECDSA P-256', key: 'ecdsa', kx: 'ecdhe', suite: suite('ecdsa', 'AES-128-GCM', 'ecdhe'), what: 'full handshake, X25519, P-256 ECDSA certificate' },
  { id: 'rsa', title: 'ECDHE-RSA 2048', key: 'rsa', kx: 'ecdhe', suite: suite('rsa', 'AES-128-GCM', 'ecdhe'), what: 'full handshake, X25519, RSA-2048 certificate (PKCS#1 v1.5 / PSS signature)' },
  { id: 'rsa-kx', title: 'RSA key exchange, RSA 2048', key: 'rsa', kx: 'rsa', suite: suite('rsa', 'AES-128-GCM', 'rsa'), what: 'full handshake, premaster secret RSA-encrypted to the RSA-2048 certificate (no forward secrecy)' },
  { id: 'dhe', title: 'DHE-RSA ffdhe2048', key: 'rsa', kx: 'dhe', suite: suite('rsa', 'AES-128-GCM', 'dhe'), what: 'full handshake, finite-field DHE over a 2048-bit group, RSA-2048 certificate' },
  { id: 'resume-id', title: 'Resumption by session ID', key: 'ecdsa', kx: 'ecdhe', resume: 'id', suite: suite('ecdsa', 'AES-128-GCM', 'ecdhe'), what: 'abbreviated handshake by session ID (server: session cache, no tickets)' },
  { id: 'resume-ticket', title: 'Resumption by ticket', key: 'ecdsa', kx: 'ecdhe', resume: 'ticket', suite: suite('ecdsa', 'AES-128-GCM', 'ecdhe'), what: 'abbreviated handshake by RFC 5077 ticket (server: tickets, no session cache)' },
];

// Every stack runs every figure set on both sides: node:tls ↔ node:tls is the reference (first).
const PAIRS: [Stack, Stack][] = [
  ['node:tls', 'node:tls'],
  ['sanstls-wasm', 'sanstls-wasm'],
  ['sanstls-native', 'sanstls-native'],
  ['node:tls', 'sanstls-wasm'],
  ['node:tls', 'sanstls-native'],
  ['sanstls-wasm', 'node:tls'],
  ['sanstls-native', 'node:tls'],
];

interface Pair { group: Group; server: Stack; client: Stack; srv: Running; session?: Buffer }
const label = (p: { server: Stack; client: Stack }) => `${p.server} server ← ${p.client} client`;

function connect(p: Pair, pki: Pki, session?: Buffer): Promise<TlsClient> {
  const g = p.group;
  return connectClient({ stack: p.client, pki, key: g.key, kx: g.kx, cipher: 'AES-128-GCM', port: p.srv.port, ...(g.resume ? { resume: g.resume } : {}), ...(session ? { session } : {}) });
}

/** What a pairing negotiates (from its first, full handshake): checked against the figure set's suite. */
interface Negotiated { suite: string; keyExchange: string }
async function probe(p: Pair, pki: Pki): Promise<Negotiated> {
  const base = p.srv.established;
  const s = await connect(p, pki);
  await p.srv.waitEstablished(base + 1);
  const c = s.getCipher();
  const e = s.getEphemeralKeyInfo() ?? {};
  if (p.group.resume) {
    p.session = s.getSession();
    if (!p.session) throw new Error('the full handshake left no session to resume');
  }
  s.destroy();
  if (c?.name !== p.group.suite) throw new Error(`negotiated ${c?.name ?? 'nothing'} instead of ${p.group.suite}`);
  const keyExchange = e.type === 'ECDH' ? `ECDH ${e.name}` : e.type === 'DH' ? `DH ${e.size} bits` : 'none (RSA)';
  return { suite: c.name, keyExchange };
}

/** Handshakes until `ms` CPU milliseconds passed; returns [per CPU second, per wall second, count, resumed]. */
async function batch(p: Pair, pki: Pki, ms: number): Promise<[number, number, number, number]> {
  const c0 = cpuMs();
  const w0 = performance.now();
  const base = p.srv.established;
  let n = 0;
  let resumed = 0;
  do {
    const s = await connect(p, pki, p.session);
    if (s.isSessionReused()) resumed++;
    n++;
    // The server end too: in an abbreviated handshake the client's Finished is the last flight, and a
    // client destroyed at 'secureConnect' may never have flushed it (node:tls clients do not always).
    await p.srv.waitEstablished(base + n);
    s.destroy();
  } while (cpuMs() - c0 < ms || n < 3);
  const cpu = (cpuMs() - c0) / 1000;
  const wall = (performance.now() - w0) / 1000;
  return [n / cpu, n / wall, n, resumed];
}

export interface HandshakeRow {
  group: string;
  key: KeyType;
  kx: Kx;
  resume?: Resume;
  server: Stack;
  client: Stack;
  label: string;
  negotiated: Negotiated;
  cpuRate: Spread;
  wallRate: Spread;
  handshakes: number;
  /** Abbreviated handshakes among `handshakes` (resumption figure sets; 0 elsewhere). */
  resumed: number;
}

const pki = makePki();
const rows: HandshakeRow[] = [];
const notMeasured: { group: string; server: Stack; client: Stack; reason: string }[] = [];
const groups = GROUPS.filter((g) => !only || only.includes(g.id));
for (const g of groups) {
  // One listening server per pairing, all open for the whole comparison.
  const all: Pair[] = [];
  for (const [server, client] of PAIRS) {
    const srv = await startServer({ stack: server, pki, key: g.key, kx: g.kx, cipher: 'AES-128-GCM', ...(g.resume ? { resume: g.resume } : {}) });
    all.push({ group: g, server, client, srv });
  }
  const negotiated = new Map<Pair, Negotiated>();
  for (const p of all) {
    try {
      negotiated.set(p, await probe(p, pki));
    } catch (e) {
      notMeasured.push({ group: g.id, server: p.server, client: p.client, reason: (e as Error).message });
      console.log(`${g.id.padEnd(13)} ${label(p).padEnd(48)} NOT MEASURED: ${(e as Error).message}`);
    }
  }
  const pairs = all.filter((p) => negotiated.has(p));
  if (pairs[0]?.server !== 'node:tls' || pairs[0]?.client !== 'node:tls') {
    console.log(`${g.id}: the node:tls ↔ node:tls reference failed; figure set skipped`);
    await Promise.all(all.map((p) => p.srv.close()));
    continue;
  }
  for (const p of pairs) await batch(p, pki, opts.warmupMs);
  const cpu: number[][] = pairs.map(() => []);
  const wall: number[][] = pairs.map(() => []);
  const count = pairs.map(() => 0);
  const resumed = pairs.map(() => 0);
  for (let r = 0; r < opts.rounds; r++) {
    const order = pairs.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const [c, w, n, k] = await batch(pairs[i]!, pki, opts.batchMs);
      cpu[i]!.push(c);
      wall[i]!.push(w);
      count[i]! += n;
      resumed[i]! += k;
    }
  }
  await Promise.all(all.map((p) => p.srv.close()));
  const ref = spread(cpu[0]!).median;
  pairs.forEach((p, i) => {
    const row: HandshakeRow = {
      group: g.id, key: g.key, kx: g.kx, ...(g.resume ? { resume: g.resume } : {}),
      server: p.server, client: p.client, label: label(p), negotiated: negotiated.get(p)!,
      cpuRate: spread(cpu[i]!), wallRate: spread(wall[i]!), handshakes: count[i]!, resumed: resumed[i]!,
    };
    rows.push(row);
    const res = g.resume ? `  resumed ${row.resumed}/${row.handshakes}${row.resumed < row.handshakes ? ' (NOT ALL RESUMED)' : ''}` : '';
    console.log(`${g.id.padEnd(13)} ${row.label.padEnd(48)} ${row.cpuRate.median.toFixed(0).padStart(5)}/s CPU [${row.cpuRate.min.toFixed(0)}–${row.cpuRate.max.toFixed(0)}]  ${row.wallRate.median.toFixed(0).padStart(5)}/s wall  ${(row.cpuRate.median / ref).toFixed(2)}× node:tls${res}`);
  });
}

writeResult('handshake', { opts, groups, rows, notMeasured });
