#!/usr/bin/env node
// The `sanstls` binary: s_client, s_server, certgen, relay.
import { writeFileSync } from 'node:fs';
import { parseCommandLine, USAGE, UsageError, type Command } from './args.js';
import { generateSelfSigned } from './certgen.js';
import { EXIT } from './report.js';
import { runClient, type CliIo } from './s-client.js';
import { startServer } from './s-server.js';

const VERSION = '0.1.0';

async function run(cmd: Command, io: CliIo): Promise<number> {
  switch (cmd.command) {
    case 'help': {
      const topic = cmd.topic === 's_client' || cmd.topic === 's_server' || cmd.topic === 'certgen' ? cmd.topic : 'main';
      io.stdout.write(USAGE[topic] + '\n');
      return EXIT.ok;
    }
    case 'version':
      io.stdout.write(`sanstls ${VERSION} (TLS 1.2)\n`);
      return EXIT.ok;
    case 's_client':
      return runClient(cmd.args, io);
    case 's_server': {
      let server;
      try {
        server = await startServer(cmd.args, io);
      } catch (e) {
        io.stderr.write(`sanstls s_server: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      // First signal: close_notify to every open connection and stop; a peer slow to answer is not waited for long.
      const stop = () => {
        void server.close();
        setTimeout(() => process.exit(130), 1000).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return server.done;
    }
    case 'certgen': {
      const a = cmd.args;
      const g = await generateSelfSigned({ commonName: a.commonName, dnsNames: a.dnsNames, ipAddresses: a.ipAddresses, days: a.days });
      writeFileSync(a.certFile, g.certPem);
      writeFileSync(a.keyFile, g.keyPem, { mode: 0o600 });
      io.stderr.write(`wrote ${a.certFile} (CN=${a.commonName}, ${a.days} days) and ${a.keyFile}\n`);
      return EXIT.ok;
    }
  }
}

async function main(): Promise<void> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  if (process.argv[2] === 'relay') {
    // The WebSocket-to-TCP relay of @sanstls/web (its own flags: --allow, --listen, --origin, --quiet).
    const { runRelayCli } = await import('@sanstls/web/relay');
    await runRelayCli(process.argv.slice(3), 'sanstls relay');
    return;
  }
  let code: number;
  try {
    code = await run(parseCommandLine(process.argv.slice(2)), io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sanstls: ${e.message}\n(sanstls help for usage)\n`);
    code = EXIT.usage;
  }
  // Stdin may still hold the event loop (a terminal, an open pipe): the command is over, so exit.
  process.exit(code);
}

main().catch((e: unknown) => {
  process.stderr.write(`sanstls: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(70);
});
