// Typed handshake messages: one discriminated union, a decoder that dispatches on the header type
// and an encoder that frames. Unknown handshake types are unexpected_message (RFC 5246 §7.4:
// messages "MUST be sent in the order specified"; a type we do not know is never expected).

import { TlsError, unexpectedMessage } from '../../errors.js';
import { HandshakeType, type KeyExchange } from '../constants.js';
import { decodeCertificateRequest, encodeCertificateRequest, type CertificateRequest } from './certificate-request.js';
import { decodeCertificateStatus, encodeCertificateStatus, type CertificateStatus } from './certificate-status.js';
import { decodeCertificateVerify, encodeCertificateVerify, type CertificateVerify } from './certificate-verify.js';
import { decodeCertificate, encodeCertificate, type Certificate } from './certificate.js';
import { decodeClientHello, encodeClientHello, type ClientHello, type DecodedClientHello } from './client-hello.js';
import { decodeClientKeyExchange, encodeClientKeyExchange, type ClientKeyExchange } from './client-key-exchange.js';
import { decodeFinished, encodeFinished, type Finished } from './finished.js';
import { encodeHandshake, type RawHandshakeMessage } from './handshake.js';
import { decodeHelloRequest, encodeHelloRequest } from './hello-request.js';
import { decodeNewSessionTicket, encodeNewSessionTicket, type NewSessionTicket } from './new-session-ticket.js';
import { decodeServerHelloDone, encodeServerHelloDone } from './server-hello-done.js';
import { decodeServerHello, encodeServerHello, type DecodedServerHello, type ServerHello } from './server-hello.js';
import { decodeServerKeyExchange, encodeServerKeyExchange, type ServerKeyExchange } from './server-key-exchange.js';

type HT = typeof HandshakeType;

/** A handshake message to encode (decoded forms carry more: see DecodedHandshakeMessage). */
export type HandshakeMessage =
  | { readonly type: HT['hello_request'] }
  | { readonly type: HT['client_hello']; readonly message: ClientHello }
  | { readonly type: HT['server_hello']; readonly message: ServerHello }
  | { readonly type: HT['new_session_ticket']; readonly message: NewSessionTicket }
  | { readonly type: HT['certificate']; readonly message: Certificate }
  | { readonly type: HT['server_key_exchange']; readonly message: Pick<ServerKeyExchange, 'params' | 'signed'> }
  | { readonly type: HT['certificate_request']; readonly message: CertificateRequest }
  | { readonly type: HT['server_hello_done'] }
  | { readonly type: HT['certificate_verify']; readonly message: CertificateVerify }
  | { readonly type: HT['client_key_exchange']; readonly message: ClientKeyExchange }
  | { readonly type: HT['finished']; readonly message: Finished }
  | { readonly type: HT['certificate_status']; readonly message: CertificateStatus };

/** A decoded message, with the raw bytes for the transcript. */
export type DecodedHandshakeMessage = { readonly raw: Uint8Array } & (
  | { readonly type: HT['hello_request'] }
  | { readonly type: HT['client_hello']; readonly message: DecodedClientHello }
  | { readonly type: HT['server_hello']; readonly message: DecodedServerHello }
  | { readonly type: HT['new_session_ticket']; readonly message: NewSessionTicket }
  | { readonly type: HT['certificate']; readonly message: Certificate }
  | { readonly type: HT['server_key_exchange']; readonly message: ServerKeyExchange }
  | { readonly type: HT['certificate_request']; readonly message: CertificateRequest }
  | { readonly type: HT['server_hello_done'] }
  | { readonly type: HT['certificate_verify']; readonly message: CertificateVerify }
  | { readonly type: HT['client_key_exchange']; readonly message: ClientKeyExchange }
  | { readonly type: HT['finished']; readonly message: Finished }
  | { readonly type: HT['certificate_status']; readonly message: CertificateStatus }
);

