// The handshake loop that bench/profile.ts runs under `node --cpu-prof`: one pairing, sequential
// handshakes for a fixed number of CPU seconds after a warm-up; prints the measured window's bounds so that
// the summary leaves out start-up and warm-up.
//   node --cpu-prof --import tsx bench/profile-loop.ts <pki-dir> <ecdsa|rsa> <server stack> <client stack> <ms>
import { makePki } from './lib/pki.js';
import { connectClient, startServer, type KeyType, type Stack } from './lib/impls.js';
import { cpuMs } from './lib/stats.js';

const [dir, key, server, client, ms] = process.argv.slice(2) as [string, KeyType, Stack, Stack, string];
const pki = makePki(dir);
const srv = await startServer({ stack: server, pki, key, cipher: 'AES-128-GCM' });
const once = async () => (await connectClient({ stack: client, pki, key, cipher: 'AES-128-GCM', port: srv.port })).destroy();
for (let i = 0; i < 30; i++) await once(); // warm-up: module loading and JIT, left out of the summary
// The profile's timestamps are V8 TimeTicks, the monotonic clock process.hrtime reads too (in µs here).
const from = Number(process.hrtime.bigint() / 1000n);
const c0 = cpuMs();
let n = 0;
while (cpuMs() - c0 < Number(ms)) {
  await once();
  n++;
}
const to = Number(process.hrtime.bigint() / 1000n);
const used = cpuMs() - c0;
await srv.close();
process.stdout.write(JSON.stringify({ handshakes: n, cpuMs: used, from, to }) + '\n');
