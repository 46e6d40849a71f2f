// startRelay(): a WebSocket-to-TCP relay for Node, the way a browser reaches a TLS server that speaks no
// WebSocket. A client opens ws://relay/HOST:PORT (or ws://relay/?target=HOST:PORT); if the target is on the
// allow-list the relay connects to it and only then accepts the WebSocket, so a refused or unreachable
// target is an HTTP error (403, 502) and no WebSocket. The relay never sees plaintext: the TLS runs
// between the browser and the target.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatTarget, targetFromUrl, type Target } from '../target.js';
import { AllowList } from './allow-list.js';
import { bridge, type BridgeStats } from './bridge.js';

export interface RelayOptions {
  /** Targets the relay may connect to, as "host:port" ("[v6]:port"). Required: anything else is refused. */
  readonly allow: readonly string[];
  /** Port to listen on (default 0: any free port; see Relay.port). */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Accepted Origin header values, e.g. "https://app.example" (default: any origin). */
  readonly origins?: readonly string[];
  /** Bytes queued toward a WebSocket before its TCP socket is paused (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Largest WebSocket message accepted (default 1 MiB; @sanstls/web sends at most 64 KiB). */
  readonly maxMessageSize?: number;
  /** Milliseconds to wait for the TCP connection to the target (default 10 000). */
  readonly connectTimeout?: number;
  /** Tunnels open at once; more are refused with 503 (default 1024). */
  readonly maxConnections?: number;
  /** One line per event (tunnel opened, closed, refused). */
  readonly log?: (line: string) => void;
}

/** One open tunnel, for monitoring. */
export interface TunnelInfo {
  /** The client's address:port. */
  readonly client: string;
  /** host:port of the target. */
  readonly target: string;
  /** Bytes relayed so far from the client to the target, and back. */
  readonly toTarget: number;
  readonly toClient: number;
}

export interface Relay {
  /** ws://host:port/ of the listening relay. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Tunnels open now. */
  readonly connections: number;
  /** The open tunnels and their byte counts. */
  tunnels(): TunnelInfo[];
  /** Stops listening and closes every tunnel. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Answers an upgrade request with an HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Opens a TCP connection to `target`; rejects on error or after `timeoutMs`. */
function dial(target: Target, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      tcp.destroy();
      reject(Object.assign(new Error(`connect to ${formatTarget(target)} timed out`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    tcp.once('connect', () => {
      clearTimeout(timer);
      tcp.removeAllListeners('error');
      resolve(tcp);
    });
    tcp.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const allow = new AllowList(options.allow);
  const origins = options.origins ? new Set(options.origins) : undefined;
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;
  const connectTimeout = options.connectTimeout ?? 10_000;
  const maxConnections = options.maxConnections ?? 1024;
  const log = options.log ?? (() => {});
  const tunnels = new Set<{ ws: WebSocket; tcp: net.Socket; client: string; target: string; stats: BridgeStats }>();
  let pending = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageSize ?? 1024 * 1024, perMessageDeflate: false });
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('this is a WebSocket-to-TCP relay: open ws://host:port/TARGET_HOST:TARGET_PORT\n');
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const who = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const origin = req.headers.origin;
    if (origins && (origin === undefined || !origins.has(origin))) {
      log(`${who} refused: origin ${origin ?? '(none)'} not allowed`);
      return refuse(socket, 403, 'origin not allowed');
    }
    let target: Target | undefined;
    try {
      target = targetFromUrl(new URL(req.url ?? '/', 'ws://relay.invalid'));
    } catch {
      target = undefined;
    }
    if (!target) {
      log(`${who} refused: no host:port target in ${JSON.stringify(req.url)}`);
      return refuse(socket, 400, 'the URL names no host:port target');
    }
    const name = formatTarget(target);
    if (!allow.allows(target)) {
      log(`${who} refused: ${name} is not on the allow-list`);
      return refuse(socket, 403, `target ${name} is not allowed`);
    }
    if (tunnels.size + pending >= maxConnections) {
      log(`${who} refused: ${maxConnections} tunnels open`);
      return refuse(socket, 503, 'too many connections');
    }
    pending++;
    let gone = false;
    socket.once('close', () => (gone = true));
    dial(target, connectTimeout).then(
      (tcp) => {
        pending--;
        if (gone) {
          tcp.destroy();
          return;
        }
        // ws answers a malformed upgrade itself (400) and never calls back: the TCP side must not outlive it.
        let upgraded = false;
        tcp.on('error', () => {});
        socket.once('close', () => {
          if (!upgraded) tcp.destroy();
        });
        wss.handleUpgrade(req, socket, head, (ws) => {
          upgraded = true;
          const stats: BridgeStats = { toTarget: 0, toClient: 0 };
          const t = { ws, tcp, client: who, target: name, stats };
          tunnels.add(t);
          log(`${who} -> ${name} open`);
          void bridge(ws, tcp, { highWaterMark, lingerMs: 5000, stats }).then((s) => {
            tunnels.delete(t);
            log(`${who} -> ${name} closed (${s.toTarget} bytes sent, ${s.toClient} bytes received)`);
          });
        });
      },
      (e: Error & { code?: string }) => {
        pending--;
        log(`${who} -> ${name} failed: ${e.code ?? e.message}`);
        if (!gone) refuse(socket, e.code === 'ETIMEDOUT' ? 504 : 502, `cannot reach ${name}: ${e.code ?? e.message}`);
      },
    );
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `ws://${urlHost}:${port}/`,
    host,
    port,
    get connections() {
      return tunnels.size;
    },
    tunnels: () => [...tunnels].map((t) => ({ client: t.client, target: t.target, ...t.stats })),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { ws, tcp } of tunnels) {
        ws.terminate();
        tcp.destroy();
      }
      server.closeAllConnections();
      wss.close();
      await closed;
    },
  };
}
