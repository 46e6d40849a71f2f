// sanstls s_server: accept TLS connections. -www answers an HTTP GET with a status page and closes;
// -rev sends each line back reversed; otherwise what clients send goes to stdout and stdin goes to every
// open connection (as `openssl s_server` does), except the command lines "r" and "R" (renegotiate).
//
// One options object (with one session cache and one set of ticket keys) serves every connection, so a
// client can resume a session made on an earlier connection.
import net from 'node:net';
import {
  loadCredential,
  LruSessionCache,
  ServerConnection,
  TicketKeys,
  type ClientAuthOptions,
  type EcdheGroup,
  type FfdheGroup,
  type HandshakeInfo,
  type ServerCredential,
  type ServerOptions,
} from '@sanstls/core';
import type { ServerArgs } from './args.js';
import { generateSelfSigned } from './certgen.js';
import { CommandLines } from './commands.js';
import { credentialFromFiles, readCaFile } from './files.js';
import { Link } from './pump.js';
import { clientCertificateLines, describeError, handshakeSummary } from './report.js';
import type { CliIo } from './s-client.js';
import { formatItem } from './trace.js';
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

/** Loads (or generates) the credentials and builds the core's options; throws a message on bad input. */
export async function serverOptions(args: ServerArgs, note: (line: string) => void): Promise<ServerOptions> {
  const credentials: ServerCredential[] = [];
  if (args.certFile !== undefined) {
    credentials.push(credentialFromFiles(args.certFile, args.keyFile, '-cert', '-key'));
  } else {
    const g = await generateSelfSigned();
    credentials.push(loadCredential(g.certPem, g.keyPem));
    note('no -cert given: using a fresh self-signed ECDSA P-256 certificate for localhost / 127.0.0.1');
  }
  if (args.dcertFile !== undefined) credentials.push(credentialFromFiles(args.dcertFile, args.dkeyFile, '-dcert', '-dkey'));
  const clientCa = args.caFile !== undefined ? readCaFile(args.caFile) : undefined;
  return {
    credentials,
    ...(args.cipherSuites ? { cipherSuites: args.cipherSuites } : {}),
    ...(args.groups ? { groups: args.groups as EcdheGroup[] } : {}),
    ...(args.dheGroups ? { dheGroups: args.dheGroups as FfdheGroup[] } : {}),
    ...(args.alpn ? { alpn: args.alpn } : {}),
    // Enabled: left to startServer, which makes one cache and one set of keys for all its connections.
    ...(args.noCache ? { sessionCache: false } : {}),
    ...(args.noTicket ? { ticketKeys: false } : {}),
    ...(args.verifyClient ? { clientAuth: { require: args.verifyClient.require, ...(clientCa !== undefined ? { ca: clientCa } : {}) } } : {}),
    ...(args.allowClientRenegotiation ? { allowClientRenegotiation: true } : {}),
  };
}

const reverseLine = (line: string): string => [...line].reverse().join('');

/**
 * Starts listening; resolves once bound ("ACCEPT host:port" is printed on stderr). `options` replaces
 * what the flags would give the core (credentials in memory); the other flags still apply.
 */
