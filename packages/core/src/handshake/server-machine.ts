// The TLS 1.2 server handshake (RFC 5246 §7.3) as an XState v5 machine: states and legal transitions only.
// Every check is a named guard calling a pure function in server-steps.ts; see machine-support.ts for how
// failures reach the 'failed' state. Messages a state does not list are unexpected_message (root '*').
//
// 'connected' (the only state where application data is accepted outside a renegotiation) is entered
// only through clientFinishedVerified, from 'waitFinished' (entered only by the client's ChangeCipherSpec
// after a ClientKeyExchange that passed clientKeyExchangeValid, and after a verified CertificateVerify
// whenever the client sent a certificate), or from 'resumedWaitFinished' (an abbreviated handshake whose
// session came from our cache or a ticket that authenticated under our key).
//
//   waitClientHello ─ClientHello / ServerHello Certificate ServerKeyExchange [CertificateRequest] ServerHelloDone→
//     [waitClientCertificate ─Certificate→ (empty) waitClientKeyExchange | waitClientKeyExchangeCertified
//       ─ClientKeyExchange→ waitCertificateVerify ─CertificateVerify→ waitChangeCipherSpec]
//     waitClientKeyExchange ─ClientKeyExchange→ waitChangeCipherSpec ─CCS→ waitFinished
//     ─Finished / [NewSessionTicket] CCS Finished→ connected
//   Resumption: waitClientHello ─ClientHello / ServerHello [NewSessionTicket] CCS Finished→
//     resumedWaitChangeCipherSpec ─CCS→ resumedWaitFinished ─Finished→ connected
//   Renegotiation (RFC 5746): connected ─ClientHello (admitted)→ waitClientHello with a fresh handshake;
//     until the client's ChangeCipherSpec, application data keeps flowing under the old keys.
import { and, assign, raise, setup } from 'xstate';
import type { TlsError } from '../errors.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { HandshakeType } from '../codec/constants.js';
import { messageOf, unexpected, verdict, type HandshakeEvent, type HandshakeIo, type Verdict } from './machine-support.js';
import {
  acceptCertificateVerify,
  acceptClientCertificate,
  acceptClientKeyExchange,
  checkCertificateVerify,
  checkClientCertificate,
  checkClientFinished,
  checkClientHello,
  checkClientKeyExchange,
  completeResumed,
  installReadCipher,
  sendResumedFlight,
  sendServerFinished,
  sendServerFlight,
  ServerHandshake,
} from './server-steps.js';

const checks = {
  clientHello: checkClientHello,
  clientCertificate: checkClientCertificate,
  clientKeyExchange: checkClientKeyExchange,
  certificateVerify: checkCertificateVerify,
  clientFinished: checkClientFinished,
} as const;
type Checks = typeof checks;
export type ServerCheck = keyof Checks;

export interface ServerContext {
  /** The handshake in progress (a renegotiation replaces it). */
  readonly hs: ServerHandshake;
  readonly io: HandshakeIo;
  readonly error: TlsError | undefined;
}

function judged<K extends ServerCheck>(name: K, context: ServerContext, event: HandshakeEvent): Verdict<ReturnType<Checks[K]>> {
  return verdict(event, name, () => checks[name](context.hs, messageOf(event)) as ReturnType<Checks[K]>);
}

function accepted<K extends ServerCheck>(name: K, context: ServerContext, event: HandshakeEvent): ReturnType<Checks[K]> {
  const v = judged(name, context, event);
  if (!v.ok) throw v.error;
  return v.value;
}

const failOn = (check: ServerCheck) => ({ target: 'failed', actions: { type: 'fail', params: { check } } }) as const;

