// -trace: the handshake as it happens, one block per message with its key fields, ">>>" for what this
// side sent and "<<<" for what it received. Built on the WireObserver, so the output follows the real
// order of the bytes on the socket, which is the order of RFC 5246 §7.3's handshake description.
import {
  cipherSuiteByCode,
  ExtensionType,
  extensionTypeName,
  HandshakeType,
  namedGroupName,
  signatureSchemeName,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  type DecodedHandshakeMessage,
  type RawExtension,
} from '@sanstls/core';
import { parseCertificate, toPeerCertificate, type SignatureAlgorithm } from '@sanstls/x509';
import { alertDescriptionName, handshakeName, WireObserver, type Direction, type WireItem } from './wire.js';

const ARROW: Record<Direction, string> = { sent: '>>>', received: '<<<' };

const MESSAGE_NAMES: Record<number, string> = {
  [HandshakeType.hello_request]: 'HelloRequest',
  [HandshakeType.client_hello]: 'ClientHello',
  [HandshakeType.server_hello]: 'ServerHello',
  [HandshakeType.new_session_ticket]: 'NewSessionTicket',
  [HandshakeType.certificate]: 'Certificate',
  [HandshakeType.server_key_exchange]: 'ServerKeyExchange',
  [HandshakeType.certificate_request]: 'CertificateRequest',
  [HandshakeType.server_hello_done]: 'ServerHelloDone',
  [HandshakeType.certificate_verify]: 'CertificateVerify',
  [HandshakeType.client_key_exchange]: 'ClientKeyExchange',
  [HandshakeType.finished]: 'Finished',
  [HandshakeType.certificate_status]: 'CertificateStatus',
};

/** Names for suite codes sanstls does not implement but commonly sees offered. */
const OTHER_SUITES: Record<number, string> = {
  [TLS_EMPTY_RENEGOTIATION_INFO_SCSV]: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  [TLS_FALLBACK_SCSV]: 'TLS_FALLBACK_SCSV',
  0x1301: 'TLS_AES_128_GCM_SHA256 (TLS 1.3)',
  0x1302: 'TLS_AES_256_GCM_SHA384 (TLS 1.3)',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256 (TLS 1.3)',
  0x1304: 'TLS_AES_128_CCM_SHA256 (TLS 1.3)',
  0x1305: 'TLS_AES_128_CCM_8_SHA256 (TLS 1.3)',
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const code4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** "ECDHE-RSA-AES128-GCM-SHA256 (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 0xc02f)" or a name for the rest. */
export function suiteLabel(code: number): string {
  const s = cipherSuiteByCode(code);
  if (s) return `${s.openssl} (${s.iana}, ${code4(code)})`;
  const other = OTHER_SUITES[code];
  if (other) return `${other} (${code4(code)})`;
  if ((code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff)) return `GREASE (${code4(code)})`;
  return `unknown suite ${code4(code)}`;
}

export function groupLabel(code: number): string {
  return `${namedGroupName(code) ?? ((code & 0x0f0f) === 0x0a0a ? 'GREASE' : 'unknown group')} (${code})`;
}

export function schemeLabel(code: number): string {
  return `${signatureSchemeName(code) ?? 'unknown scheme'} (${code4(code)})`;
}

function versionLabel(v: number): string {
  const names: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };
  return `${names[v] ?? 'unknown'} (${code4(v)})`;
}

function certSignature(a: SignatureAlgorithm): string {
  switch (a.kind) {
    case 'rsa-pkcs1':
      return `RSA PKCS#1 v1.5 with ${a.hash}`;
    case 'rsa-pss':
      return `RSA-PSS with ${a.hash}`;
    case 'ecdsa':
      return `ECDSA with ${a.hash}`;
    case 'ed25519':
      return 'Ed25519';
    case 'unsupported':
      return `unsupported (${a.oid})`;
  }
}

/** Lines describing one certificate: subject, issuer, validity, key, names. */
export function describeCertificate(der: Uint8Array): string[] {
  try {
    const cert = parseCertificate(der);
    const p = toPeerCertificate(cert);
    const k = p.publicKey;
    const key =
      k.type === 'rsa' ? `RSA ${k.bits} bits` : k.type === 'ec' ? `EC ${k.nistCurve}` : k.type === 'ed25519' ? 'Ed25519' : `unsupported (${k.algorithm})`;
    const lines = [
      `subject   ${p.subjectString || '(empty)'}`,
      `issuer    ${p.issuerString || '(empty)'}`,
      `validity  ${p.valid_from} to ${p.valid_to}`,
      `key       ${key}, signed with ${certSignature(cert.signatureAlgorithm)}`,
    ];
    if (p.subjectaltname) lines.push(`names     ${p.subjectaltname}`);
    return lines;
  } catch (e) {
    return [`(unparsable certificate, ${der.length} bytes: ${(e as Error).message})`];
  }
}

