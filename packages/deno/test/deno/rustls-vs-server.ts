// Deno.connectTls (rustls) against a sanstls server (listen), in one Deno process.
// Connection 1: both sides send `size` bytes while receiving the other's (streams on the sanstls side).
// Connection 2: the client writes a request and at once half-closes (close_notify, often in the same
//   segment); the server reads the request with read(p), answers with write(p), then sees the end.
// The server takes connections with `for await`, which must end when the listener closes.
import { listen, type TlsConn } from '../../dist/index.js';
import { args, concat, deno, readExactly, readToEnd, report, sha256, testData, writeChunked } from './common.js';

interface Args {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly size: number;
}

const a = args<Args>();
const [cert, key, ca] = await Promise.all([deno.readTextFile(a.cert), deno.readTextFile(a.key), deno.readTextFile(a.ca)]);
const toServer = testData(a.size, 3);
const toClient = testData(a.size, 4);
const request = testData(100_000, 5);
const response = testData(300_000, 6);

const listener = listen({ hostname: '127.0.0.1', port: 0, cert, key, alpnProtocols: ['sanstls-test', 'http/1.1'] });

async function bulk(conn: TlsConn) {
  const hs = await conn.handshake();
  const reader = conn.readable.getReader();
  const writer = conn.writable.getWriter();
  const [received] = await Promise.all([readExactly(reader, a.size), writeChunked(writer, toClient)]);
  const rest = await readToEnd(reader); // the client's close_notify
  conn.close();
  return { alpn: hs.alpnProtocol, cipherSuite: hs.info.cipherSuite, sha256: await sha256(received), bytes: received.length, trailing: rest.length };
}

async function requestResponse(conn: TlsConn) {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < request.length) {
    const buf = new Uint8Array(Math.min(7000, request.length - got));
    const n = await conn.read(buf);
    if (n === null) throw new Error(`end of stream after ${got} request bytes`);
    parts.push(buf.subarray(0, n));
    got += n;
  }
  const written = await conn.write(response);
  const end = await conn.read(new Uint8Array(10));
  conn.close();
  return { sha256: await sha256(concat(parts)), bytes: got, written, endOfStream: end };
}

const served: Promise<unknown>[] = [];
const serverLoop = (async () => {
  for await (const conn of listener) {
    served.push(served.length === 0 ? bulk(conn) : requestResponse(conn));
    if (served.length === 2) listener.close();
  }
  return 'iteration ended';
})();

const port = listener.addr.port;

// Connection 1
const c1 = await deno.connectTls({ hostname: 'localhost', port, caCerts: [ca], alpnProtocols: ['sanstls-test'] });
const hs1 = await c1.handshake();
const r1 = c1.readable.getReader();
const w1 = c1.writable.getWriter();
const [got1] = await Promise.all([readExactly(r1, a.size), writeChunked(w1, toServer)]);
// Deno's writable.close() would close the whole conn; closeWrite() sends close_notify and half-closes.
w1.releaseLock();
await c1.closeWrite();
const tail1 = await readToEnd(r1);

// Connection 2
const c2 = await deno.connectTls({ hostname: 'localhost', port, caCerts: [ca] });
const hs2 = await c2.handshake();
const w2 = c2.writable.getWriter();
await w2.write(request);
w2.releaseLock();
await c2.closeWrite();
const got2 = await readToEnd(c2.readable.getReader());

const [s1, s2] = await Promise.all(served);
report({
  loop: await serverLoop,
  bulk: { client: { alpn: hs1.alpnProtocol, sha256: await sha256(got1), bytes: got1.length, trailing: tail1.length }, server: s1 },
  requestResponse: { client: { alpn: hs2.alpnProtocol, sha256: await sha256(got2), bytes: got2.length }, server: s2 },
});
