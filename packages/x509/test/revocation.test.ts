// Revocation: CRLs and stapled OCSP responses produced by `openssl ca -gencrl` and `openssl ocsp`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Error, checkOcspResponse, parseCertificate, parseCrl, parseOcspResponse, verifyChain } from '../src/index.js';
import { outcome } from './helpers/outcome.js';
import { CA_EXT, type Issued, Pki, leafExt } from './helpers/pki.js';

let pki: Pki;
let root: Issued;
let ica: Issued;
let leaf: Issued;
let other: Issued;

beforeAll(() => {
  pki = new Pki();
  root = pki.issue({ name: 'root', subject: '/CN=Rev Root', ext: CA_EXT });
  ica = pki.issue({ name: 'ica', subject: '/CN=Rev ICA', issuer: root, ext: CA_EXT });
  leaf = pki.issue({ name: 'leaf', subject: '/CN=rev.example', issuer: ica, ext: leafExt('DNS:rev.example') });
  other = pki.issue({ name: 'other', subject: '/CN=other.example', issuer: ica, ext: leafExt('DNS:other.example') });
});
afterAll(() => pki.cleanup());

const code = (opts: Partial<Parameters<typeof verifyChain>[0]>): string =>
  outcome(() => verifyChain({ chain: [leaf.der, ica.der], anchors: [root.pem], purpose: 'server', host: 'rev.example', ...opts }));

describe('CRLs', () => {
  it('rejects a certificate listed on its issuer CRL', () => {
    const crl = pki.crl(ica, [leaf]);
    expect(parseCrl(crl).revoked).toHaveLength(1);
    expect(code({ crls: [crl] })).toBe('CERT_REVOKED');
  });

  it('accepts a certificate not on the CRL, and ignores CRLs of other issuers', () => {
    expect(code({ crls: [pki.crl(ica, [other])] })).toBe('OK');
    // The root's CRL lists the intermediate's serial space, not the leaf's; same serial, other issuer.
    expect(code({ crls: [pki.crl(root, [{ ...leaf }])] })).toBe('OK');
  });

  it('rejects an intermediate revoked by the root', () => {
    expect(code({ crls: [pki.crl(root, [ica])] })).toBe('CERT_REVOKED');
  });

  it('refuses a CRL with a bad signature, a stale CRL and one without CRLNumber', () => {
    const forged = Uint8Array.from(pki.crl(ica, []));
    forged[forged.length - 3]! ^= 0x01;
    expect(code({ crls: [forged] })).toBe('CRL_SIGNATURE_FAILURE');
    const crl = pki.crl(ica, []);
    expect(code({ crls: [crl], time: new Date(Date.now() + 20 * 86_400_000) })).toBe('CRL_INVALID');
    expect(code({ crls: [pki.crl(ica, [], { crlNumber: false })] })).toBe('CRL_INVALID');
  });

  it('hard policy fails without revocation information, soft does not', () => {
    expect(code({ revocation: 'soft' })).toBe('OK');
    expect(code({ revocation: 'hard' })).toBe('REVOCATION_STATUS_UNKNOWN');
    expect(code({ revocation: 'hard', crls: [pki.crl(ica, [])] })).toBe('UNABLE_TO_GET_CRL');
    expect(code({ revocation: 'hard', crls: [pki.crl(ica, []), pki.crl(root, [])] })).toBe('OK');
  });

  it('accepts CRLs as PEM text', () => {
    const der = pki.crl(ica, [leaf]);
    const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(der).toString('base64')}\n-----END X509 CRL-----\n`;
    expect(code({ crls: [pem] })).toBe('CERT_REVOKED');
  });
});

describe('OCSP stapling', () => {
  it('accepts a good response signed by the issuer and rejects a revoked one', () => {
    expect(code({ ocspResponse: pki.ocsp(ica, leaf, 'good') })).toBe('OK');
    const revoked = pki.ocsp(ica, leaf, 'revoked');
    const e = (() => {
      try {
        verifyChain({ chain: [leaf.der, ica.der], anchors: [root.pem], purpose: 'server', ocspResponse: revoked });
      } catch (x) {
        return x as X509Error;
      }
      throw new Error('accepted');
    })();
    expect(e.code).toBe('CERT_REVOKED');
    expect(e.alert).toBe('certificate_revoked');
    expect(e.alertCode).toBe(44);
  });

  it('accepts a delegated responder with id-kp-OCSPSigning, refuses one without', () => {
    const responder = pki.issue({
      name: 'responder',
      subject: '/CN=OCSP Responder',
      issuer: ica,
      ext: ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = OCSPSigning', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid:always'],
    });
    expect(code({ ocspResponse: pki.ocsp(ica, leaf, 'revoked', { signer: responder }) })).toBe('CERT_REVOKED');
    expect(code({ ocspResponse: pki.ocsp(ica, leaf, 'good', { signer: responder }) })).toBe('OK');
    const notResponder = pki.issue({ name: 'not-responder', subject: '/CN=Not Responder', issuer: ica, ext: leafExt('DNS:x.example') });
    expect(code({ ocspResponse: pki.ocsp(ica, leaf, 'good', { signer: notResponder }) })).toBe('OCSP_VERIFY_FAILED');
    // A responder certified by some other CA is not authorised for this issuer.
    const foreign = pki.issue({
      name: 'foreign-responder',
      subject: '/CN=Foreign Responder',
      issuer: root,
      ext: ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = OCSPSigning', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid:always'],
    });
    expect(code({ ocspResponse: pki.ocsp(ica, leaf, 'good', { signer: foreign }) })).toBe('OCSP_VERIFY_FAILED');
  });

  it('refuses stale responses and responses about another certificate', () => {
    const resp = pki.ocsp(ica, leaf, 'good', { ndays: 1 });
    expect(code({ ocspResponse: resp, time: new Date(Date.now() + 3 * 86_400_000) })).toBe('OCSP_VERIFY_FAILED');
    expect(code({ ocspResponse: pki.ocsp(ica, other, 'good') })).toBe('OCSP_VERIFY_FAILED');
  });

  it('refuses a response whose signature was tampered with', () => {
    const resp = Uint8Array.from(pki.ocsp(ica, leaf, 'good'));
    const parsed = parseOcspResponse(resp);
    if (parsed.status !== 'successful') throw new Error('unexpected status');
    // The signature bytes are a view into `resp`: flip one of them in place.
    resp[parsed.basic.signature.byteOffset + 5]! ^= 0x01;
    expect(code({ ocspResponse: resp })).toBe('OCSP_VERIFY_FAILED');
  });

  it('a good OCSP response satisfies the hard policy for the leaf', () => {
    expect(code({ revocation: 'hard', ocspResponse: pki.ocsp(ica, leaf, 'good'), crls: [pki.crl(root, [])] })).toBe('OK');
  });

  it('checkOcspResponse reports the status directly', () => {
    const status = checkOcspResponse(pki.ocsp(ica, leaf, 'good'), parseCertificate(leaf.der), parseCertificate(ica.der), Date.now());
    expect(status).toBe('good');
  });
});
