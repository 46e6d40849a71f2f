// Moves bytes between one WebSocket and one TCP socket, each binary message a chunk of the stream, with
// bounded buffering both ways: the TCP socket is paused while the WebSocket has more than `highWaterMark`
// bytes queued, and the WebSocket is paused while the TCP socket's write buffer is full.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export interface BridgeOptions {
  /** Bytes queued toward the WebSocket before the TCP socket is paused. */
  readonly highWaterMark: number;
  /** How long a closed WebSocket waits for the TCP peer to close before the socket is destroyed. */
  readonly lingerMs: number;
  /** Counters to update (default: fresh ones). */
  readonly stats?: BridgeStats;
}

export interface BridgeStats {
  /** Bytes from the WebSocket to the TCP target. */
  toTarget: number;
  /** Bytes from the TCP target to the WebSocket. */
  toClient: number;
}

/** Ties `ws` and `tcp` together; resolves when both are closed. */
export function bridge(ws: WebSocket, tcp: Socket, opts: BridgeOptions): Promise<BridgeStats> {
  const stats: BridgeStats = opts.stats ?? { toTarget: 0, toClient: 0 };
  let tcpPaused = false;
  let wsPaused = false;
  let tcpError: Error | undefined;
  tcp.setNoDelay(true);

  const resumeTcp = () => {
    if (tcpPaused && ws.bufferedAmount < opts.highWaterMark) {
      tcpPaused = false;
      tcp.resume();
    }
  };

  tcp.on('data', (data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    stats.toClient += data.length;
    // The callback runs once the frame is handed to the kernel: the moment to look at the queue again.
    ws.send(data, { binary: true }, resumeTcp);
    if (!tcpPaused && ws.bufferedAmount >= opts.highWaterMark) {
      tcpPaused = true;
      tcp.pause();
    }
  });
  tcp.on('drain', () => {
    if (wsPaused) {
      wsPaused = false;
      ws.resume();
    }
  });
  tcp.on('end', () => {
    // WebSocket has no half-close: the target is done sending, so the tunnel is done.
    if (ws.readyState === ws.OPEN) ws.close(1000, 'target closed');
  });
  tcp.on('error', (e) => {
    tcpError = e;
  });
  tcp.on('close', () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      if (tcpError) ws.close(1011, reasonOf(tcpError));
      else ws.close(1000, 'target closed');
    }
  });

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) {
      ws.close(1003, 'binary messages only');
      tcp.destroy();
      return;
    }
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    stats.toTarget += buf.length;
    if (!tcp.write(buf) && !wsPaused) {
      wsPaused = true;
      ws.pause();
    }
  });
  ws.on('error', () => tcp.destroy());

  return new Promise((resolve) => {
    let wsClosed = false;
    let tcpClosed = tcp.destroyed;
    const settle = () => {
      if (wsClosed && tcpClosed) resolve(stats);
    };
    tcp.on('close', () => {
      tcpClosed = true;
      settle();
    });
    ws.on('close', (code: number) => {
      wsClosed = true;
      if (!tcp.destroyed) {
        // A normal close lets what was written reach the target; anything else drops the connection.
        if (code === 1000 || code === 1005) {
          tcp.end();
          setTimeout(() => tcp.destroy(), opts.lingerMs).unref();
        } else {
          tcp.destroy();
        }
      }
      settle();
    });
  });
}

/** A close reason fits in 123 bytes. */
function reasonOf(e: Error): string {
  const code = (e as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : e.message;
  return text.slice(0, 120);
}
