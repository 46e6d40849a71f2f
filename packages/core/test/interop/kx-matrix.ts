// The issue 4 interop matrix: every RSA, DHE and CBC suite, with the certificate its authentication takes
// (RSA for RSA / DHE_RSA / ECDHE_RSA, ECDSA P-256 for ECDHE_ECDSA), CBC suites both with encrypt-then-MAC
// (RFC 7366) and MAC-then-encrypt (the peer decides: it offers or not, or accepts or not). 64 KiB each
// way, and 1 MiB for at least one suite of every family.
import type { CertType } from './pki.js';

export const KX_SUITES = [
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-SHA', 'DHE-RSA-AES256-SHA', 'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-SHA256',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'AES128-SHA256', 'AES256-SHA256',
] as const;

/** The suites (and mode) that move 1 MiB each way: one per family at least. */
const BIG = new Set([
  'ECDHE-RSA-AES128-SHA etm', 'ECDHE-ECDSA-AES256-SHA384 mte',
  'DHE-RSA-AES128-GCM-SHA256 aead', 'DHE-RSA-AES256-SHA256 mte',
  'AES256-GCM-SHA384 aead', 'AES128-SHA etm',
]);

export const KIB64 = 64 * 1024;
export const MIB = 1 << 20;

export interface KxCombo {
  readonly suite: (typeof KX_SUITES)[number];
  readonly cert: CertType;
  readonly keyExchange: 'ECDHE' | 'DHE' | 'RSA';
  readonly cbc: boolean;
  /** Encrypt-then-MAC expected in use (CBC suites only). */
  readonly etm: boolean;
  /** Bytes each way. */
  readonly bytes: number;
  readonly name: string;
}

export function kxMatrix(): KxCombo[] {
  const out: KxCombo[] = [];
  for (const suite of KX_SUITES) {
    const keyExchange = suite.startsWith('ECDHE') ? 'ECDHE' : suite.startsWith('DHE') ? 'DHE' : 'RSA';
    const cert: CertType = suite.startsWith('ECDHE-ECDSA') ? 'p256' : 'rsa2048';
    const cbc = !/GCM|CHACHA/.test(suite);
    for (const mode of cbc ? (['etm', 'mte'] as const) : (['aead'] as const)) {
      const bytes = BIG.has(`${suite} ${mode}`) ? MIB : KIB64;
      out.push({ suite, cert, keyExchange, cbc, etm: mode === 'etm', bytes, name: `${suite} ${cert} ${mode}${bytes === MIB ? ' 1MiB' : ''}` });
    }
  }
  return out;
}

/** Printable lines (1023 characters + LF) for `openssl s_server -rev`; n a multiple of 1024. */
export function textLinesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
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

/**
 * The OpenSSL cipher string for a suite. OpenSSL 3.0 at its default security level 1 accepts all of these
 * (SHA-1 here is only the record HMAC); a distribution defaulting to a higher level may need ":@SECLEVEL=0".
 */
export const opensslCipher = (suite: string): string => suite;
