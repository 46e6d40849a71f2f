// Backpressure: 256 MiB each way, both directions at once on one connection, between sanstls and a real
// node:tls peer (sanstls as the client, then as the server), with readers that keep stopping.
// - Every byte arrives in order: the SHA-256 of each direction's stream as sent and as received agree.
// - A reader that stands still stops the writer at the far end: halfway, each reader waits until that writer
//   has been stuck on 'drain' for a while (it never would be if the sanstls socket buffered without bound).
// - The sanstls socket's buffers never hold more than their highWaterMark plus one transport read or one
//   encrypted write slice.
// - The process does not grow with the amount in flight: live heap + ArrayBuffers (measured after a forced
//   GC every half second) stay a few MiB above the start, the raw peaks and RSS some tens of MiB.
// ChaCha20-Poly1305 keeps the WASM record crypto fast enough for CI (~650 MB/s on a slow core). Each test
// prints one line with its duration, buffer peaks and memory growth.
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import v8 from 'node:v8';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type BufferStats, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, testData, type Pki } from './helpers.js';

const MiB = 1 << 20;
/** Bytes each way. */
const TOTAL = 256 * MiB;
/** The sanstls socket's highWaterMark, both sides of the Duplex. */
const HWM = 64 << 10;
/**
 * Write sizes, in turn: all below the highWaterMarks (HWM here, 16 KiB for node:tls in Node 20), so that
 * write() returning false means the writer is ahead of the reader, not that one piece was large.
 */
const WRITE_SIZES = [8192, 1, 16000, 4000, 12345, 600, 16383];
/**
 * The readers stop for PAUSE_MS after every PAUSE_EVERY bytes (and yield to the event loop for every chunk):
 * at most ~50 MB/s, well below what the writers could do, so whatever a writer is not held back from
 * sending would pile up.
 */
const PAUSE_EVERY = 1 * MiB;
const PAUSE_MS = 20;
/**
 * Halfway through, each reader stops until the other side's writer has been waiting for 'drain' for
 * STALL_PROOF_MS on end (the loopback TCP buffers, up to tens of MiB, fill first), at most STALL_LIMIT_MS.
 */
const STALL_AT = TOTAL / 2;
const STALL_PROOF_MS = 250;
const STALL_LIMIT_MS = 30_000;
/** The most a net.Socket reads at once and hands over in one 'data' event (libuv's 64 KiB read size). */
const NET_READ = 64 << 10;
/** Plaintext one such read can release: the first record it completes may have begun in the previous read. */
const READ_PLAINTEXT = NET_READ + 16384 + 21;
/** One encrypted write slice of the adapter: four full records plus ChaCha20-Poly1305 overhead (5 + 16 each). */
const WRITE_SLICE_WIRE = 4 * (16384 + 21);
/**
 * Bounds on memory growth over the transfer (MiB). Measured: ~3 live, ~7 heap and ~35 ArrayBuffers raw,
 * ~40 RSS (first test). With either direction's backpressure removed from socket.ts, live growth was 160+.
 */
const LIVE_GROWTH_LIMIT = 16;
/** Without a forced GC, dead Buffers wait for V8's own schedule (it collects after ~64 MB of external memory). */
const RAW_HEAP_LIMIT = 64;
const RAW_ARRAYBUFFERS_LIMIT = 128;
const RSS_LIMIT = 128;
/** Measured on 2 shared cores: 10-12 s per test when idle, ~20 s next to other jobs. */
const TEST_TIMEOUT = 120_000;
const SUITE = 'ECDHE-ECDSA-CHACHA20-POLY1305';

let p: Pki;
let gc: () => void;
beforeAll(() => {
  p = pki();
  gc = (globalThis as { gc?: () => void }).gc ?? exposeGc();
});

/** A gc() without --expose-gc on the command line: set the flag, then take gc from a fresh context. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Keeps the largest value seen of each field. */
class Peak {
  readonly max: Record<keyof BufferStats, number> = { readable: 0, writable: 0, transportWritable: 0, transportReadable: 0 };
  sample(s: TLSSocket): void {
    const st = s.bufferStats();
    for (const k of Object.keys(this.max) as (keyof BufferStats)[]) this.max[k] = Math.max(this.max[k], st[k]);
  }
}

