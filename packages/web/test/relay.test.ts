// connectWebSocket() through the relay to node:tls servers (Node 20 has no global WebSocket: the `ws`
// client is passed in), the relay's allow-list, and its bounded buffering.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectWebSocket, relayUrl, type TlsStreams, type WebSocketConstructor } from '../src/index.js';
import { startRelay, type Relay } from '../src/relay/index.js';
import { bytes, echoServer, freePort, listen, makePki, readAll, rejection, text, tlsServer, type Listening, type Pki } from './helpers.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki.cleanup());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const WS = WebSocket as unknown as WebSocketConstructor;

/** Resolves once `read()` returns the same value `times` polls in a row. */
async function settled(read: () => number, times = 5, everyMs = 50): Promise<number> {
  let last = -1;
  let same = 0;
  while (same < times) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** The HTTP status with which the relay answers an upgrade to `url` (101 when it accepts). */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', (e) => reject(e));
  });
}

async function echoThrough(conn: TlsStreams, data: Uint8Array): Promise<Uint8Array> {
  const w = conn.writable.getWriter();
  const reading = readAll(conn.readable);
  for (let at = 0; at < data.length; at += 50_000) await w.write(data.subarray(at, at + 50_000));
  await w.close();
  return reading;
}

describe('connectWebSocket() through the relay', () => {
  let echo: Listening<net.Server>;
  let relay: Relay;
  beforeAll(async () => {
    echo = await echoServer(pki.ec);
    relay = await startRelay({ allow: [`127.0.0.1:${echo.port}`, `localhost:${echo.port}`] });
  });
  afterAll(async () => {
    await relay.close();
    await echo.close();
  });

  it('moves 1 MiB each way to a node:tls echo server (target in the path, server name from it)', async () => {
    const conn = connectWebSocket(`${relay.url}127.0.0.1:${echo.port}`, { ca: pki.ca, WebSocket: WS });
    const info = await conn.handshake;
    expect(info.serverName).toBe('127.0.0.1');
    const data = new Uint8Array(randomBytes(1024 * 1024));
    const echoed = await echoThrough(conn, data);
    expect(echoed.length).toBe(data.length);
    expect(sha256(echoed)).toBe(sha256(data));
    await conn.closed;
  });

  it('takes the target from the query and the server name from the options', async () => {
    const conn = connectWebSocket(relayUrl(relay.url, `127.0.0.1:${echo.port}`), { ca: pki.ca, serverName: 'localhost', WebSocket: WS });
    expect((await conn.handshake).serverName).toBe('localhost');
    expect(text(await echoThrough(conn, bytes('ping')))).toBe('ping');
  });

  it('counts the bytes of an open tunnel and forgets it once closed', async () => {
    const conn = connectWebSocket(`${relay.url}localhost:${echo.port}`, { ca: pki.ca, WebSocket: WS });
    await conn.handshake;
    const open = relay.tunnels();
    expect(open.map((t) => t.target)).toContain(`localhost:${echo.port}`);
    expect(open.every((t) => t.toClient > 0 && t.toTarget > 0)).toBe(true);
    expect(text(await echoThrough(conn, bytes('count me')))).toBe('count me');
    await conn.closed;
    await settled(() => relay.connections);
    expect(relay.connections).toBe(0);
  });

  it('fails with TRANSPORT_ERROR when the relay refuses', async () => {
    const other = await echoServer(pki.ec);
    try {
      const conn = connectWebSocket(`${relay.url}127.0.0.1:${other.port}`, { ca: pki.ca, WebSocket: WS });
      const err = await rejection(conn.handshake);
      expect(err.code).toBe('TRANSPORT_ERROR');
      expect(err.message).toMatch(/403/);
    } finally {
      await other.close();
    }
  });
});

