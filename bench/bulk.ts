// Bulk transfer over loopback through @sanstls/node against node:tls, both ends in this one thread:
// a fresh connection per transfer, the client asks for N bytes, the server writes them in 64 KiB chunks
// (respecting backpressure); timed from the request to the client's last byte (handshake excluded).
// sanstls as the receiving client (it decrypts) and as the sending server (it encrypts), each with the
// WASM and the node:crypto provider; node:tls on both ends is the reference. MB/s = 10^6 bytes per CPU
// second of this process (both ends, the kernel's loopback work included); wall-clock MB/s recorded too.
//   tsx bench/bulk.ts [--quick]
import type { Duplex } from 'node:stream';
import { makePki } from './lib/pki.js';
import { connectClient, startServer, type Cipher, type Stack } from './lib/impls.js';
import { cpuMs, quick, spread, writeResult } from './lib/stats.js';

const MiB = 2 ** 20;
const opts = quick ? { bytes: 32 * MiB, rounds: 2, warmupBytes: 8 * MiB } : { bytes: 256 * MiB, rounds: 3, warmupBytes: 16 * MiB };
const BLOCK = Buffer.alloc(64 * 1024, 0xa5);

/** The server side of a transfer: reads a decimal byte count and a newline, sends that many bytes. */
function sender(s: Duplex): void {
  let req = '';
  s.on('data', (d: Buffer) => {
    req += d.toString('latin1');
    const nl = req.indexOf('\n');
    if (nl < 0) return;
    let left = Number(req.slice(0, nl));
    req = '';
    const pump = () => {
      while (left > 0) {
        const b = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
        left -= b.length;
        if (!s.write(b)) return void s.once('drain', pump);
      }
    };
    pump();
  });
}

/** Receives n bytes on an established client; resolves with [MB/s CPU, MB/s wall]. */
function receive(c: Duplex, n: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const c0 = cpuMs();
    const w0 = performance.now();
    c.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= n) {
        const cpu = (cpuMs() - c0) / 1000;
        const wall = (performance.now() - w0) / 1000;
        resolve([n / cpu / 1e6, n / wall / 1e6]);
      }
    });
    c.once('error', reject);
    c.write(`${n}\n`);
  });
}

interface Pair { cipher: Cipher; server: Stack; client: Stack; sanstlsRole: string }
const pairs: Pair[] = [];
for (const cipher of ['AES-128-GCM', 'CHACHA20-POLY1305'] as const) {
  pairs.push({ cipher, server: 'node:tls', client: 'node:tls', sanstlsRole: 'reference' });
  for (const st of ['sanstls-wasm', 'sanstls-native'] as const) {
    pairs.push({ cipher, server: 'node:tls', client: st, sanstlsRole: 'receiver (decrypts)' });
    pairs.push({ cipher, server: st, client: 'node:tls', sanstlsRole: 'sender (encrypts)' });
  }
}

const pki = makePki();
const servers = await Promise.all(pairs.map((p) => startServer({ stack: p.server, pki, key: 'ecdsa', cipher: p.cipher, onSecure: sender })));
async function transfer(i: number, n: number): Promise<[number, number]> {
  const p = pairs[i]!;
  const c = await connectClient({ stack: p.client, pki, key: 'ecdsa', cipher: p.cipher, port: servers[i]!.port });
  try {
    return await receive(c, n);
  } finally {
    c.destroy();
  }
}

for (let i = 0; i < pairs.length; i++) await transfer(i, opts.warmupBytes);
const cpu: number[][] = pairs.map(() => []);
const wall: number[][] = pairs.map(() => []);
for (let r = 0; r < opts.rounds; r++) {
  const order = pairs.map((_, i) => i);
  if (r % 2) order.reverse();
  for (const i of order) {
    const [c, w] = await transfer(i, opts.bytes);
    cpu[i]!.push(c);
    wall[i]!.push(w);
  }
}
await Promise.all(servers.map((s) => s.close()));

const rows = pairs.map((p, i) => ({ ...p, label: `${p.server} → ${p.client}`, mbpsCpu: spread(cpu[i]!), mbpsWall: spread(wall[i]!) }));
for (const r of rows) {
  const ref = rows.find((x) => x.cipher === r.cipher && x.sanstlsRole === 'reference')!.mbpsCpu.median;
  console.log(`${r.cipher.padEnd(18)} ${r.label.padEnd(34)} ${r.mbpsCpu.median.toFixed(0).padStart(5)} MB/s CPU [${r.mbpsCpu.min.toFixed(0)}–${r.mbpsCpu.max.toFixed(0)}]  ${r.mbpsWall.median.toFixed(0).padStart(5)} MB/s wall  ${(r.mbpsCpu.median / ref).toFixed(2)}× node:tls`);
}
writeResult('bulk', { opts, certificate: 'ECDSA P-256', rows });