/** What each buffer of the sanstls socket may hold at most (see the comment at the top of socket.ts). */
function bounds(s: TLSSocket): Record<keyof BufferStats, number> {
  const t = s.transport;
  return {
    readable: s.readableHighWaterMark + READ_PLAINTEXT,
    writable: s.writableHighWaterMark + Math.max(...WRITE_SIZES),
    transportWritable: t.writableHighWaterMark + WRITE_SLICE_WIRE,
    transportReadable: t.readableHighWaterMark + NET_READ,
  };
}

interface Mem {
  /** heapUsed + arrayBuffers. */
  total: number;
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

function mem(): Mem {
  const m = process.memoryUsage();
  return { total: m.heapUsed + m.arrayBuffers, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** The largest growth over `base` of each figure, as sampled and right after a full GC. */
class MemoryPeak {
  readonly raw: Mem = { total: 0, heapUsed: 0, arrayBuffers: 0, rss: 0 };
  readonly live: Mem = { total: 0, heapUsed: 0, arrayBuffers: 0, rss: 0 };
  liveSamples = 0;
  constructor(private readonly base: Mem) {}
  sample(into: Mem): void {
    const m = mem();
    for (const k of Object.keys(into) as (keyof Mem)[]) into[k] = Math.max(into[k], m[k] - this.base[k]);
  }
}

const mib = (n: number) => (n / MiB).toFixed(1);
const ms = (n: number | undefined) => (n === undefined ? 'never' : `${n.toFixed(0)} ms`);

/** A writer's progress, for its peer's reader to look at. */
class WriterState {
  waits = 0;
  /** When the writer started waiting for 'drain', while it does. */
  waitingSince: number | undefined;
}

/**
 * Writes TOTAL bytes in pieces of WRITE_SIZES, each piece stamped with its index so that a reordering or a
 * repeat would change the hash; waits for 'drain' whenever write() returns false. Does not end the stream.
 */
async function writeAll(s: Duplex, seed: number, state: WriterState, onWrite: () => void): Promise<{ hash: string; waits: number }> {
  const pattern = testData(MiB + (16 << 10), seed);
  const h = createHash('sha256');
  for (let off = 0, i = 0; off < TOTAL; i++) {
    const n = Math.min(WRITE_SIZES[i % WRITE_SIZES.length]!, TOTAL - off);
    const at = (i * 4099) % MiB;
    const piece = Buffer.from(pattern.subarray(at, at + n));
    if (n >= 4) piece.writeUInt32BE(i, 0);
    h.update(piece);
    off += n;
    const ok = s.write(piece);
    onWrite();
    if (!ok) {
      state.waits++;
      state.waitingSince = performance.now();
      await once(s, 'drain');
      state.waitingSince = undefined;
      onWrite();
    }
  }
  return { hash: h.digest('hex'), waits: state.waits };
}

interface Received {
  hash: string;
  bytes: number;
  pauses: number;
  /** How long the halfway stop lasted until the writer was seen held back; undefined if it never was. */
  stallMs: number | undefined;
}

interface SlowReader {
  /** Resolves once TOTAL bytes came in. */
  readonly complete: Promise<void>;
  /** Resolves at the end of the stream with the hash and count of everything received. */
  readonly done: Promise<Received>;
}

/** Resolves once `writer` has been waiting for 'drain' for STALL_PROOF_MS, or after STALL_LIMIT_MS with undefined. */
function heldBack(writer: WriterState): Promise<number | undefined> {
  const start = performance.now();
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const now = performance.now();
      if (writer.waitingSince !== undefined && now - writer.waitingSince >= STALL_PROOF_MS) resolve(now - start);
      else if (now - start > STALL_LIMIT_MS) resolve(undefined);
      else return;
      clearInterval(poll);
    }, 10);
  });
}

/**
 * Reads `s` through a sink that yields to the event loop for every chunk, stops for PAUSE_MS every
 * PAUSE_EVERY bytes, and at STALL_AT stops until the far writer (`writer`) is held back.
 */
