// The vitest side of the Deno tests: certificates made with the openssl CLI in a temporary directory,
// the real Deno binary (from the npm `deno` package) run on a script in test/deno/ with narrow
// permissions, and the same test data and hashes as the scripts compute.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const DIST = join(ROOT, 'packages/deno/dist/index.js');
const DENO = join(ROOT, 'node_modules/.bin/deno');
const SCRIPTS = join(ROOT, 'packages/deno/test/deno');

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  /** A CA that signed nothing here. */
  readonly otherCa: string;
  readonly ec: { readonly cert: string; readonly key: string };
  readonly rsa: { readonly cert: string; readonly key: string };
}

const ossl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function makeCa(dir: string, name: string): string {
  ossl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  ossl(dir, [
    'req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=sanstls deno test ${name}`, '-days', '2', '-out', `${name}.pem`,
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return join(dir, `${name}.pem`);
}

function makeLeaf(dir: string, name: string, keyArgs: string[], ku: string): { cert: string; key: string } {
  writeFileSync(join(dir, `${name}.ext`), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    `keyUsage=critical,${ku}`,
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    '',
  ].join('\n'));
  ossl(dir, ['genpkey', ...keyArgs, '-out', `${name}.key`]);
  ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=localhost ${name}`, '-out', `${name}.csr`]);
  ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

let cached: Pki | undefined;

/** One PKI per test file: a CA, an unrelated CA, an ECDSA P-256 and an RSA-2048 server certificate for localhost and 127.0.0.1. */
export function pki(): Pki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'sanstls-deno-'));
  const ca = makeCa(dir, 'ca');
  const otherCa = makeCa(dir, 'other');
  const ec = makeLeaf(dir, 'ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'digitalSignature');
  const rsa = makeLeaf(dir, 'rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'digitalSignature,keyEncipherment');
  cached = { dir, ca, otherCa, ec, rsa };
  return cached;
}

export interface DenoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The script's `RESULT {json}` line, parsed. */
  readonly result: unknown;
}

export interface DenoOptions {
  /** Directories the script may read (the certificates). Importing the dist files needs no permission. */
  readonly read?: readonly string[];
  /** Hosts the script may reach or listen on (default 127.0.0.1 only). */
  readonly net?: readonly string[];
  readonly timeoutMs?: number;
}

/** Runs test/deno/<script> with the real Deno, passing `args` as JSON. Rejects unless it exits 0 with a result. */
export function runDeno(script: string, args: unknown, opts: DenoOptions = {}): Promise<DenoRun> {
  if (!existsSync(DIST)) throw new Error(`${DIST} missing: run npm run build`);
  const flags = [
    'run',
    '--quiet',
    '--no-prompt',
    '--no-lock',
    // The scripts import ./common.js, which is common.ts: the TypeScript convention the monorepo's tsc checks.
    '--sloppy-imports',
    `--allow-net=${(opts.net ?? ['127.0.0.1']).join(',')}`,
    ...(opts.read && opts.read.length > 0 ? [`--allow-read=${opts.read.join(',')}`] : []),
  ];
  const child: ChildProcessWithoutNullStreams = spawn(DENO, [...flags, join(SCRIPTS, script), JSON.stringify(args)], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`deno ${script} exited with ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        return;
      }
      resolvePromise({ code, stdout, stderr, result: JSON.parse(line.slice('RESULT '.length)) });
    });
  });
}

/** Deterministic pseudo-random bytes (xorshift32), the same sequence as testData() in test/deno/common.ts. */
export function testData(n: number, seed: number): Buffer {
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

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
