#!/usr/bin/env node
// sanstls-relay: the WebSocket-to-TCP relay from the command line.
//   sanstls-relay --allow example.com:443 [--allow db.internal:5432 ...] [--listen 127.0.0.1:8080]
//                 [--origin https://app.example ...] [--quiet]
import { parseArgs } from 'node:util';
import { parseTarget } from '../target.js';
import { startRelay } from './server.js';

const USAGE = `usage: sanstls-relay --allow HOST:PORT [--allow HOST:PORT ...] [--listen [HOST:]PORT] [--origin ORIGIN ...] [--quiet]

A WebSocket-to-TCP relay: a client opens ws://LISTEN/HOST:PORT and the relay connects it to HOST:PORT,
which must be on the allow-list. Listens on 127.0.0.1:8080 by default.`;

function listenAddress(spec: string): { host: string; port: number } {
  if (/^\d+$/.test(spec)) return { host: '127.0.0.1', port: Number(spec) };
  const t = parseTarget(spec);
  if (!t) throw new Error(`--listen wants [HOST:]PORT, got ${spec}`);
  return t;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      allow: { type: 'string', multiple: true },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      origin: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.allow || values.allow.length === 0) {
    console.error(`sanstls-relay: --allow is required (the relay refuses every target not listed)\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { host, port } = listenAddress(values.listen);
  const relay = await startRelay({
    allow: values.allow,
    host,
    port,
    ...(values.origin ? { origins: values.origin } : {}),
    ...(values.quiet ? {} : { log: (line: string) => console.error(line) }),
  });
  console.log(`sanstls-relay listening on ${relay.url} for ${values.allow.join(', ')}`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`sanstls-relay: ${e.message}`);
  process.exitCode = 1;
});
