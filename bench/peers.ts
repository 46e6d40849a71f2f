// The TLS clients people would otherwise pick, in this one run: @reclaimprotocol/tls (TLS 1.2, WebCrypto)
// and subtls (TLS 1.3, WebCrypto) against a local node:tls server, node-forge (TLS 1.1) against its own
// server, next to sanstls and node:tls clients against the same server. For each: the time of a full
// handshake (connect → established, sequential) and the download throughput of one connection (the server
// sends N bytes after a request; timed from the request to the last byte, handshake excluded).
// Clients run in timed rounds, interleaved; medians with the spread. CPU time is this process's (all
// threads: WebCrypto work runs on libuv's pool), wall time next to it.
//   tsx bench/peers.ts [--quick]
import net from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import forge from 'node-forge';
import { loadX509FromPem, makeTLSClient, setCryptoImplementation } from '@reclaimprotocol/tls';
import { webcryptoCrypto } from '@reclaimprotocol/tls/webcrypto';
import * as sans from '@sanstls/node';
import { TrustStore } from '@sanstls/x509';
import { makePki } from './lib/pki.js';
import { cpuMs, quick, ROOT, spread, writeResult } from './lib/stats.js';

// subtls has no package.json main/exports: its bundle by path.
const subtls = (await import(join(ROOT, 'node_modules', 'subtls', 'index.js'))) as typeof import('subtls');
setCryptoImplementation(webcryptoCrypto);

const opts = quick
  ? { rounds: 3, handshakesPerRound: 4, downloadBytes: 4 * 2 ** 20, downloadRounds: 2 }
  : { rounds: 7, handshakesPerRound: 10, downloadBytes: 16 * 2 ** 20, downloadRounds: 5 };

const pki = makePki();
const BLOCK = Buffer.alloc(64 * 1024, 0x5a);

/** A client connection: `download(n)` asks the server for n bytes and resolves once all arrived. */
interface PeerConn { download(n: number): Promise<void>; close(): void }
interface Client { name: string; protocol: string; suite: string; server: 'node:tls' | 'node-forge'; connect(port: number): Promise<PeerConn> }

