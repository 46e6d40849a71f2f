// The extensions block of the hellos (RFC 5246 §7.4.1.4):
//   Extension extensions<0..2^16-1>;  struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; }
//
// Duplicates: "There MUST NOT be more than one extension of the same type." RFC 5246 names no
// alert. We send illegal_parameter, as OpenSSL does (checked against `openssl s_server` in
// packages/core/test/codec/interop-alerts.test.ts); BoringSSL sends decode_error, and both fit
// RFC 5246 §7.2.2. Unlike OpenSSL, which only checks types it knows, we refuse a repeat of any type.
//
// Unknown extensions are kept raw, in wire order. Servers ignore them; a client must refuse any
// ServerHello extension it did not offer (RFC 5246 §7.4.1.4, unsupported_extension): that check
// needs the offer, so it belongs to the handshake: `raw` has every type, and
// `unsolicitedExtensions()` does the comparison.

import { TlsError } from '../../errors.js';
import { ExtensionType, extensionTypeName, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../constants.js';
import { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { decodeAlpn, decodeAlpnSelected, encodeAlpn, encodeAlpnSelected } from './alpn.js';
import { decodeEmpty, encodeEmpty, type RawExtension } from './common.js';
import { decodeEcPointFormats, encodeEcPointFormats } from './ec-point-formats.js';
import { decodeEncryptThenMac } from './encrypt-then-mac.js';
import { decodeExtendedMasterSecret } from './extended-master-secret.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from './renegotiation-info.js';
import { decodeServerName, encodeServerName } from './server-name.js';
import { decodeSessionTicket, decodeSessionTicketAck, encodeSessionTicket } from './session-ticket.js';
import { decodeSignatureAlgorithms, encodeSignatureAlgorithms } from './signature-algorithms.js';
import { decodeStatusRequest, encodeStatusRequest, type StatusRequest } from './status-request.js';
import { decodeSupportedGroups, encodeSupportedGroups } from './supported-groups.js';

export type { RawExtension } from './common.js';

/** Alert for a repeated extension type (see the header comment). */
export const duplicateExtension = (type: number): TlsError =>
  new TlsError('ILLEGAL_PARAMETER', 'illegal_parameter', `duplicate extension ${extensionTypeName(type) ?? type}`);

/** Decode the contents of an extensions block (without its 2-byte length) into raw extensions. */
export function decodeExtensions(block: Uint8Array): RawExtension[] {
  const r = new Reader(block, 'extensions');
  const out: RawExtension[] = [];
  const seen = new Set<number>();
  while (r.remaining > 0) {
    const type = r.u16('extension_type');
    const data = r.vec16(`extension ${extensionTypeName(type) ?? type} data`);
    if (seen.has(type)) throw duplicateExtension(type);
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

/** Write an extensions block with its 2-byte length. Refuses duplicates (our own bug). */
export function writeExtensions(w: Writer, exts: readonly RawExtension[]): void {
  const seen = new Set<number>();
  w.vec16((b) => {
    for (const e of exts) {
      if (seen.has(e.type)) throw new TlsError('ENCODE_ERROR', 'internal_error', `duplicate extension ${e.type} in encode`);
      seen.add(e.type);
      b.u16(e.type).opaque(2, e.data, 0, 0xffff, 'extension_data');
    }
  }, 0, 0xffff, 'extensions');
}

/** What a ClientHello asks for, decoded strictly. Absent fields mean the extension was absent. */
export interface ClientHelloExtensions {
  serverName?: string;
  supportedGroups?: number[];
  ecPointFormats?: number[];
  signatureAlgorithms?: number[];
  alpn?: string[];
  extendedMasterSecret?: boolean;
  encryptThenMac?: boolean;
  /** renegotiated_connection (empty on an initial handshake). */
  renegotiationInfo?: Uint8Array;
  /** The offered ticket; empty to request one. */
  sessionTicket?: Uint8Array;
  statusRequest?: StatusRequest;
}

/** What a ServerHello answers. */
export interface ServerHelloExtensions {
  /** The server used the SNI name (RFC 6066 §3: empty extension_data). */
  serverName?: boolean;
  ecPointFormats?: number[];
  alpn?: string;
  extendedMasterSecret?: boolean;
  encryptThenMac?: boolean;
  renegotiationInfo?: Uint8Array;
  /** The server will send NewSessionTicket (RFC 5077 §3.2). */
  sessionTicket?: boolean;
  /** The server will send CertificateStatus (RFC 6066 §8). */
  statusRequest?: boolean;
}

/** Decoded extensions plus the raw list (wire order) and the ones not interpreted here. */
export type Parsed<T> = T & { readonly raw: readonly RawExtension[]; readonly other: readonly RawExtension[] };

/** Interpret a ClientHello's extensions (server side). Malformed known extensions throw. */
export function parseClientHelloExtensions(raw: readonly RawExtension[]): Parsed<ClientHelloExtensions> {
  const out: ClientHelloExtensions = {};
  const other: RawExtension[] = [];
  for (const e of raw) {
    switch (e.type) {
      case ExtensionType.server_name: out.serverName = decodeServerName(e.data); break;
      case ExtensionType.supported_groups: out.supportedGroups = decodeSupportedGroups(e.data); break;
      case ExtensionType.ec_point_formats: out.ecPointFormats = decodeEcPointFormats(e.data); break;
      case ExtensionType.signature_algorithms: out.signatureAlgorithms = decodeSignatureAlgorithms(e.data); break;
      case ExtensionType.application_layer_protocol_negotiation: out.alpn = decodeAlpn(e.data); break;
      case ExtensionType.extended_master_secret: out.extendedMasterSecret = decodeExtendedMasterSecret(e.data); break;
      case ExtensionType.encrypt_then_mac: out.encryptThenMac = decodeEncryptThenMac(e.data); break;
      case ExtensionType.renegotiation_info: out.renegotiationInfo = decodeRenegotiationInfo(e.data); break;
      case ExtensionType.session_ticket: out.sessionTicket = decodeSessionTicket(e.data); break;
      case ExtensionType.status_request: out.statusRequest = decodeStatusRequest(e.data); break;
      default: other.push(e);
    }
  }
  return { ...out, raw, other };
}

/** Interpret a ServerHello's extensions (client side). Types not meaningful in a ServerHello go to `other`. */
export function parseServerHelloExtensions(raw: readonly RawExtension[]): Parsed<ServerHelloExtensions> {
  const out: ServerHelloExtensions = {};
  const other: RawExtension[] = [];
  for (const e of raw) {
    switch (e.type) {
      case ExtensionType.server_name: decodeEmpty('server_name', e.data); out.serverName = true; break;
      case ExtensionType.ec_point_formats: out.ecPointFormats = decodeEcPointFormats(e.data); break;
      case ExtensionType.application_layer_protocol_negotiation: out.alpn = decodeAlpnSelected(e.data); break;
      case ExtensionType.extended_master_secret: out.extendedMasterSecret = decodeExtendedMasterSecret(e.data); break;
      case ExtensionType.encrypt_then_mac: out.encryptThenMac = decodeEncryptThenMac(e.data); break;
      case ExtensionType.renegotiation_info: out.renegotiationInfo = decodeRenegotiationInfo(e.data); break;
      case ExtensionType.session_ticket: out.sessionTicket = decodeSessionTicketAck(e.data); break;
      case ExtensionType.status_request: decodeEmpty('status_request', e.data); out.statusRequest = true; break;
      default: other.push(e);
    }
  }
  return { ...out, raw, other };
}

/**
 * The ServerHello extension types the client did not offer (RFC 5246 §7.4.1.4: the client MUST
 * abort with unsupported_extension). Offering TLS_EMPTY_RENEGOTIATION_INFO_SCSV counts as offering
 * renegotiation_info (RFC 5746 §3.4).
 */
export function unsolicitedExtensions(
  offered: readonly RawExtension[],
  received: readonly RawExtension[],
  offeredSuites: readonly number[] = [],
): number[] {
  const ok = new Set(offered.map((e) => e.type));
  if (offeredSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) ok.add(ExtensionType.renegotiation_info);
  return received.filter((e) => !ok.has(e.type)).map((e) => e.type);
}

const ext = (type: number, data: Uint8Array): RawExtension => ({ type, data });

/**
 * Build a ClientHello's extensions from the typed form, in a fixed order (renegotiation_info first,
 * as RFC 5746 does not require but many stacks send). Append `extra` raw extensions after them.
 */
export function buildClientHelloExtensions(x: ClientHelloExtensions, extra: readonly RawExtension[] = []): RawExtension[] {
  const out: RawExtension[] = [];
  if (x.renegotiationInfo) out.push(ext(ExtensionType.renegotiation_info, encodeRenegotiationInfo(x.renegotiationInfo)));
  if (x.serverName !== undefined) out.push(ext(ExtensionType.server_name, encodeServerName(x.serverName)));
  if (x.extendedMasterSecret) out.push(ext(ExtensionType.extended_master_secret, encodeEmpty()));
  if (x.encryptThenMac) out.push(ext(ExtensionType.encrypt_then_mac, encodeEmpty()));
  if (x.supportedGroups) out.push(ext(ExtensionType.supported_groups, encodeSupportedGroups(x.supportedGroups)));
  if (x.ecPointFormats) out.push(ext(ExtensionType.ec_point_formats, encodeEcPointFormats(x.ecPointFormats)));
  if (x.sessionTicket) out.push(ext(ExtensionType.session_ticket, encodeSessionTicket(x.sessionTicket)));
  if (x.statusRequest) out.push(ext(ExtensionType.status_request, encodeStatusRequest(x.statusRequest)));
  if (x.signatureAlgorithms) out.push(ext(ExtensionType.signature_algorithms, encodeSignatureAlgorithms(x.signatureAlgorithms)));
  if (x.alpn) out.push(ext(ExtensionType.application_layer_protocol_negotiation, encodeAlpn(x.alpn)));
  return out.concat(extra);
}

/** Build a ServerHello's extensions from the typed form. */
export function buildServerHelloExtensions(x: ServerHelloExtensions, extra: readonly RawExtension[] = []): RawExtension[] {
  const out: RawExtension[] = [];
  if (x.renegotiationInfo) out.push(ext(ExtensionType.renegotiation_info, encodeRenegotiationInfo(x.renegotiationInfo)));
  if (x.serverName) out.push(ext(ExtensionType.server_name, encodeEmpty()));
  if (x.extendedMasterSecret) out.push(ext(ExtensionType.extended_master_secret, encodeEmpty()));
  if (x.encryptThenMac) out.push(ext(ExtensionType.encrypt_then_mac, encodeEmpty()));
  if (x.ecPointFormats) out.push(ext(ExtensionType.ec_point_formats, encodeEcPointFormats(x.ecPointFormats)));
  if (x.sessionTicket) out.push(ext(ExtensionType.session_ticket, encodeEmpty()));
  if (x.statusRequest) out.push(ext(ExtensionType.status_request, encodeEmpty()));
  if (x.alpn !== undefined) out.push(ext(ExtensionType.application_layer_protocol_negotiation, encodeAlpnSelected(x.alpn)));
  return out.concat(extra);
}

export * from './alpn.js';
export * from './common.js';
export * from './ec-point-formats.js';
export * from './encrypt-then-mac.js';
export * from './extended-master-secret.js';
export * from './renegotiation-info.js';
export * from './server-name.js';
export * from './session-ticket.js';
export * from './signature-algorithms.js';
export * from './status-request.js';
export * from './supported-groups.js';
