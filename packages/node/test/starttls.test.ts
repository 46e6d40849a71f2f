// STARTTLS: a plain-text exchange on a TCP connection, then TLS over the same connection via upgrade().
import net from 'node:net';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { upgrade } from '../src/index.js';
import { closeServer, listen, once, pki, type Pki } from './helpers.js';

let p: Pki;
beforeAll(() => {
  p = pki();
});

/** Reads one CRLF-terminated line and pauses the socket (nothing past the line is consumed: the peer waits). */
function readLine(s: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        s.off('data', onData);
        s.off('error', reject);
        s.pause();
        if (i + 2 !== buf.length) reject(new Error(`unexpected bytes after the line: ${JSON.stringify(buf.slice(i + 2))}`));
        resolve(buf.slice(0, i));
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.resume();
  });
}

/** Client half of the dialogue: greeting, STARTTLS, go-ahead. */
async function clientDialogue(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  await once(s, 'connect');
  expect(await readLine(s)).toBe('220 mail.example ESMTP');
  s.write('STARTTLS\r\n');
  expect(await readLine(s)).toBe('220 ready to start TLS');
  return s;
}

/** Server half: greeting, wait for STARTTLS, go-ahead; then `secure` takes the socket. */
function dialogueServer(secure: (raw: net.Socket) => void): net.Server {
  return net.createServer(async (raw) => {
    raw.write('220 mail.example ESMTP\r\n');
    const cmd = await readLine(raw);
    expect(cmd).toBe('STARTTLS');
    raw.write('220 ready to start TLS\r\n');
    secure(raw);
  });
}

describe('STARTTLS', () => {
  it('sanstls client upgrade() against a node:tls server-side TLSSocket', async () => {
    const serverSaw: string[] = [];
    const server = dialogueServer((raw) => {
      const t = new tls.TLSSocket(raw, { isServer: true, key: p.rsa.key, cert: p.rsa.cert });
      t.on('data', (d: Buffer) => {
        serverSaw.push(d.toString());
        t.end(`250 ${d.toString().toUpperCase()}`);
      });
      t.on('error', () => {});
    });
    const port = await listen(server);
    const raw = await clientDialogue(port);
    const secure = upgrade(raw, { servername: 'localhost', ca: p.ca });
    await once(secure, 'secureConnect');
    expect(secure.authorized).toBe(true);
    expect(secure.getProtocol()).toBe('TLSv1.2');
    const closed = once(secure, 'close');
    secure.write('ehlo client');
    const reply = await once<Buffer>(secure, 'data');
    expect(reply.toString()).toBe('250 EHLO CLIENT');
    expect(serverSaw).toEqual(['ehlo client']);
    await closed;
    expect(raw.destroyed).toBe(true);
    await closeServer(server);
  });

  it('sanstls server upgrade(socket, { isServer: true }) against a node:tls client over the same socket', async () => {
    const server = dialogueServer((raw) => {
      const t = upgrade(raw, { isServer: true, key: p.ec.key, cert: p.ec.cert });
      t.on('secure', () => t.setEncoding('utf8'));
      t.on('data', (d: string) => t.write(`250 ${d.toUpperCase()} via ${t.getCipher()?.name}`));
      t.on('error', () => {});
    });
    const port = await listen(server);
    const raw = await clientDialogue(port);
    const client = tls.connect({ socket: raw, servername: 'localhost', ca: p.ca });
    await once(client, 'secureConnect');
    expect(client.authorized).toBe(true);
    const closed = once(client, 'close');
    client.write('mail from:<a@b>');
    const reply = await once<Buffer>(client, 'data');
    expect(reply.toString()).toMatch(/^250 MAIL FROM:<A@B> via ECDHE-ECDSA-/);
    client.end();
    await closed;
    await closeServer(server);
  });
});
