// The page's script (bundled for the browser by serve.ts): an HTTP/1.1 GET over a @sanstls/web connection
// through the relay, showing the negotiated parameters and the raw response.
//
// Run it with serve.ts (see there, or the comment at the top of index.html); not meant to be run directly.
import { connectWebSocket, relayUrl } from '@sanstls/web';

/** What serve.ts hands the page in /config.json. */
interface Config {
  /** ws:// URL of the relay. */
  readonly relay: string;
  /** The targets the relay allows; the first one fills the form. */
  readonly allow: readonly string[];
  /** Trust anchors (PEM) to use instead of the default Mozilla roots, when serve.ts was given --ca. */
  readonly ca?: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('form');
const out = $<HTMLPreElement>('out');
const info = $<HTMLParagraphElement>('info');
const field = (name: string) => $<HTMLInputElement>(name);

async function readAll(readable: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

async function get(config: Config, target: string, serverName: string | undefined, path: string): Promise<void> {
  document.body.dataset.state = 'busy';
  info.textContent = `connecting to ${target} through the relay…`;
  out.textContent = '';
  try {
    const tls = connectWebSocket(relayUrl(config.relay, target), {
      ...(serverName ? { serverName } : {}),
      ...(config.ca ? { ca: config.ca } : {}),
      alpn: ['http/1.1'],
    });
    const hs = await tls.handshake;
    info.textContent = `TLS 1.2, ${hs.cipherSuite} (${hs.group ?? hs.keyExchange}), ALPN ${hs.alpn ?? 'none'}`;
    const host = serverName || target.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    const writer = tls.writable.getWriter();
    await writer.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    // The server closes after the response (Connection: close); its close_notify ends the readable.
    out.textContent = await readAll(tls.readable);
    await writer.close();
    document.body.dataset.state = 'done';
  } catch (e) {
    const err = e as Error & { code?: string };
    out.textContent = `error: ${err.code ?? err.name}: ${err.message}`;
    document.body.dataset.state = 'error';
  }
}

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as Config;
  $('relay').textContent = config.relay;
  $('allowed').textContent = config.allow.join(', ');
  const query = new URLSearchParams(location.search);
  field('target').value = query.get('target') ?? config.allow[0] ?? '';
  field('servername').value = query.get('servername') ?? '';
  field('path').value = query.get('path') ?? '/';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void get(config, field('target').value.trim(), field('servername').value.trim() || undefined, field('path').value || '/');
  });
  document.body.dataset.state = 'ready';
  if (query.has('go')) form.requestSubmit();
}

void main();
