// Test plumbing: certificates from the openssl CLI, a TCP socket as a Web Streams pair, node:tls servers,
// an openssl s_server child, stream helpers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type { ByteStreamPair } from '../src/index.js';

function openssl(args: readonly string[], cwd: string): void {
  const r = spawnSync('openssl', [...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

export interface Pki {
  readonly dir: string;
  /** The CA certificate (PEM). */
  readonly ca: string;
  /** A CA that signed nothing here (PEM), for the negative tests. */
  readonly otherCa: string;
  /** Leaf certificates for localhost / 127.0.0.1 signed by `ca`. */
  readonly rsa: { readonly cert: string; readonly key: string; readonly certPath: string; readonly keyPath: string };
  readonly ec: { readonly cert: string; readonly key: string; readonly certPath: string; readonly keyPath: string };
  cleanup(): void;
}

/** A CA, an RSA-2048 leaf and an ECDSA P-256 leaf for localhost / 127.0.0.1, all made by the openssl CLI. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sanstls-web-'));
  const ext = join(dir, 'leaf.ext');
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  for (const name of ['ca', 'other-ca']) {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
    openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '30', '-subj', `/CN=sanstls web test ${name}`, '-out', `${name}.pem`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  }
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key'], dir);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key'], dir);
  for (const kind of ['rsa', 'ec']) {
    openssl(['req', '-new', '-key', `${kind}.key`, '-subj', '/CN=localhost', '-out', `${kind}.csr`], dir);
    openssl(['x509', '-req', '-in', `${kind}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', `${kind}.pem`], dir);
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const leaf = (kind: string) => ({ cert: read(`${kind}.pem`), key: read(`${kind}.key`), certPath: join(dir, `${kind}.pem`), keyPath: join(dir, `${kind}.key`) });
  return {
    dir,
    ca: read('ca.pem'),
    otherCa: read('other-ca.pem'),
    rsa: leaf('rsa'),
    ec: leaf('ec'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A connected TCP socket as a Web Streams byte pair, with backpressure (the socket pauses when unread). */
export function socketStreams(socket: net.Socket): ByteStreamPair {
  let ended = false;
  const readable = new ReadableStream<Uint8Array>(
    {
      start(c) {
        socket.on('data', (d: Buffer) => {
          c.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.length));
          if ((c.desiredSize ?? 0) <= 0) socket.pause();
        });
        socket.on('end', () => {
          if (!ended) c.close();
          ended = true;
        });
        socket.on('error', (e) => {
          if (!ended) c.error(e);
          ended = true;
        });
        socket.on('close', () => {
          if (!ended) c.error(Object.assign(new Error('socket closed'), { code: 'ECONNRESET' }));
          ended = true;
        });
      },
      pull() {
        socket.resume();
      },
      cancel() {
        socket.destroy();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => new Promise<void>((resolve, reject) => socket.write(chunk, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise<void>((resolve) => socket.end(resolve)),
    abort: () => {
      socket.destroy();
    },
  });
  return { readable, writable };
}

/** Connects to 127.0.0.1:port and wraps the socket. */
export async function tcpStreams(port: number, allowHalfOpen = false): Promise<{ pair: ByteStreamPair; socket: net.Socket }> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { pair: socketStreams(socket), socket };
}

export interface Listening<S> {
  readonly server: S;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 at a free port; close() also destroys the connections still open. */
export async function listen<S extends net.Server>(server: S): Promise<Listening<S>> {
  const open = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts, reads and never answers. */
export function silentServer(): Promise<Listening<net.Server>> {
  return listen(net.createServer((s) => s.on('error', () => {}).resume()));
}

/** A node:tls server on TLS 1.2 with the given leaf; `onSocket` gets each secure connection. */
export function tlsServer(
  leaf: { cert: string; key: string },
  onSocket: (s: tls.TLSSocket) => void,
  extra: tls.TlsOptions = {},
): Promise<Listening<tls.Server>> {
  const server = tls.createServer({ cert: leaf.cert, key: leaf.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ...extra }, (s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  return listen(server);
}

/** An echo server: everything read is written back; the end of input ends the output. */
export function echoServer(leaf: { cert: string; key: string }): Promise<Listening<tls.Server>> {
  return tlsServer(leaf, (s) => s.pipe(s));
}

/** openssl s_server -tls1_2 -www on a free port, ready to accept. */
export async function opensslWww(leaf: { certPath: string; keyPath: string }): Promise<{ port: number; child: ChildProcess; stop(): void }> {
  const port = await freePort();
  const child = spawn('openssl', ['s_server', '-tls1_2', '-www', '-accept', String(port), '-cert', leaf.certPath, '-key', leaf.keyPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`openssl s_server did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl s_server exited with ${code}:\n${out}`));
    });
  });
  return {
    port,
    child,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const l = await listen(net.createServer());
  await l.close();
  return l.port;
}

/** Reads a stream to its end and concatenates the chunks. */
export async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/** The rejection of `p` (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

export const text = (b: Uint8Array) => new TextDecoder().decode(b);
export const bytes = (s: string) => new TextEncoder().encode(s);
