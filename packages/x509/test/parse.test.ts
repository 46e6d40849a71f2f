// Strict DER parsing and the getPeerCertificate() view, checked against node:crypto's X509Certificate.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contents, decodeDer as parseDer, readBigInt, readBoolean, readOid, readTime } from '../src/asn1/index.js';
import { CertAlert, X509Error, alertFor, parseCertificate, pemToDer, toPeerCertificate } from '../src/index.js';
import { type Issued, Pki, standardChain } from './helpers/pki.js';

let pki: Pki;
let pki2: Pki;
let leaf: Issued;
let rsaLeaf: Issued;

beforeAll(() => {
  pki = new Pki();
  ({ leaf } = standardChain(pki));
  pki2 = new Pki();
  rsaLeaf = standardChain(pki2, 'rsa2048').leaf;
});
afterAll(() => {
  pki.cleanup();
  pki2.cleanup();
});

const b = (...x: number[]) => Uint8Array.from(x);
const malformed = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));

describe('strict DER', () => {
  it('refuses indefinite and non-minimal lengths, truncation and trailing data', () => {
    malformed(() => parseDer(b(0x30, 0x80, 0x00, 0x00)));
    malformed(() => parseDer(b(0x04, 0x81, 0x01, 0xaa)));
    malformed(() => parseDer(b(0x04, 0x82, 0x00, 0x01, 0xaa)));
    malformed(() => parseDer(b(0x04, 0x03, 0xaa)));
    malformed(() => parseDer(b(0x04, 0x01, 0xaa, 0x00)));
    expect(contents(parseDer(b(0x04, 0x01, 0xaa)))).toEqual(b(0xaa));
  });

  it('refuses non-canonical BOOLEAN, INTEGER and OID encodings', () => {
    malformed(() => readBoolean(parseDer(b(0x01, 0x01, 0x01))));
    expect(readBoolean(parseDer(b(0x01, 0x01, 0xff)))).toBe(true);
    malformed(() => readBigInt(parseDer(b(0x02, 0x02, 0x00, 0x7f))));
    malformed(() => readBigInt(parseDer(b(0x02, 0x02, 0xff, 0x80))));
    expect(readBigInt(parseDer(b(0x02, 0x02, 0x00, 0x80)))).toBe(128n);
    expect(readBigInt(parseDer(b(0x02, 0x01, 0xff)))).toBe(-1n);
    malformed(() => readOid(parseDer(b(0x06, 0x02, 0x80, 0x01))));
    expect(readOid(parseDer(b(0x06, 0x03, 0x55, 0x1d, 0x13)))).toBe('2.5.29.19');
  });

  it('accepts only the RFC 5280 time profile', () => {
    const t = (tag: number, s: string) => parseDer(b(tag, s.length, ...Buffer.from(s, 'latin1')));
    expect(readTime(t(0x17, '240301000001Z'))).toBe(Date.UTC(2024, 2, 1, 0, 0, 1));
    expect(readTime(t(0x17, '500101000000Z'))).toBe(Date.UTC(1950, 0, 1));
    expect(readTime(t(0x18, '20500101000000Z'))).toBe(Date.UTC(2050, 0, 1));
    malformed(() => readTime(t(0x17, '2403010000Z'))); // no seconds
    malformed(() => readTime(t(0x18, '20240301000000.5Z'))); // fractional seconds
    malformed(() => readTime(t(0x17, '240301000000+0100'))); // not Zulu
    malformed(() => readTime(t(0x17, '240230000000Z'))); // 30 February
  });

  it('refuses a certificate with trailing bytes or a flipped length', () => {
    const der = leaf.der;
    malformed(() => parseCertificate(Uint8Array.from([...der, 0x00])));
    const bad = Uint8Array.from(der);
    bad[1] = 0x80; // indefinite outer length
    malformed(() => parseCertificate(bad));
  });
});

describe('parsed view for getPeerCertificate()', () => {
  for (const which of ['ecdsa', 'rsa'] as const) {
    it(`matches node:crypto X509Certificate (${which})`, () => {
      const issued = which === 'ecdsa' ? leaf : rsaLeaf;
      const ours = toPeerCertificate(parseCertificate(issued.der));
      const node = new X509Certificate(issued.der);
      expect(ours.fingerprint).toBe(node.fingerprint);
      expect(ours.fingerprint256).toBe(node.fingerprint256);
      expect(ours.fingerprint512).toBe(node.fingerprint512);
      expect(ours.serialNumber).toBe(node.serialNumber);
      expect(ours.validFrom.getTime()).toBe(new Date(node.validFrom).getTime());
      expect(ours.validTo.getTime()).toBe(new Date(node.validTo).getTime());
      expect(ours.subjectaltname).toBe(node.subjectAltName);
      expect(ours.subject).toEqual({ CN: 'example.com' });
      expect(ours.issuerString).toBe('CN=Test Intermediate');
      expect(ours.ca).toBe(node.ca);
      expect(Buffer.from(ours.raw).equals(node.raw)).toBe(true);
      const spki = node.publicKey.export({ type: 'spki', format: 'der' });
      expect(Buffer.from(ours.publicKey.spki).equals(spki)).toBe(true);
      if (ours.publicKey.type === 'rsa') {
        expect(ours.publicKey.bits).toBe(node.publicKey.asymmetricKeyDetails?.modulusLength);
      } else if (ours.publicKey.type === 'ec') {
        expect(ours.publicKey.asn1Curve).toBe(node.publicKey.asymmetricKeyDetails?.namedCurve);
      }
    });
  }

  it('reads PEM bundles', () => {
    expect(pemToDer(`junk\n${leaf.pem}\n${rsaLeaf.pem}`)).toEqual([leaf.der, rsaLeaf.der]);
  });
});

describe('errors', () => {
  it('map to the RFC 5246 alerts', () => {
    expect(alertFor('CERT_HAS_EXPIRED')).toBe('certificate_expired');
    expect(alertFor('CERT_REVOKED')).toBe('certificate_revoked');
    expect(alertFor('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toBe('unknown_ca');
    expect(alertFor('SELF_SIGNED_CERT_IN_CHAIN')).toBe('unknown_ca');
    expect(alertFor('CERT_SIGNATURE_FAILURE')).toBe('bad_certificate');
    expect(alertFor('UNSUPPORTED_SIGNATURE_ALGORITHM')).toBe('unsupported_certificate');
    expect(alertFor('OCSP_VERIFY_FAILED')).toBe('bad_certificate_status_response');
    expect(CertAlert).toMatchObject({
      bad_certificate: 42,
      unsupported_certificate: 43,
      certificate_revoked: 44,
      certificate_expired: 45,
      certificate_unknown: 46,
      unknown_ca: 48,
      bad_certificate_status_response: 113,
    });
    const e = new X509Error('CERT_NOT_YET_VALID', 'x', { depth: 2 });
    expect([e.alert, e.alertCode, e.depth, e.name]).toEqual(['certificate_expired', 45, 2, 'X509Error']);
  });
});
