// sanstls s_server: accept TLS connections. -www answers an HTTP GET with a status page and closes;
// -rev sends each line back reversed; otherwise what clients send goes to stdout and stdin goes to every
// open connection (as `openssl s_server` does).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { loadCredential, ServerConnection, type EcdheGroup, type FfdheGroup, type ServerCredential, type ServerOptions } from '@sanstls/core';
import type { ServerArgs } from './args.js';
import { generateSelfSigned } from './certgen.js';
import { Link } from './pump.js';
import { describeError, handshakeSummary } from './report.js';
import type { CliIo } from './s-client.js';
import { createTracer } from './trace.js';
import { WireObserver } from './wire.js';
import { errorPage, RequestReader, statusPage } from './www.js';

export interface ServerHandle {
  /** The address actually bound. */
  readonly host: string;
  readonly port: number;
  /** Stops accepting, ends open connections, and settles `done`. */
  close(): Promise<void>;
  /** Settles after -naccept connections (or close()): 0 when every handshake succeeded, else 1. */
  readonly done: Promise<number>;
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${flag}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The private key block of a PEM file that may also hold certificates (as OpenSSL's server.pem does). */
function keyBlock(text: string, file: string): string {
  const m = /-----BEGIN ((?:RSA |EC |)PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(text);
  if (!m) throw new Error(`no private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block) in ${file}`);
  return m[0];
}

function credential(certFile: string, keyFile: string | undefined, certFlag: string, keyFlag: string): ServerCredential {
  const chain = readText(certFile, certFlag);
  const keyPath = keyFile ?? certFile;
  const key = keyBlock(readText(keyPath, keyFlag), keyPath);
  try {
    return loadCredential(chain, key);
  } catch (e) {
    throw new Error(`${certFlag} ${certFile} / ${keyFlag} ${keyPath}: ${(e as Error).message}`);
  }
}

/** Loads (or generates) the credentials and builds the core's options; throws a message on bad input. */
export async function serverOptions(args: ServerArgs, note: (line: string) => void): Promise<ServerOptions> {
  const credentials: ServerCredential[] = [];
  if (args.certFile !== undefined) {
    credentials.push(credential(args.certFile, args.keyFile, '-cert', '-key'));
  } else {
    const g = await generateSelfSigned();
    credentials.push(loadCredential(g.certPem, g.keyPem));
    note('no -cert given: using a fresh self-signed ECDSA P-256 certificate for localhost / 127.0.0.1');
  }
  if (args.dcertFile !== undefined) credentials.push(credential(args.dcertFile, args.dkeyFile, '-dcert', '-dkey'));
  return {
    credentials,
    ...(args.cipherSuites ? { cipherSuites: args.cipherSuites } : {}),
    ...(args.groups ? { groups: args.groups as EcdheGroup[] } : {}),
    ...(args.dheGroups ? { dheGroups: args.dheGroups as FfdheGroup[] } : {}),
    ...(args.alpn ? { alpn: args.alpn } : {}),
  };
}

const reverseLine = (line: string): string => [...line].reverse().join('');

/**
 * Starts listening; resolves once bound ("ACCEPT host:port" is printed on stderr). `options` replaces
 * what the flags would give the core (credentials in memory); the other flags still apply.
 */
export async function startServer(args: ServerArgs, io: CliIo, prepared?: ServerOptions): Promise<ServerHandle> {
  const err = (line: string) => io.stderr.write(line + '\n');
  const options = prepared ?? (await serverOptions(args, err));
  new ServerConnection(options); // validates the options now rather than at the first client

  const links = new Set<Link>();
  let accepted = 0;
  let failures = 0;
  let closing = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const maybeDone = () => {
    if (links.size === 0 && (closing || (args.naccept !== undefined && accepted >= args.naccept))) resolveDone(failures === 0 ? 0 : 1);
  };

  const server = net.createServer((socket) => {
    const id = ++accepted;
    if (args.naccept !== undefined && accepted >= args.naccept) server.close();
    socket.setNoDelay(true);
    const tag = `[#${id}]`;
    if (!args.quiet) err(`${tag} connection from ${socket.remoteAddress}:${socket.remotePort}`);
    const observer = args.trace ? createTracer(err, `${tag} `) : new WireObserver(() => {});
    const conn = new ServerConnection({ ...options, halfClose: true });
    const request = new RequestReader();
    let lineBuffer = '';
    let handshakeDone = false;
    let responded = false;

    const link = new Link(socket, conn, {
      tap: (dir, bytes) => observer.observe(dir, bytes),
      onEvent: (e, l) => {
        switch (e.type) {
          case 'handshake':
            handshakeDone = true;
            if (!args.quiet) for (const line of handshakeSummary(e.info, 'server')) err(`${tag} ${line}`);
            break;
          case 'data':
            if (args.www) {
              if (responded) break;
              const r = request.push(e.data);
              if (r.kind === 'incomplete') break;
              responded = true;
              const info = conn.handshake;
              if (r.kind === 'bad') l.write(errorPage(400, r.reason));
              else if (r.method !== 'GET') l.write(errorPage(405, `${r.method} is not supported; use GET`));
              else if (info) l.write(statusPage(info, observer.clientHello, r.requestLine));
              l.close(true);
            } else if (args.rev) {
              lineBuffer += Buffer.from(e.data).toString('utf8');
              const lines = lineBuffer.split('\n');
              lineBuffer = lines.pop() ?? '';
              for (const line of lines) l.write(Buffer.from(reverseLine(line.replace(/\r$/, '')) + '\n'));
            } else {
              io.stdout.write(e.data);
            }
            break;
          case 'alert':
            err(`${tag} warning alert from the client: ${e.alert}`);
            break;
          case 'close':
            if (!args.quiet) err(`${tag} the client sent close_notify`);
            break;
          case 'error':
            err(`${tag} ${handshakeDone ? 'connection failed' : 'handshake failed'}: ${describeError(e.error, handshakeDone)}`);
            break;
        }
      },
    });
    links.add(link);
    link.done.then((end) => {
      links.delete(link);
      if (!handshakeDone || end.kind === 'failed') failures++;
      if (!args.quiet) err(`${tag} ${end.kind === 'closed' ? 'closed' : 'ended with an error'}`);
      maybeDone();
    });
  });

  if (!args.www && !args.rev) {
    // Stdin goes to every connection whose handshake is done (data before that would be queued).
    io.stdin.on('data', (chunk: Buffer | string) => {
      for (const l of links) if (!l.ended) l.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(args.port, args.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => err(`sanstls s_server: ${e.message}`));
  const addr = server.address() as net.AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  err(`ACCEPT ${host}:${addr.port}`);

  return {
    host: addr.address,
    port: addr.port,
    done,
    async close() {
      closing = true;
      server.close();
      for (const l of links) l.close(true);
      maybeDone();
      await done;
    },
  };
}
