// SessionTicket TLS extension (RFC 5077 §3.2). The client's extension_data is the ticket itself
// (empty to ask for a new one); the server's is empty (it will send NewSessionTicket).

import { decodeEmpty } from './common.js';

/** Client form: the opaque ticket (possibly empty). Kept as is, not copied. */
export function encodeSessionTicket(ticket: Uint8Array = new Uint8Array(0)): Uint8Array {
  return ticket;
}

export function decodeSessionTicket(data: Uint8Array): Uint8Array {
  return data;
}

/** Server form: empty. */
export function decodeSessionTicketAck(data: Uint8Array): true {
  decodeEmpty('session_ticket', data);
  return true;
}
