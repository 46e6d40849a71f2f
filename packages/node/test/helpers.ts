// Test fixtures: a PKI made with the openssl CLI in a temporary directory, and small promise helpers.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Leaf {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: string;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  readonly otherCa: string;
  readonly ec: Leaf;
  readonly rsa: Leaf;
}

const ossl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function makeCa(dir: string, name: string): void {
  ossl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  ossl(dir, [
    'req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=sanstls node test ${name}`, '-days', '2', '-out', `${name}.pem`,
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, name: string, keyArgs: string[], ku: string): Leaf {
  writeFileSync(join(dir, `${name}.ext`), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    `keyUsage=critical,${ku}`,
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    '',
  ].join('\n'));
  ossl(dir, ['genpkey', ...keyArgs, '-out', `${name}.key`]);
  ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=localhost ${name}`, '-out', `${name}.csr`]);
  ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

let cached: Pki | undefined;

export function pki(): Pki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'sanstls-node-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other');
  const ec = makeLeaf(dir, 'ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'digitalSignature');
  const rsa = makeLeaf(dir, 'rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'digitalSignature,keyEncipherment');
  cached = {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    otherCa: readFileSync(join(dir, 'other.pem'), 'utf8'),
    ec,
    rsa,
  };
  return cached;
}

/** Listens on an ephemeral loopback port; resolves with the port. */
export function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Resolves with the first emission of `event` (its first argument); rejects on 'error' first. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      emitter.off(event, onEvent);
      reject(e);
    };
    const onEvent = (v: T) => {
      emitter.off('error', onError);
      resolve(v);
    };
    emitter.once(event, onEvent);
    if (event !== 'error') emitter.once('error', onError);
  });
}

/** Everything a readable yields until its end. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function testData(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export interface ChildServer {
  readonly port: number;
  output(): string;
  stop(): void;
}

/** `openssl s_server` on an ephemeral loopback port; resolves once it accepts. */
export function opensslServer(args: string[]): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const proc = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args]);
    let out = '';
    let ready = false;
    const onData = (b: Buffer) => {
      out += b.toString('latin1');
      const m = /ACCEPT [^\n]*:(\d+)/.exec(out);
      if (m && !ready) {
        ready = true;
        resolve({ port: Number(m[1]), output: () => out, stop: () => proc.kill() });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      if (!ready) reject(new Error(`openssl s_server exited with ${code}: ${out}`));
    });
  });
}

/** Runs a command; resolves with its exit code and output. */
export function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(cmd, args);
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => (stdout += b.toString('latin1')));
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString('latin1')));
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
