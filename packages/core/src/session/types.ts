// What a resumable TLS 1.2 session is (RFC 5246 §7.3, RFC 5077 §4) and the small interfaces that keep
// sessions: the server's cache by session ID, the client's store by server name and port, the server's
// ticket keys. All synchronous: the core has no promises; a store may be backed by anything.

/** The state both sides keep to resume a session (RFC 5246 §7.4.1.2 "session state"). */
export interface TlsSession {
  /** Always TLS 1.2 (0x0303): a session never resumes at another version. */
  readonly version: number;
  /** The cipher suite code the session was made with; resumption must use the same suite. */
  readonly cipherSuite: number;
  /** The 48-byte master secret. Secret: stored tickets and session files hold it. */
  readonly masterSecret: Uint8Array;
  /** RFC 7627: sessions without it are not resumed (triple handshake defence, RFC 7627 §5.3). */
  readonly extendedMasterSecret: boolean;
  /** RFC 7366 was in force; a resumption must keep it (RFC 7366 §3.1). */
  readonly encryptThenMac: boolean;
  /** Session ID (0..32 bytes; empty for a session known only by its ticket). */
  readonly sessionId: Uint8Array;
  /** Client side: the RFC 5077 ticket to offer (absent when the server issued none). */
  readonly ticket?: Uint8Array;
  /** Client side: the ticket_lifetime_hint in seconds (0: unspecified). */
  readonly ticketLifetime?: number;
  /** The SNI name of the original handshake: never resumed under another name (RFC 6066 §3). */
  readonly serverName?: string;
  /** The ALPN protocol of the original handshake. */
  readonly alpn?: string;
  /** The peer's certificates, DER, leaf first (client: the server's chain; server: the client's, if any). */
  readonly peerCertificates: readonly Uint8Array[];
  /** When the full handshake that made it completed, in ms since the epoch. */
  readonly createdAt: number;
}

/** Server side: sessions by ID (RFC 5246 §7.4.1.3). */
export interface SessionCache {
  get(sessionId: Uint8Array): TlsSession | undefined;
  set(sessionId: Uint8Array, session: TlsSession): void;
  delete(sessionId: Uint8Array): void;
}

/** Client side: sessions by key, which the adapters make from server name and port ("name:port"). */
export interface ClientSessionStore {
  get(key: string): TlsSession | undefined;
  set(key: string, session: TlsSession): void;
  delete(key: string): void;
}
