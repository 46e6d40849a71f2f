import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  cipherSuiteByCode,
  cipherSuiteByName,
  ContentType,
  extensionTypeName,
  HandshakeType,
  refusedCipherFamily,
  refusedCipherReason,
  signatureSchemeName,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
} from '../../src/codec/index.js';

describe('constants', () => {
  it('has the RFC 5246 content and handshake types', () => {
    expect(ContentType).toEqual({ change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 });
    expect(HandshakeType.new_session_ticket).toBe(4);
    expect(HandshakeType.certificate_status).toBe(22);
    expect(HandshakeType.finished).toBe(20);
    expect(extensionTypeName(0xff01)).toBe('renegotiation_info');
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(TLS_EMPTY_RENEGOTIATION_INFO_SCSV).toBe(0x00ff);
    expect(TLS_FALLBACK_SCSV).toBe(0x5600);
  });
});

describe('cipher-suite registry', () => {
  it('has 27 distinct suites with consistent shapes', () => {
    expect(CIPHER_SUITES.length).toBe(27);
    expect(new Set(CIPHER_SUITES.map((s) => s.code)).size).toBe(27);
    for (const s of CIPHER_SUITES) {
      // The IANA name spells out the parts.
      expect(s.iana).toContain(`TLS_${s.keyExchange}_WITH_${s.cipher}_`);
      expect(s.iana.endsWith(s.prf === 'sha384' ? 'SHA384' : s.mac === 'SHA1' ? '_SHA' : 'SHA256')).toBe(true);
      if (s.mac === 'AEAD') expect(s.tagLength).toBe(16);
      else expect(s.macLength).toBe({ SHA1: 20, SHA256: 32, SHA384: 48 }[s.mac]);
      expect(s.keyLength).toBe(s.cipher.includes('128') ? 16 : 32);
    }
  });

  it('matches the names and codes of the installed OpenSSL', () => {
    // `openssl ciphers -stdname -V` lists code, IANA name and OpenSSL name for each suite.
    const out = execFileSync('openssl', ['ciphers', '-stdname', '-V', 'ALL:@SECLEVEL=0'], { encoding: 'utf8' });
    const rows = new Map<number, { iana: string; openssl: string; line: string }>();
    for (const line of out.split('\n')) {
      const m = /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)/.exec(line);
      if (m) rows.set(parseInt(m[1]! + m[2]!, 16), { iana: m[3]!, openssl: m[4]!, line });
    }
    expect(rows.size).toBeGreaterThan(30);
    for (const s of CIPHER_SUITES) {
      const row = rows.get(s.code);
      expect(row, `${s.iana} known to openssl`).toBeDefined();
      expect(row!.iana).toBe(s.iana);
      expect(row!.openssl).toBe(s.openssl);
      expect(row!.line).toMatch(s.mac === 'AEAD' ? /Mac=AEAD/ : new RegExp(`Mac=${s.mac}\\b`));
      expect(row!.line).toMatch(s.keyExchange === 'RSA' ? /Kx=RSA/ : s.keyExchange === 'DHE_RSA' ? /Kx=DH\b/ : /Kx=ECDH\b/);
    }
  });

  it('looks suites up by code, OpenSSL name and IANA name', () => {
    const s = cipherSuiteByCode(0xc02f)!;
    expect(s.openssl).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(cipherSuiteByName('ECDHE-RSA-AES128-GCM-SHA256')).toBe(s);
    expect(cipherSuiteByName('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')).toBe(s);
    expect(cipherSuiteByName(' tls_ecdhe_rsa_with_aes_128_gcm_sha256 ')).toBe(s);
    expect(cipherSuiteByName('AES128-SHA')!.code).toBe(0x002f);
    expect(cipherSuiteByName('TLS_AES_128_GCM_SHA256')).toBeUndefined(); // TLS 1.3 suite
    expect(cipherSuiteByCode(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)).toBeUndefined();
  });

  it('shapes the key block per suite', () => {
    expect(cipherSuiteByName('ECDHE-ECDSA-AES256-GCM-SHA384')).toMatchObject({ keyLength: 32, fixedIvLength: 4, recordIvLength: 8, macLength: 0, prf: 'sha384' });
    expect(cipherSuiteByName('ECDHE-RSA-CHACHA20-POLY1305')).toMatchObject({ keyLength: 32, fixedIvLength: 12, recordIvLength: 0, prf: 'sha256' });
    expect(cipherSuiteByName('DHE-RSA-AES128-SHA')).toMatchObject({ keyLength: 16, fixedIvLength: 0, recordIvLength: 16, macLength: 20, prf: 'sha256' });
    expect(cipherSuiteByName('ECDHE-RSA-AES256-SHA384')).toMatchObject({ macLength: 48, prf: 'sha384' });
  });

  it('recognises refused families by either name', () => {
    const cases: [string, string][] = [
      ['RC4-SHA', 'RC4'], ['TLS_RSA_WITH_RC4_128_MD5', 'RC4'], ['ECDHE-RSA-RC4-SHA', 'RC4'],
      ['DES-CBC3-SHA', '3DES'], ['ECDHE-RSA-DES-CBC3-SHA', '3DES'], ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', '3DES'],
      ['DES-CBC-SHA', 'DES'], ['TLS_RSA_WITH_DES_CBC_SHA', 'DES'],
      ['EXP-RC4-MD5', 'EXPORT'], ['EXP-EDH-RSA-DES-CBC-SHA', 'EXPORT'], ['TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXPORT'],
      ['NULL-SHA256', 'NULL'], ['TLS_RSA_WITH_NULL_SHA', 'NULL'], ['TLS_NULL_WITH_NULL_NULL', 'NULL'], ['ECDHE-RSA-NULL-SHA', 'NULL'],
      ['ADH-AES128-SHA', 'ANON'], ['TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ANON'],
    ];
    for (const [name, fam] of cases) expect(refusedCipherFamily(name), name).toBe(fam);
    for (const s of CIPHER_SUITES) {
      expect(refusedCipherFamily(s.openssl), s.openssl).toBeUndefined();
      expect(refusedCipherFamily(s.iana), s.iana).toBeUndefined();
    }
    expect(refusedCipherReason('RC4-MD5')).toMatch(/RFC 7465/);
    expect(refusedCipherReason('ECDHE-RSA-AES128-GCM-SHA256')).toBeUndefined();
  });

  it('every OpenSSL-known RC4/3DES/DES/NULL/EXPORT suite name is recognised', () => {
    const out = execFileSync('openssl', ['ciphers', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const m = /^(\S+)\s+- (\S+)/.exec(line);
      if (!m) continue;
      const [, iana, ossl] = m as unknown as [string, string, string];
      if (/NULL|RC4|DES|EXPORT|anon/.test(iana)) {
        expect(refusedCipherFamily(iana), iana).toBeDefined();
        expect(refusedCipherFamily(ossl), ossl).toBeDefined();
      }
    }
  });
});
