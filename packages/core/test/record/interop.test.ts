// Known-answer interop: a real TLS 1.2 session between `openssl s_server` and a node:tls client is
// captured through a TCP proxy; the key block is derived here from the logged master secret with the
// RFC 5246 §5 PRF (node:crypto HMAC), and our record layer must decrypt both directions of the capture.
// It also injects a record of its own into the live connection, which OpenSSL must accept and answer.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aesGcmProtector,
  cbcProtector,
  chacha20Poly1305Protector,
  RecordLayer,
  type RecordEvent,
  type RecordProtector,
} from '../../src/record/index.js';
import { concat, splitRecords } from './helpers.js';
import { aeadImpls, cbcImpls } from './suites.js';

interface Suite {
  openssl: string;
  code: number;
  prf: 'sha256' | 'sha384';
  kind: 'gcm' | 'chacha' | 'cbc';
  keyLength: number;
  ivLength: number; // fixed_iv_length (0 for CBC in TLS 1.2)
  mac?: 'sha1' | 'sha256' | 'sha384';
  macLength: number;
  etm?: boolean;
}

const SUITES: Suite[] = [
  { openssl: 'ECDHE-RSA-AES128-GCM-SHA256', code: 0xc02f, prf: 'sha256', kind: 'gcm', keyLength: 16, ivLength: 4, macLength: 0 },
  { openssl: 'ECDHE-RSA-AES256-GCM-SHA384', code: 0xc030, prf: 'sha384', kind: 'gcm', keyLength: 32, ivLength: 4, macLength: 0 },
  { openssl: 'ECDHE-RSA-CHACHA20-POLY1305', code: 0xcca8, prf: 'sha256', kind: 'chacha', keyLength: 32, ivLength: 12, macLength: 0 },
  { openssl: 'ECDHE-RSA-AES128-SHA', code: 0xc013, prf: 'sha256', kind: 'cbc', keyLength: 16, ivLength: 0, mac: 'sha1', macLength: 20, etm: false },
  { openssl: 'ECDHE-RSA-AES128-SHA', code: 0xc013, prf: 'sha256', kind: 'cbc', keyLength: 16, ivLength: 0, mac: 'sha1', macLength: 20, etm: true },
  { openssl: 'ECDHE-RSA-AES128-SHA256', code: 0xc027, prf: 'sha256', kind: 'cbc', keyLength: 16, ivLength: 0, mac: 'sha256', macLength: 32, etm: false },
  { openssl: 'ECDHE-RSA-AES128-SHA256', code: 0xc027, prf: 'sha256', kind: 'cbc', keyLength: 16, ivLength: 0, mac: 'sha256', macLength: 32, etm: true },
  { openssl: 'ECDHE-RSA-AES256-SHA384', code: 0xc028, prf: 'sha384', kind: 'cbc', keyLength: 32, ivLength: 0, mac: 'sha384', macLength: 48, etm: false },
  { openssl: 'ECDHE-RSA-AES256-SHA384', code: 0xc028, prf: 'sha384', kind: 'cbc', keyLength: 32, ivLength: 0, mac: 'sha384', macLength: 48, etm: true },
];

// ---- RFC 5246 §5 PRF and §6.3 key block, written from the RFC ----

function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, n: number): Uint8Array {
  const out: Uint8Array[] = [];
  let a = seed; // A(0) = seed
  let len = 0;
  while (len < n) {
    a = new Uint8Array(createHmac(hash, secret).update(a).digest()); // A(i) = HMAC(secret, A(i-1))
    const block = new Uint8Array(createHmac(hash, secret).update(a).update(seed).digest());
    out.push(block);
    len += block.length;
  }
  return concat(...out).subarray(0, n);
}

const prf = (hash: string, secret: Uint8Array, label: string, seed: Uint8Array, n: number) =>
  pHash(hash, secret, concat(new TextEncoder().encode(label), seed), n);

interface Keys {
  clientMac: Uint8Array;
  serverMac: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
}

function keyBlock(s: Suite, master: Uint8Array, serverRandom: Uint8Array, clientRandom: Uint8Array): Keys {
  const sizes = [s.macLength, s.macLength, s.keyLength, s.keyLength, s.ivLength, s.ivLength];
  const block = prf(s.prf, master, 'key expansion', concat(serverRandom, clientRandom), sizes.reduce((a, b) => a + b));
  let o = 0;
  const [clientMac, serverMac, clientKey, serverKey, clientIv, serverIv] = sizes.map((n) => block.slice(o, (o += n)));
  return { clientMac: clientMac!, serverMac: serverMac!, clientKey: clientKey!, serverKey: serverKey!, clientIv: clientIv!, serverIv: serverIv! };
}

