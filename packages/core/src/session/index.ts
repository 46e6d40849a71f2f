// Resumable sessions: what they hold (types), how they are written down (encoding), kept (cache) and
// handed to clients as RFC 5077 tickets (tickets).
export type { ClientSessionStore, SessionCache, TlsSession } from './types.js';
export { decodeSession, encodeSession, sessionFromPem, sessionToPem } from './encoding.js';
export { LruSessionCache, MemoryClientSessionStore, type SessionStoreOptions } from './cache.js';
export { TicketKeys, type TicketKeysOptions } from './tickets.js';
