// The script of the Chromium test page: an HTTPS GET through the relay with the browser bundle of
// @sanstls/web, checked here in the page (status line, Content-Length), the result handed back to the test.
import { connectWebSocket, relayUrl } from '../../src/index.js';

export interface GetRequest {
  /** ws:// URL of the relay. */
  readonly relay: string;
  /** host:port for the relay to connect to. */
  readonly target: string;
  readonly serverName: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string;
  readonly path: string;
}

export type GetResult =
  | {
      readonly ok: true;
      readonly status: number;
      readonly body: string;
      readonly cipherSuite: string;
      readonly cipherSuiteOpenssl: string;
      readonly group: string;
      readonly secureContext: boolean;
    }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string };

async function readText(readable: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  const reader = readable.getReader();
  let out = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out + decoder.decode();
    out += decoder.decode(value, { stream: true });
  }
}

/** Splits an HTTP/1.x response; checks the status line and, when there is one, the Content-Length. */
function parseResponse(raw: string): { status: number; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no end of headers in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...headerLines] = raw.slice(0, split).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const body = raw.slice(split + 4);
  const length = headerLines.map((l) => /^content-length:\s*(\d+)$/i.exec(l)).find((x) => x)?.[1];
  if (length !== undefined && new TextEncoder().encode(body).length !== Number(length)) {
    throw new Error(`body of ${body.length} bytes, Content-Length ${length}`);
  }
  return { status: Number(m[1]), body };
}

async function httpsGet(req: GetRequest): Promise<GetResult> {
  try {
    const tls = connectWebSocket(relayUrl(req.relay, req.target), { ca: req.ca, serverName: req.serverName });
    const info = await tls.handshake;
    const writer = tls.writable.getWriter();
    const request = `GET ${req.path} HTTP/1.1\r\nHost: ${req.serverName}\r\nConnection: close\r\n\r\n`;
    await writer.write(new TextEncoder().encode(request));
    const { status, body } = parseResponse(await readText(tls.readable));
    await writer.close();
    await tls.closed;
    return {
      ok: true,
      status,
      body,
      cipherSuite: info.cipherSuite,
      cipherSuiteOpenssl: info.cipherSuiteOpenssl,
      group: info.group ?? info.keyExchange,
      secureContext: globalThis.isSecureContext,
    };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { ok: false, code: err.code, message: err.message };
  }
}

export interface EchoRequest {
  readonly relay: string;
  readonly target: string;
  readonly serverName: string;
  readonly ca: string;
  /** Bytes to send (random, made here). */
  readonly size: number;
}

export type EchoResult =
  | { readonly ok: true; readonly sent: number; readonly received: number; readonly identical: boolean }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string };

/** Sends `size` random bytes to an echo server and compares what comes back, in the page. */
async function echo(req: EchoRequest): Promise<EchoResult> {
  try {
    const data = new Uint8Array(req.size);
    for (let at = 0; at < data.length; at += 65536) crypto.getRandomValues(data.subarray(at, at + 65536));
    const tls = connectWebSocket(relayUrl(req.relay, req.target), { ca: req.ca, serverName: req.serverName });
    const writer = tls.writable.getWriter();
    const reading = (async () => {
      const back = new Uint8Array(req.size);
      let n = 0;
      let overflow = 0;
      const reader = tls.readable.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { back, n, overflow };
        const room = Math.max(0, Math.min(value.length, back.length - n));
        back.set(value.subarray(0, room), n);
        n += room;
        overflow += value.length - room;
      }
    })();
    for (let at = 0; at < data.length; at += 40_000) await writer.write(data.subarray(at, at + 40_000));
    await writer.close();
    const { back, n, overflow } = await reading;
    let identical = n === data.length && overflow === 0;
    for (let i = 0; identical && i < data.length; i++) if (back[i] !== data[i]) identical = false;
    await tls.closed;
    return { ok: true, sent: data.length, received: n + overflow, identical };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { ok: false, code: err.code, message: err.message };
  }
}

(globalThis as { sanstlsTest?: unknown }).sanstlsTest = { httpsGet, echo };
