// Server identity (RFC 9525, formerly RFC 6125): only subjectAltName dNSName and iPAddress entries
// count (§6.1: no Common Name fallback); DNS names compare case-insensitively as A-labels (§6.3);
// a wildcard is only the complete leftmost label (§6.3) and never over a two-label name; IP
// literals only match iPAddress entries (§6.5).

import type { Certificate } from './certificate.js';
import { bytesEqual } from './bytes.js';
import { X509Error } from './errors.js';
import { parseIp } from './ip.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function normalise(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** A syntactically valid DNS host name (LDH labels, RFC 1123 §2.1; A-labels are LDH too). */
export function isValidDnsName(name: string): boolean {
  const n = normalise(name);
  if (n.length === 0 || n.length > 253) return false;
  return n.split('.').every((l) => LABEL.test(l));
}

/** A presented dNSName: LDH, with an optional `*` as the whole leftmost label over ≥ 2 more labels. */
export function isValidPresentedDnsName(name: string): boolean {
  const n = normalise(name);
  if (n.startsWith('*.')) {
    const rest = n.slice(2);
    return rest.split('.').length >= 2 && isValidDnsName(rest);
  }
  return isValidDnsName(n);
}

export function matchDnsName(presented: string, reference: string): boolean {
  if (!isValidPresentedDnsName(presented)) return false;
  const p = normalise(presented);
  const r = normalise(reference);
  if (!p.startsWith('*.')) return p === r;
  const dot = r.indexOf('.');
  // The wildcard stands for exactly one non-empty label.
  return dot > 0 && r.slice(dot + 1) === p.slice(2);
}

export type PeerIdentity = { readonly kind: 'dns'; readonly name: string } | { readonly kind: 'ip'; readonly bytes: Uint8Array };

/** Classifies a reference identifier: IP literal, else DNS name; throws when it is neither. */
export function parseReferenceIdentity(host: string): PeerIdentity {
  const ip = parseIp(host);
  if (ip) return { kind: 'ip', bytes: ip };
  if (!isValidDnsName(host)) {
    throw new X509Error('ERR_TLS_CERT_ALTNAME_INVALID', `Hostname/IP does not match certificate's altnames: invalid name "${host}"`);
  }
  return { kind: 'dns', name: normalise(host) };
}

export function certificateMatchesIdentity(cert: Certificate, id: PeerIdentity): boolean {
  const sans = cert.ext.subjectAltName?.value ?? [];
  if (id.kind === 'ip') return sans.some((n) => n.kind === 'ip' && bytesEqual(n.bytes, id.bytes));
  return sans.some((n) => n.kind === 'dns' && matchDnsName(n.value, id.name));
}

/** Throws ERR_TLS_CERT_ALTNAME_INVALID (as Node does) when the certificate is not for `host`. */
export function checkServerIdentity(host: string, cert: Certificate): void {
  const id = parseReferenceIdentity(host);
  if (!certificateMatchesIdentity(cert, id)) {
    const what = id.kind === 'ip' ? `IP: ${host} is not in the cert's list` : `Host: ${host} is not in the cert's altnames`;
    throw new X509Error('ERR_TLS_CERT_ALTNAME_INVALID', `Hostname/IP does not match certificate's altnames: ${what}`);
  }
}
