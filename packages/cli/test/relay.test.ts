// `sanstls relay`: the WebSocket-to-TCP relay of @sanstls/web from the sanstls binary.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { finish, freePort, sanstls, type Child } from './helpers.js';

describe('sanstls relay', () => {
  const children: Child[] = [];
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill();
    for (const s of servers.splice(0)) s.close();
  });

  it('relays bytes to an allowed target and back', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    servers.push(echo);
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const target = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
    const port = await freePort();
    const relay = sanstls(['relay', '--allow', target, '--listen', `127.0.0.1:${port}`], { keepStdinOpen: true });
    children.push(relay);
    await relay.waitFor(/sanstls relay listening on ws:\/\//, 'stdout');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/${target}`);
    ws.binaryType = 'nodebuffer';
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const got = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      let n = 0;
      ws.on('open', () => ws.send(payload));
      ws.on('message', (d: Buffer) => {
        parts.push(d);
        n += d.length;
        if (n >= payload.length) resolve(Buffer.concat(parts));
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(got.equals(payload)).toBe(true);
  });

  it('refuses to start without an allow-list (exit status 2)', async () => {
    const r = await finish(sanstls(['relay', '--listen', `127.0.0.1:${await freePort()}`]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sanstls relay: --allow is required');
  });
});
