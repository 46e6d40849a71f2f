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
//   start ─ClientHello→ waitServerHello ─ServerHello→ waitCertificate ─Certificate→ waitServerKeyExchange
//     ─ServerKeyExchange→ waitServerHelloDone [─CertificateRequest→ waitServerHelloDoneAfterRequest]
//   (RSA key exchange: waitCertificate ─Certificate→ waitServerHelloDone; a ServerKeyExchange there is
//   unexpected_message)
//     ─ServerHelloDone / [Certificate] ClientKeyExchange CCS Finished→ waitChangeCipherSpec ─CCS→ waitFinished
//     ─Finished→ connected
import { assign, setup } from 'xstate';
import type { TlsError } from '../errors.js';
import {
  acceptServerHello,
  checkCertificateRequest,
  checkHelloRequest,
  checkServerCertificate,
  checkServerFinished,
  checkServerHelloDone,
  checkServerHelloMessage,
  checkServerKeyExchange,
  handshakeInfo,
  installReadCipher,
  sendClientFlight,
  sendClientHello,
  type ClientHandshake,
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
} as const;
type Checks = typeof checks;
export type ClientCheck = keyof Checks;

export interface ClientContext {
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

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as HandshakeEvent,
    input: {} as { hs: ClientHandshake; io: HandshakeIo },
  },
  guards: {
    serverHelloAcceptable: ({ context, event }) => judged('serverHello', context, event).ok,
    certificateChainAccepted: ({ context, event }) => judged('certificate', context, event).ok,
    // "key exchange is RSA" and the certificate (with the encrypted premaster made from its key) accepted.
    rsaCertificateAccepted: ({ context, event }) => context.hs.suite.keyExchange === 'RSA' && judged('certificate', context, event).ok,
    serverKeyExchangeVerified: ({ context, event }) => judged('serverKeyExchange', context, event).ok,
    certificateRequestWellFormed: ({ context, event }) => judged('certificateRequest', context, event).ok,
    serverHelloDoneWellFormed: ({ context, event }) => judged('serverHelloDone', context, event).ok,
    serverFinishedVerified: ({ context, event }) => judged('serverFinished', context, event).ok,
    helloRequestWellFormed: ({ context, event }) => judged('helloRequest', context, event).ok,
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
    acceptCertificateRequest: ({ context, event }) => {
      context.hs.certificateRequest = accepted('certificateRequest', context, event);
      context.hs.transcript.add(messageOf(event).raw);
    },
    sendClientFlight: ({ context, event }) => sendClientFlight(context.hs, context.io, messageOf(event)),
    installReadCipher: ({ context }) => installReadCipher(context.hs, context.io),
    complete: ({ context, event }) => {
      context.hs.transcript.add(messageOf(event).raw); // kept for renegotiation's verify_data (issue 6)
      context.io.complete(handshakeInfo(context.hs));
    },
    deliver: ({ context, event }) => {
      if (event.type === 'application_data') context.io.deliver(event.data);
    },
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
        // Resumption (issue 6): a ServerHello echoing an offered session ID will lead to a
        // 'resumedWaitChangeCipherSpec' state (server CCS + Finished first) instead.
        server_hello: [
          { guard: 'serverHelloAcceptable', target: 'waitCertificate', actions: 'acceptServerHello' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'serverHello' } } },
        ],
        // RFC 5246 §7.4.1.1: HelloRequest is ignored while negotiating (and never hashed).
        hello_request: [{ guard: 'helloRequestWellFormed' }, { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } }],
      },
    },
    waitCertificate: {
      on: {
        // RSA key exchange skips waitServerKeyExchange (RFC 5246 §7.4.3); ECDHE and DHE go through it.
        certificate: [
          { guard: 'rsaCertificateAccepted', target: 'waitServerHelloDone', actions: 'acceptCertificate' },
          { guard: 'certificateChainAccepted', target: 'waitServerKeyExchange', actions: 'acceptCertificate' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'certificate' } } },
        ],
        hello_request: [{ guard: 'helloRequestWellFormed' }, { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } }],
      },
    },
    waitServerKeyExchange: {
      on: {
        server_key_exchange: [
          { guard: 'serverKeyExchangeVerified', target: 'waitServerHelloDone', actions: 'acceptServerKeyExchange' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'serverKeyExchange' } } },
        ],
        hello_request: [{ guard: 'helloRequestWellFormed' }, { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } }],
      },
    },
    waitServerHelloDone: {
      on: {
        // Client authentication (issue 6): today we answer a request with an empty Certificate.
        certificate_request: [
          { guard: 'certificateRequestWellFormed', target: 'waitServerHelloDoneAfterRequest', actions: 'acceptCertificateRequest' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'certificateRequest' } } },
        ],
        server_hello_done: [
          { guard: 'serverHelloDoneWellFormed', target: 'waitChangeCipherSpec', actions: 'sendClientFlight' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'serverHelloDone' } } },
        ],
        hello_request: [{ guard: 'helloRequestWellFormed' }, { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } }],
      },
    },
    waitServerHelloDoneAfterRequest: {
      on: {
        server_hello_done: [
          { guard: 'serverHelloDoneWellFormed', target: 'waitChangeCipherSpec', actions: 'sendClientFlight' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'serverHelloDone' } } },
        ],
        hello_request: [{ guard: 'helloRequestWellFormed' }, { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } }],
      },
    },
    waitChangeCipherSpec: {
      // Session tickets (RFC 5077, issue 6): NewSessionTicket arrives here, before the CCS.
      on: { change_cipher_spec: { target: 'waitFinished', actions: 'installReadCipher' } },
    },
    waitFinished: {
      on: {
        finished: [
          { guard: 'serverFinishedVerified', target: 'connected', actions: 'complete' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'serverFinished' } } },
        ],
      },
    },
    connected: {
      on: {
        application_data: { actions: 'deliver' },
        // Renegotiation (RFC 5746, issue 6) will start a new ClientHello here. Until then the request is
        // ignored, as RFC 5246 §7.4.1.1 allows: OpenSSL servers treat a no_renegotiation answer as fatal.
        hello_request: [
          { guard: 'helloRequestWellFormed' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'helloRequest' } } },
        ],
      },
    },
    failed: { type: 'final' },
  },
});
