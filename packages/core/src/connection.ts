// The public sans-IO API: ClientConnection and ServerConnection. Bytes in (receive), bytes out
// (takeOutgoing: everything pending as one buffer, i.e. a whole flight per transport write), events out
// (events()), application data in (write) and closing (close, receiveEof). No sockets, timers or promises.
//
// Failure model: every failure, ours or the peer's, ends the connection once: one fatal alert goes into the
// outgoing bytes (none when the peer sent the fatal alert or the transport is gone), one 'error' event
// carries the TlsError, keys are wiped, and every later receive() is ignored and write() throws.
import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import { AlertDescription, AlertLevel, alertName, type AlertName } from './alerts.js';
import { handshakeTypeName } from './codec/constants.js';
import { HandshakeAssembler } from './codec/messages/handshake.js';
import { toHex } from './codec/hex.js';
import { plainBytes } from './codec/reader.js';
import { stacklessError, TlsError, unexpectedMessage } from './errors.js';
import { ClientHandshake } from './handshake/client-steps.js';
import { ConnectionBinding } from './handshake/renegotiation.js';
import type { TlsSession } from './session/types.js';
import { clientMachine } from './handshake/client-machine.js';
import { asTlsError, type HandshakeEvent, type HandshakeInfo, type HandshakeIo } from './handshake/machine-support.js';
import { resolveClient, resolveClientAuth, resolveServer, type ClientAuthOptions, type ClientOptions, type ServerOptions } from './handshake/options.js';
import { ServerHandshake } from './handshake/server-steps.js';
import { serverMachine } from './handshake/server-machine.js';
import { RecordLayer } from './record/layer.js';
import type { RecordProtector } from './record/protection/types.js';

export type ConnectionEvent =
  /** Both Finished messages verified: the negotiated parameters. */
  | { readonly type: 'handshake'; readonly info: HandshakeInfo }
  /** A renegotiation completed (RFC 5746): the new parameters. */
  | { readonly type: 'renegotiated'; readonly info: HandshakeInfo }
  /** Client side: a resumable session (new, or with a renewed ticket); keep it to resume later. */
  | { readonly type: 'session'; readonly session: TlsSession }
  /** Application data from the peer. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** A warning alert from the peer other than close_notify (reported, otherwise ignored). */
  | { readonly type: 'alert'; readonly level: 'warning'; readonly alert: AlertName | number }
  /** The peer sent close_notify: no more data will come. */
  | { readonly type: 'close' }
  /** The connection failed; it is over. */
  | { readonly type: 'error'; readonly error: TlsError };

export type ConnectionState = 'handshaking' | 'connected' | 'closed' | 'failed';

/** Consecutive warning alerts tolerated (they carry nothing; a flood of them is a cheap DoS). */
const MAX_WARNING_RUN = 8;

/** What both handshake machines keep in their context. */
interface MachineContext {
  hs: { dispose(): void } | undefined;
  io: HandshakeIo | undefined;
  error: TlsError | undefined;
}

interface MachineSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly error?: unknown;
  readonly context: MachineContext;
}

/** Options of the connection itself (the handshake's are ClientOptions / ServerOptions). */
export interface ConnectionOptions {
  /**
   * Keep our side open after the peer's close_notify: a 'close' event is queued, write() stays allowed, and
   * our close_notify goes out when close() is called. RFC 5246 §7.2.1 asks for an immediate answer and for
   * pending writes to be discarded, which loses a response to a request that arrived together with the
   * peer's close_notify; stream adapters (half-open sockets) and servers answering such requests want this.
   * Default false: answer at once, as the RFC says.
   */
  readonly halfClose?: boolean;
  /**
   * Receives one NSS key-log line (`CLIENT_RANDOM <client random> <master secret>`, the SSLKEYLOGFILE
   * format Wireshark reads) per handshake, as soon as its master secret is known. It can also be set later
   * through the connection's `keyLog` property. Anyone with these lines can decrypt the connection: for
   * debugging only.
   */
  readonly keyLog?: (line: string) => void;
}

