// sanstls s_client: connect, handshake (printing a summary, and the trace with -trace), then send stdin
// and print what the server sends until it closes. The server is always verified: an unverified
// certificate ends the handshake (OpenSSL's -verify_return_error behaviour).
//
// -reconnect makes five more connections after the first, each offering the latest session (as OpenSSL
// does: the first connections only handshake and close, the last one is the interactive one).
import net from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  ClientConnection,
  HandshakeType,
  type ClientOptions,
  type EcdheGroup,
  type FfdheGroup,
  type HandshakeInfo,
  type TlsSession,
} from '@sanstls/core';
import type { ClientArgs } from './args.js';
import { toPem } from './certgen.js';
import { CommandLines } from './commands.js';
import { credentialFromFiles, readCaFile, readSessionFile, writeSessionFile } from './files.js';
import { Link } from './pump.js';
import { describeError, EXIT, handshakeSummary, isCertificateError } from './report.js';
import { describeCertificate, formatItem } from './trace.js';
import { WireObserver } from './wire.js';

/** The streams a command talks to (process.std* for the binary; anything for tests and the demo). */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Connections -reconnect makes after the first (OpenSSL: five). */
const RECONNECTS = 5;
/** How long a -reconnect connection waits for the server to close after our close_notify. */
const RECONNECT_LINGER_MS = 2000;

/** Builds the core's options from the flags; throws a message for an unreadable file (-CAfile, -cert, -sess_in). */
export function clientOptions(args: ClientArgs): ClientOptions {
  const ca = args.caFile !== undefined ? readCaFile(args.caFile) : rootCertificates;
  const credential = args.certFile !== undefined ? credentialFromFiles(args.certFile, args.keyFile, '-cert', '-key') : undefined;
  const session = args.sessIn !== undefined ? readSessionFile(args.sessIn) : undefined;
  return {
    serverName: args.serverName,
    ca,
    ...(args.cipherSuites ? { cipherSuites: args.cipherSuites } : {}),
    ...(args.groups ? { groups: args.groups as EcdheGroup[] } : {}),
    ...(args.dheGroups ? { dheGroups: args.dheGroups as FfdheGroup[] } : {}),
    ...(args.alpn ? { alpn: args.alpn } : {}),
    ...(credential ? { credentials: [credential] } : {}),
    ...(session ? { session } : {}),
    ...(args.noTicket ? { sessionTickets: false } : {}),
  };
}

/** One line about a session the server handed out. */
function describeSession(s: TlsSession): string {
  const id = s.sessionId.length > 0 ? `session ID ${Buffer.from(s.sessionId).toString('hex').toUpperCase()}` : 'no session ID';
  const ticket = s.ticket ? `, ticket of ${s.ticket.length} bytes (lifetime hint ${s.ticketLifetime ?? 0} s)` : ', no ticket';
  return `${id}${ticket}`;
}

/** What the wire showed of client authentication in the initial handshake (later ones are encrypted). */
interface ClientAuthSeen {
  requested: boolean;
  /** The chain we sent; empty for an empty Certificate message. */
  sent: readonly Uint8Array[] | undefined;
}

function clientCertificateLine(seen: ClientAuthSeen, haveCertificate: boolean): string | undefined {
  if (!seen.requested) return haveCertificate ? 'Client certificate: not requested by the server' : undefined;
  const [leaf] = seen.sent ?? [];
  if (!leaf) return `Client certificate: requested by the server, none sent${haveCertificate ? ' (-cert does not fit its request)' : ''}`;
  const subject = describeCertificate(leaf)[0]!.replace(/^subject\s+/, '');
  return `Client certificate: sent, ${subject}`;
}

/**
 * Runs the client to the end of the connection; resolves to the exit status. `options` replaces what
 * the flags would give the core (the demo passes its CA in memory); -connect and the I/O flags still apply.
 */
export async function runClient(args: ClientArgs, io: CliIo, options?: ClientOptions): Promise<number> {
  const err = (line: string) => io.stderr.write(line + '\n');
  let base: ClientOptions;
  let conn: ClientConnection;
  try {
    base = options ?? clientOptions(args);
    conn = new ClientConnection({ ...base, halfClose: true });
  } catch (e) {
    err(`sanstls s_client: ${(e as Error).message}`);
    return EXIT.usage;
  }
  let session = base.session;
  const keep = (s: TlsSession): boolean => {
    session = s;
    if (args.sessOut === undefined) return false;
    try {
      writeSessionFile(args.sessOut, s);
      return true;
    } catch (e) {
      err(`sanstls s_client: ${(e as Error).message}`);
      return false;
    }
  };
  const rounds = args.reconnect ? RECONNECTS + 1 : 1;
  for (let round = 1; ; round++) {
    const last = round === rounds;
    const code = await runConnection(args, io, conn, last, keep);
    if (last || code === EXIT.handshakeFailed) return code;
    try {
      conn = new ClientConnection({ ...base, ...(session ? { session } : {}), halfClose: true });
    } catch (e) {
      err(`sanstls s_client: ${(e as Error).message}`);
      return EXIT.handshakeFailed;
    }
  }
}

