// The TLS 1.2 client handshake (RFC 5246 §7.3) as an XState v5 machine: states and legal transitions only.
// Every check is a named guard calling a pure function in client-steps.ts; see machine-support.ts for how
// failures reach the 'failed' state. Messages a state does not list are unexpected_message (root '*').
//
// Structural safety: 'connected' (the only state that accepts application data) is entered only from
// 'waitFinished' through serverFinishedVerified; 'waitFinished' only from 'waitChangeCipherSpec', which is
// entered only from the ServerHelloDone states, reachable only through serverKeyExchangeVerified or, with
// RSA key exchange (RFC 5246 §7.4.3: no ServerKeyExchange), through rsaCertificateAccepted; both only after
// certificateChainAccepted's check and serverHelloAcceptable.
//
//   start ─ClientHello→ waitServerHello ─ServerHello→ waitCertificate ─Certificate→ [waitCertificateStatus
//     ─CertificateStatus→ (when status_request was acknowledged, RFC 6066 §8)] waitServerKeyExchange
//     ─ServerKeyExchange→ waitServerHelloDone [─CertificateRequest→ waitServerHelloDoneAfterRequest]
//   (RSA key exchange: waitCertificate ─Certificate→ waitServerHelloDone; a ServerKeyExchange there is
//   unexpected_message)
//     ─ServerHelloDone / [Certificate] ClientKeyExchange [CertificateVerify] CCS Finished→
//     [waitNewSessionTicket ─NewSessionTicket→] waitChangeCipherSpec ─CCS→ waitFinished ─Finished→ connected
//   Resumption (the server echoes the session ID we offered; RFC 5246 §7.3 Figure 2):
//     waitServerHello ─ServerHello→ [resumedWaitNewSessionTicket ─NewSessionTicket→] resumedWaitChangeCipherSpec
//     ─CCS→ resumedWaitFinished ─Finished / CCS Finished→ connected
//   Renegotiation (RFC 5746): connected ─HelloRequest (admitted) or renegotiate()/ ClientHello→ waitServerHello
//     with a fresh handshake; application data keeps flowing under the old keys until the server's CCS.
import { and, assign, setup } from 'xstate';
import type { TlsError } from '../errors.js';
import {
  acceptCertificateRequest,
  acceptNewSessionTicket,
  acceptServerHello,
  checkCertificateRequest,
  checkNewSessionTicket,
  checkCertificateStatus,
  acceptCertificateStatus,
  checkHelloRequest,
  checkServerCertificate,
  checkServerFinished,
  checkServerHelloDone,
  checkServerHelloMessage,
  checkServerKeyExchange,
  ClientHandshake,
  complete,
  installReadCipher,
  sendClientFlight,
  sendClientHello,
  sendResumedFinished,
} from './client-steps.js';
import { messageOf, unexpected, verdict, type HandshakeEvent, type HandshakeIo, type Verdict } from './machine-support.js';

const checks = {
  serverHello: checkServerHelloMessage,
  certificate: checkServerCertificate,
  serverKeyExchange: checkServerKeyExchange,
  certificateRequest: checkCertificateRequest,
  serverHelloDone: checkServerHelloDone,
  serverFinished: checkServerFinished,
  helloRequest: checkHelloRequest,
  newSessionTicket: checkNewSessionTicket,
  certificateStatus: checkCertificateStatus,
} as const;
type Checks = typeof checks;
export type ClientCheck = keyof Checks;

export interface ClientContext {
  /** The handshake in progress (a renegotiation replaces it). */
  readonly hs: ClientHandshake;
  readonly io: HandshakeIo;
  readonly error: TlsError | undefined;
}

function judged<K extends ClientCheck>(name: K, context: ClientContext, event: HandshakeEvent): Verdict<ReturnType<Checks[K]>> {
  return verdict(event, name, () => checks[name](context.hs, messageOf(event)) as ReturnType<Checks[K]>);
}

