// Shared by the Deno test scripts (run with --sloppy-imports, so `./common.js` finds this file): the
// Deno global with test types, deterministic test data, hashing, and stream helpers. Results go to stdout
// as one `RESULT {json}` line for the vitest side to check.
import type { DenoTest } from './types.js';

export const deno = (globalThis as unknown as { Deno: DenoTest }).Deno;

/** The JSON object the vitest side passed as the first argument. */
export function args<T>(): T {
  return JSON.parse(deno.args[0] ?? '{}') as T;
}

export function report(result: unknown): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** Deterministic pseudo-random bytes (xorshift32), the same sequence as testData() on the vitest side. */
export function testData(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Writes `data` in chunks of varying sizes (1 byte to 40 KiB), awaiting each (backpressure). */
export async function writeChunked(writer: WritableStreamDefaultWriter<Uint8Array>, data: Uint8Array): Promise<void> {
  const sizes = [1, 100, 16384, 16385, 40000, 7, 5000];
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const end = Math.min(data.length, off + sizes[i % sizes.length]!);
    await writer.ready;
    await writer.write(data.slice(off, end));
    off = end;
  }
}

/** Reads exactly `n` bytes (fails if the stream ends first); leaves the rest unread. */
export async function readExactly(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended after ${got} of ${n} bytes`);
    const take = value.subarray(0, Math.min(value.length, n - got));
    if (take.length < value.length) throw new Error(`got ${got + value.length} bytes, more than the ${n} expected`);
    parts.push(take);
    got += take.length;
  }
  return concat(parts);
}

/** Everything until the end of the stream. */
export async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return concat(parts);
    parts.push(value);
  }
}

/** A rejection's error as plain data, for the report. */
export function describeError(e: unknown): { name: string; code: unknown; alert: unknown; message: string; isTlsError: boolean } {
  const err = e as { name?: unknown; code?: unknown; alert?: unknown; message?: unknown };
  return {
    name: String(err?.name),
    code: err?.code,
    alert: err?.alert,
    message: String(err?.message),
    isTlsError: err?.name === 'TlsError',
  };
}
