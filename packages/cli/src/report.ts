// What the commands print about a connection: the summary of a completed handshake and the explanation of
// a failure. Shared by s_client, s_server and the demo.
import { isIP } from 'node:net';
import type { HandshakeInfo, TlsError } from '@sanstls/core';
import { describeCertificate } from './trace.js';

/** Exit statuses of the commands. */
export const EXIT = {
  /** The handshake succeeded and the connection ended cleanly. */
  ok: 0,
  /** The connection attempt or the handshake failed. */
  handshakeFailed: 1,
  /** Bad flags or unreadable files. */
  usage: 2,
  /** The handshake succeeded, the connection failed afterwards (fatal alert, truncation, reset). */
  failedAfterHandshake: 3,
} as const;

/** Alerts that report a certificate the client refused (RFC 5246 §7.2.2). */
const CERTIFICATE_ALERTS = new Set(['bad_certificate', 'unsupported_certificate', 'certificate_revoked', 'certificate_expired', 'certificate_unknown', 'unknown_ca']);

/** True when the error is our refusal of the peer's certificate. */
export function isCertificateError(e: TlsError): boolean {
  return !e.remote && CERTIFICATE_ALERTS.has(e.alert);
}

/** One line explaining a failure, naming the problem and the alert that went on the wire. */
export function describeError(e: TlsError, handshakeDone = true): string {
  if (e.code === 'TRUNCATED') {
    return handshakeDone
      ? 'the peer closed the connection without close_notify: the data may be truncated'
      : 'the peer closed the connection during the handshake';
  }
  if (e.remote) return `the peer sent a fatal alert: ${e.alert}`;
  if (isCertificateError(e)) return `certificate verify failed: ${e.code}: ${e.message} (sent alert ${e.alert})`;
  return `${e.code}: ${e.message} (sent alert ${e.alert})`;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function serverNameLabel(name: string | undefined, side: 'client' | 'server'): string {
  if (name === undefined) return side === 'server' ? '(no SNI)' : '(none)';
  // RFC 6066 §3: literal IP addresses are not sent in SNI; the client still checks them in the certificate.
  if (side === 'client' && isIP(name) !== 0) return `${name} (an IP address: checked in the certificate, not sent as SNI)`;
  return name;
}

/**
 * The summary of a completed handshake, OpenSSL-like: "New, TLSv1.2, Cipher is ..." after a full
 * handshake, "Reused, TLSv1.2, Cipher is ..." when a session was resumed.
 */
export function handshakeSummary(info: HandshakeInfo, side: 'client' | 'server'): string[] {
  const signature = info.signatureScheme ?? (info.resumed ? '(none: resumed session)' : '(none: RSA key exchange)');
  const lines = [
    `${info.resumed ? 'Reused' : 'New'}, ${info.version}, Cipher is ${info.cipherSuiteOpenssl}`,
    `    Protocol      : ${info.version}`,
    `    Cipher        : ${info.cipherSuiteOpenssl} (${info.cipherSuite}, 0x${info.cipherSuiteCode.toString(16).padStart(4, '0')})`,
    `    Key exchange  : ${info.keyExchange}${info.group ? ` ${info.group}` : info.dhBits ? ` ${info.dhBits}-bit group` : ''}`,
    `    Signature     : ${signature}`,
    `    ALPN          : ${info.alpn ?? '(none)'}`,
    `    Server name   : ${serverNameLabel(info.serverName, side)}`,
    `    Session-ID    : ${info.sessionId.length > 0 ? Buffer.from(info.sessionId).toString('hex').toUpperCase() : '(none)'}`,
    `    Extended master secret : ${yesNo(info.extendedMasterSecret)}`,
    `    Secure renegotiation   : ${yesNo(info.secureRenegotiation)}`,
  ];
  if (side === 'client') {
    const [leaf] = info.peerCertificates;
    if (leaf) {
      lines.push('Server certificate', ...describeCertificate(leaf).map((l) => `    ${l}`));
      if (info.peerCertificates.length > 1) lines.push(`    (chain of ${info.peerCertificates.length} certificates)`);
    }
  }
  return lines;
}

/** What the server prints about the client's certificate (OpenSSL: "Client certificate", subject, issuer). */
export function clientCertificateLines(info: HandshakeInfo): string[] {
  const [leaf] = info.peerCertificates;
  if (!leaf) return ['Client certificate: none sent'];
  const lines = [`Client certificate${info.resumed ? ' (of the resumed session)' : ''}`, ...describeCertificate(leaf).map((l) => `    ${l}`)];
  if (info.peerCertificates.length > 1) lines.push(`    (chain of ${info.peerCertificates.length} certificates)`);
  lines.push(info.peerAuthorized ? 'Client certificate verification: OK' : `Client certificate verification error: ${info.peerAuthorizationError ?? 'not verified'}`);
  return lines;
}