/** Width at which comma-separated lists wrap. */
const WRAP = 100;

/** Splits "a, b, c, ..." into lines of at most WRAP characters after a `lead` column. */
function wrapList(lead: string, text: string): string[] {
  const items = text.split(', ');
  const lines: string[] = [];
  let cur = '';
  for (const item of items) {
    const next = cur ? `${cur}, ${item}` : item;
    if (cur && lead.length + next.length > WRAP) {
      lines.push(cur + ',');
      cur = item;
    } else {
      cur = next;
    }
  }
  lines.push(cur);
  return lines.map((l, i) => (i === 0 ? lead : ' '.repeat(lead.length)) + l);
}

function extensionLines(extensions: readonly RawExtension[], describe: (e: RawExtension) => string | undefined): string[] {
  if (extensions.length === 0) return ['extensions    (none)'];
  const lines = ['extensions'];
  for (const e of extensions) {
    const name = extensionTypeName(e.type) ?? ((e.type & 0x0f0f) === 0x0a0a ? 'GREASE' : `extension ${e.type}`);
    const detail = describe(e) ?? (e.data.length === 0 ? '' : `${e.data.length} bytes`);
    lines.push(...wrapList(`  ${name.padEnd(24)} `, detail).map((l) => l.trimEnd()));
  }
  return lines;
}

function renegotiationInfo(ri: Uint8Array | undefined): string | undefined {
  if (ri === undefined) return undefined;
  return ri.length === 0 ? '(empty: initial handshake, RFC 5746)' : `renegotiated_connection ${hex(ri)}`;
}