/**
 * One connection. `interactive`: stdin is sent once the handshake is done, and the connection lasts
 * until both sides close; otherwise (the first connections of -reconnect) it is closed right after the
 * handshake. `keep` receives each session the server hands out (true: it was written to -sess_out).
 */
async function runConnection(args: ClientArgs, io: CliIo, conn: ClientConnection, interactive: boolean, keep: (s: TlsSession) => boolean): Promise<number> {
  const err = (line: string) => io.stderr.write(line + '\n');
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

  const seen: ClientAuthSeen = { requested: false, sent: undefined };
  const observer = new WireObserver((direction, item) => {
    if (args.trace) for (const line of formatItem(direction, item)) err(line);
    if (item.kind !== 'handshake') return;
    const m = item.message;
    if (direction === 'received' && m.type === HandshakeType.certificate_request) seen.requested = true;
    if (direction === 'sent' && m.type === HandshakeType.certificate) seen.sent = m.message.certificates;
  });
  let handshakeDone = false;
  let stdinStarted = false;
  /** We sent a renegotiating ClientHello ("R") and its handshake has not completed. */
  let renegotiationAsked = false;

  const summary = (info: HandshakeInfo) => {
    for (const line of handshakeSummary(info, 'client')) err(line);
  };

  const startStdin = (link: Link) => {
    stdinStarted = true;
    const stdin = io.stdin;
    const commands = new CommandLines(args.commands ? 'R' : '');
    const send = (data: Buffer) => {
      const bytes = args.crlf ? Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : data;
      if (!link.write(bytes)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
    };
    stdin.on('data', (chunk: Buffer | string) => {
      for (const item of commands.push(chunk)) {
        if (item.kind === 'data') {
          send(item.data);
          continue;
        }
        // "R": renegotiate (RFC 5746), as openssl s_client does.
        err('RENEGOTIATING');
        renegotiationAsked = true;
        const thrown = link.perform(() => conn.renegotiate());
        if (thrown !== undefined) {
          renegotiationAsked = false;
          err(`sanstls s_client: cannot renegotiate: ${(thrown as Error).message}`);
        }
      }
    });
    stdin.on('end', () => {
      const rest = commands.end();
      if (rest) send(rest);
      if (!args.ignEof) link.close();
    });
    stdin.resume();
  };

  const link = new Link(socket, conn, {
    tap: (dir, bytes) => observer.observe(dir, bytes),
    onEvent: (e, l) => {
      switch (e.type) {
        case 'handshake':
          handshakeDone = true;
          if (!args.quiet) {
            err('---');
            summary(e.info);
            err(`Verification: OK (${args.serverName}${e.info.resumed ? ', verified when the session was made' : ''})`);
            const cc = clientCertificateLine(seen, args.certFile !== undefined);
            if (cc) err(cc);
            err('---');
          }
          if (args.showCerts) for (const der of e.info.peerCertificates) io.stderr.write(toPem('CERTIFICATE', der));
          if (interactive) {
            startStdin(l);
          } else {
            // After this batch of events (the session follows the handshake): close_notify and the end of
            // our side of the stream, as openssl does; a server that does not answer is not waited for long.
            queueMicrotask(() => {
              if (!args.quiet) err('drop connection and then reconnect');
              l.close(true);
              setTimeout(() => socket.destroy(), RECONNECT_LINGER_MS).unref();
            });
          }
          break;
        case 'renegotiated':
          renegotiationAsked = false;
          if (!args.quiet) {
            err('---');
            err('RENEGOTIATED');
            summary(e.info);
            err('---');
          }
          break;
        case 'session': {
          const written = keep(e.session);
          if (!args.quiet) err(`Session to resume: ${describeSession(e.session)}${written ? ` (written to ${args.sessOut})` : ''}`);
          break;
        }
        case 'data':
          if (!io.stdout.write(e.data)) {
            socket.pause();
            io.stdout.once('drain', () => socket.resume());
          }
          break;
        case 'alert':
          err(`sanstls s_client: warning alert from the server: ${e.alert}`);
          if (e.alert === 'no_renegotiation' && renegotiationAsked) {
            // RFC 5746 §4.4: the server declined; the core goes back to the established connection
            // (OpenSSL clients end it instead).
            renegotiationAsked = false;
            err('sanstls s_client: the server declined to renegotiate: the connection goes on with its current parameters');
          }
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
