// The pieces without sockets: flag parsing, the wire observer (however the bytes are cut), the page
// reader, and the generated certificate as other TLS stacks see it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ClientConnection, loadCredential, ServerConnection } from '@sanstls/core';
import { describe, expect, it } from 'vitest';
import { parseCiphers, parseCommandLine, parseGroups, parseHostPort, UsageError } from '../src/args.js';
import { generateSelfSigned } from '../src/certgen.js';
import { formatItem } from '../src/trace.js';
import { WireObserver, type Direction } from '../src/wire.js';
import { RequestReader } from '../src/www.js';

describe('flags', () => {
  it('parses openssl-style single-dash long flags', () => {
    const c = parseCommandLine(['s_client', '-connect', 'example.com:8443', '-servername', 'www.example.com', '-CAfile', 'ca.pem', '-cipher',
      'ECDHE-RSA-AES128-GCM-SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', '-groups', 'X25519:P-256', '-alpn', 'h2,http/1.1', '-quiet', '-trace']);
    expect(c.command).toBe('s_client');
    if (c.command !== 's_client') return;
    expect(c.args).toMatchObject({
      host: 'example.com',
      port: 8443,
      serverName: 'www.example.com',
      caFile: 'ca.pem',
      cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
      groups: ['x25519', 'secp256r1'],
      alpn: ['h2', 'http/1.1'],
      quiet: true,
      trace: true,
    });
  });

  it('defaults the server name to the -connect host, and the target to localhost:4433', () => {
    const c = parseCommandLine(['s_client', '-connect', '[::1]:443']);
    expect(c.command === 's_client' && [c.args.host, c.args.port, c.args.serverName]).toEqual(['::1', 443, '::1']);
    const d = parseCommandLine(['s_client']);
    expect(d.command === 's_client' && [d.args.host, d.args.port]).toEqual(['localhost', 4433]);
  });

  it('-accept takes a port or host:port, -port is the same', () => {
    const a = parseCommandLine(['s_server', '-accept', '8443', '-www']);
    expect(a.command === 's_server' && [a.args.host, a.args.port, a.args.www]).toEqual([undefined, 8443, true]);
    const b = parseCommandLine(['s_server', '-accept', '127.0.0.1:0']);
    expect(b.command === 's_server' && [b.args.host, b.args.port]).toEqual(['127.0.0.1', 0]);
    const p = parseCommandLine(['s_server', '-port', '9000']);
    expect(p.command === 's_server' && p.args.port).toBe(9000);
    expect(parseHostPort('[::1]:8443', '-accept', 1)).toEqual({ host: '::1', port: 8443 });
  });

  it('group names in every spelling', () => {
    expect(parseGroups('X25519:prime256v1:secp384r1')).toEqual({ ec: ['x25519', 'secp256r1', 'secp384r1'], dhe: [] });
    expect(parseGroups('P-384:P-256')).toEqual({ ec: ['secp384r1', 'secp256r1'], dhe: [] });
    expect(parseGroups('ffdhe3072:X25519:FFDHE2048')).toEqual({ ec: ['x25519'], dhe: ['ffdhe3072', 'ffdhe2048'] });
    expect(() => parseGroups('X448')).toThrow(UsageError);
  });

  it('cipher lists: both spellings, refused families and TLS 1.3 names explained', () => {
    expect(parseCiphers('ECDHE-ECDSA-CHACHA20-POLY1305, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')).toEqual([
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    ]);
    expect(() => parseCiphers('DES-CBC3-SHA')).toThrow(/3DES/);
    expect(() => parseCiphers('TLS_AES_128_GCM_SHA256')).toThrow(/TLS 1\.3/);
    expect(() => parseCiphers('HIGH:!aNULL')).toThrow(/keywords/);
    expect(() => parseCiphers('NOPE')).toThrow(/unknown cipher suite/);
  });

  it('refuses unknown flags, missing values and stray arguments', () => {
    expect(() => parseCommandLine(['s_client', '-bogus'])).toThrow(/unknown option -bogus/);
    expect(() => parseCommandLine(['s_client', '-connect'])).toThrow(/-connect needs a value/);
    expect(() => parseCommandLine(['s_server', 'extra'])).toThrow(/unexpected argument/);
    expect(() => parseCommandLine(['s_server', '-accept', '70000'])).toThrow(/out of range/);
    expect(() => parseCommandLine(['s_client', '-cert', 'c.pem'])).toThrow(/client certificates/);
    expect(() => parseCommandLine(['nope'])).toThrow(/unknown command/);
  });
});

