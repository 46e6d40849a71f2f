// sanstls in place of node:tls for Node's HTTP clients: https.request, https.Agent, undici's fetch, ws.
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent as UndiciAgent, fetch } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createConnection, undiciConnect, type TLSSocket } from '../src/index.js';
import { pki, readAll, testData, type Pki } from './helpers.js';

let p: Pki;
let server: https.Server;
let port: number;
/** What the server saw of each request's connection. */
const seen: { url: string; protocol: string | null; cipher: string; remotePort: number | undefined }[] = [];

beforeAll(async () => {
  p = pki();
  server = https.createServer({ key: p.ec.key, cert: p.ec.cert, ALPNProtocols: ['http/1.1'] }, async (req, res) => {
    const sock = req.socket as import('node:tls').TLSSocket;
    seen.push({ url: req.url ?? '', protocol: sock.getProtocol(), cipher: sock.getCipher().name, remotePort: sock.remotePort });
    if (req.method === 'POST') {
      const body = await readAll(req);
      res.end(createHash('sha256').update(body).digest('hex'));
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function get(options: https.RequestOptions): Promise<{ status: number; body: string; socket: TLSSocket; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.request(options, async (res) => {
      const socket = res.socket as unknown as TLSSocket;
      const body = (await readAll(res)).toString();
      resolve({ status: res.statusCode ?? 0, body, socket, reused: req.reusedSocket });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node:https', () => {
  it('https.request({ createConnection }) runs over sanstls', async () => {
    const r = await get({ hostname: 'localhost', port, path: '/via-create-connection', createConnection: createConnection({ ca: p.ca }) as never });
    expect(r.status).toBe(200);
    expect(r.body).toBe('hello /via-create-connection');
    expect(r.socket.constructor.name).toBe('TLSSocket');
    expect(typeof r.socket.handshakeInfo).toBe('object');
    expect(seen.at(-1)).toMatchObject({ url: '/via-create-connection', protocol: 'TLSv1.2' });
  });

  it('an https.Agent subclass with keepAlive reuses its sanstls socket', async () => {
    const agent = new Agent({ ca: p.ca, keepAlive: true, maxSockets: 1, crypto: 'native' });
    const a = await get({ hostname: 'localhost', port, path: '/one', agent });
    const b = await get({ hostname: 'localhost', port, path: '/two', agent });
    expect([a.body, b.body]).toEqual(['hello /one', 'hello /two']);
    expect(a.reused).toBe(false);
    expect(b.reused).toBe(true);
    expect(typeof a.socket.handshakeInfo).toBe('object');
    expect(seen.at(-1)!.remotePort).toBe(seen.at(-2)!.remotePort);
    agent.destroy();
  });

  it('the agent refuses a server its CA did not sign', async () => {
    const agent = new Agent({ ca: p.otherCa });
    await expect(get({ hostname: 'localhost', port, path: '/', agent })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    agent.destroy();
  });
});

describe('undici', () => {
  it('fetch through an undici Agent whose connect is sanstls: GET and a 2 MiB POST', async () => {
    const dispatcher = new UndiciAgent({ connect: undiciConnect({ ca: p.ca }) as never });
    const res = await fetch(`https://localhost:${port}/fetched`, { dispatcher });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello /fetched');
    const body = testData(2 << 20, 5);
    const post = await fetch(`https://localhost:${port}/upload`, { method: 'POST', body, dispatcher });
    expect(await post.text()).toBe(createHash('sha256').update(body).digest('hex'));
    expect(seen.at(-1)).toMatchObject({ url: '/upload', protocol: 'TLSv1.2' });
    await dispatcher.close();
  });

  it('fetch fails with the certificate error as cause when the CA is wrong', async () => {
    const dispatcher = new UndiciAgent({ connect: undiciConnect({ ca: p.otherCa }) as never });
    const err = await fetch(`https://localhost:${port}/`, { dispatcher }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    await dispatcher.close();
  });
});

describe('ws', () => {
  it('a wss client over sanstls talks to a ws server on node https', async () => {
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (m, isBinary) => ws.send(isBinary ? m : `echo: ${m.toString()}`)));
    const client = new WebSocket(`wss://localhost:${port}/socket`, { createConnection: createConnection({ ca: p.ca }) as never });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const next = () => new Promise<{ data: Buffer; isBinary: boolean }>((r) => client.once('message', (data, isBinary) => r({ data: data as Buffer, isBinary })));
    let m = next();
    client.send('hi');
    expect((await m).data.toString()).toBe('echo: hi');
    const blob = testData(300_000, 9);
    m = next();
    client.send(blob);
    const got = await m;
    expect(got.isBinary).toBe(true);
    expect(got.data.equals(blob)).toBe(true);
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    client.close(1000);
    expect(await closed).toBe(1000);
    wss.close();
  });
});
