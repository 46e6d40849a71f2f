// The handshake loop that bench/profile.ts runs under `node --cpu-prof`: one pairing, sequential
// handshakes for a fixed number of CPU seconds after a warm-up; prints the measured window's bounds so that
// the summary leaves out start-up and warm-up. With a resumption mechanism, one full handshake gives the
// client its session and every handshake after it resumes that session (checked).
//   node --cpu-prof --import tsx bench/profile-loop.ts <pki-dir> <ecdsa|rsa> <server stack> <client stack> <ms> [id|ticket]
import { makePki } from './lib/pki.js';
import { connectClient, startServer, type KeyType, type Resume, type Stack } from './lib/impls.js';
import { cpuMs } from './lib/stats.js';

const [dir, key, server, client, ms, resume] = process.argv.slice(2) as [string, KeyType, Stack, Stack, string, Resume | undefined];
const pki = makePki(dir);
const srv = await startServer({ stack: server, pki, key, cipher: 'AES-128-GCM', ...(resume ? { resume } : {}) });
const spec = { stack: client, pki, key, cipher: 'AES-128-GCM' as const, port: srv.port, ...(resume ? { resume } : {}) };
let session: Buffer | undefined;
if (resume) {
  const s = await connectClient(spec);
  await srv.waitEstablished(1);
  session = s.getSession();
  s.destroy();
  if (!session) throw new Error('no session to resume');
}
let resumed = 0;
let done = srv.established;
const handshake = async () => {
  const s = await connectClient({ ...spec, ...(session ? { session } : {}) });
  if (s.isSessionReused()) resumed++;
  // Both ends done (in an abbreviated handshake the server finishes last), as in bench/handshake.ts.
  await srv.waitEstablished(++done);
  s.destroy();
};
for (let i = 0; i < 30; i++) await handshake(); // warm-up: module loading and JIT, left out of the summary
resumed = 0;
// The profile's timestamps are V8 TimeTicks, the monotonic clock process.hrtime reads too (in µs here).
const from = Number(process.hrtime.bigint() / 1000n);
const c0 = cpuMs();
let n = 0;
while (cpuMs() - c0 < Number(ms)) {
  await handshake();
  n++;
}
const to = Number(process.hrtime.bigint() / 1000n);
const used = cpuMs() - c0;
await srv.close();
if (resume && resumed < n) throw new Error(`only ${resumed} of ${n} handshakes resumed`);
process.stdout.write(JSON.stringify({ handshakes: n, resumed, cpuMs: used, from, to }) + '\n');
