// The relay's command line, shared by the `sanstls-relay` bin and `sanstls relay`:
//   --allow HOST:PORT [--allow HOST:PORT ...] [--listen [HOST:]PORT] [--origin ORIGIN ...] [--quiet]
import { parseArgs } from 'node:util';
import { parseTarget } from '../target.js';
import { startRelay } from './server.js';

const usage = (name: string) => `usage: ${name} --allow HOST:PORT [--allow HOST:PORT ...] [--listen [HOST:]PORT] [--origin ORIGIN ...] [--quiet]

A WebSocket-to-TCP relay: a client opens ws://LISTEN/HOST:PORT and the relay connects it to HOST:PORT,
which must be on the allow-list. Listens on 127.0.0.1:8080 by default.`;

function listenAddress(spec: string): { host: string; port: number } {
  if (/^\d+$/.test(spec)) return { host: '127.0.0.1', port: Number(spec) };
  const t = parseTarget(spec);
  if (!t) throw new Error(`--listen wants [HOST:]PORT, got ${spec}`);
  return t;
}

/** Runs the relay command line (`argv` without the program name); resolves once it listens. */
export async function runRelayCli(argv: readonly string[], name = 'sanstls-relay'): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
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
    console.log(usage(name));
    return;
  }
  if (!values.allow || values.allow.length === 0) {
    console.error(`${name}: --allow is required (the relay refuses every target not listed)\n\n${usage(name)}`);
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
  console.log(`${name} listening on ${relay.url} for ${values.allow.join(', ')}`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