/** An NSS key-log line (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/). */
export const keyLogLine = (clientRandom: Uint8Array, masterSecret: Uint8Array): string =>
  `CLIENT_RANDOM ${toHex(clientRandom)} ${toHex(masterSecret)}\n`;

abstract class Connection {
  protected readonly record = new RecordLayer();
  protected halfClose = false;
  private readonly assembler = new HandshakeAssembler();
  private queue: ConnectionEvent[] = [];
  private out: Uint8Array[] = [];
  private pendingWrites: Uint8Array[] = [];
  private warningRun = 0;
  private sentClose = false;
  /** close() came while writes were held behind a handshake: close_notify follows them. */
  private closeAfterWrites = false;
  private receivedClose = false;
  private failure: TlsError | undefined;
  private info: HandshakeInfo | undefined;
  private st: ConnectionState = 'handshaking';
  /**
   * The handshake machine while a handshake runs. Established and idle, the connection parks it: only its
   * context (the handshake object a renegotiation starts from) is kept, and an actor (with its actor system,
   * a few dozen closures, maps and sets) is made again when a handshake message or renegotiate() comes.
   */
  private actor: Actor<AnyStateMachine> | undefined;
  private parked: MachineContext | undefined;
  private logic!: AnyStateMachine;
  /** Ties the handshakes of this connection together (RFC 5746) and limits renegotiations. */
  protected readonly binding = new ConnectionBinding();
  /** Where key-log lines go (see ConnectionOptions.keyLog); settable until the handshake derives its keys. */
  keyLog: ((line: string) => void) | undefined;

  /** Wipes the secrets of the current handshake (a renegotiation disposes the previous one itself). */
  private disposeHandshake(): void {
    (this.actor ? (this.actor.getSnapshot() as MachineSnapshot).context : this.parked)?.hs?.dispose();
  }

  /** What the handshake machine may do to this connection. */
  protected readonly io: HandshakeIo;

  constructor() {
    this.io = new Connection.Io(this);
  }

  /**
   * The HandshakeIo of a connection: methods on a prototype and one reference per connection, not a
   * closure per method (idle connections are many). Nested here to reach the connection's private state.
   */
  private static readonly Io = class implements HandshakeIo {
    constructor(private readonly c: Connection) {}
    sendHandshake(m: Uint8Array): void {
      this.c.record.writeHandshake(m);
    }
    sendChangeCipherSpec(): void {
      this.c.record.writeChangeCipherSpec();
    }
    changeWriteCipher(p: RecordProtector): void {
      this.c.record.changeWriteCipher(p);
    }
    changeReadCipher(p: RecordProtector): void {
      this.c.record.changeReadCipher(p);
    }
    lockVersion(v: number): void {
      this.c.record.setVersion(v);
    }
    deliver(data: Uint8Array): void {
      this.c.queue.push({ type: 'data', data });
    }
    complete(info: HandshakeInfo): void {
      const c = this.c;
      const renegotiated = c.info !== undefined;
      c.info = info;
      if (renegotiated) {
        c.queue.push({ type: 'renegotiated', info });
      } else {
        c.st = 'connected';
        c.queue.push({ type: 'handshake', info });
      }
      c.releaseHeldWrites();
    }
    warn(alert: AlertName): void {
      this.c.record.writeAlert(AlertLevel.warning, AlertDescription[alert]);
    }
    session(session: TlsSession): void {
      this.c.queue.push({ type: 'session', session });
    }
    secret(clientRandom: Uint8Array, masterSecret: Uint8Array): void {
      this.c.keyLog?.(keyLogLine(clientRandom, masterSecret));
    }
  };

  protected startMachine(logic: AnyStateMachine, input: { hs: unknown; io: HandshakeIo }): void {
    this.logic = logic;
    this.run(createActor(logic, { input }));
    // The actor keeps its creation options, input included, for its lifetime; the handshake lives in its
    // context now, and a finished one must not stay reachable from here.
    input.hs = undefined;
  }

  /** The client's first flight (its ClientHello). */
  protected sendStart(): void {
    this.actor!.send({ type: 'start' });
  }

