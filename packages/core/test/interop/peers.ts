// Real peers for the interop tests: openssl s_server / s_client processes and node:tls endpoints.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';

export interface OpensslServer {
  readonly port: number;
  readonly proc: ChildProcessWithoutNullStreams;
  output(): string;
  stop(): void;
}

/** Starts `openssl s_server` on an ephemeral loopback port; resolves once it accepts. */
export function startOpensslServer(args: string[], naccept = 1): Promise<OpensslServer> {
  return new Promise((resolve, reject) => {
    const proc = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-naccept', String(naccept), ...args]);
    let out = '';
    let resolved = false;
    const onData = (b: Buffer) => {
      out += b.toString('latin1');
      const m = /ACCEPT [^\n]*:(\d+)/.exec(out);
      if (m && !resolved) {
        resolved = true;
        resolve({ port: Number(m[1]), proc, output: () => out, stop: () => proc.kill() });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      if (!resolved) reject(new Error(`openssl s_server exited with ${code}: ${out}`));
    });
  });
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** A one-connection TCP listener; resolves with its port and a promise of the accepted socket. */
export function listenOnce(): Promise<{ port: number; accepted: Promise<net.Socket>; close(): void }> {
  return new Promise((resolve) => {
    let onSocket!: (s: net.Socket) => void;
    const accepted = new Promise<net.Socket>((r) => (onSocket = r));
    const server = net.createServer((s) => {
      s.setNoDelay(true);
      server.close();
      onSocket(s);
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({ port, accepted, close: () => server.close() });
    });
  });
}

/** Deterministic pseudo-random test data (xorshift), so mismatches are reproducible. */
export function testData(n: number, seed = 1): Uint8Array {
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
