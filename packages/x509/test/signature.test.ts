// RSA PKCS#1 v1.5, RSA-PSS and ECDSA verification against Project Wycheproof vectors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SignatureHash } from '../src/algorithms.js';
import { decodeDer } from '../src/asn1/index.js';
import { parseSpki } from '../src/public-key.js';
import { verifySignature } from '../src/signature.js';

const DIR = fileURLToPath(new URL('../../../../shared/vectors/wycheproof/', import.meta.url));
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const HASH: Record<string, SignatureHash> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

interface Group {
  publicKeyDer: string;
  sha: string;
  mgfSha?: string;
  sLen?: number;
  tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }[];
}

function load(file: string): Group[] {
  return (JSON.parse(readFileSync(DIR + file, 'utf8')) as { testGroups: Group[] }).testGroups;
}

function run(file: string, kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa') {
  let checked = 0;
  for (const g of load(file)) {
    const hash = HASH[g.sha];
    if (!hash) continue;
    const key = parseSpki(decodeDer(hex(g.publicKeyDer))).key;
    const alg =
      kind === 'rsa-pss'
        ? ({ kind, hash, saltLength: g.sLen! } as const)
        : ({ kind, hash } as const);
    for (const t of g.tests) {
      if (t.result === 'acceptable') continue; // either answer is allowed; not asserted
      const ok = verifySignature(alg, key, hex(t.msg), hex(t.sig));
      expect(ok, `${file} tcId ${t.tcId}`).toBe(t.result === 'valid');
      checked++;
    }
  }
  return checked;
}

describe('signature verification (Wycheproof)', () => {
  for (const f of [
    'rsa_signature_2048_sha256_test.json',
    'rsa_signature_2048_sha384_test.json',
    'rsa_signature_2048_sha512_test.json',
    'rsa_signature_3072_sha256_test.json',
    'rsa_signature_4096_sha512_test.json',
  ]) {
    it(`RSA PKCS#1 v1.5: ${f}`, () => {
      expect(run(f, 'rsa-pkcs1')).toBeGreaterThan(100);
    });
  }
  for (const f of [
    'rsa_pss_2048_sha256_mgf1_32_test.json',
    'rsa_pss_2048_sha384_mgf1_48_test.json',
    'rsa_pss_3072_sha256_mgf1_32_test.json',
    'rsa_pss_4096_sha512_mgf1_64_test.json',
  ]) {
    it(`RSA-PSS: ${f}`, () => {
      expect(run(f, 'rsa-pss')).toBeGreaterThan(50);
    });
  }
  for (const f of [
    'ecdsa_secp256r1_sha256_test.json',
    'ecdsa_secp256r1_sha512_test.json',
    'ecdsa_secp384r1_sha384_test.json',
    'ecdsa_secp384r1_sha512_test.json',
  ]) {
    it(`ECDSA: ${f}`, () => {
      expect(run(f, 'ecdsa')).toBeGreaterThan(100);
    });
  }

  it('refuses a signature algorithm that does not match the key type', () => {
    const g = load('ecdsa_secp256r1_sha256_test.json')[0]!;
    const key = parseSpki(decodeDer(hex(g.publicKeyDer))).key;
    const t = g.tests.find((x) => x.result === 'valid')!;
    expect(() => verifySignature({ kind: 'rsa-pkcs1', hash: 'sha256' }, key, hex(t.msg), hex(t.sig))).toThrow(
      /signature with a ec key/,
    );
  });
});
