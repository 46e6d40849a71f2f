// What the handshake machines share: their events, the narrow I/O surface their actions may use, the
// summary of a finished handshake, and verdicts (how a guard's check and the failure branch that
// follows it agree on one result without running the check twice).
//
// Error handling, one way for both machines: every check that can fail is a guard. A state's transition
// for a message is a list [{ guard: check, target: next }, { target: 'failed', actions: fail(check) }]:
// the guard runs the check (a small pure function that returns a value or throws TlsError), the result is
// memoised on the event object, the success branch's actions read the value, and the failure branch
// records the error in context.error. Messages a state does not list reach the root '*' transition:
// unexpected_message. Actions themselves do not fail in normal operation; should one throw (a bug), the
// actor errors, and the connection turns snapshot.error into internal_error.
import type { AlertName } from '../alerts.js';
import type { HandshakeType } from '../codec/constants.js';
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { TlsError } from '../errors.js';
import type { RecordProtector } from '../record/protection/types.js';
import type { TlsSession } from '../session/types.js';
import type { EcdheGroup } from './key-exchange/ecdhe.js';
import type { KnownDhGroup } from './key-exchange/ffdhe-groups.js';

export type HandshakeMessageName = keyof typeof HandshakeType;

/** An (EC)DHE group by name: RFC 8422 curves, RFC 7919 groups, and the RFC 3526 groups a server may send. */
export type KeyExchangeGroup = EcdheGroup | KnownDhGroup['name'];

/** Events the machines receive: one per handshake message type, CCS, application data, and start. */
export type HandshakeEvent =
  | { readonly type: HandshakeMessageName | 'unknown_handshake'; readonly msg: RawHandshakeMessage }
  | { readonly type: 'change_cipher_spec' }
  | { readonly type: 'application_data'; readonly data: Uint8Array }
  | { readonly type: 'start' }
  /** The user asks for a renegotiation (client: a new ClientHello; server: a HelloRequest). */
  | { readonly type: 'renegotiate' }
  /** Client: the server answered our renegotiating ClientHello with a no_renegotiation warning. */
  | { readonly type: 'renegotiation_declined' };

/** The parameters of a completed handshake, as reported in the connection's 'handshake' event. */
export interface HandshakeInfo {
  readonly version: 'TLSv1.2';
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  readonly cipherSuite: string;
  /** OpenSSL name, e.g. ECDHE-RSA-AES128-GCM-SHA256. */
  readonly cipherSuiteOpenssl: string;
  readonly cipherSuiteCode: number;
  /** How the premaster secret was agreed (on resumption: in the original handshake, per the suite). */
  readonly keyExchange: 'ECDHE' | 'DHE' | 'RSA';
  /** An abbreviated handshake resumed an earlier session (RFC 5246 §7.3); no key exchange took place. */
  readonly resumed: boolean;
  /**
   * The (EC)DHE group; undefined with RSA key exchange, and with DHE over a group that is neither
   * RFC 7919's nor RFC 3526's (a client may accept one, see key-exchange/dhe.ts; `dhBits` gives its size).
   */
  readonly group: KeyExchangeGroup | undefined;
  /** Size of the DHE prime in bits (DHE only). */
  readonly dhBits: number | undefined;
  /** SignatureScheme of the ServerKeyExchange; undefined with RSA key exchange (there is none). */
  readonly signatureScheme: string | undefined;
  /**
   * RFC 7366 encrypt-then-MAC is in use (CBC suites only). Kept for the session: renegotiation and
   * resumption must not drop it (RFC 7366 §3.1).
   */
  readonly encryptThenMac: boolean;
  readonly alpn: string | undefined;
  /** SNI: the name the client sent (server side) or asked for (client side). */
  readonly serverName: string | undefined;
  /**
   * DER, leaf first: the server's chain (client side), the client's (server side; empty when it sent
   * none). On resumption, the chain of the original handshake.
   */
  readonly peerCertificates: readonly Uint8Array[];
  /**
   * The peer's chain verified (always true on the client side, where a failure ends the handshake; on
   * the server side false when the client sent no certificate or clientAuth.rejectUnauthorized is false
   * and its chain did not verify).
   */
  readonly peerAuthorized: boolean;
  /** Why the peer's chain did not verify (an error code such as UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  readonly peerAuthorizationError: string | undefined;
  /** The stapled OCSP response (RFC 6066 §8): received and checked (client), or sent (server). */
  readonly ocspResponse: Uint8Array | undefined;
  readonly extendedMasterSecret: boolean;
  readonly secureRenegotiation: boolean;
  readonly sessionId: Uint8Array;
}

/** The only side effects handshake actions have: through the connection that owns the machine. */
export interface HandshakeIo {
  /** Writes one framed handshake message to the outgoing records. */
  sendHandshake(message: Uint8Array): void;
  sendChangeCipherSpec(): void;
  /** Installs the new write state; must follow sendChangeCipherSpec. */
  changeWriteCipher(p: RecordProtector): void;
  /** Installs the new read state after the peer's ChangeCipherSpec. */
  changeReadCipher(p: RecordProtector): void;
  /** The record version is now fixed (RFC 5246 Appendix E.1). */
  lockVersion(version: number): void;
  /** Application data for the user. */
  deliver(data: Uint8Array): void;
  /** Both Finished verified: the connection is established. */
  complete(info: HandshakeInfo): void;
  /** Sends a warning alert (no_renegotiation). */
  warn(alert: AlertName): void;
  /** A resumable session was established or renewed (client side: for the user to keep). */
  session(session: TlsSession): void;
  /** This handshake's master secret is known (for key logging; see ConnectionOptions.keyLog). */
  secret(clientRandom: Uint8Array, masterSecret: Uint8Array): void;
}

export type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TlsError };

const memo = new WeakMap<object, Map<string, Verdict<unknown>>>();

/** Runs `check` once per (event, name) and remembers its verdict. */
export function verdict<T>(event: object, name: string, check: () => T): Verdict<T> {
  let m = memo.get(event);
  if (!m) memo.set(event, (m = new Map()));
  let v = m.get(name) as Verdict<T> | undefined;
  if (!v) {
    try {
      v = { ok: true, value: check() };
    } catch (e) {
      v = { ok: false, error: asTlsError(e) };
    }
    m.set(name, v);
  }
  return v;
}

export function asTlsError(e: unknown): TlsError {
  return e instanceof TlsError ? e : new TlsError('INTERNAL_ERROR', 'internal_error', `internal error: ${(e as Error)?.message ?? e}`, { cause: e });
}

/** The message carried by a handshake-message event. */
export function messageOf(event: HandshakeEvent): RawHandshakeMessage {
  if (!('msg' in event)) throw new TlsError('INTERNAL_ERROR', 'internal_error', `${event.type} carries no message`);
  return event.msg;
}

export function unexpected(event: HandshakeEvent, state: string): TlsError {
  return new TlsError('UNEXPECTED_MESSAGE', 'unexpected_message', `unexpected ${event.type} in state ${state}`);
}

export function bytesEqualCt(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
