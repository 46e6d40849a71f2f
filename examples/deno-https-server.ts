// An HTTPS server in Deno with the TLS done by sanstls: Deno.serve cannot take a custom listener (and
// Deno.serveHttp is deprecated), so a small HTTP/1.1 loop answers over each connection's streams with a
// Deno.serve-style handler: (Request) => Response.
//
//   npm run build                                        # once: '@sanstls/deno' resolves to the built package
//   npx sanstls certgen -out cert.pem -keyout key.pem    # a self-signed certificate for localhost
//   npx deno run --allow-net --allow-read=. examples/deno-https-server.ts cert.pem key.pem [port]
//   curl --cacert cert.pem https://localhost:8443/hello
//   npx deno run --allow-net --allow-read=. examples/deno-https-get.ts https://localhost:8443/hello cert.pem
//
// port defaults to 8443 (0: any free port); it listens on 127.0.0.1. POST /echo answers with the size and
// SHA-256 of the request body.
//
// Handles keep-alive, Content-Length request bodies and any Response (its body is buffered to send a
// Content-Length). Not handled, to stay small: chunked request bodies, pipelining, Expect: 100-continue.
import { listen, type TlsConn } from '@sanstls/deno';

type Handler = (request: Request, info: { remoteAddr: { hostname: string; port: number } }) => Response | Promise<Response>;

const MAX_HEAD = 64 * 1024;
const encoder = new TextEncoder();

/** Reads one request head (up to CRLFCRLF) and returns it with whatever body bytes came along. */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, carry: Uint8Array): Promise<{ head: string; rest: Uint8Array } | null> {
  let buf = carry;
  for (;;) {
    const end = indexOfCrlfCrlf(buf);
    if (end >= 0) return { head: new TextDecoder().decode(buf.subarray(0, end)), rest: buf.subarray(end + 4) };
    if (buf.length > MAX_HEAD) throw new Error('request head too large');
    const { value, done } = await reader.read();
    if (done) return null;
    const next = new Uint8Array(buf.length + value.length);
    next.set(buf);
    next.set(value, buf.length);
    buf = next;
  }
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

/** Reads exactly `n` body bytes, starting with `rest`; returns the body and what follows it. */
async function readBody(reader: ReadableStreamDefaultReader<Uint8Array>, rest: Uint8Array, n: number): Promise<{ body: Uint8Array<ArrayBuffer>; rest: Uint8Array }> {
  const body = new Uint8Array(n);
  let got = Math.min(n, rest.length);
  body.set(rest.subarray(0, got));
  let after = rest.subarray(got);
  while (got < n) {
    const { value, done } = await reader.read();
    if (done) throw new Error('connection closed inside a request body');
    const take = Math.min(n - got, value.length);
    body.set(value.subarray(0, take), got);
    got += take;
    after = value.subarray(take);
  }
  return { body, rest: after };
}

/** Answers HTTP/1.1 requests on one connection until the client closes it or asks to. */
export async function serveConn(conn: TlsConn, handler: Handler): Promise<void> {
  const reader = conn.readable.getReader();
  const writer = conn.writable.getWriter();
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      const got = await readHead(reader, carry);
      if (got === null) return; // the client closed the connection between requests
      const [requestLine = '', ...lines] = got.head.split('\r\n');
      const [method = 'GET', target = '/'] = requestLine.split(' ');
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const length = Number(headers.get('content-length') ?? 0);
      const { body, rest } = await readBody(reader, got.rest, length);
      carry = rest;
      const url = new URL(target, `https://${headers.get('host') ?? 'localhost'}`);
      const request = new Request(url, { method, headers, ...(length > 0 ? { body } : {}) });
      const response = await handler(request, { remoteAddr: conn.remoteAddr });
      const payload = new Uint8Array(await response.arrayBuffer());
      const keepAlive = (headers.get('connection') ?? '').toLowerCase() !== 'close';
      let head = `HTTP/1.1 ${response.status} ${response.statusText || 'OK'}\r\n`;
      response.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') head += `${k}: ${v}\r\n`;
      });
      head += `content-length: ${payload.length}\r\nconnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
      await writer.write(encoder.encode(head));
      if (method !== 'HEAD') await writer.write(payload);
      if (!keepAlive) return;
    }
  } catch (e) {
    console.error(`connection from ${conn.remoteAddr.hostname}:${conn.remoteAddr.port}: ${(e as Error).message}`);
  } finally {
    conn.close();
  }
}

/** Listens and serves every connection with `handler`, as Deno.serve({ port, cert, key }, handler) would. */
export function serve(options: { port: number; hostname?: string; cert: string; key: string }, handler: Handler) {
  const listener = listen({ ...options, alpnProtocols: ['http/1.1'] });
  const done = (async () => {
    for await (const conn of listener) void serveConn(conn, handler);
  })();
  return { addr: listener.addr, shutdown: () => listener.close(), finished: done };
}

if (import.meta.main) {
  const [certFile, keyFile, port = '8443'] = Deno.args;
  if (!certFile || !keyFile) {
    console.error('usage: https-server.ts cert.pem key.pem [port]');
    Deno.exit(2);
  }
  const server = serve({ port: Number(port), hostname: '127.0.0.1', cert: await Deno.readTextFile(certFile), key: await Deno.readTextFile(keyFile) }, async (req, info) => {
    const url = new URL(req.url);
    if (req.method === 'POST' && url.pathname === '/echo') {
      const body = new Uint8Array(await req.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      return Response.json({ bytes: body.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') });
    }
    return new Response(`hello from sanstls in Deno, ${info.remoteAddr.hostname}; you asked for ${url.pathname}\n`, {
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });
  console.log(`listening on https://localhost:${server.addr.port}/`);
}