export async function startServer(args: ServerArgs, io: CliIo, prepared?: ServerOptions): Promise<ServerHandle> {
  const err = (line: string) => io.stderr.write(line + '\n');
  const base = prepared ?? (await serverOptions(args, err));
  // One cache and one set of ticket keys for every connection (each connection gets its own copy of the
  // options object below, so the core's per-object defaults would not be shared).
  const ownTicketKeys = base.ticketKeys === undefined && !args.noTicket ? new TicketKeys() : undefined;
  const options: ServerOptions = {
    ...base,
    sessionCache: args.noCache ? false : (base.sessionCache ?? new LruSessionCache()),
    ticketKeys: args.noTicket ? false : (base.ticketKeys ?? ownTicketKeys!),
  };
  new ServerConnection(options); // validates the options now rather than at the first client
  // The "R" command: a certificate is asked for (not required) in the renegotiation, checked against
  // the -verify settings or, without them, against -CAfile.
  const askCertificate: ClientAuthOptions = options.clientAuth
    ? { ...options.clientAuth, require: false }
    : args.caFile !== undefined
      ? { ca: readCaFile(args.caFile) }
      : {};

  interface Peer {
    readonly link: Link;
    handshakeDone: boolean;
    /** The stdin commands r and R (as openssl s_server): HelloRequest, optionally asking for a certificate. */
    renegotiate(withCertificate: boolean): void;
  }
  const peers = new Set<Peer>();
  let accepted = 0;
  let failures = 0;
  let closing = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const maybeDone = () => {
    if (peers.size === 0 && (closing || (args.naccept !== undefined && accepted >= args.naccept))) {
      ownTicketKeys?.dispose();
      resolveDone(failures === 0 ? 0 : 1);
    }
  };

  const server = net.createServer((socket) => {
    const id = ++accepted;
    if (args.naccept !== undefined && accepted >= args.naccept) server.close();
    socket.setNoDelay(true);
    const tag = `[#${id}]`;
    const say = (line: string) => err(`${tag} ${line}`);
    if (!args.quiet) say(`connection from ${socket.remoteAddress}:${socket.remotePort}`);
    const conn = new ServerConnection({ ...options, halfClose: true });
    const request = new RequestReader();
    let lineBuffer = '';
    let responded = false;
    /** We sent HelloRequest: the ClientHello that follows is ours to expect. */
    let helloRequested = false;
    /** The handshake in progress asks for a client certificate. */
    let askingCertificate = options.clientAuth !== undefined;

    // The observer sees the records before the connection does: -trace prints them, and a handshake
    // record from the client after the handshake, unasked, is a renegotiation the core will decline.
    const observer = new WireObserver((direction, item) => {
      if (args.trace) for (const line of formatItem(direction, item)) say(line);
      if (
        direction === 'received' &&
        item.kind === 'encrypted_handshake' &&
        peer.handshakeDone &&
        !helloRequested &&
        !conn.renegotiating &&
        !options.allowClientRenegotiation
      ) {
        say('the client asked to renegotiate: declined with a no_renegotiation warning (-allow_client_renegotiation accepts)');
      }
    });

    const report = (info: HandshakeInfo, renegotiated: boolean) => {
      if (args.quiet) return;
      if (renegotiated) say('RENEGOTIATED');
      for (const line of handshakeSummary(info, 'server')) say(line);
      if (askingCertificate || info.peerCertificates.length > 0) for (const line of clientCertificateLines(info)) say(line);
    };

    const link = new Link(socket, conn, {
      tap: (dir, bytes) => observer.observe(dir, bytes),
      onEvent: (e, l) => {
        switch (e.type) {
          case 'handshake':
            peer.handshakeDone = true;
            report(e.info, false);
            break;
          case 'renegotiated':
            helloRequested = false;
            report(e.info, true);
            askingCertificate = options.clientAuth !== undefined;
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
            say(`warning alert from the client: ${e.alert}`);
            break;
          case 'close':
            if (!args.quiet) say('the client sent close_notify');
            break;
          case 'error':
            say(`${peer.handshakeDone ? 'connection failed' : 'handshake failed'}: ${describeError(e.error, peer.handshakeDone)}`);
            break;
        }
      },
    });
    const peer: Peer = {
      link,
      handshakeDone: false,
      renegotiate(withCertificate) {
        helloRequested = true;
        const thrown = link.perform(() => conn.renegotiate(withCertificate ? { clientAuth: askCertificate } : {}));
        if (thrown !== undefined) {
          helloRequested = false;
          say(`cannot renegotiate: ${(thrown as Error).message}`);
          return;
        }
        if (withCertificate) askingCertificate = true;
        say(`RENEGOTIATING: HelloRequest sent${withCertificate ? ', asking for a client certificate' : ''}`);
      },
    };
    peers.add(peer);
    link.done.then((end) => {
      peers.delete(peer);
      if (!peer.handshakeDone || end.kind === 'failed') failures++;
      if (!args.quiet) say(end.kind === 'closed' ? 'closed' : 'ended with an error');
      maybeDone();
    });
  });

  if (!args.www && !args.rev) {
    // Stdin goes to every connection (data before the handshake is done is queued by the connection);
    // a line "r" or "R" renegotiates instead.
    const commands = new CommandLines('rR');
    const send = (data: Buffer) => {
      for (const p of peers) if (!p.link.ended) p.link.write(data);
    };
    io.stdin.on('data', (chunk: Buffer | string) => {
      for (const item of commands.push(chunk)) {
        if (item.kind === 'data') {
          send(item.data);
          continue;
        }
        const ready = [...peers].filter((p) => p.handshakeDone && !p.link.ended);
        if (ready.length === 0) err(`sanstls s_server: "${item.letter}": no connection to renegotiate`);
        for (const p of ready) p.renegotiate(item.letter === 'R');
      }
    });
    io.stdin.on('end', () => {
      const rest = commands.end();
      if (rest) send(rest);
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
      for (const p of peers) p.link.close(true);
      maybeDone();
      await done;
    },
  };
}
