// application_layer_protocol_negotiation (RFC 7301 §3.1).
//   opaque ProtocolName<1..2^8-1>;  struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
// "Empty strings MUST NOT be included and byte strings MUST NOT be truncated." The server's list
// "MUST contain exactly one ProtocolName". Names are byte strings (see bytesToBinaryString).

import { decodeError } from '../../errors.js';
import { Reader } from '../reader.js';
import { encode } from '../writer.js';
import { binaryStringToBytes, bytesToBinaryString } from './common.js';

/** Client form: the offered protocols, in preference order. */
export function encodeAlpn(protocols: readonly string[]): Uint8Array {
  return encode((w) =>
    w.vec16((l) => {
      for (const p of protocols) l.opaque(1, binaryStringToBytes(p, 'ALPN protocol'), 1, 0xff, 'ProtocolName');
    }, 2, 0xffff, 'protocol_name_list'),
  );
}

/** Client form: every offered protocol name. */
export function decodeAlpn(data: Uint8Array): string[] {
  const r = new Reader(data, 'application_layer_protocol_negotiation');
  const list = r.sub(2, 'protocol_name_list', 2);
  r.end();
  const out: string[] = [];
  while (list.remaining > 0) out.push(bytesToBinaryString(list.vec8('ProtocolName', 1)));
  return out;
}

/** Server form: the one selected protocol. */
export function encodeAlpnSelected(protocol: string): Uint8Array {
  return encodeAlpn([protocol]);
}

/** Server form: exactly one name, else decode_error. */
export function decodeAlpnSelected(data: Uint8Array): string {
  const names = decodeAlpn(data);
  if (names.length !== 1) throw decodeError(`application_layer_protocol_negotiation: server selected ${names.length} protocols, must be exactly one`);
  return names[0]!;
}
