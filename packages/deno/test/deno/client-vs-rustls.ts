// A sanstls client (connect) against Deno's own TLS server (Deno.listenTls, rustls), in one Deno process.
// Both sides send `size` bytes while receiving the other's, then the client closes with close_notify and
// the server reads the end of the stream. Everything received is hashed for the vitest side to compare.
import { connect } from '../../dist/index.js';
import { args, deno, readExactly, readToEnd, report, sha256, testData, writeChunked } from './common.js';

interface Args {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly size: number;
}

const a = args<Args>();
const [cert, key, ca] = await Promise.all([deno.readTextFile(a.cert), deno.readTextFile(a.key), deno.readTextFile(a.ca)]);
const toServer = testData(a.size, 1);
const toClient = testData(a.size, 2);

const listener = deno.listenTls({ hostname: '127.0.0.1', port: 0, cert, key, alpnProtocols: ['h2', 'sanstls-test'] });

const server = (async () => {
  const conn = await listener.accept();
  const hs = await conn.handshake();
  const reader = conn.readable.getReader();
  const writer = conn.writable.getWriter();
  const [received] = await Promise.all([readExactly(reader, a.size), writeChunked(writer, toClient)]);
  // The client's close_notify: the end of the stream, with nothing after the data.
  // (Deno closes its own conn when its readable ends.)
  const rest = await readToEnd(reader);
  return { alpn: hs.alpnProtocol, sha256: await sha256(received), bytes: received.length, trailing: rest.length };
})();

const conn = await connect({ hostname: '127.0.0.1', serverName: 'localhost', port: listener.addr.port, caCerts: [ca], alpnProtocols: ['sanstls-test', 'http/1.1'] });
const hs = await conn.handshake();
const reader = conn.readable.getReader();
const writer = conn.writable.getWriter();
const [received] = await Promise.all([readExactly(reader, a.size), writeChunked(writer, toServer)]);
conn.close();
const s = await server;
listener.close();

report({
  client: {
    alpn: hs.alpnProtocol,
    version: hs.info.version,
    cipherSuite: hs.info.cipherSuite,
    serverName: hs.info.serverName,
    peerCertificates: hs.info.peerCertificates.length,
    remotePort: conn.remoteAddr.port,
    sha256: await sha256(received),
    bytes: received.length,
  },
  server: s,
});