describe('the relay allow-list', () => {
  it('is required and checked', async () => {
    await expect(startRelay({ allow: [] })).rejects.toThrow(RangeError);
    await expect(startRelay({ allow: ['example.com'] })).rejects.toThrow(/host:port/);
    await expect(startRelay({ allow: ['example.com:0'] })).rejects.toThrow(/host:port/);
  });

  it('refuses every target not on the list, and never connects to it', async () => {
    let reached = 0;
    const target = await listen(net.createServer((s) => (reached++, s.destroy())));
    const listed = await listen(net.createServer((s) => s.on('error', () => {}).resume()));
    const relay = await startRelay({ allow: [`127.0.0.1:${listed.port}`] });
    try {
      expect(await upgradeStatus(`${relay.url}127.0.0.1:${listed.port}`)).toBe(101);
      expect(await upgradeStatus(`${relay.url}127.0.0.1:${target.port}`)).toBe(403);
      expect(await upgradeStatus(`${relay.url}?target=127.0.0.1:${target.port}`)).toBe(403);
      // Same port, another name for the same host: not listed, so refused (no resolution, exact match).
      expect(await upgradeStatus(`${relay.url}localhost:${listed.port}`)).toBe(403);
      expect(await upgradeStatus(`${relay.url}%5B%3A%3A1%5D:${listed.port}`)).toBe(403);
      expect(await upgradeStatus(`${relay.url}no-port-here`)).toBe(400);
      expect(await upgradeStatus(`${relay.url}?target=127.0.0.1:99999`)).toBe(400);
      const conn = connectWebSocket(`${relay.url}127.0.0.1:${target.port}`, { ca: pki.ca, WebSocket: WS });
      expect((await rejection(conn.handshake)).code).toBe('TRANSPORT_ERROR');
      expect(reached).toBe(0);
    } finally {
      await relay.close();
      await target.close();
      await listed.close();
    }
  });

  it('drops the target connection when the upgrade itself is malformed', async () => {
    let closedAtTarget!: () => void;
    const targetClosed = new Promise<void>((r) => (closedAtTarget = r));
    const target = await listen(net.createServer((s) => s.on('error', () => {}).on('close', () => closedAtTarget()).resume()));
    const relay = await startRelay({ allow: [`127.0.0.1:${target.port}`] });
    try {
      // An upgrade request without Sec-WebSocket-Key: the relay dials, then ws refuses the handshake.
      const raw = net.connect({ host: '127.0.0.1', port: relay.port });
      raw.write(`GET /127.0.0.1:${target.port} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`);
      let answer = '';
      raw.on('data', (d: Buffer) => (answer += d.toString()));
      await new Promise((r) => raw.on('close', r));
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      await targetClosed;
      await settled(() => relay.connections);
      expect(relay.connections).toBe(0);
    } finally {
      await relay.close();
      await target.close();
    }
  });

  it('answers 502 for a listed target that does not accept', async () => {
    const port = await freePort();
    const relay = await startRelay({ allow: [`127.0.0.1:${port}`] });
    try {
      expect(await upgradeStatus(`${relay.url}127.0.0.1:${port}`)).toBe(502);
    } finally {
      await relay.close();
    }
  });

  it('checks the Origin when told to', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end('hi'));
    const relay = await startRelay({ allow: [`127.0.0.1:${server.port}`], origins: ['http://app.example'] });
    try {
      const url = `${relay.url}127.0.0.1:${server.port}`;
      expect(await upgradeStatus(url, 'http://evil.example')).toBe(403);
      expect(await upgradeStatus(url)).toBe(403);
      class FromApp extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { origin: 'http://app.example' });
        }
      }
      const conn = connectWebSocket(url, { ca: pki.ca, WebSocket: FromApp as unknown as WebSocketConstructor });
      expect(text(await readAll(conn.readable))).toBe('hi');
    } finally {
      await relay.close();
      await server.close();
    }
  });
});

describe('the relay buffers a bounded amount', () => {
  const MiB = 1024 * 1024;

  it('pauses the target while the WebSocket client does not read', async () => {
    const block = Buffer.alloc(MiB, 7);
    const total = 256 * MiB;
    // A target that sends 256 MiB as fast as it may.
    const target = await listen(
      net.createServer((s) => {
        s.on('error', () => {});
        let sent = 0;
        const more = () => {
          while (sent < total) {
            sent += block.length;
            if (!s.write(block)) return void s.once('drain', more);
          }
          s.end();
        };
        more();
      }),
    );
    const relay = await startRelay({ allow: [`127.0.0.1:${target.port}`], highWaterMark: 256 * 1024 });
    const client = new WebSocket(`${relay.url}127.0.0.1:${target.port}`);
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('open', () => {
          client.pause();
          resolve();
        });
        client.once('error', reject);
      });
      const relayed = await settled(() => relay.tunnels()[0]?.toClient ?? 0);
      // Without the pause the relay would read all 256 MiB into memory; with it, the relay holds at most
      // its high-water mark and the kernel buffers hold the rest of what it read.
      expect(relayed).toBeGreaterThan(0);
      expect(relayed).toBeLessThan(96 * MiB);
    } finally {
      client.terminate();
      await relay.close();
      await target.close();
    }
  });

  it('pauses the WebSocket while the target does not read', async () => {
    const sockets: net.Socket[] = [];
    const target = await listen(
      net.createServer((s) => {
        s.on('error', () => {});
        s.pause();
        sockets.push(s);
      }),
    );
    const relay = await startRelay({ allow: [`127.0.0.1:${target.port}`] });
    const client = new WebSocket(`${relay.url}127.0.0.1:${target.port}`);
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('open', resolve);
        client.once('error', reject);
      });
      const block = Buffer.alloc(64 * 1024, 9);
      for (let i = 0; i < 4096; i++) client.send(block); // 256 MiB queued on the client side
      const relayed = await settled(() => relay.tunnels()[0]?.toTarget ?? 0);
      expect(relayed).toBeGreaterThan(0);
      expect(relayed).toBeLessThan(96 * MiB);
    } finally {
      client.terminate();
      await relay.close();
      await target.close();
    }
  });
});

describe('sanstls-relay (the bin script)', () => {
  const BIN = new URL('../src/relay/bin.ts', import.meta.url).pathname;

  it('refuses to start without an allow-list', async () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', BIN], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--allow is required/);
  });

  it('relays to a listed target and refuses others', async () => {
    const server = await tlsServer(pki.ec, (s) => s.end('via bin'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, '--listen', `127.0.0.1:${port}`, '--allow', `127.0.0.1:${server.port}`, '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`sanstls-relay exited with ${code}: ${out}`)));
      });
      expect(out).toContain(`ws://127.0.0.1:${port}/`);
      const conn = connectWebSocket(`ws://127.0.0.1:${port}/127.0.0.1:${server.port}`, { ca: pki.ca, WebSocket: WS });
      expect(text(await readAll(conn.readable))).toBe('via bin');
      expect(await upgradeStatus(`ws://127.0.0.1:${port}/127.0.0.1:${port}`)).toBe(403);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await server.close();
    }
  });
});
