// End-to-end chain validation over PKIs generated with the openssl CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Error, verifyChain } from '../src/index.js';
import { outcome } from './helpers/outcome.js';
import { CA_EXT, type Issued, Pki, leafExt, standardChain } from './helpers/pki.js';

let pki: Pki;
let root: Issued;
let ica: Issued;
let leaf: Issued;

beforeAll(() => {
  pki = new Pki();
  ({ root, ica, leaf } = standardChain(pki));
});
afterAll(() => pki.cleanup());

const DAY = 86_400_000;

const code = outcome;

describe('verifyChain: basic paths', () => {
  it('accepts a valid chain and returns the path leaf-first', () => {
    const r = verifyChain({ chain: [leaf.der, ica.der], anchors: [root.pem], host: 'example.com', purpose: 'server' });
    expect(r.ok).toBe(true);
    expect(r.path.map((c) => c.subject.rdns[0]![0]!.text)).toEqual(['example.com', 'Test Intermediate', 'Test Root']);
    expect(r.leaf.der).toEqual(leaf.der);
  });

  it('accepts anchors as DER and as one PEM bundle string', () => {
    expect(code(() => verifyChain({ chain: [leaf.der, ica.der], anchors: [root.der], purpose: 'server' }))).toBe('OK');
    expect(code(() => verifyChain({ chain: [leaf.der, ica.der], anchors: root.pem + ica.pem, purpose: 'server' }))).toBe('OK');
  });

  it('accepts out-of-order chains with duplicates and stray certificates', () => {
    const stray = pki.issue({ name: 'stray', subject: '/CN=Stray CA', ext: CA_EXT });
    const r = verifyChain({
      chain: [leaf.der, stray.der, root.der, ica.der, ica.der, leaf.der],
      anchors: [root.pem],
      host: 'example.com',
      purpose: 'server',
    });
    expect(r.path).toHaveLength(3);
  });

  it('reports a missing intermediate', () => {
    expect(code(() => verifyChain({ chain: [leaf.der], anchors: [root.pem], purpose: 'server' }))).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    const other = pki.issue({ name: 'other-root', subject: '/CN=Other Root', ext: CA_EXT });
    expect(code(() => verifyChain({ chain: [leaf.der, ica.der], anchors: [other.pem], purpose: 'server' }))).toBe(
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    );
  });

  it('reports self-signed leaves and untrusted self-signed roots the way Node does', () => {
    const self = pki.issue({ name: 'self', subject: '/CN=self.test', ext: leafExt('DNS:self.test') });
    const e = (() => {
      try {
        verifyChain({ chain: [self.der], anchors: [root.pem], purpose: 'server' });
      } catch (x) {
        return x as X509Error;
      }
      throw new Error('accepted');
    })();
    expect(e.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(e.alert).toBe('unknown_ca');
    expect(e.alertCode).toBe(48);
    const otherRoot = pki.issue({ name: 'other-root2', subject: '/CN=Other Root 2', ext: CA_EXT });
    expect(code(() => verifyChain({ chain: [leaf.der, ica.der, root.der], anchors: [otherRoot.pem], purpose: 'server' }))).toBe(
      'SELF_SIGNED_CERT_IN_CHAIN',
    );
  });

  it('accepts a pinned self-signed certificate that is itself the anchor', () => {
    const self = pki.issue({ name: 'pinned', subject: '/CN=pinned.test', ext: leafExt('DNS:pinned.test') });
    const r = verifyChain({ chain: [self.der], anchors: [self.pem], host: 'pinned.test', purpose: 'server' });
    expect(r.path).toHaveLength(1);
    expect(code(() => verifyChain({ chain: [self.der], anchors: [self.pem], host: 'other.test', purpose: 'server' }))).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });
});

describe('verifyChain: validity period', () => {
  it('rejects an expired chain and one not yet valid, with the certificate_expired alert', () => {
    const base = { chain: [leaf.der, ica.der], anchors: [root.pem], purpose: 'server' as const };
    expect(code(() => verifyChain({ ...base, time: new Date(Date.now() + 60 * DAY) }))).toBe('CERT_HAS_EXPIRED');
    expect(code(() => verifyChain({ ...base, time: new Date(Date.now() - 2 * DAY) }))).toBe('CERT_NOT_YET_VALID');
    expect(code(() => verifyChain({ ...base, time: new Date(Date.now() + 10 * DAY) }))).toBe('OK');
  });

  it('rejects a chain whose leaf outlived its intermediate', () => {
    const shortIca = pki.issue({ name: 'short-ica', subject: '/CN=Short ICA', issuer: root, ext: CA_EXT, days: 5 });
    const longLeaf = pki.issue({ name: 'long-leaf', subject: '/CN=long.example', issuer: shortIca, ext: leafExt('DNS:long.example'), days: 30 });
    const at = new Date(Date.now() + 10 * DAY);
    expect(code(() => verifyChain({ chain: [longLeaf.der, shortIca.der], anchors: [root.pem], purpose: 'server', time: at }))).toBe(
      'CERT_HAS_EXPIRED',
    );
  });
});

describe('verifyChain: purposes and constraints', () => {
  it('checks extendedKeyUsage for the requested purpose', () => {
    const base = { chain: [leaf.der, ica.der], anchors: [root.pem] };
    expect(code(() => verifyChain({ ...base, purpose: 'client' }))).toBe('INVALID_PURPOSE');
    const client = pki.issue({
      name: 'client',
      subject: '/CN=alice',
      issuer: ica,
      ext: [...leafExt('email:alice@example.com').filter((l) => !l.startsWith('extendedKeyUsage')), 'extendedKeyUsage = clientAuth'],
    });
    expect(code(() => verifyChain({ chain: [client.der, ica.der], anchors: [root.pem], purpose: 'client' }))).toBe('OK');
    expect(code(() => verifyChain({ chain: [client.der, ica.der], anchors: [root.pem], purpose: 'server' }))).toBe('INVALID_PURPOSE');
  });

  it('lets an EKU on an intermediate constrain the leaf', () => {
    const emailIca = pki.issue({
      name: 'email-ica',
      subject: '/CN=Email ICA',
      issuer: root,
      ext: [...CA_EXT, 'extendedKeyUsage = emailProtection'],
    });
    const l = pki.issue({ name: 'leaf-under-email', subject: '/CN=x.example', issuer: emailIca, ext: leafExt('DNS:x.example') });
    expect(code(() => verifyChain({ chain: [l.der, emailIca.der], anchors: [root.pem], purpose: 'server' }))).toBe('INVALID_PURPOSE');
  });

  it('enforces pathLenConstraint', () => {
    const limited = pki.issue({
      name: 'limited',
      subject: '/CN=Limited ICA',
      issuer: root,
      ext: ['basicConstraints = critical, CA:TRUE, pathlen:0', ...CA_EXT.slice(1)],
    });
    const sub = pki.issue({ name: 'sub', subject: '/CN=Sub ICA', issuer: limited, ext: CA_EXT });
    const l = pki.issue({ name: 'deep-leaf', subject: '/CN=deep.example', issuer: sub, ext: leafExt('DNS:deep.example') });
    expect(code(() => verifyChain({ chain: [l.der, sub.der, limited.der], anchors: [root.pem], purpose: 'server' }))).toBe(
      'PATH_LENGTH_EXCEEDED',
    );
    // The same shape without the constraint is fine, unless maxDepth forbids it.
    const free = pki.issue({ name: 'free', subject: '/CN=Free ICA', issuer: root, ext: CA_EXT });
    const sub2 = pki.issue({ name: 'sub2', subject: '/CN=Sub ICA 2', issuer: free, ext: CA_EXT });
    const l2 = pki.issue({ name: 'deep-leaf2', subject: '/CN=deep2.example', issuer: sub2, ext: leafExt('DNS:deep2.example') });
    const chain = [l2.der, sub2.der, free.der];
    expect(code(() => verifyChain({ chain, anchors: [root.pem], purpose: 'server' }))).toBe('OK');
    expect(code(() => verifyChain({ chain, anchors: [root.pem], purpose: 'server', maxDepth: 1 }))).toBe('CERT_CHAIN_TOO_LONG');
  });

  it('refuses an intermediate that is not a CA', () => {
    const notCa = pki.issue({
      name: 'not-ca',
      subject: '/CN=Not A CA',
      issuer: root,
      ext: ['basicConstraints = critical, CA:FALSE', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid:always'],
    });
    const l = pki.issue({ name: 'leaf-not-ca', subject: '/CN=n.example', issuer: notCa, ext: leafExt('DNS:n.example') });
    expect(code(() => verifyChain({ chain: [l.der, notCa.der], anchors: [root.pem], purpose: 'server' }))).toBe('INVALID_CA');
  });

  it('refuses unknown critical extensions but ignores unknown non-critical ones', () => {
    const crit = pki.issue({
      name: 'crit',
      subject: '/CN=crit.example',
      issuer: ica,
      ext: [...leafExt('DNS:crit.example'), '1.3.6.1.4.1.99999.1 = critical, ASN1:NULL'],
    });
    const nonCrit = pki.issue({
      name: 'noncrit',
      subject: '/CN=noncrit.example',
      issuer: ica,
      ext: [...leafExt('DNS:noncrit.example'), '1.3.6.1.4.1.99999.1 = ASN1:NULL'],
    });
    expect(code(() => verifyChain({ chain: [crit.der, ica.der], anchors: [root.pem], purpose: 'server' }))).toBe(
      'UNHANDLED_CRITICAL_EXTENSION',
    );
    expect(code(() => verifyChain({ chain: [nonCrit.der, ica.der], anchors: [root.pem], purpose: 'server' }))).toBe('OK');
  });

  it('checks required leaf key usages', () => {
    const base = { chain: [leaf.der, ica.der], anchors: [root.pem], purpose: 'server' as const };
    expect(code(() => verifyChain({ ...base, keyUsage: ['digitalSignature'] }))).toBe('OK');
    expect(code(() => verifyChain({ ...base, keyUsage: ['keyEncipherment'] }))).toBe('INVALID_PURPOSE');
  });
});

describe('verifyChain: signatures and keys', () => {
  it('rejects a certificate whose signature was tampered with', () => {
    const bad = Uint8Array.from(leaf.der);
    bad[bad.length - 5]! ^= 0x01;
    expect(code(() => verifyChain({ chain: [bad, ica.der], anchors: [root.pem], purpose: 'server' }))).toBe('CERT_SIGNATURE_FAILURE');
  });

  it('rejects a certificate whose signed content was altered', () => {
    const bad = Uint8Array.from(leaf.der);
    // Flip a bit inside the SAN "example.com" bytes: still parses, no longer matches the signature.
    const at = Buffer.from(bad).indexOf(Buffer.from('xample.com'));
    bad[at]! ^= 0x20;
    expect(code(() => verifyChain({ chain: [bad, ica.der], anchors: [root.pem], purpose: 'server' }))).toBe('CERT_SIGNATURE_FAILURE');
  });

  it('refuses SHA-1 signatures', () => {
    const rsaRoot = pki.issue({ name: 'rsa-root', subject: '/CN=RSA Root', key: 'rsa2048', ext: CA_EXT });
    const sha1Leaf = pki.issue({ name: 'sha1-leaf', subject: '/CN=sha1.example', issuer: rsaRoot, key: 'rsa2048', md: 'sha1', ext: leafExt('DNS:sha1.example') });
    const e = code(() => verifyChain({ chain: [sha1Leaf.der], anchors: [rsaRoot.pem], purpose: 'server' }));
    expect(e).toBe('CA_MD_TOO_WEAK');
  });

  it('refuses RSA keys below 2048 bits, in leaves and in CAs', () => {
    const rsaRoot = pki.issue({ name: 'rsa-root2', subject: '/CN=RSA Root 2', key: 'rsa2048', ext: CA_EXT });
    const weakLeaf = pki.issue({ name: 'weak-leaf', subject: '/CN=weak.example', issuer: rsaRoot, key: 'rsa1024', ext: leafExt('DNS:weak.example') });
    expect(code(() => verifyChain({ chain: [weakLeaf.der], anchors: [rsaRoot.pem], purpose: 'server' }))).toBe('EE_KEY_TOO_SMALL');
    const weakIca = pki.issue({ name: 'weak-ica', subject: '/CN=Weak ICA', issuer: rsaRoot, key: 'rsa1024', ext: CA_EXT });
    const l = pki.issue({ name: 'leaf-weak-ica', subject: '/CN=w.example', issuer: weakIca, ext: leafExt('DNS:w.example') });
    expect(code(() => verifyChain({ chain: [l.der, weakIca.der], anchors: [rsaRoot.pem], purpose: 'server' }))).toBe('CA_KEY_TOO_SMALL');
  });

  it('verifies RSA PKCS#1 (SHA-256/384/512), RSA-PSS, ECDSA P-384 and Ed25519 links', () => {
    const rsaRoot = pki.issue({ name: 'rsa-root3', subject: '/CN=RSA Root 3', key: 'rsa2048', ext: CA_EXT, md: 'sha512' });
    const pssIca = pki.issue({
      name: 'pss-ica',
      subject: '/CN=PSS ICA',
      issuer: rsaRoot,
      key: 'p384',
      ext: CA_EXT,
      sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'],
    });
    const edIca = pki.issue({ name: 'ed-ica', subject: '/CN=Ed ICA', issuer: pssIca, key: 'ed25519', ext: CA_EXT, md: 'sha384' });
    const l = pki.issue({ name: 'ed-leaf', subject: '/CN=ed.example', issuer: edIca, key: 'rsa2048', ext: leafExt('DNS:ed.example') });
    const l384 = pki.issue({ name: 'rsa384-leaf', subject: '/CN=r.example', issuer: rsaRoot, md: 'sha384', ext: leafExt('DNS:r.example') });
    const r = verifyChain({ chain: [l.der, edIca.der, pssIca.der], anchors: [rsaRoot.pem], host: 'ed.example', purpose: 'server' });
    expect(r.path.map((c) => c.signatureAlgorithm.kind)).toEqual(['ed25519', 'ecdsa', 'rsa-pss', 'rsa-pkcs1']);
    expect(code(() => verifyChain({ chain: [l384.der], anchors: [rsaRoot.pem], purpose: 'server' }))).toBe('OK');
  });
});

describe('verifyChain: path building', () => {
  it('tries every candidate issuer: skips an expired one with the same name', () => {
    // Two intermediates share a subject and key; the first one offered has expired.
    const key = pki.key('rollover', 'p256');
    const old = pki.issue({ name: 'ica-old', subject: '/CN=Rollover ICA', issuer: root, keyPath: key, ext: CA_EXT, days: 2 });
    const fresh = pki.issue({ name: 'ica-new', subject: '/CN=Rollover ICA', issuer: root, keyPath: key, ext: CA_EXT, days: 60 });
    const l = pki.issue({ name: 'rollover-leaf', subject: '/CN=r.example', issuer: fresh, ext: leafExt('DNS:r.example') });
    const at = new Date(Date.now() + 10 * DAY);
    const r = verifyChain({ chain: [l.der, old.der, fresh.der], anchors: [root.pem], purpose: 'server', time: at });
    expect(r.path[1]!.der).toEqual(fresh.der);
    expect(code(() => verifyChain({ chain: [l.der, old.der], anchors: [root.pem], purpose: 'server', time: at }))).toBe(
      'CERT_HAS_EXPIRED',
    );
  });

  it('follows a cross-signature to a second root and survives issuer loops', () => {
    // A and B cross-sign each other; only B's self-signed root is trusted.
    const keyA = pki.key('loop-a', 'p256');
    const keyB = pki.key('loop-b', 'p256');
    const rootA = pki.issue({ name: 'loop-root-a', subject: '/CN=Loop A', keyPath: keyA, ext: CA_EXT });
    const rootB = pki.issue({ name: 'loop-root-b', subject: '/CN=Loop B', keyPath: keyB, ext: CA_EXT });
    const aByB = pki.issue({ name: 'a-by-b', subject: '/CN=Loop A', issuer: rootB, keyPath: keyA, ext: CA_EXT });
    const bByA = pki.issue({ name: 'b-by-a', subject: '/CN=Loop B', issuer: rootA, keyPath: keyB, ext: CA_EXT });
    const l = pki.issue({ name: 'loop-leaf', subject: '/CN=loop.example', issuer: rootA, ext: leafExt('DNS:loop.example') });
    const r = verifyChain({ chain: [l.der, bByA.der, aByB.der], anchors: [rootB.pem], purpose: 'server' });
    expect(r.path.map((c) => c.der)).toEqual([l.der, aByB.der, rootB.der]);
    // With nothing trusted the loop A -> B -> A must terminate with a trust error.
    const other = pki.issue({ name: 'loop-other', subject: '/CN=Unrelated', ext: CA_EXT });
    expect(code(() => verifyChain({ chain: [l.der, bByA.der, aByB.der], anchors: [other.pem], purpose: 'server' }))).toBe(
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    );
  });

  it('bounds the work on hostile inputs', () => {
    // Same-named intermediates that claim the real intermediate's key identifier but did not sign
    // the leaf: each one costs a signature check before it can be ruled out.
    const ski = pki.openssl(['x509', '-in', ica.certPath, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim();
    const decoys = Array.from({ length: 10 }, (_, i) =>
      pki.issue({
        name: `decoy-${i}`,
        subject: '/CN=Test Intermediate',
        issuer: root,
        ext: [...CA_EXT.filter((l) => !l.startsWith('subjectKey')), `subjectKeyIdentifier = ${ski}`],
      }),
    );
    const chain = [leaf.der, ...decoys.map((d) => d.der)];
    const anchors = [root.pem];
    expect(code(() => verifyChain({ chain, anchors, purpose: 'server', limits: { maxSignatureChecks: 5 } }))).toBe(
      'PATH_BUILDING_LIMIT_EXCEEDED',
    );
    expect(code(() => verifyChain({ chain, anchors, purpose: 'server', limits: { maxCandidates: 5 } }))).toBe(
      'PATH_BUILDING_LIMIT_EXCEEDED',
    );
    // Within the default budget the decoys fail their signature check and the real one is found.
    expect(code(() => verifyChain({ chain, anchors, purpose: 'server' }))).toBe('CERT_SIGNATURE_FAILURE');
    expect(code(() => verifyChain({ chain: [...chain, ica.der], anchors, purpose: 'server' }))).toBe('OK');
  });
});
