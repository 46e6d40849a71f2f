// fetch() over sanstls in Node: undici's Agent takes a `connect` function, and undiciConnect() from
// @sanstls/node makes one that opens sanstls connections, so fetch's requests travel over sanstls TLS.
//
//   npm run build                                        # once: the examples import the built packages
//   npx tsx examples/node-fetch.ts [url] [ca.pem]
//
// url defaults to https://example.com/. Trust: the Mozilla roots of @sanstls/roots, or only the
// certificates in ca.pem when it is given. `undici` is a dev dependency of this repository; elsewhere,
// `npm install undici` (Node's built-in fetch does not accept undici Agents from another copy of undici).
//
// Prints the status and the response headers on stderr and the body on stdout. Exits 1 on any error.
import { readFileSync } from 'node:fs';
import { undiciConnect } from '@sanstls/node';
import { Agent, fetch } from 'undici';

const [target = 'https://example.com/', caFile] = process.argv.slice(2);
const dispatcher = new Agent({
  // (The cast: undici's typings spell the connector's callback as a union of tuples.)
  connect: undiciConnect(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}) as Agent.Options['connect'],
});

try {
  const response = await fetch(target, { dispatcher });
  console.error(`< ${response.status} ${response.statusText}`);
  response.headers.forEach((value, name) => console.error(`< ${name}: ${value}`));
  process.stdout.write(await response.text());
} catch (e) {
  // fetch wraps connection failures in a TypeError('fetch failed') whose cause is the TLS error.
  const err = ((e as Error).cause ?? e) as Error & { code?: string };
  console.error(`error: ${err.code ?? err.name}: ${err.message}`);
  process.exitCode = 1;
} finally {
  await dispatcher.close();
}