export const serverMachine = setup({
  types: {
    context: {} as ServerContext,
    events: {} as HandshakeEvent,
    input: {} as { hs: ServerHandshake; io: HandshakeIo },
  },
  guards: {
    clientHelloAcceptable: ({ context, event }) => judged('clientHello', context, event).ok,
    clientHelloResumes: ({ context, event }) => {
      const v = judged('clientHello', context, event);
      return v.ok && v.value.resumption !== undefined;
    },
    clientCertificateRequested: ({ context }) => context.hs.clientAuth !== undefined,
    clientCertificateAccepted: ({ context, event }) => judged('clientCertificate', context, event).ok,
    clientCertificateEmpty: ({ context, event }) => {
      const v = judged('clientCertificate', context, event);
      return v.ok && v.value.chain.length === 0;
    },
    clientKeyExchangeValid: ({ context, event }) => judged('clientKeyExchange', context, event).ok,
    certificateVerifyValid: ({ context, event }) => judged('certificateVerify', context, event).ok,
    clientFinishedVerified: ({ context, event }) => judged('clientFinished', context, event).ok,
    // RFC 5746 §4.4: only on a connection that negotiated secure renegotiation, and either asked for with
    // HelloRequest or within the client-initiated policy.
    renegotiationAdmitted: ({ context }) => {
      const b = context.hs.binding;
      if (!b.secure) return false;
      if (b.requested) return true;
      return b.admit(context.hs.cfg.clientRenegotiation);
    },
    renegotiating: ({ context }) => context.hs.binding.established,
  },
  actions: {
    sendServerFlight: ({ context, event }) =>
      sendServerFlight(context.hs, context.io, messageOf(event), accepted('clientHello', context, event)),
    sendResumedFlight: ({ context, event }) =>
      sendResumedFlight(context.hs, context.io, messageOf(event), accepted('clientHello', context, event)),
    acceptClientCertificate: ({ context, event }) =>
      acceptClientCertificate(context.hs, messageOf(event), accepted('clientCertificate', context, event)),
    acceptClientKeyExchange: ({ context, event }) =>
      acceptClientKeyExchange(context.hs, context.io, messageOf(event), accepted('clientKeyExchange', context, event)),
    acceptCertificateVerify: ({ context, event }) => acceptCertificateVerify(context.hs, messageOf(event)),
    installReadCipher: ({ context }) => installReadCipher(context.hs, context.io),
    sendServerFinished: ({ context, event }) =>
      sendServerFinished(context.hs, context.io, messageOf(event), accepted('clientFinished', context, event)),
    completeResumed: ({ context, event }) =>
      completeResumed(context.hs, context.io, messageOf(event), accepted('clientFinished', context, event)),
    deliver: ({ context, event }) => {
      if (event.type === 'application_data') context.io.deliver(event.data);
    },
    // RFC 5746 §4.4 / RFC 5246 §7.2.2: a renegotiation we do not allow is declined with a warning.
    refuseRenegotiation: ({ context }) => context.io.warn('no_renegotiation'),
    // RFC 5246 §7.4.1.1: HelloRequest (never part of the transcript) asks the client to renegotiate.
    sendHelloRequest: ({ context }) => {
      context.hs.binding.requested = true;
      context.io.sendHandshake(encodeHandshakeMessage({ type: HandshakeType.hello_request }));
    },
    // A new handshake on the same connection: the finished one's keys stay in the record layer until the
    // ChangeCipherSpecs; its secrets are wiped now.
    beginRenegotiation: assign(({ context }) => {
      const b = context.hs.binding;
      const hs = context.hs.successor(b.nextClientAuth);
      b.requested = false;
      b.nextClientAuth = undefined;
      return { hs };
    }),
    // Entering 'connected': the finished handshake's state (transcript, randoms, key exchange, peer
    // messages) is wiped and dropped; an idle connection keeps only what a renegotiation starts from.
    settle: assign(({ context }) => ({ hs: context.hs.successor() })),
    reprocess: raise(({ event }) => event),
    fail: assign(({ context, event }, params: { check: ServerCheck }) => {
      const v = judged(params.check, context, event);
      return { error: v.ok ? unexpected(event, 'guard') : v.error };
    }),
    unexpected: assign(({ event, self }) => ({ error: unexpected(event, String(self.getSnapshot().value)) })),
  },
}).createMachine({
  id: 'tls12-server',
  context: ({ input }) => ({ hs: input.hs, io: input.io, error: undefined }),
  initial: 'waitClientHello',
  on: { '*': { target: '.failed', actions: 'unexpected' } },
  states: {
    waitClientHello: {
      on: {
        client_hello: [
          { guard: 'clientHelloResumes', target: 'resumedWaitChangeCipherSpec', actions: 'sendResumedFlight' },
          { guard: and(['clientHelloAcceptable', 'clientCertificateRequested']), target: 'waitClientCertificate', actions: 'sendServerFlight' },
          { guard: 'clientHelloAcceptable', target: 'waitClientKeyExchange', actions: 'sendServerFlight' },
          failOn('clientHello'),
        ],
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    waitClientCertificate: {
      on: {
        certificate: [
          { guard: 'clientCertificateEmpty', target: 'waitClientKeyExchange', actions: 'acceptClientCertificate' },
          { guard: 'clientCertificateAccepted', target: 'waitClientKeyExchangeCertified', actions: 'acceptClientCertificate' },
          failOn('clientCertificate'),
        ],
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    waitClientKeyExchange: {
      on: {
        client_key_exchange: [
          { guard: 'clientKeyExchangeValid', target: 'waitChangeCipherSpec', actions: 'acceptClientKeyExchange' },
          failOn('clientKeyExchange'),
        ],
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    // The client sent a certificate: its CertificateVerify must follow the ClientKeyExchange (§7.4.8).
    waitClientKeyExchangeCertified: {
      on: {
        client_key_exchange: [
          { guard: 'clientKeyExchangeValid', target: 'waitCertificateVerify', actions: 'acceptClientKeyExchange' },
          failOn('clientKeyExchange'),
        ],
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    waitCertificateVerify: {
      on: {
        certificate_verify: [
          { guard: 'certificateVerifyValid', target: 'waitChangeCipherSpec', actions: 'acceptCertificateVerify' },
          failOn('certificateVerify'),
        ],
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    waitChangeCipherSpec: {
      on: {
        change_cipher_spec: { target: 'waitFinished', actions: 'installReadCipher' },
        application_data: { guard: 'renegotiating', actions: 'deliver' },
      },
    },
    // After the ChangeCipherSpec nothing but Finished (no application data: CVE-2014-0224 territory).
    waitFinished: {
      on: {
        finished: [{ guard: 'clientFinishedVerified', target: 'connected', actions: 'sendServerFinished' }, failOn('clientFinished')],
      },
    },
    resumedWaitChangeCipherSpec: {
      on: { change_cipher_spec: { target: 'resumedWaitFinished', actions: 'installReadCipher' } },
    },
    resumedWaitFinished: {
      on: {
        finished: [{ guard: 'clientFinishedVerified', target: 'connected', actions: 'completeResumed' }, failOn('clientFinished')],
      },
    },
    connected: {
      entry: 'settle',
      on: {
        application_data: { actions: 'deliver' },
        client_hello: [
          { guard: 'renegotiationAdmitted', target: 'waitClientHello', actions: ['beginRenegotiation', 'reprocess'] },
          { actions: 'refuseRenegotiation' },
        ],
        renegotiate: { actions: 'sendHelloRequest' },
      },
    },
    failed: { type: 'final' },
  },
});
