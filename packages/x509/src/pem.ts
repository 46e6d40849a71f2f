// PEM (RFC 7468) to DER. Strict base64: only the standard alphabet, padding only at the end.

import { X509Error } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) LOOKUP[B64.charCodeAt(i)] = i;

export function base64Decode(text: string): Uint8Array {
  const s = text.replace(/[\r\n\t ]/g, '');
  if (s.length % 4 !== 0) throw new X509Error('CERT_MALFORMED', 'PEM: bad base64 length');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const isPad = c === 61 && i + j >= s.length - pad;
      const d = isPad ? 0 : c < 128 ? LOOKUP[c]! : -1;
      if (d < 0) throw new X509Error('CERT_MALFORMED', 'PEM: bad base64 character');
      v = (v << 6) | d;
    }
    if (o < out.length) out[o++] = (v >> 16) & 0xff;
    if (o < out.length) out[o++] = (v >> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** All PEM blocks in a text, in order. Text between blocks is ignored (RFC 7468 §2). */
export function decodePemBlocks(text: string): PemBlock[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  const out: PemBlock[] = [];
  for (const m of text.matchAll(re)) {
    if (m[1] !== m[3]) throw new X509Error('CERT_MALFORMED', 'PEM: mismatched BEGIN/END labels');
    out.push({ label: m[1]!, der: base64Decode(m[2]!) });
  }
  return out;
}

/** DER certificates from PEM text (label CERTIFICATE). */
export function pemToDer(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  return decodePemBlocks(text)
    .filter((b) => b.label === label)
    .map((b) => b.der);
}

/** Accepts DER bytes, a PEM string, or a list of either, and returns DER certificates. */
export function toDerList(input: string | Uint8Array | readonly (string | Uint8Array)[]): Uint8Array[] {
  const list = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  return list.flatMap((x) => (typeof x === 'string' ? pemToDer(x) : [x]));
}
