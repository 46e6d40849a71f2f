// The interop matrix: every suite × certificate type (that the suite's authentication takes) × group.
import type { EcdheGroup } from '../../src/index.js';
import type { CertType } from './pki.js';

export const SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

export const GROUPS: readonly EcdheGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

/** Group names as OpenSSL's -groups / curl's --curves / node's ecdhCurve spell them. */
export const opensslGroup: Record<EcdheGroup, string> = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384' };

export interface Combo {
  readonly suite: (typeof SUITES)[number];
  readonly cert: CertType;
  readonly group: EcdheGroup;
  readonly name: string;
}

export function matrix(): Combo[] {
  const out: Combo[] = [];
  for (const suite of SUITES) {
    const certs: CertType[] = suite.startsWith('ECDHE-RSA') ? ['rsa2048'] : ['p256', 'p384', 'ed25519'];
    for (const cert of certs) {
      for (const group of GROUPS) out.push({ suite, cert, group, name: `${suite} ${cert} ${group}` });
    }
  }
  return out;
}

/** 1 MiB each way. */
export const MIB = 1 << 20;

/** 1 MiB of printable lines (1023 characters + LF), for line-oriented peers such as `s_server -rev`. */
export function textLines(seed: number): Uint8Array {
  const out = new Uint8Array(MIB);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < MIB; i++) {
    if (i % 1024 === 1023) {
      out[i] = 10;
      continue;
    }
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 33 + ((x >>> 0) % 94);
  }
  return out;
}

/** What `openssl s_server -rev` answers: each line reversed, then LF. */
export function reversedLines(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 10) continue;
    for (let j = start; j < i; j++) out[start + (i - 1 - j)] = data[j]!;
    out[i] = 10;
    start = i + 1;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/**
 * Our client's groups with `g` first: OpenSSL (RFC 8422 §5.1.1) also needs the curve of an ECDSA
 * certificate among the client's groups, so all are offered and the peer is restricted to `g`.
 */
export function groupsFirst(g: EcdheGroup): EcdheGroup[] {
  return [g, ...GROUPS.filter((x) => x !== g)];
}
