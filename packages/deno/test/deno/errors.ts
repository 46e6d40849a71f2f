// Failures, each reported as data for the vitest side:
// - a sanstls client trusting the wrong CA, against Deno.listenTls: handshake(), the readable and write
//   all fail with the same TlsError; rustls on the other side sees the alert;
// - a sanstls client asking for a name the certificate does not carry;
// - Deno.connectTls trusting the wrong CA, against a sanstls server: the server's handshake() fails with
//   the alert rustls sent;
// - a sanstls client whose peer answers the ClientHello with plain text.
import { connect, listen, TlsError } from '../../dist/index.js';
import { args, deno, describeError, report } from './common.js';

interface Args {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly otherCa: string;
}

const a = args<Args>();
const [cert, key, ca, otherCa] = await Promise.all([deno.readTextFile(a.cert), deno.readTextFile(a.key), deno.readTextFile(a.ca), deno.readTextFile(a.otherCa)]);

/** How a promise settled. */
async function outcome(p: Promise<unknown>) {
  try {
    await p;
    return { ok: true as const };
  } catch (e) {
    return { ok: false as const, instanceOfTlsError: e instanceof TlsError, ...describeError(e) };
  }
}

async function clientFailure(options: { caCerts: string[]; serverName?: string }) {
  const listener = deno.listenTls({ hostname: '127.0.0.1', port: 0, cert, key });
  const serverSide = listener.accept().then((c) => outcome(c.handshake()));
  const conn = await connect({ hostname: '127.0.0.1', port: listener.addr.port, ...options });
  const handshake = await outcome(conn.handshake());
  const readable = await outcome(conn.readable.getReader().read());
  const write = await outcome(conn.write(new Uint8Array([1, 2, 3])));
  const server = await serverSide;
  listener.close();
  return { handshake, readable, write, server };
}

async function serverFailure() {
  const listener = listen({ hostname: '127.0.0.1', port: 0, cert, key });
  const serverSide = listener.accept().then(async (c) => ({
    handshake: await outcome(c.handshake()),
    readable: await outcome(c.readable.getReader().read()),
  }));
  const client = await outcome(deno.connectTls({ hostname: 'localhost', port: listener.addr.port, caCerts: [otherCa] }).then((c) => c.handshake()));
  const server = await serverSide;
  listener.close();
  return { client, server };
}

async function notTls() {
  const plain = deno.listen({ hostname: '127.0.0.1', port: 0 });
  void plain.accept().then(async (c) => {
    await c.read(new Uint8Array(4096)); // the ClientHello
    await c.write(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
    c.close();
  });
  const conn = await connect({ hostname: '127.0.0.1', serverName: 'localhost', port: plain.addr.port, caCerts: [ca] });
  const handshake = await outcome(conn.handshake());
  plain.close();
  return { handshake };
}

report({
  wrongCa: await clientFailure({ caCerts: [otherCa] }),
  wrongName: await clientFailure({ caCerts: [ca], serverName: 'not-this-host.example' }),
  rustlsClientWrongCa: await serverFailure(),
  notTls: await notTls(),
});
