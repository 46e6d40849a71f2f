// Test plumbing: running the sanstls CLI (from source, through tsx), openssl and curl as child processes,
// certificates made with the openssl CLI, free ports.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running child with its output so far. */
export class Child {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;

  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      proc.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves with the first match of `re` in stdout or stderr (whichever `stream` says). */
  waitFor(re: RegExp, stream: 'stdout' | 'stderr', timeoutMs = 20_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this[stream]);
        if (m) {
          clearInterval(timer);
          clearTimeout(limit);
          resolve(m);
        }
      };
      const timer = setInterval(check, 20);
      const limit = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${re} in ${stream}:\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`));
      }, timeoutMs);
      void this.exited.then(() => setTimeout(() => {
        check();
        clearInterval(timer);
        clearTimeout(limit);
        if (!re.test(this[stream])) reject(new Error(`exited before ${re} appeared in ${stream}:\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`));
      }, 50));
      check();
    });
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

export interface StartOptions {
  /** Written to stdin; stdin is then closed unless keepStdinOpen. */
  readonly input?: string;
  readonly keepStdinOpen?: boolean;
  readonly cwd?: string;
}

export function start(cmd: string, args: readonly string[], opts: StartOptions = {}): Child {
  const proc = spawn(cmd, [...args], { cwd: opts.cwd ?? REPO, stdio: 'pipe' });
  const child = new Child(proc);
  if (opts.input !== undefined) proc.stdin.write(opts.input);
  if (!opts.keepStdinOpen) proc.stdin.end();
  return child;
}

/** The sanstls binary, run from source so the test never sees a stale build. */
export function sanstls(args: readonly string[], opts: StartOptions = {}): Child {
  return start(process.execPath, ['--import', 'tsx', MAIN, ...args], opts);
}

/** Runs to completion, killing the child after `timeoutMs`. */
export async function finish(child: Child, timeoutMs = 30_000): Promise<Finished> {
  const t = setTimeout(() => child.kill(), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(t);
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function openssl(args: readonly string[], cwd: string): void {
  const r = spawnSync('openssl', [...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

export interface Pki {
  readonly dir: string;
  /** Path of a file in the directory. */
  path(name: string): string;
  cleanup(): void;
}

/**
 * Certificates made by the openssl CLI: a CA ("ca.pem"), an RSA-2048 leaf and an ECDSA P-256 leaf for
 * localhost / 127.0.0.1 signed by it ("rsa.pem"/"rsa.key", "ec.pem"/"ec.key"), and an unrelated CA
 * ("other-ca.pem") for the negative tests.
 */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sanstls-cli-'));
  const caExt = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`,
        '-days', '2', '-subj', `/CN=sanstls ${ca} test`, ...caExt.flatMap((e) => ['-addext', e])],
      dir,
    );
  }
  writeFileSync(
    join(dir, 'leaf.ext'),
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1'].join('\n') + '\n',
  );
  const leaves: [string, string[]][] = [
    ['rsa', ['-newkey', 'rsa:2048']],
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ];
  for (const [name, keyArgs] of leaves) {
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=localhost/O=sanstls ${name} leaf`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'leaf.ext', '-out', `${name}.pem`], dir);
  }
  return { dir, path: (n) => join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Client certificates (extendedKeyUsage clientAuth) in the directory of `pki`: "client-ec" (ECDSA P-256)
 * and "client-rsa" (RSA-2048) signed by its CA, and "stranger" signed by the unrelated CA; each as
 * NAME.pem / NAME.key.
 */
export function addClientCertificates(pki: Pki): void {
  const dir = pki.dir;
  writeFileSync(
    join(dir, 'client.ext'),
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'].join('\n') + '\n',
  );
  const clients: [string, string[], string][] = [
    ['client-ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'ca'],
    ['client-rsa', ['-newkey', 'rsa:2048'], 'ca'],
    ['stranger', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'other-ca'],
  ];
  for (const [name, keyArgs, ca] of clients) {
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=sanstls ${name}/O=sanstls tests`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', 'client.ext',
      '-out', `${name}.pem`], dir);
  }
}

/** `openssl s_server -tls1_2` (no -www: stdin and stdout are the connection) on a free port, ready to accept. */
export async function opensslServer(pki: Pki, extra: readonly string[] = [], leaf: 'rsa' | 'ec' = 'ec'): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = start('openssl', ['s_server', '-tls1_2', '-accept', String(port), '-cert', pki.path(`${leaf}.pem`), '-key', pki.path(`${leaf}.key`), ...extra], {
    keepStdinOpen: true,
  });
  await child.waitFor(/ACCEPT/, 'stdout');
  return { child, port };
}

/** Occurrences of `re` in `text`. */
export const countOf = (text: string, re: RegExp): number => [...text.matchAll(new RegExp(re.source, re.flags.replace('g', '') + 'g'))].length;

/** `openssl s_server -tls1_2 -www` on a free port, ready to accept. */
export async function opensslWwwServer(pki: Pki, extra: readonly string[] = [], leaf: 'rsa' | 'ec' = 'rsa'): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = start('openssl', ['s_server', '-tls1_2', '-www', '-accept', String(port), '-cert', pki.path(`${leaf}.pem`), '-key', pki.path(`${leaf}.key`), ...extra], {
    keepStdinOpen: true,
  });
  await child.waitFor(/ACCEPT/, 'stdout');
  return { child, port };
}

/** `sanstls s_server` on a free port (the port it prints), ready to accept. */
export async function sanstlsServer(args: readonly string[]): Promise<{ child: Child; port: number }> {
  const child = sanstls(['s_server', '-accept', '127.0.0.1:0', ...args], { keepStdinOpen: true });
  const m = await child.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/, 'stderr');
  return { child, port: Number(m[1]) };
}

/** Index of each pattern in `text`, searching from the previous match on; -1 when out of order or absent. */
export function orderOf(text: string, patterns: readonly (string | RegExp)[]): number[] {
  const out: number[] = [];
  let from = 0;
  for (const p of patterns) {
    const rest = text.slice(from);
    const i = typeof p === 'string' ? rest.indexOf(p) : (p.exec(rest)?.index ?? -1);
    if (i < 0) {
      out.push(-1);
      continue;
    }
    out.push(from + i);
    from = from + i + 1;
  }
  return out;
}