type Impl = { aead: (typeof aeadImpls)[number][1]; cbc?: (typeof cbcImpls)[number][1] };

function protector(s: Suite, impl: Impl, key: Uint8Array, iv: Uint8Array, macKey: Uint8Array): RecordProtector {
  if (s.kind === 'gcm') return aesGcmProtector(impl.aead(s.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key), iv);
  if (s.kind === 'chacha') return chacha20Poly1305Protector(impl.aead('chacha20-poly1305', key), iv);
  return cbcProtector({ cipher: impl.cbc!.cipher(key), mac: impl.cbc!.mac(s.mac!, macKey), encryptThenMac: s.etm! });
}

// ---- capture ----

interface Hello {
  random: Uint8Array;
  suite?: number;
  extensions?: number[];
}

/** The random (and for ServerHello, suite and extension types) of the first handshake message of a stream. */
function parseHello(stream: Uint8Array): Hello {
  const m = splitRecords(stream)[0]!.fragment;
  const random = m.slice(6, 38);
  if (m[0] !== 2) return { random };
  let o = 38;
  o += 1 + m[o]!; // session_id
  const suite = (m[o]! << 8) | m[o + 1]!;
  o += 3; // cipher_suite, compression_method
  const end = o + 2 + ((m[o]! << 8) | m[o + 1]!);
  const extensions = [];
  for (o += 2; o < end; o += 4 + ((m[o + 2]! << 8) | m[o + 3]!)) extensions.push((m[o]! << 8) | m[o + 1]!);
  return { random, suite, extensions };
}

function masterSecret(keylog: string[], clientRandom: Uint8Array): Uint8Array {
  const cr = Buffer.from(clientRandom).toString('hex');
  const line = keylog.map((l) => l.trim().split(' ')).find((f) => f[0] === 'CLIENT_RANDOM' && f[1] === cr);
  expect(line, 'CLIENT_RANDOM line in the key log').toBeDefined();
  return new Uint8Array(Buffer.from(line![2]!, 'hex'));
}

