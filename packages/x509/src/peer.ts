// A plain-data view of a certificate for adapters' getPeerCertificate(), shaped like Node's
// tls.PeerCertificate where the fields overlap.

import type { Certificate } from './certificate.js';
import { toHex } from './bytes.js';
import { formatIp } from './general-name.js';
import { digest } from './hash.js';
import { type Name, nameToObject, nameToString } from './name.js';
import { OID } from './oids.js';

export interface PeerCertificate {
  readonly subject: Record<string, string | string[]>;
  readonly issuer: Record<string, string | string[]>;
  /** RFC 4514 strings. */
  readonly subjectString: string;
  readonly issuerString: string;
  /** Node format: "DNS:example.com, IP Address:192.0.2.1". */
  readonly subjectaltname: string | undefined;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly emailAddresses: readonly string[];
  readonly ca: boolean;
  readonly valid_from: string;
  readonly valid_to: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Uppercase hex, as Node prints it. */
  readonly serialNumber: string;
  /** Colon-separated uppercase hex digests of the DER. */
  readonly fingerprint: string;
  readonly fingerprint256: string;
  readonly fingerprint512: string;
  readonly ext_key_usage: readonly string[] | undefined;
  readonly publicKey: PublicKeyInfo;
  readonly raw: Uint8Array;
}

export type PublicKeyInfo =
  | { readonly type: 'rsa'; readonly bits: number; readonly modulus: string; readonly exponent: string; readonly spki: Uint8Array }
  | { readonly type: 'ec'; readonly bits: number; readonly nistCurve: 'P-256' | 'P-384'; readonly asn1Curve: string; readonly pubkey: Uint8Array; readonly spki: Uint8Array }
  | { readonly type: 'ed25519'; readonly bits: 256; readonly pubkey: Uint8Array; readonly spki: Uint8Array }
  | { readonly type: 'unsupported'; readonly algorithm: string; readonly spki: Uint8Array };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's ASN1_TIME_print format, which Node uses: "Mar  1 00:00:00 2024 GMT". */
function opensslTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

function colonHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function publicKeyInfo(cert: Certificate): PublicKeyInfo {
  const k = cert.spki.key;
  const spki = cert.spki.der;
  switch (k.kind) {
    case 'rsa':
      return { type: 'rsa', bits: k.bits, modulus: toHex(k.modulus).toUpperCase(), exponent: `0x${k.e.toString(16)}`, spki };
    case 'ec':
      return {
        type: 'ec',
        bits: k.curve === 'P-256' ? 256 : 384,
        nistCurve: k.curve,
        asn1Curve: k.curve === 'P-256' ? 'prime256v1' : 'secp384r1',
        pubkey: k.point,
        spki,
      };
    case 'ed25519':
      return { type: 'ed25519', bits: 256, pubkey: k.key, spki };
    case 'unsupported':
      return { type: 'unsupported', algorithm: k.algorithm, spki };
  }
}

export function toPeerCertificate(cert: Certificate): PeerCertificate {
  const sans = cert.ext.subjectAltName?.value ?? [];
  const parts: string[] = [];
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const emailAddresses: string[] = [];
  for (const n of sans) {
    if (n.kind === 'dns') {
      dnsNames.push(n.value);
      parts.push(`DNS:${n.value}`);
    } else if (n.kind === 'ip') {
      const s = formatIp(n.bytes);
      ipAddresses.push(s);
      parts.push(`IP Address:${s}`);
    } else if (n.kind === 'email') {
      emailAddresses.push(n.value);
      parts.push(`email:${n.value}`);
    } else if (n.kind === 'uri') {
      parts.push(`URI:${n.value}`);
    } else if (n.kind === 'dn') {
      parts.push(`DirName:${nameToString(n.name)}`);
    }
  }
  const name = (n: Name) => nameToObject(n);
  const ekuNames: Record<string, string> = { [OID.serverAuth]: 'serverAuth', [OID.clientAuth]: 'clientAuth' };
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    subjectString: nameToString(cert.subject),
    issuerString: nameToString(cert.issuer),
    subjectaltname: parts.length > 0 ? parts.join(', ') : undefined,
    dnsNames,
    ipAddresses,
    emailAddresses,
    ca: cert.ext.basicConstraints?.value.ca ?? false,
    valid_from: opensslTime(cert.notBefore),
    valid_to: opensslTime(cert.notAfter),
    validFrom: new Date(cert.notBefore),
    validTo: new Date(cert.notAfter),
    serialNumber: toHex(cert.serialBytes).toUpperCase(),
    fingerprint: colonHex(digest('sha1', cert.der)),
    fingerprint256: colonHex(digest('sha256', cert.der)),
    fingerprint512: colonHex(digest('sha512', cert.der)),
    ext_key_usage: cert.ext.extKeyUsage?.value.map((o) => ekuNames[o] ?? o),
    publicKey: publicKeyInfo(cert),
    raw: cert.der,
  };
}
