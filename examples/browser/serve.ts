// Serves the browser example: bundles app.ts with @sanstls/web for the browser (esbuild, in memory), starts
// a WebSocket-to-TCP relay limited to the --allow targets, and serves index.html, app.js and /config.json
// (the relay's URL, the targets, the --ca certificates) on http://localhost.
//
//   npm run build                                        # once: the bundle is made from the built packages
//   npx tsx examples/browser/serve.ts [--allow host:port ...] [--ca ca.pem] [--port 8080]
//   # then open http://localhost:8080/ (localhost: a secure context), or let the page run the request:
//   # http://localhost:8080/?target=example.com:443&path=/&go
//
// --allow defaults to example.com:443; the relay connects to nothing else. --ca makes the page trust only
// the certificates in that file instead of the Mozilla roots (for a local test server). --port 0 picks
// a free port. Ctrl-C stops it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRelay, type Relay } from '@sanstls/web/relay';
import { build } from 'esbuild';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const { values } = parseArgs({
  options: {
    allow: { type: 'string', multiple: true, default: ['example.com:443'] },
    ca: { type: 'string' },
    port: { type: 'string', default: '8080' },
  },
});

// One ES module with @sanstls/web and everything it needs (the WASM crypto is inlined).
const bundle = await build({
  entryPoints: [here('./app.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'warning',
});
const appJs = bundle.outputFiles[0]!.contents;
const indexHtml = readFileSync(here('./index.html'));
let relay: Relay | undefined; // started once the page's port (its Origin) is known

const site = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(indexHtml);
  } else if (path === '/app.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(appJs);
  } else if (path === '/config.json' && relay) {
    const config = { relay: relay.url, allow: values.allow, ...(values.ca ? { ca: readFileSync(values.ca, 'utf8') } : {}) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => site.listen(Number(values.port), '127.0.0.1', resolve));
const { port } = site.address() as { port: number };

// The relay accepts WebSockets only from this page (Origin check) and only to the allowed targets.
relay = await startRelay({
  allow: values.allow,
  origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
  log: (line) => console.error(`relay: ${line}`),
});

console.log(`open http://localhost:${port}/ (relay ${relay.url}, allowed: ${values.allow.join(', ')}; ${Math.round(appJs.length / 1024)} KiB of script)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    site.close();
    site.closeAllConnections();
    void relay?.close();
    console.log('stopped');
  });
}
