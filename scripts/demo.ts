// `npm start`: sanstls in one minute. A sanstls server on 127.0.0.1 with a freshly generated certificate,
// then two clients talking to it: the sanstls client (with its handshake trace) and Node's own node:tls,
// which then reconnects resuming its session (RFC 5077 ticket). Each sends an HTTP request and gets the
// server's status page back. Exits 0 when all worked.
import { Readable, Writable } from 'node:stream';
import tls from 'node:tls';
import { loadCredential } from '@sanstls/core';
import { describeCertificate, generateSelfSigned, parseCommandLine, runClient, startServer, type CliIo } from '@sanstls/cli';

const out = (line = '') => process.stdout.write(line + '\n');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const step = (n: number, title: string) => out(`\n${bold(`[${n}/5] ${title}`)}`);

/** A Writable that hands each complete line to `line`. */
function lineWriter(line: (s: string) => void): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) line(p);
      cb();
    },
    final(cb) {
      if (rest) line(rest);
      cb();
    },
  });
}

/** A Writable that keeps everything. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** The interesting lines of the -www status page: the status line and the connection parameters. */
function pageHighlights(page: string): string[] {
  const status = page.split('\r\n')[0] ?? '(nothing)';
  const keep = page.split('\n').filter((l) => /^(New, |Reused, |\s+Key exchange|\s+Signature|SNI)/.test(l));
  return [`${status} (${page.length} bytes)`, ...keep.map((l) => l.trim().replace(/\s+:/, ':'))];
}

const REQUEST = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';

async function main(): Promise<number> {
  out(bold('sanstls demo: TLS 1.2 in TypeScript and WebAssembly, over real sockets on 127.0.0.1'));

  step(1, 'A fresh self-signed certificate (ECDSA P-256, made in JavaScript)');
  const cert = await generateSelfSigned({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 1 });
  for (const l of describeCertificate(cert.certDer)) out(`      ${l}`);

  step(2, 'A sanstls server');
  const serverCmd = ['s_server', '-accept', '127.0.0.1:0', '-www', '-quiet', '-naccept', '3'];
  const parsedServer = parseCommandLine(serverCmd);
  if (parsedServer.command !== 's_server') throw new Error('unexpected parse');
  const serverLog = collector();
  const server = await startServer(parsedServer.args, { stdin: Readable.from([]), stdout: process.stdout, stderr: serverLog.stream }, {
    credentials: [loadCredential(cert.certPem, cert.keyPem)],
  });
  out(`      listening on 127.0.0.1:${server.port}, answering GET with a status page`);
  out(dim(`      (the command line: sanstls ${serverCmd.join(' ').replace(':0', `:${server.port}`)} -cert cert.pem -key key.pem)`));

  step(3, 'The sanstls client, trusting only that certificate (-trace shows the handshake)');
  const clientCmd = ['s_client', '-connect', `localhost:${server.port}`, '-trace', '-ign_eof'];
  out(dim(`      (the command line: sanstls ${clientCmd.join(' ')} -CAfile cert.pem)`));
  const parsedClient = parseCommandLine(clientCmd);
  if (parsedClient.command !== 's_client') throw new Error('unexpected parse');
  const page1 = collector();
  const clientIo: CliIo = {
    stdin: Readable.from([Buffer.from(REQUEST)]),
    stdout: page1.stream,
    stderr: lineWriter((l) => out(`      ${l}`)),
  };
  const clientStatus = await runClient(parsedClient.args, clientIo, { serverName: 'localhost', ca: cert.certPem });
  out(`      request : ${REQUEST.split('\r\n')[0]}`);
  out(`      response: ${pageHighlights(page1.text()).join('\n                ')}`);
  out(`      exit status ${clientStatus}`);

  step(4, 'A node:tls client (Node.js built on OpenSSL) against the same server');
  let session: Buffer | undefined;
  const nodeClient = (resume: Buffer | undefined) => new Promise<{ ok: boolean; lines: string[] }>((resolve) => {
    const lines: string[] = [];
    let body = '';
    const socket = tls.connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: cert.certPem, ...(resume ? { session: resume } : {}) }, () => {
      const cipher = socket.getCipher();
      const ephemeral = socket.getEphemeralKeyInfo() as { name?: string; size?: number } | null;
      lines.push(
        `authorized : ${socket.authorized ? 'yes (the certificate verified against the pinned CA)' : `no: ${String(socket.authorizationError)}`}`,
        `protocol   : ${socket.getProtocol()}`,
        `cipher     : ${cipher.name} (${cipher.standardName})`,
        ...(resume ? [`resumed    : ${socket.isSessionReused() ? 'yes (abbreviated handshake, no key exchange)' : 'no'}`] : [`key share  : ${ephemeral?.name ?? '?'} (${ephemeral?.size ?? '?'} bits)`]),
      );
      socket.write(REQUEST);
    });
    socket.on('session', (s: Buffer) => (session = s));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (body += d));
    socket.on('end', () => {
      lines.push(`response   : ${pageHighlights(body).join('\n                   ')}`);
      resolve({ ok: socket.authorized && body.startsWith('HTTP/1.0 200') && (!resume || socket.isSessionReused()), lines });
    });
    socket.on('error', (e) => {
      lines.push(`error: ${e.message}`);
      resolve({ ok: false, lines });
    });
  });
  const nodeResult = await nodeClient(undefined);
  for (const l of nodeResult.lines) out(`      ${l}`);

  step(5, 'The node:tls client again, resuming its session with the ticket the sanstls server issued');
  const resumed = session ? await nodeClient(session) : { ok: false, lines: ['no session was received'] };
  for (const l of resumed.lines) out(`      ${l}`);

  const serverStatus = await server.done;
  const ok = clientStatus === 0 && nodeResult.ok && resumed.ok && serverStatus === 0 && page1.text().startsWith('HTTP/1.0 200');
  out();
  if (ok) {
    out(bold('Both clients completed a TLS 1.2 handshake with the sanstls server and got their page; node:tls resumed.'));
    out('Try it by hand (after npm run build):');
    out('  node packages/cli/dist/main.js certgen -out cert.pem -keyout key.pem');
    out('  node packages/cli/dist/main.js s_server -www -accept 4433 -cert cert.pem -key key.pem');
    out('  curl --cacert cert.pem https://localhost:4433/');
    out('  node packages/cli/dist/main.js s_client -connect localhost:4433 -CAfile cert.pem -trace');
    return 0;
  }
  out(bold('Something went wrong:'));
  out(`  sanstls client exit status ${clientStatus}, node:tls ${nodeResult.ok ? 'ok' : 'failed'}, resumption ${resumed.ok ? 'ok' : 'failed'}, server status ${serverStatus}`);
  for (const l of serverLog.text().split('\n').filter(Boolean)) out(`  server: ${l}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