  private run(actor: Actor<AnyStateMachine>): Actor<AnyStateMachine> {
    // An errored actor with no error observer is reported asynchronously as an uncaught exception; the
    // connection reads snapshot.error itself, so observe and do nothing.
    actor.subscribe({ error: () => {} });
    actor.start();
    return (this.actor = actor);
  }

  /** Established and idle: keep the machine's context, drop the actor (see `actor`). */
  private park(): void {
    const snap = this.actor!.getSnapshot() as MachineSnapshot;
    if (snap.status !== 'active' || snap.value !== 'connected') return;
    this.parked = snap.context;
    this.actor!.stop();
    this.actor = undefined;
  }

  /** The running actor; a parked machine is restored in 'connected' (entry actions do not run again). */
  private machine(): Actor<AnyStateMachine> {
    if (this.actor) return this.actor;
    const parked = this.parked!;
    this.parked = undefined;
    // XState's snapshot restore walks every object reachable from the context, looking for actor
    // references; the handshake's configuration reaches the trust store. So restore an empty context and
    // put the parked objects into it before the actor starts.
    const actor = createActor(this.logic, { snapshot: this.logic.resolveState({ value: 'connected', context: { hs: undefined, io: undefined, error: undefined } }) });
    Object.assign((actor.getSnapshot() as MachineSnapshot).context, parked);
    return this.run(actor);
  }

  /** Current state of the connection. */
  get state(): ConnectionState {
    return this.st;
  }

  /** The handshake parameters once connected. */
  get handshake(): HandshakeInfo | undefined {
    return this.info;
  }

  /** The error that ended the connection, if any. */
  get error(): TlsError | undefined {
    return this.failure;
  }

  /** The handshake machine's current state name (for tracing and tests). */
  get handshakeState(): string {
    return this.actor ? String(this.actor.getSnapshot().value) : 'connected';
  }

  /** True while a renegotiation is in progress (application data still flows). */
  get renegotiating(): boolean {
    return this.st === 'connected' && this.actor !== undefined && (this.actor.getSnapshot() as MachineSnapshot).value !== 'connected';
  }

  /**
   * Starts a renegotiation (RFC 5746): a client sends a new ClientHello, a server a HelloRequest (the
   * client may ignore it). Needs an established connection that negotiated secure renegotiation and no
   * renegotiation already under way; throws otherwise. Its end is the 'renegotiated' event.
   */
  protected startRenegotiation(): void {
    if (this.failure) throw this.failure;
    if (this.st !== 'connected' || this.sentClose || this.receivedClose) {
      throw new TlsError('NOT_CONNECTED', 'internal_error', 'renegotiation needs an established connection');
    }
    if (this.handshakeState !== 'connected') throw new TlsError('RENEGOTIATION_IN_PROGRESS', 'internal_error', 'a renegotiation is already under way');
    if (!this.binding.secure) {
      throw new TlsError('INSECURE_RENEGOTIATION', 'internal_error', 'the peer does not support secure renegotiation (RFC 5746)');
    }
    try {
      this.dispatch({ type: 'renegotiate' });
    } catch (e) {
      const err = asTlsError(e);
      this.fail(err);
      throw err;
    }
  }

  /** Feeds bytes from the transport, split or coalesced in any way. Never throws for protocol errors. */
  receive(bytes: Uint8Array): void {
    if (this.st === 'failed' || this.st === 'closed' || this.receivedClose) return;
    try {
      this.record.receive(plainBytes(bytes));
      this.pump();
    } catch (e) {
      this.fail(asTlsError(e));
    }
  }

  /** The transport reached end of file. Without the peer's close_notify this is a TRUNCATED error. */
  receiveEof(): void {
    if (this.st === 'failed' || this.st === 'closed' || this.receivedClose) return;
    this.fail(stacklessError('TRUNCATED', 'close_notify', 'the transport closed without close_notify (possible truncation attack)'), false);
  }