async function waitUntil(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let dir = '';
let certPem = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sanstls-record-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  certPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Capture {
  c2s: Uint8Array;
  s2c: Uint8Array;
  keylog: string[];
  nodeReceived: string;
  injectedText: string;
}

const LINE = 'hello from node:tls over the wire\n';
const INJECTED = 'this record was sealed by the sanstls record layer\n';
const reverse = (line: string) => [...line.slice(0, -1)].reverse().join('') + '\n';

/**
 * Runs one session: openssl s_server -rev (answers each line reversed) ← proxy ← node:tls client.
 * The client sends LINE; then the test seals INJECTED with the client's keys (derived from the capture
 * so far) at the client's next sequence number and writes it into the upstream socket itself.
 */
async function session(s: Suite, impl: Impl): Promise<Capture> {
  const port = await freePort();
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', path.join(dir, 'cert.pem'),
    '-key', path.join(dir, 'key.pem'), '-tls1_2', '-cipher', s.openssl, '-rev', '-naccept', '1'];
  if (s.etm === false) args.push('-no_etm');
  const srv = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(srv);
  let srvOut = '';
  srv.stdout!.on('data', (d) => (srvOut += d));
  srv.stderr!.on('data', (d) => (srvOut += d));
  await waitUntil(() => srvOut.includes('ACCEPT'), 's_server to listen');

  const c2s: Uint8Array[] = [];
  const s2c: Uint8Array[] = [];
  let upstream: net.Socket | undefined;
  const proxy = net.createServer((down) => {
    const up = net.connect(port, '127.0.0.1');
    upstream = up;
    down.on('data', (d) => { c2s.push(new Uint8Array(d)); up.write(d); });
    up.on('data', (d) => { s2c.push(new Uint8Array(d)); down.write(d); });
    down.on('error', () => {});
    up.on('error', () => {});
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyPort = (proxy.address() as net.AddressInfo).port;

  const keylog: string[] = [];
  let nodeReceived = '';
  const client = tls.connect({
    host: '127.0.0.1', port: proxyPort, servername: 'localhost', ca: certPem,
    ciphers: s.openssl, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
  });
  client.on('keylog', (line) => keylog.push(line.toString()));
  client.on('data', (d) => (nodeReceived += d));
  let closed = false;
  client.on('error', () => {});
  client.on('close', () => (closed = true));
  const alive = (what: string) => () => {
    if (closed) throw new Error(`connection closed while waiting for ${what}; s_server said:\n${srvOut}`);
    return false;
  };
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  client.write(LINE);
  await waitUntil(() => nodeReceived.includes('\n') || alive('the reversed line')(), 'the reversed line');

  // Seal our own record with the client write keys, at the client's next sequence number.
  const c2sSoFar = concat(...c2s);
  const cr = parseHello(c2sSoFar).random;
  const sr = parseHello(concat(...s2c)).random;
  const keys = keyBlock(s, masterSecret(keylog, cr), sr, cr);
  const recs = splitRecords(c2sSoFar);
  const afterCcs = recs.length - 1 - recs.findIndex((r) => r.type === 20);
  const ours = new RecordLayer();
  ours.setVersion(0x0303);
  ours.writeChangeCipherSpec();
  ours.changeWriteCipher(protector(s, impl, keys.clientKey, keys.clientIv, keys.clientMac));
  ours.takeOutgoing();
  ours.writeSequence.set(BigInt(afterCcs));
  ours.writeApplicationData(new TextEncoder().encode(INJECTED));
  const injected = ours.takeOutgoing();
  c2s.push(injected);
  upstream!.write(injected);
  await waitUntil(
    () => nodeReceived.split('\n').length >= 3 || alive('the answer to our record')(),
    'the answer to our record',
  );

  const capture = { c2s: concat(...c2s), s2c: concat(...s2c), keylog, nodeReceived, injectedText: INJECTED };
  client.destroy();
  proxy.close();
  srv.kill();
  return capture;
}

/** Reads a captured direction with our record layer, switching cipher at the ChangeCipherSpec. */
function readStream(stream: Uint8Array, p: () => RecordProtector): RecordEvent[] {
  const l = new RecordLayer();
  l.receive(stream);
  const out: RecordEvent[] = [];
  for (let ev: RecordEvent | null; (ev = l.nextEvent()); ) {
    out.push(ev);
    if (ev.type === 'change_cipher_spec') {
      l.changeReadCipher(p());
      l.setVersion(0x0303);
    }
  }
  expect(l.nextEvent()).toBeNull();
  return out;
}

const text = (evs: RecordEvent[]) =>
  evs.filter((e) => e.type === 'application_data').map((e) => Buffer.from((e as { payload: Uint8Array }).payload).toString()).join('');

// One entry per implementation of the crypto interfaces: node:crypto fixtures, then @sanstls/crypto.
const impls: [string, Impl][] = aeadImpls.map(([name, aead]) => [name, { aead, cbc: cbcImpls.find(([n]) => n === name)?.[1] }]);

describe('interop with OpenSSL: decrypting a captured TLS 1.2 session', () => {
  for (const s of SUITES) {
    const label = `${s.openssl}${s.kind === 'cbc' ? (s.etm ? ' (encrypt-then-MAC)' : ' (MAC-then-encrypt)') : ''}`;
    for (const [implName, impl] of impls.filter(([, i]) => s.kind !== 'cbc' || i.cbc)) {
      it(`${label} with ${implName}`, async () => {
        const cap = await session(s, impl);
        const ch = parseHello(cap.c2s);
        const sh = parseHello(cap.s2c);
        expect(sh.suite).toBe(s.code);
        if (s.kind === 'cbc') expect(sh.extensions!.includes(22)).toBe(s.etm); // encrypt_then_mac
        expect(cap.nodeReceived).toBe(reverse(LINE) + reverse(INJECTED));

        const keys = keyBlock(s, masterSecret(cap.keylog, ch.random), sh.random, ch.random);
        // Server → client: our layer as the client reader.
        const fromServer = readStream(cap.s2c, () => protector(s, impl, keys.serverKey, keys.serverIv, keys.serverMac));
        const i = fromServer.findIndex((e) => e.type === 'change_cipher_spec');
        const finished = fromServer[i + 1] as { type: string; payload: Uint8Array };
        expect(finished.type).toBe('handshake');
        expect([...finished.payload.subarray(0, 4)]).toEqual([20, 0, 0, 12]); // Finished, 12-byte verify_data
        expect(text(fromServer)).toBe(reverse(LINE) + reverse(INJECTED));

        // Client → server: our layer as the server reader (node:tls records, then our injected one).
        const fromClient = readStream(cap.c2s, () => protector(s, impl, keys.clientKey, keys.clientIv, keys.clientMac));
        const j = fromClient.findIndex((e) => e.type === 'change_cipher_spec');
        expect([...(fromClient[j + 1] as { payload: Uint8Array }).payload.subarray(0, 4)]).toEqual([20, 0, 0, 12]);
        expect(text(fromClient)).toBe(LINE + INJECTED);
      });
    }
  }
});
