// Test helpers for the codec: TlsError assertions, a minimal plaintext record splitter (the real
// record layer is not the codec's), openssl-generated certificates, and child-process peers.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { HandshakeAssembler, type RawHandshakeMessage } from '../../src/codec/index.js';

export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Assert that `fn` throws a TlsError with this alert (and code, if given). */
export function expectTlsError(fn: () => unknown, alert: string, code?: string): TlsError {
  const e = catchError(fn);
  expect(e, 'expected a TlsError').toBeInstanceOf(TlsError);
  const t = e as TlsError;
  expect(t.alert, t.message).toBe(alert);
  if (code !== undefined) expect(t.code).toBe(code);
  return t;
}

export const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);
export const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** A TLSPlaintext record (RFC 5246 §6.2.1), for talking to real peers in tests. */
export function record(type: number, body: Uint8Array, version = 0x0301): Uint8Array {
  const r = new Uint8Array(5 + body.length);
  r[0] = type;
  r[1] = version >> 8;
  r[2] = version & 0xff;
  r[3] = body.length >> 8;
  r[4] = body.length & 0xff;
  r.set(body, 5);
  return r;
}

export interface PlainRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

/** Splits a byte stream into plaintext records. */
export class RecordSplitter {
  private buf: Uint8Array = new Uint8Array(0);
  push(data: Uint8Array): PlainRecord[] {
    this.buf = concat(this.buf, data);
    const out: PlainRecord[] = [];
    while (this.buf.length >= 5) {
      const len = (this.buf[3]! << 8) | this.buf[4]!;
      if (this.buf.length < 5 + len) break;
      out.push({ type: this.buf[0]!, version: (this.buf[1]! << 8) | this.buf[2]!, fragment: this.buf.slice(5, 5 + len) });
      this.buf = this.buf.slice(5 + len);
    }
    return out;
  }
}

/**
 * Reads plaintext handshake messages from a socket until `done(messages)` says so; resolves with
 * the messages and any alert records seen.
 */
export function readHandshake(
  sock: net.Socket,
  done: (msgs: RawHandshakeMessage[]) => boolean,
  timeoutMs = 10_000,
): Promise<{ messages: RawHandshakeMessage[]; alerts: Uint8Array[]; records: PlainRecord[] }> {
  return new Promise((resolve, reject) => {
    const splitter = new RecordSplitter();
    const asm = new HandshakeAssembler();
    const messages: RawHandshakeMessage[] = [];
    const alerts: Uint8Array[] = [];
    const records: PlainRecord[] = [];
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve({ messages, alerts, records });
    };
    const timer = setTimeout(() => finish(new Error(`timeout; got ${messages.length} messages`)), timeoutMs);
    sock.on('data', (d: Buffer) => {
      for (const rec of splitter.push(new Uint8Array(d))) {
        records.push(rec);
        if (rec.type === 21) alerts.push(rec.fragment);
        if (rec.type === 22) {
          // Copy: the views handed out must outlive this record.
          asm.push(rec.fragment, (m) => messages.push({ type: m.type, raw: m.raw.slice(), body: m.raw.slice(4) }));
        }
      }
      if (done(messages) || alerts.length > 0) finish();
    });
    sock.on('close', () => finish());
    sock.on('error', () => finish());
  });
}

/** A temp dir with openssl-generated keys and certificates. */
export class CertDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'sanstls-codec-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: 'pipe' });
  }

  /** A self-signed CA, or a leaf signed by `issuer`. Returns PEM paths and the leaf DER. */
  make(
    name: string,
    kind: 'rsa' | 'p256' | 'p384',
    opts: { cn?: string; issuer?: string; ca?: boolean } = {},
  ): { key: string; cert: string; der: Uint8Array } {
    const key = this.path(`${name}.key`);
    const cert = this.path(`${name}.crt`);
    const keyArgs =
      kind === 'rsa'
        ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]
        : ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${kind === 'p256' ? 'P-256' : 'P-384'}`, '-out', key];
    this.openssl(keyArgs);
    const subj = `/CN=${opts.cn ?? name}`;
    if (opts.issuer === undefined) {
      this.openssl(['req', '-x509', '-new', '-key', key, '-subj', subj, '-days', '2', '-out', cert,
        ...(opts.ca ? ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'] : [])]);
    } else {
      const csr = this.path(`${name}.csr`);
      this.openssl(['req', '-new', '-key', key, '-subj', subj, '-out', csr]);
      this.openssl(['x509', '-req', '-in', csr, '-CA', this.path(`${opts.issuer}.crt`), '-CAkey', this.path(`${opts.issuer}.key`),
        '-CAcreateserial', '-days', '2', '-out', cert]);
    }
    const derPath = this.path(`${name}.der`);
    this.openssl(['x509', '-in', cert, '-outform', 'DER', '-out', derPath]);
    return { key, cert, der: new Uint8Array(readFileSync(derPath)) };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Spawn `openssl s_server` on 127.0.0.1:0 and wait for its port. */
export function startOpensslServer(args: string[]): Promise<{ port: number; proc: ChildProcess; stop: () => void }> {
  const proc = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ACCEPT .*:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), proc, stop: () => proc.kill() });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    proc.on('exit', (code) => reject(new Error(`openssl s_server exited (${code}): ${out}`)));
  });
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Listen on 127.0.0.1:0 and resolve with the first connection and the first handshake message. */
export async function captureClientHello(
  startClient: (port: number) => () => void,
): Promise<RawHandshakeMessage> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const conn = new Promise<net.Socket>((r) => server.once('connection', r));
  const stopClient = startClient(port);
  try {
    const sock = await conn;
    const { messages } = await readHandshake(sock, (m) => m.length >= 1);
    sock.destroy();
    expect(messages.length).toBeGreaterThanOrEqual(1);
    return messages[0]!;
  } finally {
    stopClient();
    server.close();
  }
}