function slowReader(s: Duplex, writer: WriterState, onChunk: () => void): SlowReader {
  const h = createHash('sha256');
  let bytes = 0;
  let sincePause = 0;
  let pauses = 0;
  let stallMs: number | undefined;
  let complete!: () => void;
  let fail!: (e: Error) => void;
  const completeP = new Promise<void>((resolve, reject) => {
    complete = resolve;
    fail = reject;
  });
  s.once('error', (e: Error) => fail(e));
  const sink = new Writable({
    highWaterMark: 16 << 10,
    write(chunk: Buffer, _enc, cb) {
      const before = bytes;
      h.update(chunk);
      bytes += chunk.length;
      sincePause += chunk.length;
      onChunk();
      if (bytes >= TOTAL) complete();
      if (before < STALL_AT && bytes >= STALL_AT) {
        void heldBack(writer).then((ms) => {
          stallMs = ms;
          cb();
        });
      } else if (sincePause >= PAUSE_EVERY) {
        sincePause -= PAUSE_EVERY;
        pauses++;
        setTimeout(cb, PAUSE_MS);
      } else {
        setImmediate(cb);
      }
    },
  });
  const done = new Promise<Received>((resolve, reject) => {
    s.once('error', reject);
    sink.once('finish', () => resolve({ hash: h.digest('hex'), bytes, pauses, stallMs }));
  });
  done.catch(() => {}); // reported through `complete` when the stream fails before the end
  s.pipe(sink);
  return { complete: completeP, done };
}

interface Outcome {
  seconds: number;
  peak: Peak;
  bound: Record<keyof BufferStats, number>;
  memory: MemoryPeak;
  sansWrites: { hash: string; waits: number };
  peerWrites: { hash: string; waits: number };
  sansGot: Received;
  peerGot: Received;
}

/**
 * Both sides write TOTAL bytes at once while their readers dawdle; once both have everything, the sanstls
 * side sends close_notify and the peer answers, which ends both readers.
 */
async function exchange(sans: TLSSocket, peer: Duplex): Promise<Outcome> {
  gc();
  const memory = new MemoryPeak(mem());
  const peak = new Peak();
  const sample = () => peak.sample(sans);
  const rawTimer = setInterval(() => {
    sample();
    memory.sample(memory.raw);
  }, 10);
  const liveTimer = setInterval(() => {
    // Twice: V8 frees the backing stores of dead ArrayBuffers in a sweep that the next GC completes.
    gc();
    gc();
    memory.sample(memory.live);
    memory.liveSamples++;
  }, 500);
  const started = performance.now();
  try {
    const sansWriter = new WriterState();
    const peerWriter = new WriterState();
    const sansReader = slowReader(sans, peerWriter, sample);
    const peerReader = slowReader(peer, sansWriter, () => {});
    const [sansWrites, peerWrites] = await Promise.all([
      writeAll(sans, 21, sansWriter, sample),
      writeAll(peer, 22, peerWriter, () => {}),
      sansReader.complete,
      peerReader.complete,
    ]);
    sans.end();
    const [sansGot, peerGot] = await Promise.all([sansReader.done, peerReader.done]);
    const seconds = (performance.now() - started) / 1000;
    memory.sample(memory.raw);
    return { seconds, peak, bound: bounds(sans), memory, sansWrites, peerWrites, sansGot, peerGot };
  } finally {
    clearInterval(rawTimer);
    clearInterval(liveTimer);
  }
}

