// The TLS 1.2 server handshake (RFC 5246 §7.3) as an XState v5 machine: states and legal transitions only.
// Every check is a named guard calling a pure function in server-steps.ts; see machine-support.ts for how
// failures reach the 'failed' state. Messages a state does not list are unexpected_message (root '*').
//
// 'connected' (the only state that accepts application data) is entered only through
// clientFinishedVerified, from 'waitFinished', entered only by the client's ChangeCipherSpec after a
// ClientKeyExchange that passed clientKeyExchangeValid.
//
//   waitClientHello ─ClientHello / ServerHello Certificate ServerKeyExchange ServerHelloDone→
//     waitClientKeyExchange ─ClientKeyExchange→ waitChangeCipherSpec ─CCS→ waitFinished
//     ─Finished / CCS Finished→ connected
import { assign, setup } from 'xstate';
import type { TlsError } from '../errors.js';
import { messageOf, unexpected, verdict, type HandshakeEvent, type HandshakeIo, type Verdict } from './machine-support.js';
import {
  acceptClientKeyExchange,
  checkClientFinished,
  checkClientHello,
  checkClientKeyExchange,
  installReadCipher,
  sendServerFinished,
  sendServerFlight,
  type ServerHandshake,
} from './server-steps.js';

const checks = {
  clientHello: checkClientHello,
  clientKeyExchange: checkClientKeyExchange,
  clientFinished: checkClientFinished,
} as const;
type Checks = typeof checks;
export type ServerCheck = keyof Checks;

export interface ServerContext {
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

export const serverMachine = setup({
  types: {
    context: {} as ServerContext,
    events: {} as HandshakeEvent,
    input: {} as { hs: ServerHandshake; io: HandshakeIo },
  },
  guards: {
    clientHelloAcceptable: ({ context, event }) => judged('clientHello', context, event).ok,
    clientKeyExchangeValid: ({ context, event }) => judged('clientKeyExchange', context, event).ok,
    clientFinishedVerified: ({ context, event }) => judged('clientFinished', context, event).ok,
  },
  actions: {
    sendServerFlight: ({ context, event }) =>
      sendServerFlight(context.hs, context.io, messageOf(event), accepted('clientHello', context, event)),
    acceptClientKeyExchange: ({ context, event }) =>
      acceptClientKeyExchange(context.hs, messageOf(event), accepted('clientKeyExchange', context, event)),
    installReadCipher: ({ context }) => installReadCipher(context.hs, context.io),
    sendServerFinished: ({ context, event }) => sendServerFinished(context.hs, context.io, messageOf(event)),
    deliver: ({ context, event }) => {
      if (event.type === 'application_data') context.io.deliver(event.data);
    },
    // RFC 5746 §4.4 / RFC 5246 §7.2.2: client-initiated renegotiation is declined with a warning.
    refuseRenegotiation: ({ context }) => context.io.warn('no_renegotiation'),
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
        // Resumption (issue 6): a ClientHello with a cached session ID or ticket will branch to an
        // abbreviated flight (ServerHello, CCS, Finished) and 'resumedWaitChangeCipherSpec'.
        client_hello: [
          { guard: 'clientHelloAcceptable', target: 'waitClientKeyExchange', actions: 'sendServerFlight' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'clientHello' } } },
        ],
      },
    },
    // Client authentication (issue 6): 'waitClientCertificate' comes before this state, and
    // 'waitCertificateVerify' after it, when a CertificateRequest was sent.
    waitClientKeyExchange: {
      on: {
        client_key_exchange: [
          { guard: 'clientKeyExchangeValid', target: 'waitChangeCipherSpec', actions: 'acceptClientKeyExchange' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'clientKeyExchange' } } },
        ],
      },
    },
    waitChangeCipherSpec: {
      on: { change_cipher_spec: { target: 'waitFinished', actions: 'installReadCipher' } },
    },
    waitFinished: {
      on: {
        finished: [
          { guard: 'clientFinishedVerified', target: 'connected', actions: 'sendServerFinished' },
          { target: 'failed', actions: { type: 'fail', params: { check: 'clientFinished' } } },
        ],
      },
    },
    connected: {
      on: {
        application_data: { actions: 'deliver' },
        // Renegotiation (RFC 5746, issue 6) will branch here when allowed by policy.
        client_hello: { actions: 'refuseRenegotiation' },
      },
    },
    failed: { type: 'final' },
  },
});
