// Host name and IP matching (RFC 9525) on generated certificates, plus the matcher on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Error, checkServerIdentity, matchDnsName, parseCertificate, verifyChain } from '../src/index.js';
import { CA_EXT, type Issued, Pki, leafExt } from './helpers/pki.js';

let pki: Pki;
let root: Issued;

beforeAll(() => {
  pki = new Pki();
  root = pki.issue({ name: 'root', subject: '/CN=Host Root', ext: CA_EXT });
});
afterAll(() => pki.cleanup());

function hostOk(cert: Issued, host: string): boolean {
  try {
    verifyChain({ chain: [cert.der], anchors: [root.pem], host, purpose: 'server' });
    return true;
  } catch (e) {
    if (e instanceof X509Error && e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return false;
    throw e;
  }
}

describe('host names on certificates', () => {
  it('matches SAN dNSName case-insensitively and ignores the CN', () => {
    const c = pki.issue({ name: 'h1', subject: '/CN=cn-only.example', issuer: root, ext: leafExt('DNS:WWW.Example.COM') });
    expect(hostOk(c, 'www.example.com')).toBe(true);
    expect(hostOk(c, 'WWW.EXAMPLE.COM')).toBe(true);
    expect(hostOk(c, 'www.example.com.')).toBe(true);
    expect(hostOk(c, 'cn-only.example')).toBe(false);
    expect(hostOk(c, 'example.com')).toBe(false);
  });

  it('applies wildcards to exactly one whole leftmost label', () => {
    const c = pki.issue({ name: 'h2', subject: '/CN=w', issuer: root, ext: leafExt('DNS:*.example.com', 'DNS:f*o.example.org', 'DNS:*.com', 'DNS:www.*.example.net') });
    expect(hostOk(c, 'foo.example.com')).toBe(true);
    expect(hostOk(c, 'example.com')).toBe(false);
    expect(hostOk(c, 'a.b.example.com')).toBe(false);
    expect(hostOk(c, 'foo.example.org')).toBe(false); // partial-label wildcard
    expect(hostOk(c, 'example.com')).toBe(false);
    expect(hostOk(c, 'anything.com')).toBe(false); // *.com is refused
    expect(hostOk(c, 'www.x.example.net')).toBe(false); // wildcard not leftmost
  });

  it('compares IDNA A-labels as given', () => {
    const c = pki.issue({ name: 'h3', subject: '/CN=i', issuer: root, ext: leafExt('DNS:xn--bcher-kva.example') });
    expect(hostOk(c, 'xn--bcher-kva.example')).toBe(true);
    expect(hostOk(c, 'XN--BCHER-KVA.example')).toBe(true);
    expect(() => verifyChain({ chain: [c.der], anchors: [root.pem], host: 'bücher.example', purpose: 'server' })).toThrow(X509Error);
  });

  it('matches IP literals only against iPAddress entries', () => {
    const c = pki.issue({ name: 'h4', subject: '/CN=192.0.2.1', issuer: root, ext: leafExt('DNS:192.0.2.1', 'IP:198.51.100.7', 'IP:2001:db8::1') });
    expect(hostOk(c, '198.51.100.7')).toBe(true);
    expect(hostOk(c, '192.0.2.1')).toBe(false); // only present as dNSName and CN
    expect(hostOk(c, '2001:DB8:0:0:0:0:0:1')).toBe(true);
    expect(hostOk(c, '[2001:db8::1]')).toBe(true);
    expect(hostOk(c, '2001:db8::2')).toBe(false);
    const byIp = (ip: string) => {
      try {
        verifyChain({ chain: [c.der], anchors: [root.pem], ip, purpose: 'server' });
        return true;
      } catch {
        return false;
      }
    };
    expect(byIp('198.51.100.7')).toBe(true);
    expect(byIp('198.51.100.8')).toBe(false);
  });

  it('refuses invalid reference names rather than matching them', () => {
    const c = pki.issue({ name: 'h5', subject: '/CN=u', issuer: root, ext: leafExt('DNS:foo_bar.example.com') });
    expect(hostOk(c, 'foo_bar.example.com')).toBe(false);
  });

  it('checkServerIdentity throws the Node error code', () => {
    const c = pki.issue({ name: 'h6', subject: '/CN=x', issuer: root, ext: leafExt('DNS:a.example') });
    const cert = parseCertificate(c.der);
    expect(() => checkServerIdentity('a.example', cert)).not.toThrow();
    expect(() => checkServerIdentity('b.example', cert)).toThrow(expect.objectContaining({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }));
  });
});

describe('matchDnsName', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', '.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*', 'com', false],
    ['*.co', 'a.co', false],
    ['a*.example.com', 'ab.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['xn--*.example.com', 'xn--a.example.com', false],
    ['exa mple.com', 'exa mple.com', false],
  ])('%s vs %s -> %s', (presented, reference, expected) => {
    expect(matchDnsName(presented, reference)).toBe(expected);
  });
});
