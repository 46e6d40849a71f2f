// The pieces without sockets: flag parsing, the wire observer (however the bytes are cut), the page
// reader, and the generated certificate as other TLS stacks see it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ClientConnection, loadCredential, ServerConnection } from '@sanstls/core';
import { describe, expect, it } from 'vitest';
import { parseCiphers, parseCommandLine, parseGroups, parseHostPort, USAGE, UsageError } from '../src/args.js';
import { CommandLines, type StdinItem } from '../src/commands.js';
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
    expect(() => parseCommandLine(['s_client', '-key', 'k.pem'])).toThrow(/-key needs -cert/);
    expect(() => parseCommandLine(['s_client', '-sess_in'])).toThrow(/-sess_in needs a value/);
    expect(() => parseCommandLine(['s_server', '-verify', '1', '-Verify', '2'])).toThrow(/exclude each other/);
    expect(() => parseCommandLine(['s_server', '-verify', '-1'])).toThrow(/-verify/);
    expect(() => parseCommandLine(['s_server', '-Verify'])).toThrow(/-Verify needs a value/);
    expect(() => parseCommandLine(['nope'])).toThrow(/unknown command/);
  });
});

describe('session, client certificate and renegotiation flags', () => {
  it('s_client: -cert/-key, -reconnect, -sess_in/-sess_out, -no_ticket, -nocommands', () => {
    const c = parseCommandLine(['s_client', '-cert', 'me.pem', '-key', 'me.key', '-reconnect', '-sess_in', 'in.pem', '-sess_out', 'out.pem', '-no_ticket',
      '-nocommands']);
    expect(c.command === 's_client' && c.args).toMatchObject({
      certFile: 'me.pem',
      keyFile: 'me.key',
      reconnect: true,
      sessIn: 'in.pem',
      sessOut: 'out.pem',
      noTicket: true,
      commands: false,
    });
    const d = parseCommandLine(['s_client']);
    expect(d.command === 's_client' && d.args).toMatchObject({
      certFile: undefined,
      keyFile: undefined,
      reconnect: false,
      sessIn: undefined,
      sessOut: undefined,
      noTicket: false,
      commands: true,
    });
  });

  it('s_server: -verify / -Verify with -CAfile, -no_ticket, -no_cache, client renegotiation under both names', () => {
    const v = parseCommandLine(['s_server', '-verify', '2', '-CAfile', 'clients.pem', '-no_ticket', '-no_cache', '-allow_client_renegotiation']);
    expect(v.command === 's_server' && v.args).toMatchObject({
      verifyClient: { require: false, depth: 2 },
      caFile: 'clients.pem',
      noTicket: true,
      noCache: true,
      allowClientRenegotiation: true,
    });
    const r = parseCommandLine(['s_server', '-Verify', '1', '-client_renegotiation', '-verify_return_error']);
    expect(r.command === 's_server' && r.args).toMatchObject({ verifyClient: { require: true, depth: 1 }, allowClientRenegotiation: true });
    const none = parseCommandLine(['s_server']);
    expect(none.command === 's_server' && none.args).toMatchObject({
      verifyClient: undefined,
      caFile: undefined,
      noTicket: false,
      noCache: false,
      allowClientRenegotiation: false,
    });
  });

  it('the usage texts name every new flag', () => {
    for (const flag of ['-cert file', '-key file', '-reconnect', '-sess_out file', '-sess_in file', '-no_ticket', '-nocommands']) {
      expect(USAGE.s_client).toContain(`  ${flag}`);
    }
    expect(USAGE.s_client).toContain('"R"');
    for (const flag of ['-verify depth', '-Verify depth', '-CAfile file', '-no_ticket', '-no_cache', '-allow_client_renegotiation']) {
      expect(USAGE.s_server).toContain(`  ${flag}`);
    }
    expect(USAGE.s_server).toMatch(/^ {2}r {2,}renegotiate/m);
    expect(USAGE.s_server).toMatch(/^ {2}R {2,}the same, asking for a client certificate/m);
  });
});

describe('stdin command lines', () => {
  const run = (letters: string, chunks: string[]): (string | { command: string })[] => {
    const lines = new CommandLines(letters);
    const out: (string | { command: string })[] = [];
    const add = (item: StdinItem) => {
      if (item.kind === 'command') out.push({ command: item.letter });
      else if (typeof out[out.length - 1] === 'string') out[out.length - 1] += item.data.toString('latin1');
      else out.push(item.data.toString('latin1'));
    };
    for (const c of chunks) for (const item of lines.push(c)) add(item);
    const rest = lines.end();
    if (rest) add({ kind: 'data', data: rest });
    return out;
  };

  it('a line holding only the letter is a command; everything else is data, unchanged', () => {
    expect(run('R', ['hello\nR\nworld\n'])).toEqual(['hello\n', { command: 'R' }, 'world\n']);
    expect(run('R', ['R\r\n'])).toEqual([{ command: 'R' }]);
    expect(run('R', ['Range: bytes\nR \nxR\n'])).toEqual(['Range: bytes\nR \nxR\n']);
    expect(run('R', ['r\n'])).toEqual(['r\n']);
    expect(run('rR', ['r\nR\n'])).toEqual([{ command: 'r' }, { command: 'R' }]);
  });

  it('however the bytes are cut', () => {
    expect(run('R', ['a\n', 'R', '\n', 'b\n'])).toEqual(['a\n', { command: 'R' }, 'b\n']);
    expect(run('R', ['a\nR', '\r', '\nb'])).toEqual(['a\n', { command: 'R' }, 'b']);
    expect(run('R', ['a\nR', 'ange\n'])).toEqual(['a\nRange\n']);
    expect(run('R', ['a', '\n', 'R\n'])).toEqual(['a\n', { command: 'R' }]);
  });

  it('a letter left without its newline at the end of input is data; no letters, no commands', () => {
    expect(run('R', ['x\nR'])).toEqual(['x\nR']);
    expect(run('', ['R\n'])).toEqual(['R\n']);
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
      '<<< NewSessionTicket', // RFC 5077: the server issues a ticket by default
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