  /** Events since the last call, in order. */
  events(): ConnectionEvent[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /** Everything to send, as one buffer (empty when nothing is pending). */
  takeOutgoing(): Uint8Array {
    if (this.st !== 'failed' && this.st !== 'closed') this.out.push(this.record.takeOutgoing());
    const parts = this.out;
    this.out = [];
    if (parts.length === 1) return parts[0]!;
    let n = 0;
    for (const p of parts) n += p.length;
    const buf = new Uint8Array(n);
    n = 0;
    for (const p of parts) {
      buf.set(p, n);
      n += p.length;
    }
    return buf;
  }

  /** Sends application data; before the handshake completes it is queued and sent right after it. */
  write(data: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.sentClose || this.st === 'closed') throw new TlsError('CLOSED', 'internal_error', 'write after close');
    if (data.length === 0) return;
    // During a renegotiation our data waits for its end, as OpenSSL's SSL_write does: OpenSSL peers
    // refuse application data in most handshake states (unexpected record). Theirs still reaches us.
    if (this.st !== 'connected' || this.renegotiating) {
      this.pendingWrites.push(plainBytes(data).slice());
      return;
    }
    try {
      this.record.writeApplicationData(data);
    } catch (e) {
      const err = asTlsError(e);
      this.fail(err);
      throw err;
    }
  }

  /**
   * Sends close_notify (RFC 5246 §7.2.1). Data written before is sent first: during the handshake, queued
   * data waits for its completion and the close_notify follows it. With nothing queued, closing during the
   * handshake abandons it: user_canceled then close_notify (RFC 5246 §7.2.2), and the connection is over.
   */
  close(): void {
    if (this.failure || this.sentClose || this.st === 'closed') return;
    this.sentClose = true;
    if (this.pendingWrites.length > 0) {
      this.closeAfterWrites = true; // data queued behind the (re)negotiation goes first
    } else if (this.st === 'connected') {
      this.record.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
    } else if (this.pendingWrites.length === 0) {
      this.record.writeAlert(AlertLevel.warning, AlertDescription.user_canceled);
      this.record.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.shutdown();
      return;
    }
    this.maybeClosed();
  }

  /** The handshake in progress ended: data written meanwhile goes out, then a close() that waited for it. */
  private releaseHeldWrites(): void {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    for (const w of writes) this.record.writeApplicationData(w);
    if (this.closeAfterWrites) this.record.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.closeAfterWrites = false;
  }

  private maybeClosed(): void {
    if (this.sentClose && this.receivedClose && this.st !== 'closed' && this.st !== 'failed') this.shutdown();
  }

  /** Closed both ways: the last bytes are kept for takeOutgoing(), then every key is wiped. */
  private shutdown(): void {
    this.out.push(this.record.takeOutgoing());
    this.st = 'closed';
    this.pendingWrites = [];
    this.record.dispose();
    this.disposeHandshake();
    this.actor?.stop();
  }

  private pump(): void {
    for (;;) {
      if (this.st !== 'handshaking' && this.st !== 'connected') return;
      if (this.receivedClose) return;
      const ev = this.record.nextEvent();
      if (ev === null) return;
      if (ev.type !== 'alert') this.warningRun = 0;
      switch (ev.type) {
        case 'handshake':
          this.assembler.push(ev.payload, (m) =>
            this.dispatch({ type: handshakeTypeName(m.type) ?? 'unknown_handshake', msg: m }),
          );
          break;
        case 'change_cipher_spec':
          // RFC 5246 §7.1/§6.2.1: a cipher change cannot cut a handshake message in two.
          if (this.assembler.pending) throw unexpectedMessage('ChangeCipherSpec inside a fragmented handshake message');
          this.dispatch({ type: 'change_cipher_spec' });
          break;
        case 'application_data':
          if (this.assembler.pending) throw unexpectedMessage('application data inside a fragmented handshake message');
          // Established and not renegotiating (the machine is parked): its only answer would be to deliver
          // it (connected's application_data transition), so bulk data skips the machine.
          if (this.actor === undefined) this.queue.push({ type: 'data', data: ev.payload });
          else this.dispatch({ type: 'application_data', data: ev.payload });
          break;
        case 'alert':
          this.onAlert(ev.level, ev.description);
          break;
      }
    }
  }