describe('WireObserver', () => {
  /** A complete in-memory handshake plus one exchange and close, recorded as the client's socket saw it. */
  async function recordSession(): Promise<{ dir: Direction; bytes: Uint8Array }[]> {
    const g = await generateSelfSigned();
    const client = new ClientConnection({ serverName: 'localhost', ca: g.certPem });
    const server = new ServerConnection({ credentials: [loadCredential(g.certPem, g.keyPem)] });
    const wire: { dir: Direction; bytes: Uint8Array }[] = [];
    let wrote = false;
    for (let round = 0; round < 20; round++) {
      const c2s = client.takeOutgoing();
      if (c2s.length > 0) {
        wire.push({ dir: 'sent', bytes: c2s });
        server.receive(c2s);
      }
      for (const e of server.events()) if (e.type === 'data') server.write(e.data);
      const s2c = server.takeOutgoing();
      if (s2c.length > 0) {
        wire.push({ dir: 'received', bytes: s2c });
        client.receive(s2c);
      }
      for (const e of client.events()) if (e.type === 'handshake' && !wrote) (client.write(new TextEncoder().encode('ping')), (wrote = true));
      if (c2s.length === 0 && s2c.length === 0) break;
    }
    client.close();
    wire.push({ dir: 'sent', bytes: client.takeOutgoing() });
    return wire;
  }

  function observe(wire: { dir: Direction; bytes: Uint8Array }[], chunk: number): string[] {
    const lines: string[] = [];
    const o = new WireObserver((dir, item) => lines.push(...formatItem(dir, item)));
    for (const { dir, bytes } of wire) for (let i = 0; i < bytes.length; i += chunk) o.observe(dir, bytes.subarray(i, i + chunk));
    return lines;
  }

  it('sees the same messages whether the bytes come whole or one at a time', async () => {
    const wire = await recordSession();
    const whole = observe(wire, Infinity);
    expect(observe(wire, 1)).toEqual(whole);
    expect(observe(wire, 7)).toEqual(whole);
    const heads = whole.filter((l) => /^(>>>|<<<)/.test(l)).map((l) => l.replace(/ \(.*$/, ''));
    expect(heads).toEqual([
      '>>> ClientHello',
      '<<< ServerHello',
      '<<< Certificate',
      '<<< ServerKeyExchange',
      '<<< ServerHelloDone',
      '>>> ClientKeyExchange',
      '>>> ChangeCipherSpec',
      '>>> Finished',
      '<<< ChangeCipherSpec',
      '<<< Finished',
      '>>> ApplicationData',
      '<<< ApplicationData',
      '>>> Alert',
    ]);
  });

  it('stops following a direction that is not TLS', () => {
    const items: string[] = [];
    const o = new WireObserver((dir, item) => items.push(...formatItem(dir, item)));
    o.observe('received', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    o.observe('received', new Uint8Array([22, 3, 3, 0, 1, 1]));
    expect(items).toEqual(['<<< plaintext, not TLS: "GET / HTTP/1.1"']);
  });
});


describe('RequestReader', () => {
  it('waits for the end of the head, however it is split', () => {
    const r = new RequestReader();
    expect(r.push(new TextEncoder().encode('GET /x HT')).kind).toBe('incomplete');
    expect(r.push(new TextEncoder().encode('TP/1.1\r\nHost: a\r\n'))).toEqual({ kind: 'incomplete' });
    expect(r.push(new TextEncoder().encode('\r\n'))).toEqual({ kind: 'request', method: 'GET', target: '/x', requestLine: 'GET /x HTTP/1.1' });
    expect(new RequestReader().push(new TextEncoder().encode('\x16\x03\x01garbage\n\n')).kind).toBe('bad');
  });
});

describe('certgen', () => {
  it('makes a certificate that openssl and node verify for localhost and 127.0.0.1, serverAuth', async () => {
    const g = await generateSelfSigned({ days: 2 });
    const x = new X509Certificate(g.certPem);
    expect(x.subject).toBe('CN=localhost');
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // node's keyUsage is the extended key usage: serverAuth
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const dir = mkdtempSync(join(tmpdir(), 'sanstls-certgen-'));
    try {
      writeFileSync(join(dir, 'c.pem'), g.certPem);
      writeFileSync(join(dir, 'k.pem'), g.keyPem);
      const v = spawnSync('openssl', ['verify', '-CAfile', 'c.pem', '-purpose', 'sslserver', '-verify_hostname', 'localhost', 'c.pem'], { cwd: dir, encoding: 'utf8' });
      expect(v.stdout.trim(), v.stderr).toBe('c.pem: OK');
      const m = spawnSync('openssl', ['x509', '-in', 'c.pem', '-noout', '-ext', 'extendedKeyUsage,keyUsage,basicConstraints'], { cwd: dir, encoding: 'utf8' });
      expect(m.stdout).toContain('TLS Web Server Authentication');
      expect(m.stdout).toContain('Digital Signature');
      expect(m.stdout).toContain('CA:FALSE');
      const k = spawnSync('openssl', ['pkey', '-in', 'k.pem', '-pubout'], { cwd: dir, encoding: 'utf8' });
      expect(k.stdout).toBe(x.publicKey.export({ type: 'spki', format: 'pem' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
