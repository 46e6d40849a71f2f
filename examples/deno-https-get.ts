// An HTTPS GET in Deno with the TLS done by sanstls (@sanstls/deno over Deno.connect):
//
//   npm run build                                        # once: '@sanstls/deno' resolves to the built package
//   npx deno run --allow-net examples/deno-https-get.ts [url] [ca.pem]
//
// url defaults to https://example.com/. With a CA file, add --allow-read for it: its certificates are
// trusted in addition to the default Mozilla roots. (`npx deno` is the Deno binary of the npm `deno`
// package, a dev dependency here; a Deno installed otherwise works the same from the repository root.)
//
// Prints the negotiated parameters on stderr and the raw HTTP/1.1 response on stdout.
import { connect } from '@sanstls/deno';

const [target = 'https://example.com/', caFile] = Deno.args;
const url = new URL(target);
const conn = await connect({
  hostname: url.hostname,
  port: Number(url.port || 443),
  alpnProtocols: ['http/1.1'],
  ...(caFile ? { caCerts: [await Deno.readTextFile(caFile)] } : {}),
});
const { alpnProtocol, info } = await conn.handshake();
console.error(`* ${info.version} ${info.cipherSuite} (${info.group}), ALPN ${alpnProtocol ?? 'none'}`);

const writer = conn.writable.getWriter();
await writer.write(new TextEncoder().encode(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
writer.releaseLock();
// The server closes after the response (Connection: close); its close_notify ends the readable.
await conn.readable.pipeTo(Deno.stdout.writable);
