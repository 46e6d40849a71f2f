// Runs x509-limbo test cases (https://github.com/C2SP/x509-limbo) through verifyChain.
// Shared by the `npm run limbo` CLI and the vitest suite.

import { readFileSync } from 'node:fs';
import { X509Error, pemToDer, verifyChain } from '../src/index.js';
import type { KeyUsageBit } from '../src/index.js';

export interface LimboCase {
  id: string;
  features?: string[];
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  signature_algorithms?: string[];
  key_usage?: string[];
  extended_key_usage?: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  max_chain_depth: number | null;
  crls?: string[];
}

export interface LimboResult {
  id: string;
  actual_result: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
  context: string;
}

/** Limbo features we deliberately do not implement, and why. Cases with them are SKIPPED. */
export const UNSUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  'pedantic-webpki-eku':
    'pedantic-webpki-eku: EKU follows RFC 5280 (absent EKU allows any purpose, anyExtendedKeyUsage is honoured, EKU on roots is not refused)',
  'pedantic-public-suffix-wildcard':
    'pedantic-public-suffix-wildcard: no public suffix list; only two-label wildcards such as *.com are refused',
  'pedantic-rfc5280':
    'pedantic-rfc5280: a trust anchor is a name and a key (RFC 5280 §6.1.1 (d)); AKI and serial rules are not applied to anchors',
  'rfc5280-incompatible-with-webpki':
    'rfc5280-incompatible-with-webpki: sanstls follows the Web PKI profile (non-critical nameConstraints are honoured)',
};

/** Cases where limbo's profiles disagree (conflicts_with) and we take the other side. */
export const PROFILE_CHOICES: Readonly<Record<string, string>> = {
  'webpki::ca-as-leaf':
    'ca-as-leaf (conflicts with rfc5280::ca-as-leaf): CA certificates are accepted in the leaf position, as in RFC 5280, OpenSSL and browsers',
};

const KEY_USAGES = new Set([
  'digitalSignature',
  'nonRepudiation',
  'contentCommitment',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
]);

function skipReason(c: LimboCase): string | undefined {
  const choice = PROFILE_CHOICES[c.id];
  if (choice) return choice;
  if (c.id.startsWith('webpki::cn::')) {
    return 'CA/B BR §7.1.4.3 commonName-in-SAN consistency is not enforced (other limbo cases expect success with CN=example.com absent from the SANs); host names are never matched against the CN';
  }
  for (const f of c.features ?? []) {
    const why = UNSUPPORTED_FEATURES[f];
    if (why) return why;
  }
  if ((c.signature_algorithms ?? []).length > 0) return 'signature_algorithms restriction is not supported';
  for (const e of c.extended_key_usage ?? []) {
    if (e !== 'serverAuth' && e !== 'clientAuth') return `extended key usage ${e} is not a TLS purpose`;
  }
  for (const k of c.key_usage ?? []) if (!KEY_USAGES.has(k)) return `unknown key usage ${k}`;
  if (c.expected_peer_name?.kind === 'RFC822' && c.validation_kind === 'SERVER') {
    return 'RFC822 peer names are not a TLS server identity';
  }
  return undefined;
}

export function runCase(c: LimboCase): LimboResult {
  const skip = skipReason(c);
  if (skip) return { id: c.id, actual_result: 'SKIPPED', context: skip };
  const peer = c.expected_peer_name;
  const eku = c.extended_key_usage ?? [];
  const purpose = eku.includes('clientAuth') || (eku.length === 0 && c.validation_kind === 'CLIENT') ? 'client' : 'server';
  try {
    verifyChain({
      chain: pemToDer(c.peer_certificate),
      intermediates: c.untrusted_intermediates.flatMap((p) => pemToDer(p)),
      anchors: c.trusted_certs,
      purpose,
      ...(c.validation_time ? { time: new Date(c.validation_time) } : {}),
      ...(peer?.kind === 'DNS' ? { host: peer.value } : peer?.kind === 'IP' ? { ip: peer.value } : {}),
      ...(c.max_chain_depth !== null ? { maxDepth: c.max_chain_depth } : {}),
      keyUsage: (c.key_usage ?? []).map((k) => (k === 'contentCommitment' ? 'nonRepudiation' : k)) as KeyUsageBit[],
      crls: c.crls ?? [],
    });
    return { id: c.id, actual_result: 'SUCCESS', context: 'path validated' };
  } catch (e) {
    if (e instanceof X509Error) return { id: c.id, actual_result: 'FAILURE', context: `${e.code}: ${e.message}` };
    return { id: c.id, actual_result: 'FAILURE', context: `unexpected ${String(e)}` };
  }
}

export interface FamilySummary {
  pass: number;
  fail: number;
  skip: number;
  wrongAccept: number;
}

export interface LimboRun {
  results: LimboResult[];
  families: Record<string, FamilySummary>;
  total: FamilySummary;
  wrongAccepts: string[];
  wrongRejects: string[];
}

export function runLimbo(file: string): LimboRun {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { testcases: LimboCase[] };
  const results: LimboResult[] = [];
  const families: Record<string, FamilySummary> = {};
  const total: FamilySummary = { pass: 0, fail: 0, skip: 0, wrongAccept: 0 };
  const wrongAccepts: string[] = [];
  const wrongRejects: string[] = [];
  for (const c of data.testcases) {
    const r = runCase(c);
    results.push(r);
    const fam = c.id.split('::')[0]!;
    const s = (families[fam] ??= { pass: 0, fail: 0, skip: 0, wrongAccept: 0 });
    for (const t of [s, total]) {
      if (r.actual_result === 'SKIPPED') t.skip++;
      else if (r.actual_result === c.expected_result) t.pass++;
      else {
        t.fail++;
        if (r.actual_result === 'SUCCESS') t.wrongAccept++;
      }
    }
    if (r.actual_result === 'SUCCESS' && c.expected_result === 'FAILURE') wrongAccepts.push(c.id);
    if (r.actual_result === 'FAILURE' && c.expected_result === 'SUCCESS') wrongRejects.push(`${c.id} (${r.context})`);
  }
  return { results, families, total, wrongAccepts, wrongRejects };
}

export function formatSummary(run: LimboRun): string {
  const rows = Object.entries(run.families).map(
    ([f, s]) => `${f.padEnd(14)} pass ${String(s.pass).padStart(4)}  fail ${String(s.fail).padStart(3)}  skip ${String(s.skip).padStart(3)}  wrong accepts ${s.wrongAccept}`,
  );
  const t = run.total;
  rows.push(`${'TOTAL'.padEnd(14)} pass ${String(t.pass).padStart(4)}  fail ${String(t.fail).padStart(3)}  skip ${String(t.skip).padStart(3)}  wrong accepts ${t.wrongAccept}`);
  return rows.join('\n');
}
