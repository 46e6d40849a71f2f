// NewSessionTicket (RFC 5077 §3.3).
//   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
// An empty ticket is legal: the server will not issue one after all (RFC 5077 §3.3).

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export interface NewSessionTicket {
  /** Seconds; 0 means unspecified. */
  readonly lifetimeHint: number;
  readonly ticket: Uint8Array;
}

export function encodeNewSessionTicket(t: NewSessionTicket): Uint8Array {
  return encode((w) => w.u32(t.lifetimeHint).opaque(2, t.ticket, 0, 0xffff, 'ticket'));
}

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new Reader(body, 'new_session_ticket');
  const lifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.vec16('ticket');
  r.end();
  return { lifetimeHint, ticket };
}
