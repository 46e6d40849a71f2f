// s_server -www: read an HTTP request, answer a GET with a status page about the connection (as
// `openssl s_server -www` does: protocol, cipher, what the client offered), then close.
import type { DecodedClientHello, HandshakeInfo } from '@sanstls/core';
import { signatureSchemeName } from '@sanstls/core';
import { clientCertificateLines, handshakeSummary } from './report.js';
import { groupLabel, suiteLabel } from './trace.js';

/** Largest request head accepted. */
const MAX_REQUEST_HEAD = 16 * 1024;

export type RequestState =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'request'; readonly method: string; readonly target: string; readonly requestLine: string }
  | { readonly kind: 'bad'; readonly reason: string };

/** Accumulates bytes until an HTTP request head (up to the empty line) is complete. */
export class RequestReader {
  private head = '';
  private state: RequestState = { kind: 'incomplete' };

  push(data: Uint8Array): RequestState {
    if (this.state.kind !== 'incomplete') return this.state;
    this.head += Buffer.from(data).toString('latin1');
    const end = /\r?\n\r?\n/.exec(this.head);
    if (!end) {
      if (this.head.length > MAX_REQUEST_HEAD) this.state = { kind: 'bad', reason: 'request head too large' };
      return this.state;
    }
    const requestLine = this.head.slice(0, end.index).split(/\r?\n/)[0] ?? '';
    const m = /^([A-Z]+) (\S+)(?: HTTP\/\d\.\d)?$/.exec(requestLine);
    this.state = m ? { kind: 'request', method: m[1]!, target: m[2]!, requestLine } : { kind: 'bad', reason: 'malformed request line' };
    return this.state;
  }
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The status page text (before HTML escaping). */
export function statusText(info: HandshakeInfo, clientHello: DecodedClientHello | undefined, requestLine: string): string {
  const lines = ['sanstls s_server -www', '---', ...handshakeSummary(info, 'server')];
  if (info.peerCertificates.length > 0) lines.push(...clientCertificateLines(info));
  lines.push('---');
  if (clientHello) {
    const x = clientHello.ext;
    lines.push(`Cipher suites offered by the client (${clientHello.cipherSuites.length}):`);
    for (const c of clientHello.cipherSuites) lines.push(`    ${c === info.cipherSuiteCode ? '*' : ' '} ${suiteLabel(c)}`);
    if (x.supportedGroups) lines.push(`Groups offered    : ${x.supportedGroups.map(groupLabel).join(', ')}`);
    if (x.signatureAlgorithms) {
      lines.push(`Signature schemes : ${x.signatureAlgorithms.map((s) => signatureSchemeName(s) ?? `0x${s.toString(16).padStart(4, '0')}`).join(', ')}`);
    }
    if (x.alpn) lines.push(`ALPN offered      : ${x.alpn.join(', ')}`);
    lines.push(`SNI               : ${x.serverName ?? '(none)'}`);
  } else {
    lines.push('(the client offer was not observed)');
  }
  lines.push('---', `Request: ${requestLine}`);
  return lines.join('\n') + '\n';
}

/** A complete HTTP/1.0 response: 200 with the status page. */
export function statusPage(info: HandshakeInfo, clientHello: DecodedClientHello | undefined, requestLine: string): Uint8Array {
  const body = `<HTML><BODY BGCOLOR="#ffffff">\n<pre>\n\n${escapeHtml(statusText(info, clientHello, requestLine))}</pre></BODY></HTML>\n`;
  return new TextEncoder().encode(`HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n${body}`);
}

/** A complete HTTP/1.0 error response. */
export function errorPage(status: 400 | 405, reason: string): Uint8Array {
  const title = status === 400 ? 'Bad Request' : 'Method Not Allowed';
  const allow = status === 405 ? 'Allow: GET\r\n' : '';
  return new TextEncoder().encode(`HTTP/1.0 ${status} ${title}\r\n${allow}Content-type: text/plain\r\n\r\n${reason}\n`);
}
