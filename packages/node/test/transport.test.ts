// The transport side: one write per flight, any Duplex as transport, and the idle timeout.
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, TLSSocket } from '../src/index.js';
import { closeServer, listen, once, pki, readAll, testData, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Two in-memory Duplexes wired to each other. */
function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peer: () => Duplex) =>
    new Duplex({
      write(chunk: Buffer, _enc, cb) {
        peer().push(chunk);
        cb();
      },
      final(cb) {
        peer().push(null);
        cb();
      },
      read() {},
    });
  ends.push(make(() => ends[1]!), make(() => ends[0]!));
  return [ends[0]!, ends[1]!];
}

/** Counts the writes made to a socket (each call of write()). */
function countWrites(s: net.Socket): { writes: number[] } {
  const log = { writes: [] as number[] };
  const orig = s.write.bind(s) as (...a: unknown[]) => boolean;
  (s as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
    log.writes.push((a[0] as Uint8Array).length);
    return orig(...a);
  };
  return log;
}

describe('transport', () => {
  it('each handshake flight is one transport write (client: 2, server: 2)', async () => {
    let serverLog!: { writes: number[] };
    const server = createServer({ key: p.ec.key, cert: p.ec.cert }, (s) => s.once('data', () => s.end('x')));
    server.prependListener('connection', (raw: net.Socket) => {
      serverLog = countWrites(raw);
    });
    const port = await listen(server);
    const raw = net.connect(port, '127.0.0.1');
    const clientLog = countWrites(raw);
    const client = connect({ socket: raw, servername: 'localhost', ca: p.ca });
    await once(client, 'secureConnect');
    // ClientHello; ClientKeyExchange + ChangeCipherSpec + Finished.
    expect(clientLog.writes).toHaveLength(2);
    // ServerHello..ServerHelloDone; ChangeCipherSpec + Finished.
    expect(serverLog.writes).toHaveLength(2);
    client.write('go');
    expect((await readAll(client)).toString()).toBe('x');
    await closeServer(server);
  });

  it('runs over any Duplex: sanstls client and server over an in-memory pair', async () => {
    const [a, b] = duplexPair();
    const server = new TLSSocket(b, { isServer: true, key: p.rsa.key, cert: p.rsa.cert, crypto: 'native' });
    server.on('secure', () => server.pipe(server));
    const client = new TLSSocket(a, { servername: 'localhost', ca: p.ca });
    await once(client, 'secureConnect');
    expect(client.getCipher()!.name).toMatch(/^ECDHE-RSA-/);
    const data = testData(500_000, 13);
    client.write(data);
    const parts: Buffer[] = [];
    let n = 0;
    for await (const d of client) {
      parts.push(d as Buffer);
      n += (d as Buffer).length;
      if (n >= data.length) break;
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it("setTimeout emits 'timeout' after idleness, as net.Socket does", async () => {
    const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert }, () => {});
    const port = await listen(srv);
    const client = connect({ host: 'localhost', port, ca: p.ca });
    await once(client, 'secureConnect');
    let fired = 0;
    client.setTimeout(50, () => fired++);
    await once(client, 'timeout');
    expect(fired).toBe(1);
    client.setTimeout(0);
    client.destroy();
    srv.close();
  });
});