  private dispatch(ev: HandshakeEvent): void {
    const actor = this.machine();
    actor.send(ev);
    const snap = actor.getSnapshot() as MachineSnapshot;
    if (snap.status === 'error') throw asTlsError(snap.error);
    if (snap.value === 'failed') {
      throw snap.context.error ?? new TlsError('INTERNAL_ERROR', 'internal_error', 'handshake failed without a reason');
    }
    this.park();
  }

  private onAlert(level: number, description: number): void {
    const name = alertName(description);
    if (description === AlertDescription.close_notify) {
      // RFC 5246 §7.2.1: answer with our own close_notify at once; nothing after it is read. With
      // halfClose the answer waits for close().
      this.receivedClose = true;
      this.queue.push({ type: 'close' });
      if (!this.sentClose && !this.halfClose) {
        this.sentClose = true;
        this.pendingWrites = [];
        this.record.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
      }
      this.maybeClosed();
      return;
    }
    if (level === AlertLevel.fatal) {
      this.fail(new TlsError('PEER_ALERT', name ?? 'internal_error', `peer sent fatal alert ${name ?? description}`, { remote: true }));
      return;
    }
    this.queue.push({ type: 'alert', level: 'warning', alert: name ?? description });
    // RFC 5746 §4.4 / RFC 5246 §7.2.2: a server that declines our renegotiation answers its ClientHello
    // with no_renegotiation; the connection goes on as it was, and writes held back for it go out.
    if (description === AlertDescription.no_renegotiation && this.renegotiating && this.handshakeState === 'waitServerHello') {
      this.dispatch({ type: 'renegotiation_declined' });
      this.releaseHeldWrites();
    }
    if (++this.warningRun > MAX_WARNING_RUN) {
      throw new TlsError('TOO_MANY_WARNING_ALERTS', 'unexpected_message', `more than ${MAX_WARNING_RUN} consecutive warning alerts`);
    }
  }

  /** Ends the connection: one fatal alert (unless remote or the transport is gone), one error event. */
  private fail(err: TlsError, sendAlert = !err.remote): void {
    if (this.st === 'failed') return;
    if (sendAlert && this.st !== 'closed') {
      try {
        this.record.writeAlert(AlertLevel.fatal, err.alertCode);
      } catch {
        // The write state itself is broken (sequence overflow): nothing can be sent.
      }
    }
    if (this.st !== 'closed') {
      this.out.push(this.record.takeOutgoing());
      this.record.dispose();
      this.disposeHandshake();
      this.actor?.stop();
    }
    this.st = 'failed';
    this.failure = err;
    this.pendingWrites = [];
    this.queue.push({ type: 'error', error: err });
  }
}

/** A TLS 1.2 client. The ClientHello is ready in takeOutgoing() right after construction. */
export class ClientConnection extends Connection {
  constructor(options: ClientOptions & ConnectionOptions) {
    super();
    this.halfClose = options.halfClose ?? false;
    this.keyLog = options.keyLog;
    this.startMachine(clientMachine, { hs: new ClientHandshake(resolveClient(options), this.binding), io: this.io });
    this.sendStart();
  }

  /** Renegotiates (RFC 5746): sends a new ClientHello now; see the 'renegotiated' event. */
  renegotiate(): void {
    this.startRenegotiation();
  }
}

/** A TLS 1.2 server: feed it the client's bytes. */
export class ServerConnection extends Connection {
  constructor(options: ServerOptions & ConnectionOptions) {
    super();
    this.halfClose = options.halfClose ?? false;
    this.keyLog = options.keyLog;
    this.startMachine(serverMachine, { hs: new ServerHandshake(resolveServer(options), this.binding), io: this.io });
  }

  /**
   * Asks the client to renegotiate (HelloRequest, RFC 5246 §7.4.1.1), optionally asking for a client
   * certificate in that handshake (the usual reason). The client may ignore the request.
   */
  renegotiate(options: { readonly clientAuth?: ClientAuthOptions } = {}): void {
    // Resolved first (bad options throw before anything is sent), applied only once the request is out.
    const auth = options.clientAuth && resolveClientAuth(options.clientAuth);
    this.startRenegotiation();
    if (auth) this.binding.nextClientAuth = auth;
  }
}
