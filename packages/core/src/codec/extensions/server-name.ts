// server_name (RFC 6066 §3).
//   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
//   opaque HostName<1..2^16-1>;  struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
// The client sends a ServerNameList; a server that used the name answers with empty extension_data.
// Strict: exactly one entry, of type host_name (OpenSSL does the same; RFC 6066 allows one name per
// type and defines only host_name), an ASCII host name without a trailing dot.

import { decodeError } from '../../errors.js';
import { NameType } from '../constants.js';
import { Reader } from '../reader.js';
import { encode, encodeError } from '../writer.js';

/** Longest host name accepted (a DNS name is at most 253 characters; OpenSSL allows 255). */
export const MAX_HOST_NAME_LENGTH = 255;

/** Why `host` cannot be sent as SNI, or undefined if it can. */
function hostNameProblem(host: string): string | undefined {
  if (host.length === 0) return 'empty host name';
  if (host.length > MAX_HOST_NAME_LENGTH) return `host name longer than ${MAX_HOST_NAME_LENGTH}`;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    // Printable ASCII only: no NUL, controls, spaces or non-ASCII (RFC 6066 §3: "ASCII encoding").
    if (c < 0x21 || c > 0x7e) return `host name byte 0x${c.toString(16)} is not printable ASCII`;
  }
  if (host.endsWith('.')) return 'host name has a trailing dot';
  return undefined;
}

/** RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName." */
function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * Whether a client may send `host` as SNI: a valid ASCII host name, no trailing dot, not an IP
 * literal. A client connecting to an IP address simply omits the extension.
 */
export function isSniHostName(host: string): boolean {
  return hostNameProblem(host) === undefined && !isIpLiteral(host);
}

/** Client extension_data naming `host`. */
export function encodeServerName(host: string): Uint8Array {
  const problem = hostNameProblem(host) ?? (isIpLiteral(host) ? 'IP literals are not allowed in SNI' : undefined);
  if (problem !== undefined) throw encodeError(`server_name: ${problem}`);
  return encode((w) =>
    w.vec16((l) => {
      l.u8(NameType.host_name);
      l.vec16((h) => { for (let i = 0; i < host.length; i++) h.u8(host.charCodeAt(i)); }, 1);
    }, 1),
  );
}

/**
 * The host name in a client's server_name extension. IP literals are not refused here (a server
 * simply will not match them); everything else malformed is decode_error.
 */
export function decodeServerName(data: Uint8Array): string {
  const r = new Reader(data, 'server_name');
  const list = r.sub(2, 'server_name_list', 1);
  r.end();
  const type = list.u8('name_type');
  if (type !== NameType.host_name) throw decodeError(`server_name: unsupported name_type ${type}`);
  const name = list.vec16('host_name', 1);
  if (list.remaining !== 0) throw decodeError('server_name: more than one name in server_name_list');
  let host = '';
  for (let i = 0; i < name.length; i++) host += String.fromCharCode(name[i]!);
  const problem = hostNameProblem(host);
  if (problem !== undefined) throw decodeError(`server_name: ${problem}`);
  return host;
}
