// Which session a ClientHello may resume (RFC 5246 §7.4.1.2 session ID, RFC 5077 §3.1 ticket), and what a
// completed handshake leaves behind for resumption. A session that does not fit means a full handshake,
// never an error, with one exception: RFC 7627 §5.3 (an EMS session offered without EMS).
import { cipherSuiteByCode, ProtocolVersion } from '../codec/constants.js';
import type { DecodedClientHello } from '../codec/messages/client-hello.js';
import { TlsError } from '../errors.js';
import type { TlsSession } from '../session/types.js';
import type { ServerChoice } from './negotiate.js';
import type { ResolvedClient, ResolvedServer } from './options.js';

export interface Resumption {
  readonly session: TlsSession;
  /** The choice for this abbreviated handshake (suite of the session, extensions negotiated afresh). */
  readonly choice: ServerChoice;
  /** Send NewSessionTicket before our ChangeCipherSpec (a ticket under an older key, RFC 5077 §3.3). */
  readonly renewTicket: boolean;
}

/** Server side: the session the ClientHello resumes, if any (after the full negotiation succeeded). */
export function findResumption(ch: DecodedClientHello, cfg: ResolvedServer, base: ServerChoice, renegotiating: boolean): Resumption | undefined {
  if (renegotiating) return undefined; // renegotiation is always a full handshake here
  let session: TlsSession | undefined;
  let renewTicket = false;
  const ticket = ch.ext.sessionTicket;
  if (cfg.ticketKeys && ticket !== undefined && ticket.length > 0) {
    const opened = cfg.ticketKeys.open(ticket);
    if (opened) ({ session, renewTicket } = { session: opened.session, renewTicket: opened.renew });
  }
  if (!session && cfg.sessionCache && ch.sessionId.length > 0) session = cfg.sessionCache.get(ch.sessionId);
  if (!session) return undefined;
  if (!session.extendedMasterSecret) return undefined; // RFC 7627 §5.3: not resumed, full handshake
  // RFC 7627 §5.3: "If the original session used the extension but the new ClientHello does not contain
  // it, the server MUST abort the abbreviated handshake."
  if (!base.ems) throw new TlsError('EMS_REQUIRED', 'handshake_failure', 'resumption of an extended-master-secret session without the extension');
  const suite = cipherSuiteByCode(session.cipherSuite);
  if (session.version !== ProtocolVersion.TLS1_2 || !suite || !cfg.suites.includes(suite) || !ch.cipherSuites.includes(suite.code)) return undefined;
  if (session.serverName !== base.serverName) return undefined; // RFC 6066 §3
  // RFC 7366 §3.1: encrypt-then-MAC neither gained nor lost on resumption.
  const etm = cfg.etm && ch.ext.encryptThenMac === true && suite.mac !== 'AEAD';
  if (etm !== session.encryptThenMac) return undefined;
  if (cfg.clientAuth?.require && session.peerCertificates.length === 0) return undefined;
  return {
    session,
    choice: { ...base, suite, group: undefined, signatureScheme: undefined, encryptThenMac: etm, ocspResponse: undefined },
    // A ticket under an older key, or an empty one (the client asks for a ticket while resuming by ID).
    renewTicket: renewTicket || ticket?.length === 0,
  };
}

/** Client side: the session to offer, when it fits this connection (RFC 5246 §7.4.1.2, RFC 7627 §5.3). */
export function sessionToOffer(cfg: ResolvedClient, renegotiating: boolean): TlsSession | undefined {
  const s = cfg.session;
  if (!s || renegotiating) return undefined;
  if (s.version !== ProtocolVersion.TLS1_2 || !s.extendedMasterSecret || !cfg.ems) return undefined;
  if (s.serverName !== cfg.serverName) return undefined;
  if (!cfg.suites.some((x) => x.code === s.cipherSuite)) return undefined;
  if (s.masterSecret.length !== 48) return undefined;
  if (s.sessionId.length === 0 && (s.ticket === undefined || !cfg.tickets)) return undefined;
  return s;
}
