// A sanstls client against `openssl s_server -WWW` (started by the vitest side): an HTTP/1.0 GET of a
// file, read to the end of the stream; the body is hashed for the vitest side to compare with the file.
import { connect } from '../../dist/index.js';
import { args, concat, deno, readToEnd, report, sha256 } from './common.js';

interface Args {
  readonly port: number;
  readonly ca: string;
  readonly path: string;
}

const a = args<Args>();
const ca = await deno.readTextFile(a.ca);
const conn = await connect({ hostname: '127.0.0.1', serverName: 'localhost', port: a.port, caCerts: [ca], alpnProtocols: ['http/1.1'] });
const hs = await conn.handshake();
const writer = conn.writable.getWriter();
await writer.write(new TextEncoder().encode(`GET /${a.path} HTTP/1.0\r\nHost: localhost\r\n\r\n`));
writer.releaseLock();
let response: Uint8Array;
let end: string;
try {
  response = await readToEnd(conn.readable.getReader());
  end = 'close_notify';
} catch (e) {
  // Kept for the report: the test says whether an end without close_notify is acceptable.
  response = new Uint8Array(0);
  end = `error ${(e as { code?: string }).code}`;
}
let split = -1;
for (let i = 0; i + 3 < response.length; i++) {
  if (response[i] === 13 && response[i + 1] === 10 && response[i + 2] === 13 && response[i + 3] === 10) {
    split = i;
    break;
  }
}
const head = new TextDecoder().decode(response.subarray(0, Math.max(split, 0)));
const body = split < 0 ? new Uint8Array(0) : response.subarray(split + 4);
conn.close();
report({
  alpn: hs.alpnProtocol,
  cipherSuite: hs.info.cipherSuite,
  group: hs.info.group,
  end,
  statusLine: head.split('\r\n')[0],
  bodyBytes: body.length,
  bodySha256: await sha256(concat([body])),
});
