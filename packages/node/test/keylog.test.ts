// 'keylog' lines: identical to the ones the node:tls peer reports, and they really decrypt the traffic.
import nodeCrypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer } from '../src/index.js';
import { closeServer, listen, once, pki, readAll, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

const LINE = /^CLIENT_RANDOM ([0-9a-f]{64}) ([0-9a-f]{96})\n$/;

/** A TCP relay in front of `port` that records both directions. */
async function tap(port: number): Promise<{ port: number; toServer: Buffer[]; toClient: Buffer[]; server: net.Server }> {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const server = net.createServer((a) => {
    const b = net.connect(port, '127.0.0.1');
    a.on('data', (d: Buffer) => toServer.push(d));
    b.on('data', (d: Buffer) => toClient.push(d));
    a.pipe(b);
    b.pipe(a);
    a.on('error', () => b.destroy());
    b.on('error', () => a.destroy());
  });
  return { port: await listen(server), toServer, toClient, server };
}

function records(stream: Buffer): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  for (let i = 0; i + 5 <= stream.length; ) {
    const len = stream.readUInt16BE(i + 3);
    out.push({ type: stream[i]!, body: stream.subarray(i + 5, i + 5 + len) });
    i += 5 + len;
  }
  return out;
}

function prf(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a = nodeCrypto.createHmac('sha256', secret).update(s).digest();
  let n = 0;
  while (n < length) {
    const b = nodeCrypto.createHmac('sha256', secret).update(a).update(s).digest();
    out.push(b);
    n += b.length;
    a = nodeCrypto.createHmac('sha256', secret).update(a).digest();
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * Decrypts the client's first application_data record (AES-128-GCM, RFC 5288) with keys derived from the
 * key-log line alone, as Wireshark would.
 */
function decryptFirstClientRecord(line: string, toServer: Buffer, toClient: Buffer): Buffer {
  const [, cr, ms] = LINE.exec(line)!;
  const serverHello = records(toClient).find((r) => r.type === 22 && r.body[0] === 2)!;
  const serverRandom = serverHello.body.subarray(6, 38);
  const clientHello = records(toServer).find((r) => r.type === 22 && r.body[0] === 1)!;
  expect(clientHello.body.subarray(6, 38).toString('hex')).toBe(cr);
  const kb = prf(Buffer.from(ms!, 'hex'), 'key expansion', Buffer.concat([serverRandom, Buffer.from(cr!, 'hex')]), 40);
  const key = kb.subarray(0, 16);
  const salt = kb.subarray(32, 36);
  const app = records(toServer).find((r) => r.type === 23)!;
  const explicit = app.body.subarray(0, 8);
  const ct = app.body.subarray(8, app.body.length - 16);
  const tag = app.body.subarray(app.body.length - 16);
  // Sequence number 1: the client's Finished was record 0 under these keys.
  const aad = Buffer.alloc(13);
  aad.writeBigUInt64BE(1n, 0);
  aad[8] = 23;
  aad.writeUInt16BE(0x0303, 9);
  aad.writeUInt16BE(ct.length, 11);
  const d = nodeCrypto.createDecipheriv('aes-128-gcm', key, Buffer.concat([salt, explicit]));
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

describe('keylog', () => {
  for (const [ems, crypto] of [[true, 'wasm'], [false, 'wasm'], [true, 'native'], [false, 'native']] as const) {
    it(`client: the line equals node:tls's and decrypts the capture (extended master secret ${ems}, ${crypto} crypto)`, async () => {
      const serverLines: string[] = [];
      const srv = tls.createServer({ key: p.ec.key, cert: p.ec.cert, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }, (s) => s.once('data', () => s.end('done')));
      srv.on('keylog', (line: Buffer) => serverLines.push(line.toString('latin1')));
      const t = await tap(await listen(srv));
      const lines: string[] = [];
      const client = connect({ host: '127.0.0.1', servername: 'localhost', port: t.port, ca: p.ca, extendedMasterSecret: ems, crypto });
      client.on('keylog', (line: Buffer) => lines.push(line.toString('latin1')));
      client.write('secret request');
      expect((await readAll(client)).toString()).toBe('done');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(LINE);
      expect(serverLines.filter((l) => l.startsWith('CLIENT_RANDOM'))).toEqual(lines);
      const plain = decryptFirstClientRecord(lines[0]!, Buffer.concat(t.toServer), Buffer.concat(t.toClient));
      expect(plain.toString()).toBe('secret request');
      await closeServer(srv);
      t.server.close();
    });
  }

  for (const crypto of ['wasm', 'native'] as const) it(`server: the server's 'keylog' (line, socket) equals the node:tls client's line (${crypto} crypto)`, async () => {
    const server = createServer({ key: p.rsa.key, cert: p.rsa.cert, crypto }, (s) => s.end('ok'));
    const serverLines: string[] = [];
    server.on('keylog', (line: Buffer, socket: unknown) => {
      expect(socket).toBeTruthy();
      serverLines.push(line.toString('latin1'));
    });
    const port = await listen(server);
    const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca });
    const clientLines: string[] = [];
    client.on('keylog', (line) => clientLines.push(line.toString('latin1')));
    await once(client, 'secureConnect');
    expect((await readAll(client)).toString()).toBe('ok');
    expect(clientLines).toHaveLength(1);
    expect(serverLines).toEqual(clientLines);
    await closeServer(server);
  });

  it('a server without keylog listeners when the connection came reports no lines (as node:tls)', async () => {
    const server = createServer({ key: p.rsa.key, cert: p.rsa.cert }, (s) => s.end('ok'));
    const port = await listen(server);
    const first = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca });
    expect((await readAll(first)).toString()).toBe('ok');
    const lines: Buffer[] = [];
    server.on('keylog', (line: Buffer) => lines.push(line));
    const second = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: p.ca });
    expect((await readAll(second)).toString()).toBe('ok');
    expect(lines).toHaveLength(1);
    await closeServer(server);
  });
});