// ---- servers ---------------------------------------------------------------------------------------
/** Serves `n\n` requests with n bytes on any duplex of plaintext. */
function serve(write: (b: Buffer) => boolean, onDrain: (f: () => void) => void, n: number): void {
  let left = n;
  const pump = () => {
    while (left > 0) {
      const b = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
      left -= b.length;
      if (!write(b)) return onDrain(pump);
    }
  };
  pump();
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

const nodeServer = tls.createServer(
  { key: pki.ec.key, cert: pki.ec.cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  (s) => {
    s.on('error', () => {});
    let req = '';
    s.on('data', (d: Buffer) => {
      req += d.toString('latin1');
      const nl = req.indexOf('\n');
      if (nl < 0) return;
      const n = Number(req.slice(0, nl));
      req = req.slice(nl + 1);
      serve((b) => s.write(b), (f) => s.once('drain', f), n);
    });
  },
);
nodeServer.on('tlsClientError', () => {});
const nodePort = await listen(nodeServer);

// node-forge's server: TLS 1.1, TLS_RSA_WITH_AES_128_CBC_SHA, over a net.Server.
const forgeServer = net.createServer((sock) => {
  sock.on('error', () => {});
  let req = '';
  const conn = forge.tls.createConnection({
    server: true,
    sessionCache: {},
    cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA!],
    connected: () => {},
    getCertificate: () => pki.rsaOnly.cert,
    getPrivateKey: () => pki.rsaOnly.key,
    // Backpressure is handled where the data is fed in (below), by the socket's writableLength.
    tlsDataReady: (c) => void sock.write(Buffer.from(c.tlsData.getBytes(), 'binary')),
    dataReady: (c) => {
      req += c.data.getBytes();
      const nl = req.indexOf('\n');
      if (nl < 0) return;
      const n = Number(req.slice(0, nl));
      req = req.slice(nl + 1);
      // forge queues whatever it is given; feed it a block at a time, waiting for the socket to drain.
      serve(
        (b) => { c.prepare(b.toString('binary')); return sock.writableLength < 1 << 20; },
        (f) => { if (sock.writableLength < 1 << 20) setImmediate(f); else sock.once('drain', f); },
        n,
      );
    },
    closed: () => sock.end(),
    error: () => sock.destroy(),
  });
  sock.on('data', (d: Buffer) => conn.process(d.toString('binary')));
  sock.on('close', () => conn.close());
});
const forgePort = await listen(forgeServer);

// ---- clients -----------------------------------------------------------------------------------------
/** For clients that are a node stream: count 'data' bytes. */
function streamConn(s: NodeJS.ReadWriteStream & { destroy(): void }): PeerConn {
  let want = 0;
  let got = 0;
  let done: (() => void) | undefined;
  s.on('data', (d: Buffer) => {
    got += d.length;
    if (done && got >= want) { const f = done; done = undefined; f(); }
  });
  return {
    download: (n) => new Promise<void>((resolve) => { want = n; got = 0; done = resolve; s.write(`${n}\n`); }),
    close: () => s.destroy(),
  };
}

const nodeCtx12 = tls.createSecureContext({ ca: pki.ca, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
const nodeCtx13 = tls.createSecureContext({ ca: pki.ca, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_128_GCM_SHA256' } as tls.SecureContextOptions);
const nodeClient = (ctx: tls.SecureContext) => (port: number) =>
  new Promise<PeerConn>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', secureContext: ctx, session: undefined });
    s.once('error', reject);
    s.once('secureConnect', () => { s.on('error', () => {}); resolve(streamConn(s)); });
  });

const store = new TrustStore(pki.ca);
const sansClient = (crypto: 'wasm' | 'native') => (port: number) =>
  new Promise<PeerConn>((resolve, reject) => {
    const s = sans.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: store, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', crypto });
    s.once('error', reject);
    s.once('secureConnect', () => { s.on('error', () => {}); resolve(streamConn(s)); });
  });

const silent = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };
const reclaimRoots = [loadX509FromPem(pki.ca)];
const reclaimClient = (port: number) =>
  new Promise<PeerConn>((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let want = 0;
    let got = 0;
    let done: (() => void) | undefined;
    const client = makeTLSClient({
      host: 'localhost',
      verifyServerCertificate: true,
      rootCAs: reclaimRoots,
      cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      supportedProtocolVersions: ['TLS1_2'],
      logger: silent,
      write({ header, content }) { sock.write(header); sock.write(content); },
      onHandshake() {
        resolve({
          download: (n) => new Promise<void>((res) => { want = n; got = 0; done = res; void client.write(Buffer.from(`${n}\n`)); }),
          close: () => sock.destroy(),
        });
      },
      onApplicationData(p: Uint8Array) {
        got += p.length;
        if (done && got >= want) { const f = done; done = undefined; f(); }
      },
      onTlsEnd(err?: Error) { if (err) reject(err); },
    });
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => void client.handleReceivedBytes(d));
    sock.on('connect', () => void client.startHandshake());
  });

const subtlsDb = await subtls.TrustedCert.databaseFromPEM(pki.ca);
const subtlsClient = async (port: number): Promise<PeerConn> => {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => { sock.once('connect', r); sock.once('error', j); });
  sock.on('error', () => {});
  const q = new subtls.SocketReadQueue(sock);
  const { read, write } = await subtls.startTls('localhost', subtlsDb, q.read.bind(q), (d: Uint8Array) => { sock.write(d); }, { useSNI: true });
  return {
    async download(n) {
      await write(new TextEncoder().encode(`${n}\n`));
      let got = 0;
      while (got < n) {
        const d = await read();
        if (d === undefined) throw new Error('subtls: connection closed early');
        got += d.length;
      }
    },
    close: () => sock.destroy(),
  };
};

const forgeCa = forge.pki.certificateFromPem(pki.rsaCa);
const forgeClient = (port: number) =>
  new Promise<PeerConn>((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let want = 0;
    let got = 0;
    let done: (() => void) | undefined;
    const caStore = forge.pki.createCaStore([forgeCa]);
    const conn = forge.tls.createConnection({
      server: false,
      caStore,
      sessionCache: {},
      cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA!],
      virtualHost: 'localhost',
      verify: (_c, verified) => verified,
      connected: () =>
        resolve({
          download: (n) => new Promise<void>((res) => { want = n; got = 0; done = res; conn.prepare(`${n}\n`); }),
          close: () => sock.destroy(),
        }),
      tlsDataReady: (c) => { sock.write(Buffer.from(c.tlsData.getBytes(), 'binary')); },
      dataReady: (c) => {
        got += c.data.length();
        c.data.clear();
        if (done && got >= want) { const f = done; done = undefined; f(); }
      },
      closed: () => {},
      error: (_c, e) => reject(new Error(e.message)),
    });
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => conn.process(d.toString('binary')));
    sock.on('connect', () => conn.handshake());
  });

