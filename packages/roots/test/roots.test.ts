// The bundled list is Node's tls.rootCertificates: same certificates, same order, and the DER
// form decodes to what node:crypto reads from the PEM.
import { X509Certificate } from 'node:crypto';
import { rootCertificates as nodeRoots } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { rootCertificates, rootCertificatesDer, source } from '../src/index.js';

describe('@sanstls/roots', () => {
  it('holds exactly the certificates of tls.rootCertificates', () => {
    expect(rootCertificates.length).toBeGreaterThan(100);
    expect(rootCertificates).toEqual(nodeRoots);
    expect(source).toBe(`node ${process.version}`);
  });

  it('gives the same certificates as DER', () => {
    const ders = rootCertificatesDer();
    expect(ders.length).toBe(nodeRoots.length);
    ders.forEach((der, i) => {
      const x = new X509Certificate(nodeRoots[i]!);
      expect(Buffer.from(der).equals(x.raw)).toBe(true);
      expect(x.ca).toBe(true);
    });
  });
});
