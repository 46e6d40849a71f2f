// A fresh self-signed ECDSA P-256 server certificate, made in JavaScript (pkijs over WebCrypto), so that
// the demo and `s_server` without -cert need no openssl binary. The certificate is an end-entity
// certificate (CA:FALSE, digitalSignature, serverAuth) that a client trusts by pinning it as its anchor.
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface CertgenOptions {
  /** Subject and issuer common name (default "localhost"). */
  readonly commonName?: string;
  /** subjectAltName DNS names (default ["localhost"]). */
  readonly dnsNames?: readonly string[];
  /** subjectAltName IP addresses (default ["127.0.0.1"]); IPv4 or IPv6 literals. */
  readonly ipAddresses?: readonly string[];
  /** Validity in days from now (default 30). The certificate is back-dated by one hour for clock skew. */
  readonly days?: number;
}

export interface GeneratedCertificate {
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The private key, PKCS#8 PEM ("PRIVATE KEY"). */
  readonly keyPem: string;
  /** The certificate, DER. */
  readonly certDer: Uint8Array;
}

const OID = {
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** PEM armour, 64 columns (RFC 7468). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The 4 or 16 bytes of an IP literal. */
function ipBytes(ip: string): Uint8Array {
  const v = isIP(ip);
  if (v === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (v !== 6) throw new RangeError(`not an IP address: ${ip}`);
  // Expand "::" and an embedded IPv4 tail, then read eight 16-bit groups.
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) })],
  });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock): pkijs.Extension {
  const schema = value instanceof asn1js.BaseBlock ? value : value.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

/** Generates a self-signed ECDSA P-256 / SHA-256 certificate and its key. */
export async function generateSelfSigned(options: CertgenOptions = {}): Promise<GeneratedCertificate> {
  const cn = options.commonName ?? 'localhost';
  const dnsNames = options.dnsNames ?? ['localhost'];
  const ips = options.ipAddresses ?? ['127.0.0.1'];
  const days = options.days ?? 30;
  const subtle = globalThis.crypto.subtle;
  const engine = new pkijs.CryptoEngine({ name: 'webcrypto', crypto: globalThis.crypto });

  const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);

  const cert = new pkijs.Certificate();
  cert.version = 2; // v3
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, minimal encoding, non-zero (RFC 5280 §4.1.2.2)
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = name(cn);
  cert.subject = name(cn);
  const now = Date.now();
  cert.notBefore.value = new Date(now - 3600_000);
  cert.notAfter.value = new Date(now + days * 86400_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);

  const spkiRaw = new Uint8Array(await subtle.exportKey('raw', keys.publicKey));
  const keyId = new Uint8Array(await subtle.digest('SHA-1', spkiRaw)); // RFC 5280 §4.2.1.2 method (1)

  const altNames = [
    ...dnsNames.map((d) => new pkijs.GeneralName({ type: 2, value: d })),
    ...ips.map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(ip) }) })),
  ];
  cert.extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: false })),
    // KeyUsage digitalSignature: bit 0, i.e. one byte 0x80 with 7 unused bits.
    extension(OID.keyUsage, true, new asn1js.BitString({ valueHex: Uint8Array.of(0x80), unusedBits: 7 })),
    extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.serverAuth] })),
    extension(OID.subjectAltName, false, new pkijs.AltName({ altNames })),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyId })),
  ];

  await cert.sign(keys.privateKey, 'SHA-256', engine);
  const certDer = new Uint8Array(cert.toSchema(true).toBER(false));
  const keyDer = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: toPem('PRIVATE KEY', keyDer), certDer };
}
