// An HTTPS GET with Node's own `https` module, the TLS done by sanstls: `Agent` from @sanstls/node is an
// https.Agent whose connections are sanstls TLSSockets, so any code that takes an agent runs over sanstls.
//
//   npm run build                                        # once: the examples import the built packages
//   npx tsx examples/node-https-get.ts [url] [ca.pem]
//
// url defaults to https://example.com/. The server's certificate is checked against the Mozilla roots of
// @sanstls/roots, or, given ca.pem, against the certificates in that file instead (a private CA, or the
// self-signed certificate examples/node-server.ts prints).
//
// Prints the negotiated parameters on stderr, then the status line and the body on stdout. Exits 1 on any
// error, printing its code (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE for an untrusted certificate).
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { Agent, type TLSSocket } from '@sanstls/node';

const [target = 'https://example.com/', caFile] = process.argv.slice(2);
const agent = new Agent({
  ALPNProtocols: ['http/1.1'],
  ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
});

const request = https.get(target, { agent }, (response) => {
  const socket = response.socket as unknown as TLSSocket;
  const cert = socket.getPeerCertificate();
  const subject = cert && 'subject' in cert ? cert.subject.CN : undefined;
  console.error(
    `* ${socket.getProtocol()} ${socket.getCipher()?.standardName}, certificate for ${subject ?? '?'} ` +
      `${socket.authorized ? 'verified' : `NOT verified (${socket.authorizationError})`}`,
  );
  console.log(`HTTP/${response.httpVersion} ${response.statusCode} ${response.statusMessage}`);
  response.setEncoding('utf8');
  response.on('data', (text: string) => process.stdout.write(text));
  response.on('end', () => agent.destroy());
});

request.on('error', (err: Error & { code?: string }) => {
  console.error(`error: ${err.code ?? err.name}: ${err.message}`);
  agent.destroy();
  process.exitCode = 1;
});
