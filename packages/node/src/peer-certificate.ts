// getPeerCertificate(): @sanstls/x509's plain view reshaped into node:tls's PeerCertificate fields.
import { parseCertificate, toPeerCertificate, type Certificate } from '@sanstls/x509';

/** node:tls's PeerCertificate / DetailedPeerCertificate shape (the fields sanstls can fill). */
export interface NodePeerCertificate {
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  subjectaltname?: string;
  ca: boolean;
  bits?: number;
  modulus?: string;
  exponent?: string;
  pubkey?: Buffer;
  asn1Curve?: string;
  nistCurve?: string;
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: Buffer;
  issuerCertificate?: NodePeerCertificate;
}

/** One certificate in node:tls's shape. */
export function nodeCertificate(cert: Certificate): NodePeerCertificate {
  const p = toPeerCertificate(cert);
  const out: NodePeerCertificate = {
    subject: p.subject,
    issuer: p.issuer,
    ca: p.ca,
    valid_from: p.valid_from,
    valid_to: p.valid_to,
    fingerprint: p.fingerprint,
    fingerprint256: p.fingerprint256,
    fingerprint512: p.fingerprint512,
    serialNumber: p.serialNumber,
    raw: Buffer.from(p.raw),
  };
  if (p.subjectaltname !== undefined) out.subjectaltname = p.subjectaltname;
  if (p.ext_key_usage) out.ext_key_usage = [...p.ext_key_usage];
  const k = p.publicKey;
  if (k.type === 'rsa') {
    out.bits = k.bits;
    out.modulus = k.modulus;
    out.exponent = k.exponent;
    out.pubkey = Buffer.from(k.spki);
  } else if (k.type === 'ec') {
    out.bits = k.bits;
    out.asn1Curve = k.asn1Curve;
    out.nistCurve = k.nistCurve;
    out.pubkey = Buffer.from(k.pubkey);
  } else if (k.type === 'ed25519') {
    out.bits = k.bits;
    out.pubkey = Buffer.from(k.pubkey);
  }
  return out;
}

/**
 * The leaf as node shows it; with `detailed`, issuerCertificate links follow `path` (the validated path
 * when there is one, else the chain as sent), a self-signed last certificate pointing at itself.
 */
export function peerCertificate(chain: readonly Uint8Array[], path: readonly Certificate[] | undefined, detailed: boolean): NodePeerCertificate | Record<string, never> {
  const leafDer = chain[0];
  if (leafDer === undefined) return {};
  let certs: Certificate[];
  try {
    certs = path && path.length > 0 ? [...path] : detailed ? chain.map((d) => parseCertificate(d)) : [parseCertificate(leafDer)];
  } catch {
    return {};
  }
  const views = certs.map(nodeCertificate);
  if (!detailed) return views[0]!;
  for (let i = 0; i < views.length; i++) {
    const next = views[i + 1];
    if (next) views[i]!.issuerCertificate = next;
    else {
      const v = toPeerCertificate(certs[i]!);
      if (v.subjectString === v.issuerString) views[i]!.issuerCertificate = views[i];
    }
  }
  return views[0]!;
}
