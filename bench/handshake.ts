// Full TLS 1.2 handshakes per second over loopback, sequential, both ends in this one thread: each pairing
// of sanstls (WASM or node:crypto provider) and node:tls, for ECDHE-ECDSA P-256 and ECDHE-RSA 2048
// (AES-128-GCM, the ECDHE group both sides prefer: X25519). The pairings run in timed batches interleaved
// round by round (order reversed every other round); the rate is handshakes per CPU second of this process
// (both ends, the kernel's loopback work included), the wall-clock rate is recorded next to it.
//
//   tsx bench/handshake.ts [--quick] [--only=ecdsa|rsa]
import type { Pki } from './lib/pki.js';
import { makePki } from './lib/pki.js';
import { connectClient, startServer, type KeyType, type Running, type Stack } from './lib/impls.js';
import { cpuMs, quick, spread, writeResult, type Spread } from './lib/stats.js';

const opts = quick ? { rounds: 3, batchMs: 150, warmupMs: 150 } : { rounds: 7, batchMs: 350, warmupMs: 400 };
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

interface Pair { key: KeyType; server: Stack; client: Stack }
const PAIRS: [Stack, Stack][] = [
  ['node:tls', 'node:tls'], // the reference
  ['sanstls-wasm', 'sanstls-wasm'],
  ['sanstls-native', 'sanstls-native'],
  ['node:tls', 'sanstls-wasm'],
  ['node:tls', 'sanstls-native'],
  ['sanstls-wasm', 'node:tls'],
  ['sanstls-native', 'node:tls'],
];

const label = (p: Pair) => `${p.server} server ← ${p.client} client`;

/** Handshakes until `ms` CPU milliseconds passed; returns [per CPU second, per wall second, count]. */
async function batch(p: Pair, srv: Running, pki: Pki, ms: number): Promise<[number, number, number]> {
  const c0 = cpuMs();
  const w0 = performance.now();
  let n = 0;
  do {
    const s = await connectClient({ stack: p.client, pki, key: p.key, cipher: 'AES-128-GCM', port: srv.port });
    s.destroy();
    n++;
  } while (cpuMs() - c0 < ms || n < 3);
  const cpu = (cpuMs() - c0) / 1000;
  const wall = (performance.now() - w0) / 1000;
  return [n / cpu, n / wall, n];
}

export interface HandshakeRow extends Pair { label: string; cpuRate: Spread; wallRate: Spread; handshakes: number }

const pki = makePki();
const rows: HandshakeRow[] = [];
for (const key of ['ecdsa', 'rsa'] as const) {
  if (only && only !== key) continue;
  const pairs: Pair[] = PAIRS.map(([server, client]) => ({ key, server, client }));
  // One listening server per pairing, all open for the whole comparison.
  const servers = await Promise.all(pairs.map((p) => startServer({ stack: p.server, pki, key, cipher: 'AES-128-GCM' })));
  for (let i = 0; i < pairs.length; i++) await batch(pairs[i]!, servers[i]!, pki, opts.warmupMs);
  const cpu: number[][] = pairs.map(() => []);
  const wall: number[][] = pairs.map(() => []);
  const count = pairs.map(() => 0);
  for (let r = 0; r < opts.rounds; r++) {
    const order = pairs.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const [c, w, n] = await batch(pairs[i]!, servers[i]!, pki, opts.batchMs);
      cpu[i]!.push(c);
      wall[i]!.push(w);
      count[i]! += n;
    }
  }
  await Promise.all(servers.map((s) => s.close()));
  const ref = spread(cpu[0]!).median;
  pairs.forEach((p, i) => {
    const row = { ...p, label: label(p), cpuRate: spread(cpu[i]!), wallRate: spread(wall[i]!), handshakes: count[i]! };
    rows.push(row);
    console.log(`${key.padEnd(5)} ${row.label.padEnd(48)} ${row.cpuRate.median.toFixed(0).padStart(5)}/s CPU [${row.cpuRate.min.toFixed(0)}–${row.cpuRate.max.toFixed(0)}]  ${row.wallRate.median.toFixed(0).padStart(5)}/s wall  ${(row.cpuRate.median / ref).toFixed(2)}× node:tls`);
  });
}

const notImplemented = [
  { what: 'RSA key exchange (TLS_RSA_WITH_*)', status: 'not implemented yet', reason: '@sanstls/core resolveSuites() refuses every key exchange but ECDHE_ECDSA and ECDHE_RSA' },
  { what: 'DHE-2048 (TLS_DHE_RSA_WITH_*)', status: 'not implemented yet', reason: 'no finite-field DH key exchange in @sanstls/core yet (only handshake/key-exchange/ecdhe.ts)' },
  { what: 'Resumption by session ID', status: 'not implemented yet', reason: 'the handshake machines have no abbreviated handshake; TLSSocket.getSession() has nothing to export' },
  { what: 'Resumption by session ticket (RFC 5077)', status: 'not implemented yet', reason: 'the codec parses session_ticket / NewSessionTicket, the machines do not use them' },
];
writeResult('handshake', { opts, group: 'x25519 (both sides’ first preference)', suite: 'ECDHE-{ECDSA,RSA}-AES128-GCM-SHA256', rows, notImplemented });