/** The body lines for a decoded handshake message. */
export function describeMessage(m: DecodedHandshakeMessage): string[] {
  switch (m.type) {
    case HandshakeType.client_hello: {
      const ch = m.message;
      const x = ch.ext;
      const lines = [
        `version       ${versionLabel(ch.version)}`,
        `random        ${hex(ch.random)}`,
        `session_id    ${ch.sessionId.length === 0 ? '(empty)' : hex(ch.sessionId)}`,
        `cipher_suites ${ch.cipherSuites.length} offered`,
        ...ch.cipherSuites.map((c) => `  ${suiteLabel(c)}`),
        `compression   ${ch.compressionMethods.map((c) => (c === 0 ? 'null' : String(c))).join(', ')}`,
      ];
      return lines.concat(
        extensionLines(ch.extensions, (e) => {
          switch (e.type) {
            case ExtensionType.server_name:
              return x.serverName;
            case ExtensionType.supported_groups:
              return x.supportedGroups?.map(groupLabel).join(', ');
            case ExtensionType.ec_point_formats:
              return x.ecPointFormats?.map((f) => (f === 0 ? 'uncompressed' : String(f))).join(', ');
            case ExtensionType.signature_algorithms:
              return x.signatureAlgorithms?.map((s) => signatureSchemeName(s) ?? code4(s)).join(', ');
            case ExtensionType.application_layer_protocol_negotiation:
              return x.alpn?.join(', ');
            case ExtensionType.extended_master_secret:
              return '(offered, RFC 7627)';
            case ExtensionType.encrypt_then_mac:
              return '(offered, RFC 7366)';
            case ExtensionType.renegotiation_info:
              return renegotiationInfo(x.renegotiationInfo);
            case ExtensionType.session_ticket:
              return x.sessionTicket && x.sessionTicket.length > 0 ? `ticket of ${x.sessionTicket.length} bytes` : '(empty: asks for a ticket)';
            case ExtensionType.status_request:
              return '(OCSP stapling requested)';
            default:
              return undefined;
          }
        }),
      );
    }
    case HandshakeType.server_hello: {
      const sh = m.message;
      const x = sh.ext;
      const downgrade = hex(sh.random.subarray(24)) === '444f574e47524401' ? '  (DOWNGRD: the server also speaks TLS 1.3)' : '';
      const lines = [
        `version       ${versionLabel(sh.version)}`,
        `random        ${hex(sh.random)}${downgrade}`,
        `session_id    ${sh.sessionId.length === 0 ? '(empty)' : hex(sh.sessionId)}`,
        `cipher_suite  ${suiteLabel(sh.cipherSuite)}`,
        `compression   ${sh.compressionMethod === 0 ? 'null' : sh.compressionMethod}`,
      ];
      return lines.concat(
        extensionLines(sh.extensions, (e) => {
          switch (e.type) {
            case ExtensionType.server_name:
              return '(acknowledged)';
            case ExtensionType.ec_point_formats:
              return x.ecPointFormats?.map((f) => (f === 0 ? 'uncompressed' : String(f))).join(', ');
            case ExtensionType.application_layer_protocol_negotiation:
              return x.alpn;
            case ExtensionType.extended_master_secret:
              return '(accepted, RFC 7627)';
            case ExtensionType.encrypt_then_mac:
              return '(accepted, RFC 7366)';
            case ExtensionType.renegotiation_info:
              return renegotiationInfo(x.renegotiationInfo);
            case ExtensionType.session_ticket:
              return '(a NewSessionTicket will follow)';
            case ExtensionType.status_request:
              return '(a CertificateStatus will follow)';
            default:
              return undefined;
          }
        }),
      );
    }
    case HandshakeType.certificate: {
      const certs = m.message.certificates;
      if (certs.length === 0) return ['(no certificate)'];
      const lines: string[] = [];
      certs.forEach((der, i) => {
        const [first, ...rest] = describeCertificate(der);
        lines.push(`[${i}] ${first}`, ...rest.map((l) => `    ${l}`));
      });
      return lines;
    }
    case HandshakeType.server_key_exchange: {
      const { params, signed } = m.message;
      const lines =
        params.kind === 'ecdhe'
          ? [`group         ${groupLabel(params.group)}`, `public        ${params.publicKey.length} bytes`]
          : [`DH prime      ${params.p.length * 8} bits`, `public        ${params.publicKey.length} bytes`];
      lines.push(`signature     ${schemeLabel(signed.scheme)}, ${signed.signature.length} bytes`);
      return lines;
    }
    case HandshakeType.client_key_exchange: {
      const c = m.message;
      return c.kind === 'rsa' ? [`encrypted premaster ${c.encryptedPreMasterSecret.length} bytes`] : [`public        ${c.publicKey.length} bytes`];
    }
    case HandshakeType.certificate_request:
      return [
        `types         ${m.message.certificateTypes.join(', ')}`,
        `signatures    ${m.message.signatureAlgorithms.map((s) => signatureSchemeName(s) ?? code4(s)).join(', ')}`,
      ];
    case HandshakeType.certificate_verify:
      return [`signature     ${schemeLabel(m.message.scheme)}, ${m.message.signature.length} bytes`];
    case HandshakeType.finished:
      return [`verify_data   ${hex(m.message.verifyData)}`];
    case HandshakeType.new_session_ticket:
      return [`lifetime hint ${m.message.lifetimeHint} s`, `ticket        ${m.message.ticket.length} bytes`];
    default:
      return [];
  }
}

/** The lines for one observed item; the first line carries the arrow. */
export function formatItem(direction: Direction, item: WireItem): string[] {
  const a = ARROW[direction];
  switch (item.kind) {
    case 'handshake': {
      const name = MESSAGE_NAMES[item.message.type] ?? handshakeName(item.message.type);
      return [`${a} ${name} (${item.length} bytes)`, ...describeMessage(item.message).map((l) => `      ${l}`)];
    }
    case 'undecodable':
      return [`${a} ${MESSAGE_NAMES[item.type] ?? handshakeName(item.type)} (${item.length} bytes, undecodable: ${item.error})`];
    case 'change_cipher_spec':
      return [`${a} ChangeCipherSpec`];
    case 'encrypted_handshake':
      return [item.finished ? `${a} Finished (encrypted, ${item.length} bytes)` : `${a} handshake message (encrypted, ${item.length} bytes)`];
    case 'alert':
      return [`${a} Alert ${item.level === 1 ? 'warning' : item.level === 2 ? 'fatal' : `level ${item.level}`} ${alertDescriptionName(item.description)}`];
    case 'encrypted_alert':
      return [`${a} Alert (encrypted, ${item.length} bytes)`];
    case 'application_data':
      return [`${a} ApplicationData (encrypted, ${item.length} bytes)`];
    case 'not_tls':
      return [`${a} ${item.detail}`];
  }
}

/** A WireObserver that prints each item through `print` (one call per line), optionally prefixed. */
export function createTracer(print: (line: string) => void, prefix = ''): WireObserver {
  return new WireObserver((direction, item) => {
    for (const line of formatItem(direction, item)) print(prefix + line);
  });
}
