// renegotiation_info (RFC 5746 §3.2).
//   struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;
// Initial handshake: empty renegotiated_connection. Renegotiation: client_verify_data (client), or
// client_verify_data + server_verify_data (server). Comparing the contents is the handshake's job
// (RFC 5746 §3.4-3.7: a mismatch is handshake_failure); here only the syntax is checked.

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encode((w) => w.opaque(1, renegotiatedConnection, 0, 255, 'renegotiated_connection'));
}

export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'renegotiation_info');
  const v = r.vec8('renegotiated_connection');
  r.end();
  return v;
}
