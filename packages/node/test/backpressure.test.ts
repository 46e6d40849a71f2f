// Backpressure: 32 MiB towards a slow reader. The writer must be told to wait (write() returns false), the
// adapter's buffers must stay within a small multiple of the stream highWaterMarks, and every byte arrives.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type BufferStats, type TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, testData, type Pki } from './helpers.js';

const TOTAL = 32 << 20;
const CHUNK = 64 << 10;
/**
 * What one buffer may hold: a highWaterMark (16 KiB) plus one transport read (64 KiB) or one encrypted
 * write slice (64 KiB plus record overhead), with room to spare; far below the 32 MiB in flight.
 */
const BOUND = 256 << 10;

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Keeps the largest value seen of each field. */
class Peak {
  readonly max: Record<keyof BufferStats, number> = { readable: 0, writable: 0, transportWritable: 0, transportReadable: 0 };
  sample(s: TLSSocket): void {
    const st = s.bufferStats();
    for (const k of Object.keys(this.max) as (keyof BufferStats)[]) this.max[k] = Math.max(this.max[k], st[k]);
  }
}

/** A sink that takes each chunk only after a timer tick: far slower than the writer. */
function slowSink(onChunk: (b: Buffer) => void): Writable {
  return new Writable({
    highWaterMark: 16 << 10,
    write(chunk: Buffer, _enc, cb) {
      onChunk(chunk);
      setTimeout(cb, 1);
    },
  });
}

/** Writes TOTAL bytes of test data in CHUNK pieces, honouring write() === false; returns the hash. */
async function writeAll(s: TLSSocket | tls.TLSSocket, onWrite: () => void): Promise<{ hash: string; sawFalse: number }> {
  const data = testData(CHUNK * 4, 21);
  const h = createHash('sha256');
  let sawFalse = 0;
  for (let off = 0; off < TOTAL; off += CHUNK) {
    const chunk = data.subarray(off % data.length, (off % data.length) + CHUNK);
    // Vary the bytes per chunk so that a reordering or repeat would show in the hash.
    const piece = Buffer.from(chunk);
    piece.writeUInt32BE(off >>> 0, 0);
    h.update(piece);
    const ok = s.write(piece);
    onWrite();
    if (!ok) {
      sawFalse++;
      await once(s, 'drain');
      onWrite();
    }
  }
  s.end();
  return { hash: h.digest('hex'), sawFalse };
}

describe('backpressure', () => {
  it('sanstls client writes 32 MiB to a slow sanstls server: bounded buffers on both sides, intact bytes', async () => {
    const writerPeak = new Peak();
    const readerPeak = new Peak();
    let received!: Promise<{ hash: string; bytes: number }>;
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => {
      received = new Promise((resolve) => {
        const h = createHash('sha256');
        let bytes = 0;
        const sink = slowSink((b) => {
          h.update(b);
          bytes += b.length;
          readerPeak.sample(s);
        });
        s.pipe(sink);
        sink.on('finish', () => resolve({ hash: h.digest('hex'), bytes }));
      });
    });
    const port = await listen(server);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    await once(client, 'secureConnect');
    const sent = await writeAll(client, () => writerPeak.sample(client));
    const got = await received;
    expect(got.bytes).toBe(TOTAL);
    expect(got.hash).toBe(sent.hash);
    expect(sent.sawFalse).toBeGreaterThan(0);
    for (const v of Object.values(writerPeak.max)) expect(v).toBeLessThanOrEqual(BOUND);
    for (const v of Object.values(readerPeak.max)) expect(v).toBeLessThanOrEqual(BOUND);
    // The reader really was behind: its side held data at some point.
    expect(readerPeak.max.readable + readerPeak.max.transportReadable).toBeGreaterThan(0);
    client.destroy();
    await closeServer(server);
  });

  it('a node:tls server writes 32 MiB to a slow sanstls client: the client pauses its transport', async () => {
    let sent!: Promise<{ hash: string; sawFalse: number }>;
    const srv = tls.createServer({ key: p.rsa.key, cert: p.rsa.cert }, (s) => {
      sent = writeAll(s, () => {});
    });
    const port = await listen(srv);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    const peak = new Peak();
    const h = createHash('sha256');
    let bytes = 0;
    const sink = slowSink((b) => {
      h.update(b);
      bytes += b.length;
      peak.sample(client);
    });
    client.pipe(sink);
    await once(sink, 'finish');
    const s = await sent;
    expect(bytes).toBe(TOTAL);
    expect(h.digest('hex')).toBe(s.hash);
    expect(s.sawFalse).toBeGreaterThan(0);
    expect(peak.max.readable).toBeLessThanOrEqual(BOUND);
    expect(peak.max.transportReadable).toBeLessThanOrEqual(BOUND);
    await closeServer(srv);
  });
});