/** The value of a check that its guard accepted. */
function accepted<K extends ClientCheck>(name: K, context: ClientContext, event: HandshakeEvent): ReturnType<Checks[K]> {
  const v = judged(name, context, event);
  if (!v.ok) throw v.error;
  return v.value;
}

const failOn = (check: ClientCheck) => ({ target: 'failed', actions: { type: 'fail', params: { check } } }) as const;
// RFC 5246 §7.4.1.1: HelloRequest is ignored while negotiating (and never hashed).
const ignoreHelloRequest = [{ guard: 'helloRequestWellFormed' }, failOn('helloRequest')] as const;
// During a renegotiation the old keys still carry application data, up to the peer's ChangeCipherSpec.
const deliverWhileRenegotiating = { guard: 'renegotiating', actions: 'deliver' } as const;
const serverKeyExchange = [
  { guard: 'serverKeyExchangeVerified', target: 'waitServerHelloDone', actions: 'acceptServerKeyExchange' },
  failOn('serverKeyExchange'),
] as const;
const certificateRequest = [
  { guard: 'certificateRequestWellFormed', target: 'waitServerHelloDoneAfterRequest', actions: 'acceptCertificateRequest' },
  failOn('certificateRequest'),
] as const;
const serverHelloDone = [
  { guard: and(['serverHelloDoneWellFormed', 'ticketAcknowledged']), target: 'waitNewSessionTicket', actions: 'sendClientFlight' },
  { guard: 'serverHelloDoneWellFormed', target: 'waitChangeCipherSpec', actions: 'sendClientFlight' },
  failOn('serverHelloDone'),
] as const;

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as HandshakeEvent,
    input: {} as { hs: ClientHandshake; io: HandshakeIo },
  },
  guards: {
    serverHelloAcceptable: ({ context, event }) => judged('serverHello', context, event).ok,
    serverHelloResumes: ({ context, event }) => {
      const v = judged('serverHello', context, event);
      return v.ok && v.value.resumes;
    },
    // The server acknowledged session_ticket: NewSessionTicket comes before its CCS (RFC 5077 §3.3).
    serverHelloAcknowledgesTicket: ({ context, event }) => {
      const v = judged('serverHello', context, event);
      return v.ok && v.value.choice.ticket;
    },
    ticketAcknowledged: ({ context }) => context.hs.choice?.ticket === true,
    certificateChainAccepted: ({ context, event }) => judged('certificate', context, event).ok,
    // The server acknowledged status_request: CertificateStatus may follow Certificate (RFC 6066 §8).
    statusAcknowledged: ({ context }) => context.hs.choice?.statusRequest === true,
    certificateStatusAccepted: ({ context, event }) => judged('certificateStatus', context, event).ok,
    // "key exchange is RSA" and the certificate (with the encrypted premaster made from its key) accepted.
    rsaCertificateAccepted: ({ context, event }) => context.hs.suite.keyExchange === 'RSA' && judged('certificate', context, event).ok,
    serverKeyExchangeVerified: ({ context, event }) => judged('serverKeyExchange', context, event).ok,
    certificateRequestWellFormed: ({ context, event }) => judged('certificateRequest', context, event).ok,
    serverHelloDoneWellFormed: ({ context, event }) => judged('serverHelloDone', context, event).ok,
    newSessionTicketWellFormed: ({ context, event }) => judged('newSessionTicket', context, event).ok,
    serverFinishedVerified: ({ context, event }) => judged('serverFinished', context, event).ok,
    helloRequestWellFormed: ({ context, event }) => judged('helloRequest', context, event).ok,
    // RFC 5746 §4.2: only a connection with secure renegotiation, within our rate limit.
    renegotiationAdmitted: ({ context }) => context.hs.binding.admit(context.hs.cfg.renegotiation),
    renegotiationPossible: ({ context }) => context.hs.binding.secure,
    renegotiating: ({ context }) => context.hs.binding.established,
  },
  actions: {
    sendClientHello: ({ context }) => sendClientHello(context.hs, context.io),
    acceptServerHello: ({ context, event }) =>
      acceptServerHello(context.hs, context.io, messageOf(event), accepted('serverHello', context, event)),
    acceptCertificate: ({ context, event }) => {
      const v = accepted('certificate', context, event);
      context.hs.peerChain = v.chain;
      context.hs.peerKey = v.publicKey;
      if (v.kx) context.hs.kx = v.kx; // RSA key exchange: the premaster is ready
      context.hs.transcript.add(messageOf(event).raw);
    },
    acceptServerKeyExchange: ({ context, event }) => {
      context.hs.kx = accepted('serverKeyExchange', context, event);
      context.hs.transcript.add(messageOf(event).raw);
    },
    acceptCertificateRequest: ({ context, event }) =>
      acceptCertificateRequest(context.hs, messageOf(event), accepted('certificateRequest', context, event)),
    acceptCertificateStatus: ({ context, event }) =>
      acceptCertificateStatus(context.hs, messageOf(event), accepted('certificateStatus', context, event)),
    acceptNewSessionTicket: ({ context, event }) =>
      acceptNewSessionTicket(context.hs, messageOf(event), accepted('newSessionTicket', context, event)),
    sendClientFlight: ({ context, event }) => sendClientFlight(context.hs, context.io, messageOf(event)),
    installReadCipher: ({ context }) => installReadCipher(context.hs, context.io),
    complete: ({ context, event }) => {
      const serverVerifyData = accepted('serverFinished', context, event);
      context.hs.transcript.add(messageOf(event).raw);
      complete(context.hs, context.io, serverVerifyData);
    },
    sendResumedFinished: ({ context, event }) =>
      sendResumedFinished(context.hs, context.io, messageOf(event), accepted('serverFinished', context, event)),
    deliver: ({ context, event }) => {
      if (event.type === 'application_data') context.io.deliver(event.data);
    },
    // A new handshake on the same connection; the finished one's secrets are wiped now, its keys stay in
    // the record layer until the ChangeCipherSpecs.
    beginRenegotiation: assign(({ context }) => ({ hs: context.hs.successor() })),
    // Entering 'connected': the finished handshake's state (transcript, randoms, key exchange, peer
    // messages) is wiped and dropped; an idle connection keeps only what a renegotiation starts from.
    settle: assign(({ context }) => ({ hs: context.hs.successor() })),
    fail: assign(({ context, event }, params: { check: ClientCheck }) => {
      const v = judged(params.check, context, event);
      return { error: v.ok ? unexpected(event, 'guard') : v.error };
    }),
    unexpected: assign(({ event, self }) => ({ error: unexpected(event, String(self.getSnapshot().value)) })),
  },
}).createMachine({
  id: 'tls12-client',
  context: ({ input }) => ({ hs: input.hs, io: input.io, error: undefined }),
  initial: 'start',
  // Anything a state does not list: fatal unexpected_message (RFC 5246 §7.4).
  on: { '*': { target: '.failed', actions: 'unexpected' } },
  states: {
    start: {
      on: { start: { target: 'waitServerHello', actions: 'sendClientHello' } },
    },
    waitServerHello: {
      on: {
        server_hello: [
          { guard: and(['serverHelloResumes', 'serverHelloAcknowledgesTicket']), target: 'resumedWaitNewSessionTicket', actions: 'acceptServerHello' },
          { guard: 'serverHelloResumes', target: 'resumedWaitChangeCipherSpec', actions: 'acceptServerHello' },
          { guard: 'serverHelloAcceptable', target: 'waitCertificate', actions: 'acceptServerHello' },
          failOn('serverHello'),
        ],
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
        // RFC 5746 §4.4: a declined renegotiation leaves the connection as it was.
        renegotiation_declined: { guard: 'renegotiating', target: 'connected' },
      },
    },
    waitCertificate: {
      on: {
        // RSA key exchange skips waitServerKeyExchange (RFC 5246 §7.4.3); ECDHE and DHE go through it.
        certificate: [
          { guard: and(['statusAcknowledged', 'rsaCertificateAccepted']), target: 'waitCertificateStatusRsa', actions: 'acceptCertificate' },
          { guard: and(['statusAcknowledged', 'certificateChainAccepted']), target: 'waitCertificateStatus', actions: 'acceptCertificate' },
          { guard: 'rsaCertificateAccepted', target: 'waitServerHelloDone', actions: 'acceptCertificate' },
          { guard: 'certificateChainAccepted', target: 'waitServerKeyExchange', actions: 'acceptCertificate' },
          failOn('certificate'),
        ],
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    // RFC 6066 §8: after an acknowledged status_request the server may send CertificateStatus, or not.
    waitCertificateStatus: {
      on: {
        certificate_status: [
          { guard: 'certificateStatusAccepted', target: 'waitServerKeyExchange', actions: 'acceptCertificateStatus' },
          failOn('certificateStatus'),
        ],
        server_key_exchange: serverKeyExchange,
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    waitCertificateStatusRsa: {
      on: {
        certificate_status: [
          { guard: 'certificateStatusAccepted', target: 'waitServerHelloDone', actions: 'acceptCertificateStatus' },
          failOn('certificateStatus'),
        ],
        certificate_request: certificateRequest,
        server_hello_done: serverHelloDone,
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    waitServerKeyExchange: {
      on: {
        server_key_exchange: serverKeyExchange,
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    waitServerHelloDone: {
      on: {
        certificate_request: certificateRequest,
        server_hello_done: serverHelloDone,
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    waitServerHelloDoneAfterRequest: {
      on: {
        server_hello_done: serverHelloDone,
        hello_request: ignoreHelloRequest,
        application_data: deliverWhileRenegotiating,
      },
    },
    waitNewSessionTicket: {
      on: {
        new_session_ticket: [
          { guard: 'newSessionTicketWellFormed', target: 'waitChangeCipherSpec', actions: 'acceptNewSessionTicket' },
          failOn('newSessionTicket'),
        ],
        application_data: deliverWhileRenegotiating,
      },
    },
    waitChangeCipherSpec: {
      on: {
        change_cipher_spec: { target: 'waitFinished', actions: 'installReadCipher' },
        application_data: deliverWhileRenegotiating,
      },
    },
    // After the ChangeCipherSpec nothing but Finished.
    waitFinished: {
      on: {
        finished: [{ guard: 'serverFinishedVerified', target: 'connected', actions: 'complete' }, failOn('serverFinished')],
      },
    },
    resumedWaitNewSessionTicket: {
      on: {
        new_session_ticket: [
          { guard: 'newSessionTicketWellFormed', target: 'resumedWaitChangeCipherSpec', actions: 'acceptNewSessionTicket' },
          failOn('newSessionTicket'),
        ],
      },
    },
    resumedWaitChangeCipherSpec: {
      on: { change_cipher_spec: { target: 'resumedWaitFinished', actions: 'installReadCipher' } },
    },
    resumedWaitFinished: {
      on: {
        finished: [{ guard: 'serverFinishedVerified', target: 'connected', actions: 'sendResumedFinished' }, failOn('serverFinished')],
      },
    },
    connected: {
      entry: 'settle',
      on: {
        application_data: { actions: 'deliver' },
        // RFC 5246 §7.4.1.1: a request we do not take (no RFC 5746, over the limit) is ignored: OpenSSL
        // servers treat a no_renegotiation answer as fatal.
        hello_request: [
          { guard: and(['helloRequestWellFormed', 'renegotiationAdmitted']), target: 'waitServerHello', actions: ['beginRenegotiation', 'sendClientHello'] },
          { guard: 'helloRequestWellFormed' },
          failOn('helloRequest'),
        ],
        renegotiate: { guard: 'renegotiationPossible', target: 'waitServerHello', actions: ['beginRenegotiation', 'sendClientHello'] },
      },
    },
    failed: { type: 'final' },
  },
});