function check(o: Outcome, label: string): void {
  const m = o.memory;
  console.log(
    `${label}: ${TOTAL / MiB} MiB each way in ${o.seconds.toFixed(1)} s; ` +
      `writer waits sanstls ${o.sansWrites.waits} / peer ${o.peerWrites.waits}, reader pauses ${o.sansGot.pauses} / ${o.peerGot.pauses}, ` +
      `halfway stop until the writer was held back ${ms(o.peerGot.stallMs)} (sanstls writer) / ${ms(o.sansGot.stallMs)} (peer writer); ` +
      `sanstls buffer peaks ${JSON.stringify(o.peak.max)} (bounds ${JSON.stringify(o.bound)}); ` +
      `growth after GC (${m.liveSamples} samples) heap+ArrayBuffers ${mib(m.live.total)} MiB (heap ${mib(m.live.heapUsed)}, ArrayBuffers ${mib(m.live.arrayBuffers)}), ` +
      `raw peak heap ${mib(m.raw.heapUsed)} MiB, ArrayBuffers ${mib(m.raw.arrayBuffers)} MiB, rss ${mib(m.raw.rss)} MiB`,
  );
  // Intact, in order, both ways.
  expect(o.sansGot.bytes).toBe(TOTAL);
  expect(o.peerGot.bytes).toBe(TOTAL);
  expect(o.sansGot.hash).toBe(o.peerWrites.hash);
  expect(o.peerGot.hash).toBe(o.sansWrites.hash);
  // The readers really stopped, and the writers on both sides were held back by them: while a reader stood
  // still halfway, the far writer ended up waiting for 'drain' (for STALL_PROOF_MS on end).
  expect(o.sansGot.pauses).toBeGreaterThanOrEqual(TOTAL / PAUSE_EVERY - 1);
  expect(o.peerGot.pauses).toBeGreaterThanOrEqual(TOTAL / PAUSE_EVERY - 1);
  expect(o.sansGot.stallMs).toBeDefined();
  expect(o.peerGot.stallMs).toBeDefined();
  expect(o.sansWrites.waits).toBeGreaterThan(0);
  expect(o.peerWrites.waits).toBeGreaterThan(0);
  // The sanstls readable filled to its highWaterMark (push() said stop, so the transport was paused) and the
  // transport's write buffer to its own (the adapter waited for 'drain').
  expect(o.peak.max.readable).toBeGreaterThanOrEqual(HWM);
  expect(o.peak.max.transportWritable).toBeGreaterThanOrEqual(o.bound.transportWritable - WRITE_SLICE_WIRE);
  // ...and never held more than a highWaterMark plus one read or one write slice.
  const over = (Object.keys(o.bound) as (keyof BufferStats)[]).filter((k) => o.peak.max[k] > o.bound[k]);
  expect(over.map((k) => `${k}: ${o.peak.max[k]} > ${o.bound[k]}`)).toEqual([]);
  // Memory does not follow the 512 MiB that went through.
  expect(m.liveSamples).toBeGreaterThan(0);
  expect(m.live.total).toBeLessThan(LIVE_GROWTH_LIMIT * MiB);
  expect(m.raw.heapUsed).toBeLessThan(RAW_HEAP_LIMIT * MiB);
  expect(m.raw.arrayBuffers).toBeLessThan(RAW_ARRAYBUFFERS_LIMIT * MiB);
  expect(m.raw.rss).toBeLessThan(RSS_LIMIT * MiB);
}

describe('backpressure: 256 MiB each way with slow readers', () => {
  it(
    'sanstls client and a node:tls server',
    async () => {
      let accepted!: (s: tls.TLSSocket) => void;
      const peerP = new Promise<tls.TLSSocket>((resolve) => (accepted = resolve));
      const server = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, accepted);
      const port = await listen(server);
      const client = connect({ host: 'localhost', port, ca: p.ca, ciphers: SUITE, highWaterMark: HWM });
      try {
        await once(client, 'secureConnect');
        const peer = await peerP;
        expect(client.getCipher()?.name).toBe(SUITE);
        expect(peer.getCipher().name).toBe(SUITE);
        expect(client.readableHighWaterMark).toBe(HWM);
        check(await exchange(client, peer), 'sanstls client <-> node:tls server');
      } finally {
        client.destroy();
        await closeServer(server);
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'sanstls server and a node:tls client',
    async () => {
      let accepted!: (s: TLSSocket) => void;
      const sansP = new Promise<TLSSocket>((resolve) => (accepted = resolve));
      const server = createServer({ key: p.ec.key, cert: p.ec.cert, ciphers: SUITE, highWaterMark: HWM }, accepted);
      const port = await listen(server);
      const client = tls.connect({ host: '127.0.0.1', servername: 'localhost', port, ca: p.ca });
      try {
        await once(client, 'secureConnect');
        const sans = await sansP;
        expect(client.getCipher().name).toBe(SUITE);
        expect(sans.getCipher()?.name).toBe(SUITE);
        expect(sans.writableHighWaterMark).toBe(HWM);
        check(await exchange(sans, client), 'sanstls server <-> node:tls client');
      } finally {
        client.destroy();
        await closeServer(server);
      }
    },
    TEST_TIMEOUT,
  );
});