const clients: Client[] = [
  { name: 'node:tls', protocol: 'TLS 1.2', suite: 'ECDHE-ECDSA-AES128-GCM-SHA256', server: 'node:tls', connect: nodeClient(nodeCtx12) },
  { name: 'node:tls (TLS 1.3)', protocol: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', server: 'node:tls', connect: nodeClient(nodeCtx13) },
  { name: 'sanstls-wasm', protocol: 'TLS 1.2', suite: 'ECDHE-ECDSA-AES128-GCM-SHA256', server: 'node:tls', connect: sansClient('wasm') },
  { name: 'sanstls-native', protocol: 'TLS 1.2', suite: 'ECDHE-ECDSA-AES128-GCM-SHA256', server: 'node:tls', connect: sansClient('native') },
  { name: '@reclaimprotocol/tls', protocol: 'TLS 1.2', suite: 'ECDHE-ECDSA-AES128-GCM-SHA256', server: 'node:tls', connect: reclaimClient },
  { name: 'subtls', protocol: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', server: 'node:tls', connect: subtlsClient },
  { name: 'node-forge', protocol: 'TLS 1.1', suite: 'RSA-AES128-SHA (RSA key exchange, RSA-2048 certificate)', server: 'node-forge', connect: forgeClient },
];
const portOf = (c: Client) => (c.server === 'node:tls' ? nodePort : forgePort);

// ---- measurement -------------------------------------------------------------------------------------
const hsCpu: number[][] = clients.map(() => []);
const hsWall: number[][] = clients.map(() => []);
const dlCpu: number[][] = clients.map(() => []);
const dlWall: number[][] = clients.map(() => []);
const failures: Record<string, string> = {};

async function handshakes(i: number, k: number): Promise<void> {
  const c = clients[i]!;
  const c0 = cpuMs();
  const w0 = performance.now();
  for (let j = 0; j < k; j++) (await c.connect(portOf(c))).close();
  hsCpu[i]!.push((cpuMs() - c0) / k);
  hsWall[i]!.push((performance.now() - w0) / k);
}

async function download(i: number, n: number, record = true): Promise<void> {
  const c = clients[i]!;
  const conn = await c.connect(portOf(c));
  const c0 = cpuMs();
  const w0 = performance.now();
  await conn.download(n);
  const cpu = (cpuMs() - c0) / 1000;
  const wall = (performance.now() - w0) / 1000;
  conn.close();
  if (record) {
    dlCpu[i]!.push(n / cpu / 1e6);
    dlWall[i]!.push(n / wall / 1e6);
  }
}

const alive = clients.map(() => true);
async function guarded(i: number, f: () => Promise<void>): Promise<void> {
  if (!alive[i]) return;
  try {
    await f();
  } catch (e) {
    alive[i] = false;
    failures[clients[i]!.name] = (e as Error).message;
    console.log(`${clients[i]!.name}: failed: ${(e as Error).message}`);
  }
}

// Warm-up: a few handshakes and a small download each.
for (let i = 0; i < clients.length; i++) {
  await guarded(i, async () => {
    for (let j = 0; j < 3; j++) (await clients[i]!.connect(portOf(clients[i]!))).close();
    await download(i, quick ? 1 << 20 : 8 << 20, false); // long enough for the WASM tier-up and the JIT
  });
}
const order = (r: number) => (r % 2 ? clients.map((_, i) => i).reverse() : clients.map((_, i) => i));
for (let r = 0; r < opts.rounds; r++) for (const i of order(r)) await guarded(i, () => handshakes(i, opts.handshakesPerRound));
for (let r = 0; r < opts.downloadRounds; r++) for (const i of order(r)) await guarded(i, () => download(i, opts.downloadBytes));

await new Promise<void>((r) => nodeServer.close(() => r()));
await new Promise<void>((r) => forgeServer.close(() => r()));

const rows = clients.map((c, i) => ({
  client: c.name,
  server: c.server,
  protocol: c.protocol,
  suite: c.suite,
  ...(failures[c.name] ? { failed: failures[c.name] } : {}),
  handshakeMsCpu: hsCpu[i]!.length ? spread(hsCpu[i]!, 2) : undefined,
  handshakeMsWall: hsWall[i]!.length ? spread(hsWall[i]!, 2) : undefined,
  downloadMBpsCpu: dlCpu[i]!.length ? spread(dlCpu[i]!) : undefined,
  downloadMBpsWall: dlWall[i]!.length ? spread(dlWall[i]!) : undefined,
}));
for (const r of rows) {
  console.log(`${r.client.padEnd(22)} ${r.protocol}  handshake ${r.handshakeMsCpu?.median ?? '-'} ms CPU / ${r.handshakeMsWall?.median ?? '-'} ms wall   download ${r.downloadMBpsCpu?.median ?? '-'} MB/s CPU / ${r.downloadMBpsWall?.median ?? '-'} MB/s wall${r.failed ? `  FAILED: ${r.failed}` : ''}`);
}
writeResult('peers', { opts, certificate: 'ECDSA P-256 leaf (node-forge: RSA-2048 leaf and CA)', rows });
process.exit(0); // the WebCrypto clients leave nothing pending, but be sure