export interface DecodeContext {
  /** The negotiated key exchange; needed for ServerKeyExchange and ClientKeyExchange. */
  readonly keyExchange?: KeyExchange;
}

function needKx(ctx: DecodeContext, what: string): KeyExchange {
  if (ctx.keyExchange === undefined) throw new TlsError('INTERNAL_ERROR', 'internal_error', `${what}: key exchange not negotiated yet`);
  return ctx.keyExchange;
}

/** Decode a complete message strictly. */
export function decodeHandshakeMessage(m: RawHandshakeMessage, ctx: DecodeContext = {}): DecodedHandshakeMessage {
  const { body, raw } = m;
  switch (m.type) {
    case HandshakeType.hello_request: decodeHelloRequest(body); return { type: m.type, raw };
    case HandshakeType.client_hello: return { type: m.type, raw, message: decodeClientHello(body) };
    case HandshakeType.server_hello: return { type: m.type, raw, message: decodeServerHello(body) };
    case HandshakeType.new_session_ticket: return { type: m.type, raw, message: decodeNewSessionTicket(body) };
    case HandshakeType.certificate: return { type: m.type, raw, message: decodeCertificate(body) };
    case HandshakeType.server_key_exchange:
      return { type: m.type, raw, message: decodeServerKeyExchange(body, needKx(ctx, 'server_key_exchange')) };
    case HandshakeType.certificate_request: return { type: m.type, raw, message: decodeCertificateRequest(body) };
    case HandshakeType.server_hello_done: decodeServerHelloDone(body); return { type: m.type, raw };
    case HandshakeType.certificate_verify: return { type: m.type, raw, message: decodeCertificateVerify(body) };
    case HandshakeType.client_key_exchange:
      return { type: m.type, raw, message: decodeClientKeyExchange(body, needKx(ctx, 'client_key_exchange')) };
    case HandshakeType.finished: return { type: m.type, raw, message: decodeFinished(body) };
    case HandshakeType.certificate_status: return { type: m.type, raw, message: decodeCertificateStatus(body) };
    default: throw unexpectedMessage(`unknown handshake message type ${m.type}`);
  }
}

/** The body of a message (no header). */
export function encodeHandshakeBody(m: HandshakeMessage): Uint8Array {
  switch (m.type) {
    case HandshakeType.hello_request: return encodeHelloRequest();
    case HandshakeType.client_hello: return encodeClientHello(m.message);
    case HandshakeType.server_hello: return encodeServerHello(m.message);
    case HandshakeType.new_session_ticket: return encodeNewSessionTicket(m.message);
    case HandshakeType.certificate: return encodeCertificate(m.message);
    case HandshakeType.server_key_exchange: return encodeServerKeyExchange(m.message);
    case HandshakeType.certificate_request: return encodeCertificateRequest(m.message);
    case HandshakeType.server_hello_done: return encodeServerHelloDone();
    case HandshakeType.certificate_verify: return encodeCertificateVerify(m.message);
    case HandshakeType.client_key_exchange: return encodeClientKeyExchange(m.message);
    case HandshakeType.finished: return encodeFinished(m.message);
    case HandshakeType.certificate_status: return encodeCertificateStatus(m.message);
  }
}

/** A message framed with its header, ready for the transcript and the record layer. */
export function encodeHandshakeMessage(m: HandshakeMessage): Uint8Array {
  return encodeHandshake(m.type, encodeHandshakeBody(m));
}

export * from './certificate-request.js';
export * from './certificate-status.js';
export * from './certificate-verify.js';
export * from './certificate.js';
export * from './client-hello.js';
export * from './client-key-exchange.js';
export * from './digitally-signed.js';
export * from './finished.js';
export * from './handshake.js';
export * from './hello-request.js';
export * from './new-session-ticket.js';
export * from './server-hello-done.js';
export * from './server-hello.js';
export * from './server-key-exchange.js';
