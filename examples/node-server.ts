// An HTTPS server in Node with the TLS done by sanstls: createServer() from @sanstls/node accepts TCP
// connections and runs the TLS handshake; each secured connection is then handed to a plain node:http
// server, so the request handling is ordinary Node code.
//
//   npm run build                                        # once: the examples import the built packages
//   npx tsx examples/node-server.ts [port] [cert.pem key.pem]
//   curl --cacert <the certificate file it prints> https://localhost:8443/hello
//   npx tsx examples/node-https-get.ts https://localhost:8443/hello <the certificate file it prints>
//
// port defaults to 8443 (0: any free port); it listens on 127.0.0.1 only. Without cert.pem and key.pem
// it makes a self-signed ECDSA certificate for localhost and 127.0.0.1 (with the certgen of @sanstls/cli)
// and writes it to a temporary file for clients to trust (removed again on exit). Ctrl-C stops it.
//
// GET answers with a line of text naming the negotiated TLS parameters; POST /echo answers with the size
// and SHA-256 of the request body, as JSON.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned } from '@sanstls/cli';
import { createServer, type TLSSocket } from '@sanstls/node';

const [port = '8443', certFile, keyFile] = process.argv.slice(2);

let cert: string;
let key: string;
let trustFile: string;
let tempDir: string | undefined;
if (certFile && keyFile) {
  cert = readFileSync(certFile, 'utf8');
  key = readFileSync(keyFile, 'utf8');
  trustFile = certFile;
} else {
  const generated = await generateSelfSigned({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 7 });
  cert = generated.certPem;
  key = generated.keyPem;
  tempDir = mkdtempSync(join(tmpdir(), 'sanstls-example-'));
  trustFile = join(tempDir, 'cert.pem');
  writeFileSync(trustFile, cert);
}

// The HTTP layer: node:http parses requests from any stream it is given as a 'connection'.
const app = http.createServer(async (req, res) => {
  const socket = req.socket as unknown as TLSSocket;
  const tls = `${socket.getProtocol()} ${socket.getCipher()?.standardName}${socket.servername ? `, SNI ${socket.servername}` : ''}`;
  if (req.method === 'POST' && req.url === '/echo') {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
    return;
  }
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`hello from sanstls in Node; you asked for ${req.url} over ${tls}\n`);
});

// The TLS layer: sanstls. 'secureConnection' fires once the handshake is done.
const server = createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (socket) => {
  app.emit('connection', socket);
});
server.on('tlsClientError', (err: Error & { code?: string }) => {
  console.error(`handshake failed: ${err.code ?? err.name}: ${err.message}`);
});

server.listen(Number(port), '127.0.0.1', () => {
  const { port: actual } = server.address() as { port: number };
  console.log(`listening on https://localhost:${actual}/ (certificate: ${trustFile})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    app.close();
    app.closeAllConnections();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    console.log('stopped');
  });
}
