// sanstls s_client: connect, handshake (printing a summary, and the trace with -trace), then send stdin
// and print what the server sends until it closes. The server is always verified: an unverified
// certificate ends the handshake (OpenSSL's -verify_return_error behaviour).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { rootCertificates } from 'node:tls';
import { ClientConnection, type ClientOptions, type EcdheGroup, type FfdheGroup } from '@sanstls/core';
import type { ClientArgs } from './args.js';
import { Link } from './pump.js';
import { describeError, EXIT, handshakeSummary, isCertificateError } from './report.js';
import { toPem } from './certgen.js';
import { createTracer } from './trace.js';

/** The streams a command talks to (process.std* for the binary; anything for tests and the demo). */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Builds the core's options from the flags; throws a message for an unreadable -CAfile. */
export function clientOptions(args: ClientArgs): ClientOptions {
  let ca: string | readonly string[];
  if (args.caFile !== undefined) {
    try {
      ca = readFileSync(args.caFile, 'utf8');
    } catch (e) {
      throw new Error(`-CAfile: cannot read ${args.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`-CAfile: no PEM certificate in ${args.caFile}`);
  } else {
    ca = rootCertificates;
  }
  return {
    serverName: args.serverName,
    ca,
    ...(args.cipherSuites ? { cipherSuites: args.cipherSuites } : {}),
    ...(args.groups ? { groups: args.groups as EcdheGroup[] } : {}),
    ...(args.dheGroups ? { dheGroups: args.dheGroups as FfdheGroup[] } : {}),
    ...(args.alpn ? { alpn: args.alpn } : {}),
  };
}

/**
 * Runs the client to the end of the connection; resolves to the exit status. `options` replaces what
 * the flags would give the core (the demo passes its CA in memory); -connect and the I/O flags still apply.
 */
export async function runClient(args: ClientArgs, io: CliIo, options?: ClientOptions): Promise<number> {
  const err = (line: string) => io.stderr.write(line + '\n');
  let conn: ClientConnection;
  try {
    conn = new ClientConnection({ ...(options ?? clientOptions(args)), halfClose: true });
  } catch (e) {
    err(`sanstls s_client: ${(e as Error).message}`);
    return EXIT.usage;
  }

  const socket = net.connect({ host: args.host, port: args.port });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
  } catch (e) {
    err(`sanstls s_client: connect to ${args.host}:${args.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    socket.destroy();
    return EXIT.handshakeFailed;
  }
  socket.setNoDelay(true);
  if (!args.quiet) err(`CONNECTED(${socket.remoteAddress}:${socket.remotePort})`);

  const tracer = args.trace ? createTracer(err) : undefined;
  let handshakeDone = false;
  let stdinStarted = false;

  const startStdin = (link: Link) => {
    stdinStarted = true;
    const stdin = io.stdin;
    stdin.on('data', (chunk: Buffer | string) => {
      let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (args.crlf) bytes = Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      if (!link.write(bytes)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
    });
    stdin.on('end', () => {
      if (!args.ignEof) link.close();
    });
    stdin.resume();
  };

  const link = new Link(socket, conn, {
    tap: tracer ? (dir, bytes) => tracer.observe(dir, bytes) : undefined,
    onEvent: (e, l) => {
      switch (e.type) {
        case 'handshake':
          handshakeDone = true;
          if (!args.quiet) {
            err('---');
            for (const line of handshakeSummary(e.info, 'client')) err(line);
            err(`Verification: OK (${args.serverName})`);
            err('---');
          }
          if (args.showCerts) for (const der of e.info.peerCertificates) io.stderr.write(toPem('CERTIFICATE', der));
          startStdin(l);
          break;
        case 'data':
          if (!io.stdout.write(e.data)) {
            socket.pause();
            io.stdout.once('drain', () => socket.resume());
          }
          break;
        case 'alert':
          err(`sanstls s_client: warning alert from the server: ${e.alert}`);
          break;
        case 'close':
          if (!args.quiet) err('closed: the server sent close_notify');
          break;
        case 'error':
          if (!handshakeDone && isCertificateError(e.error)) err(`Verify return code: ${e.error.code} (${e.error.message})`);
          err(`sanstls s_client: ${handshakeDone ? 'connection failed' : 'handshake failed'}: ${describeError(e.error, handshakeDone)}`);
          break;
      }
    },
  });
  link.start();
  const end = await link.done;
  if (stdinStarted) io.stdin.pause();
  if (end.kind === 'failed' && end.transportError && !args.quiet) err(`sanstls s_client: transport: ${end.transportError.message}`);
  if (!handshakeDone) return EXIT.handshakeFailed;
  return end.kind === 'closed' ? EXIT.ok : EXIT.failedAfterHandshake;
}
