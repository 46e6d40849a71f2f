// A scripted TLS peer for the model tests. It plays the opposite role of a real ClientConnection or
// ServerConnection (the connection under test, "SUT") and can send it any input at any point, always
// correctly protected:
//
// - Its handshake messages come from a genuine run of our own opposite-side connection against the SUT, both
//   with seeded crypto (same seed, same bytes), so a fresh SUT answers them exactly as in that run. A run may
//   hold several handshakes (a renegotiation), a resumed one (an abbreviated handshake of a session made by an
//   earlier run), client certificates, a stapled OCSP response: whatever the configuration makes the two do.
// - The secrets it borrows are that run's premaster secrets, read from the PRF calls of the opposite side's
//   seeded crypto provider, and, for a resumed handshake, the session's master secret. Everything else it
//   derives from what is actually exchanged, through the real key schedule and record layer: its own
//   transcript, the master secret (RFC 7627 EMS or not), the key block, the record protection of what it sends
//   (encrypt-then-MAC when negotiated), its Finished and CertificateVerify over the real transcript, and the
//   decryption of what the SUT sends (so outputs can be read as a peer reads them: bytes only).
// - It follows handshakes as a peer does: a ClientHello after a completed handshake starts the next one (a
//   renegotiation, still protected under the keys in force until each side's ChangeCipherSpec), and a
//   ServerHello echoing the session ID of the ClientHello is the abbreviated handshake of the script's session.
import { constants as nodeConstants, createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { wasmProvider, type CryptoProvider, type SignatureKind } from '@sanstls/crypto';
import { cipherSuiteByCode, CIPHER_SUITES, ExtensionType, HandshakeType, handshakeTypeName, type CipherSuite } from '../../src/codec/constants.js';
import { HandshakeAssembler } from '../../src/codec/messages/handshake.js';
import { decodeClientHello, encodeClientHello } from '../../src/codec/messages/client-hello.js';
import { decodeServerHello, encodeServerHello } from '../../src/codec/messages/server-hello.js';
import { alertName } from '../../src/alerts.js';
import { finishedVerifyData, keyBlock, masterSecret, type KeyBlock } from '../../src/handshake/key-schedule.js';
import { protectorFor } from '../../src/handshake/protection.js';
import { sign } from '../../src/handshake/signature.js';
import type { HandshakeIo } from '../../src/handshake/machine-support.js';
import { RecordLayer } from '../../src/record/layer.js';
import { NullProtector } from '../../src/record/protection/null.js';
import type { RecordProtector } from '../../src/record/protection/types.js';
import { SequenceNumber } from '../../src/record/sequence.js';
import {
  ClientConnection,
  LruSessionCache,
  ServerConnection,
  TicketKeys,
  type ClientOptions,
  type ConnectionEvent,
  type ServerOptions,
  type SigningKey,
  type TlsSession,
} from '../../src/index.js';
import type { Role } from '../../scripts/handshake-model.js';
import { seededProvider } from '../handshake/helpers.js';

export type Connection = ClientConnection | ServerConnection;
const other = (r: Role): Role => (r === 'client' ? 'server' : 'client');

// ---- key use: every symmetric key object the SUT's provider hands out, and what is done with it ----------

export interface KeyUse {
  created: number;
  disposed: number;
  /** seal/open/encrypt/decrypt/update/digest calls on keyed objects (AEAD, CBC, HMAC). */
  operations: number;
}

function counted<T extends object>(obj: T, use: KeyUse): T {
  return new Proxy(obj, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'dispose') use.disposed++;
        else use.operations++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** `base` with every keyed object counted in `use`. */
export function keyCounting(base: CryptoProvider, use: KeyUse): CryptoProvider {
  return {
    ...base,
    aead: (alg, key) => (use.created++, counted(base.aead(alg, key), use)),
    cbc: (key) => (use.created++, counted(base.cbc(key), use)),
    hmac: (alg, key) => (use.created++, counted(base.hmac(alg, key), use)),
  };
}

/** `base`, remembering (in order) every premaster secret it is asked to turn into a master secret. */
function premasterCapturing(base: CryptoProvider, into: Uint8Array[]): CryptoProvider {
  return {
    ...base,
    prf(alg, secret, label, seed, length) {
      if (label === 'master secret' || label === 'extended master secret') into.push(secret.slice());
      return base.prf(alg, secret, label, seed, length);
    },
  };
}

/**
 * `base` with public-key signatures by node:crypto (OpenSSL), as @sanstls/node's native provider has them:
 * the model tests run the same handshakes thousands of times and the core's own (pure JavaScript) ECDSA
 * costs milliseconds per signature. ECDSA signatures are then randomized, so the SUT's signed messages vary
 * from run to run: the scripted peer reads them and signs its own CertificateVerify over what it read.
 * (The fuzz harness, which replays recorded bytes, keeps the deterministic default.)
 */
export function withNodeSignatures(base: CryptoProvider): CryptoProvider {
  const privateKeys = new Map<Uint8Array, KeyObject>();
  const publicKeys = new Map<string, KeyObject>();
  const options = (kind: SignatureKind, hash: string | undefined) =>
    kind === 'rsa-pss'
      ? { padding: nodeConstants.RSA_PKCS1_PSS_PADDING, saltLength: { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash!] }
      : kind === 'ecdsa'
        ? { dsaEncoding: 'der' as const }
        : {};
  return {
    ...base,
    signatures: {
      sign(key, kind, hash, data) {
        let k = privateKeys.get(key.der);
        if (!k) privateKeys.set(key.der, (k = createPrivateKey({ key: Buffer.from(key.der), format: 'der', type: key.format })));
        return new Uint8Array(nodeSign(kind === 'ed25519' ? null : hash!, data, { key: k, ...options(kind, hash) }));
      },
      verify(spki, kind, hash, data, signature) {
        const id = Buffer.from(spki).toString('base64');
        let k = publicKeys.get(id);
        if (!k) publicKeys.set(id, (k = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })));
        return nodeVerify(kind === 'ed25519' ? null : hash!, data, { key: k, ...options(kind, hash) }, signature);
      },
    },
  };
}

/** n bytes from a SHA-256 counter: the same label gives the same bytes in every process. */
export function seededBytes(label: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(createHash('sha256').update(`${label}:${counter++}`).digest().subarray(0, Math.min(32, n - i)), i);
    return out;
  };
}

// ---- scripts: one genuine run between our two sides, the SUT's side reproducible -----------------------

export interface Sut {
  readonly conn: Connection;
  readonly use: KeyUse;
}

export interface ScriptMessage {
  readonly event: string;
  /** Header included. */
  readonly raw: Uint8Array;
  /** Which of the peer's flights in this handshake (0-based): the messages it sent in one go. */
  readonly flight: number;
}

/** One handshake of the genuine run, as the peer played it. */
export interface ScriptHandshake {
  /** The peer's handshake messages before its ChangeCipherSpec, in order (HelloRequest excluded). */
  readonly messages: readonly ScriptMessage[];
  /** The flight its ChangeCipherSpec and Finished went out with. */
  readonly ccsFlight: number;
  /** The premaster secret of a full handshake; undefined for an abbreviated one. */
  readonly pms: Uint8Array | undefined;
}

export interface Script {
  readonly name: string;
  readonly sut: Role;
  /** A new SUT: same options, same seed, every time; `extra` overrides options (e.g. for an attack). */
  make(extra?: Partial<ClientOptions & ServerOptions>): Sut;
  /** The handshakes of the genuine run: the first, then each renegotiation. */
  readonly handshakes: readonly ScriptHandshake[];
  /** The first handshake's messages (handshakes[0].messages). */
  readonly messages: readonly ScriptMessage[];
  /** The master secret of the session the first handshake resumes (resumed scripts only). */
  readonly sessionMaster: Uint8Array | undefined;
  /** The session the client offers (resumed scripts only). */
  readonly session: TlsSession | undefined;
  /** The client certificate's key, when the peer is a client that authenticates (it signs CertificateVerify). */
  readonly clientKey: SigningKey | undefined;
  readonly suite: CipherSuite;
  readonly ems: boolean;
  /** The first handshake was the abbreviated one. */
  readonly resumed: boolean;
}

export interface ScriptConfig {
  readonly name: string;
  readonly client: ClientOptions;
  readonly server: ServerOptions;
  /**
   * Resume a session made by an earlier full handshake between the two (its own seeds): 'ticket' offers the
   * session's ticket (valid under the current key: no NewSessionTicket in the abbreviated handshake); 'id'
   * offers its session ID only, with an empty session_ticket extension, so the server renews the ticket
   * (NewSessionTicket before its ChangeCipherSpec). The server's cache and ticket keys are made afresh for
   * every SUT, deterministic.
   */
  readonly resume?: 'ticket' | 'id';
  /**
   * Renegotiate once the first handshake is done: the server asks with HelloRequest (when the SUT is the
   * client: the peer then sends the HelloRequest) or the client starts (the SUT is the server: the peer
   * sends the renegotiating ClientHello). `clientAuth`: the server asks for a certificate in it.
   */
  readonly renegotiate?: { readonly clientAuth?: ServerOptions['clientAuth'] };
  /** The crypto of both sides, from a seed (default seededProvider: same seed, same bytes). */
  readonly crypto?: (seed: string) => CryptoProvider;
}

/** Ticket key material of a script: fixed, so tickets sealed in one process open in another. */
const ticketMaterial = (name: string) => new Uint8Array(createHash('sha512').update(`ticket key:${name}`).digest().subarray(0, 48));
/** The clock of the session stores and ticket keys of resumed scripts (sessions are stamped with it too). */
const SESSION_CLOCK = Date.UTC(2026, 0, 1);

/** Moves bytes between two connections until both are quiet. */
function shuttle(client: Connection, server: Connection): void {
  for (let round = 0; round < 30; round++) {
    const a = client.takeOutgoing();
    if (a.length) server.receive(a);
    const b = server.takeOutgoing();
    if (b.length) client.receive(b);
    if (a.length === 0 && b.length === 0 && round > 0) return;
  }
}

/**
 * A session for resumed scripts: a full handshake between the two (own seeds), then the session as each side
 * keeps it, stamped with SESSION_CLOCK and (for 'ticket') sealed again under the script's fixed ticket key with
 * seeded randomness, so that the ClientHello offering it is the same in every process.
 */
function prepareResumption(cfg: ScriptConfig): { client: ClientOptions; server: () => Partial<ServerOptions>; master: Uint8Array } | undefined {
  const now = () => SESSION_CLOCK;
  const keys = (label: string) => new TicketKeys({ keys: [ticketMaterial(cfg.name)], random: seededBytes(`${cfg.name}:${label}`), now });
  const cache = new LruSessionCache({ now });
  const seed = (r: Role) => `model:${cfg.name}:first:${r}`;
  const crypto = cfg.crypto ?? seededProvider;
  const c = new ClientConnection({ ...cfg.client, crypto: crypto(seed('client')) });
  const s = new ServerConnection({ ...cfg.server, sessionCache: cache, ticketKeys: keys('first'), crypto: crypto(seed('server')) });
  shuttle(c, s);
  const session = c.events().find((e): e is Extract<ConnectionEvent, { type: 'session' }> => e.type === 'session')?.session;
  const kept = session ? cache.get(session.sessionId) : undefined;
  if (!session || !kept || c.state !== 'connected') return undefined;
  const serverSession: TlsSession = { ...kept, createdAt: SESSION_CLOCK };
  const clientSession: TlsSession =
    cfg.resume === 'ticket'
      ? { ...session, createdAt: SESSION_CLOCK, ticket: keys('reseal').seal(serverSession) }
      : { ...session, createdAt: SESSION_CLOCK, ticket: undefined, ticketLifetime: undefined };
  return {
    client: { ...cfg.client, session: clientSession },
    server: () => {
      const sessionCache = new LruSessionCache({ now });
      sessionCache.set(serverSession.sessionId, serverSession);
      return { sessionCache, ticketKeys: keys('server') };
    },
    master: session.masterSecret.slice(),
  };
}

/**
 * Runs our client against our server with seeded crypto, the SUT being `sut`, and keeps what the peer
 * needs. Returns undefined when the pair does not complete what the configuration asks.
 */
export function makeScript(cfg: ScriptConfig, sut: Role): Script | undefined {
  const seed = (r: Role) => `model:${cfg.name}:${r}`;
  const provider = cfg.crypto ?? seededProvider;
  let prep: ReturnType<typeof prepareResumption>;
  try {
    prep = cfg.resume ? prepareResumption(cfg) : undefined;
  } catch {
    return undefined;
  }
  if (cfg.resume && !prep) return undefined;
  const clientOptions = prep?.client ?? cfg.client;
  const serverOptions = (): ServerOptions => ({ ...cfg.server, ...(prep?.server() ?? {}) });
  const make = (extra: Partial<ClientOptions & ServerOptions> = {}): Sut => {
    const use: KeyUse = { created: 0, disposed: 0, operations: 0 };
    const crypto = keyCounting(provider(seed(sut)), use);
    const conn = sut === 'client' ? new ClientConnection({ ...clientOptions, ...extra, crypto }) : new ServerConnection({ ...serverOptions(), ...extra, crypto });
    return { conn, use };
  };
  const captured: Uint8Array[] = [];
  const peerCrypto = premasterCapturing(provider(seed(other(sut))), captured);
  // What the peer sends, message by message, with the turn it went out in: turns count the deliveries
  // between the two (and the renegotiation call), so one turn is one flight. -1: the client's constructor.
  const sent: { raw?: Uint8Array; turn: number }[] = [];
  let turn = -1;
  let s: Connection;
  let p: Connection;
  let firstFlight: Uint8Array | undefined;
  try {
    s = make().conn;
    if (sut === 'client') {
      p = new ServerConnection({ ...serverOptions(), crypto: peerCrypto });
    } else {
      p = new ClientConnection({ ...clientOptions, crypto: peerCrypto });
      firstFlight = p.takeOutgoing(); // the ClientHello, sent by the constructor: one record
      sent.push({ raw: firstFlight.slice(5, 5 + ((firstFlight[3]! << 8) | firstFlight[4]!)), turn });
    }
  } catch {
    return undefined;
  }
  const io = (p as unknown as { io: HandshakeIo }).io;
  const sendHandshake = io.sendHandshake.bind(io);
  const sendCcs = io.sendChangeCipherSpec.bind(io);
  io.sendHandshake = (m) => {
    sent.push({ raw: m.slice(), turn });
    sendHandshake(m);
  };
  io.sendChangeCipherSpec = () => {
    sent.push({ turn });
    sendCcs();
  };
  const client = sut === 'client' ? s : p;
  const server = sut === 'client' ? p : s;
  const seen: ConnectionEvent[] = [];
  const collect = () => seen.push(...client.events(), ...server.events());
  let renegotiating = false;
  try {
    turn++;
    if (firstFlight) server.receive(firstFlight);
    for (let round = 0; round < 30; round++) {
      collect();
      if (cfg.renegotiate && !renegotiating && client.state === 'connected' && server.state === 'connected') {
        renegotiating = true;
        turn++;
        if (sut === 'client') (server as ServerConnection).renegotiate(cfg.renegotiate.clientAuth ? { clientAuth: cfg.renegotiate.clientAuth } : {});
        else (client as ClientConnection).renegotiate();
      }
      const a = client.takeOutgoing();
      turn++;
      if (a.length) server.receive(a);
      const b = server.takeOutgoing();
      turn++;
      if (b.length) client.receive(b);
      if (a.length === 0 && b.length === 0 && (!cfg.renegotiate || renegotiating)) break;
    }
    collect();
  } catch {
    return undefined;
  }
  if (client.state !== 'connected' || server.state !== 'connected') return undefined;
  if (cfg.renegotiate && seen.filter((e) => e.type === 'renegotiated').length !== 2) return undefined;

  // The peer's messages, handshake by handshake: each ends with the one message after its ChangeCipherSpec
  // (its Finished); HelloRequest belongs to none.
  const out: { messages: ScriptMessage[]; ccsTurn: number | undefined; turns: number[] }[] = [];
  let phase: 'messages' | 'finished' | 'done' = 'done';
  for (const x of sent) {
    if (!x.raw) {
      out.at(-1)!.ccsTurn = x.turn;
      phase = 'finished';
      continue;
    }
    if (x.raw[0] === HandshakeType.hello_request) continue;
    if (phase === 'finished') {
      phase = 'done';
      continue;
    }
    if (phase === 'done') {
      out.push({ messages: [], ccsTurn: undefined, turns: [] });
      phase = 'messages';
    }
    const h = out.at(-1)!;
    if (!h.turns.includes(x.turn)) h.turns.push(x.turn);
    h.messages.push({ event: handshakeTypeName(x.raw[0]!) ?? 'unknown_handshake', raw: x.raw, flight: h.turns.indexOf(x.turn) });
  }
  const resumed = prep !== undefined;
  let full = 0;
  const handshakes: ScriptHandshake[] = out.map((h, i) => ({
    messages: h.messages,
    ccsFlight: h.ccsTurn !== undefined && h.turns.includes(h.ccsTurn) ? h.turns.indexOf(h.ccsTurn) : h.turns.length,
    pms: i === 0 && resumed ? undefined : captured[full++],
  }));
  if (handshakes.length === 0 || handshakes.some((h, i) => h.pms === undefined && !(i === 0 && resumed))) return undefined;
  const first = seen.find((e): e is Extract<ConnectionEvent, { type: 'handshake' }> => e.type === 'handshake')!.info;
  if (first.resumed !== resumed) return undefined;
  return {
    name: cfg.name,
    sut,
    make,
    handshakes,
    messages: handshakes[0]!.messages,
    sessionMaster: prep?.master,
    session: prep?.client.session,
    clientKey: sut === 'server' ? cfg.client.credentials?.[0]?.key : undefined,
    suite: cipherSuiteByCode(first.cipherSuiteCode)!,
    ems: first.extendedMasterSecret,
    resumed,
  };
}

/** One script per key exchange our two sides complete a handshake with (so new key exchanges join in). */
export function scriptsFor(sut: Role, base: { client: ClientOptions; server: ServerOptions; crypto?: ScriptConfig['crypto'] }): Script[] {
  const out: Script[] = [];
  const kinds = new Set<string>();
  for (const suite of CIPHER_SUITES) {
    if (kinds.has(suite.keyExchange)) continue;
    const s = makeScript({ name: suite.iana, client: { ...base.client, cipherSuites: [suite.iana] }, server: { ...base.server, cipherSuites: [suite.iana] }, crypto: base.crypto }, sut);
    if (!s) continue;
    kinds.add(suite.keyExchange);
    out.push(s);
  }
  // The first suite again without the extended master secret (RFC 7627): the other master-secret derivation.
  // Without EMS the server issues no ticket (so no NewSessionTicket state); and the client here takes no
  // renegotiation (renegotiation: false), so a HelloRequest in 'connected' is ignored, the other branch.
  const first = out[0];
  if (first) {
    const s = makeScript({
      name: `${first.suite.iana} without EMS`,
      client: { ...base.client, cipherSuites: [first.suite.iana], extendedMasterSecret: false, renegotiation: false },
      server: { ...base.server, cipherSuites: [first.suite.iana] },
      crypto: base.crypto,
    }, sut);
    if (s && !s.ems) out.push(s);
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

// ---- inputs ---------------------------------------------------------------------------------------------

export type Input =
  /**
   * A handshake message of the type named by its machine event; broken: malformed or (Finished) wrong;
   * empty: the body of a message that carries nothing (a Certificate with no certificates).
   */
  | { readonly kind: 'handshake'; readonly event: string; readonly broken: boolean; readonly empty?: boolean }
  | { readonly kind: 'change_cipher_spec' }
  | { readonly kind: 'application_data' }
  | { readonly kind: 'alert'; readonly level: 1 | 2; readonly description: number }
  | { readonly kind: 'empty'; readonly contentType: number }
  | { readonly kind: 'malformed'; readonly what: 'content_type' | 'overflow' | 'alert_length' | 'tampered' }
  /** The application calls renegotiate() on the SUT (not bytes: the API's way into a renegotiation). */
  | { readonly kind: 'api'; readonly call: 'renegotiate' };

const CONTENT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;

/** The machine event an input becomes, or undefined when the connection handles it below the machine. */
export function machineEvent(i: Input): string | undefined {
  if (i.kind === 'handshake') return i.event;
  if (i.kind === 'change_cipher_spec' || i.kind === 'application_data') return i.kind;
  return undefined;
}

export function inputName(i: Input): string {
  switch (i.kind) {
    case 'handshake':
      return `${i.event}${i.broken ? '(broken)' : ''}${i.empty ? '(empty)' : ''}`;
    case 'change_cipher_spec':
    case 'application_data':
      return i.kind;
    case 'alert':
      return `record:alert:${i.level === 2 ? 'fatal' : 'warning'}:${alertName(i.description) ?? i.description}`;
    case 'empty':
      return `record:empty:${Object.entries(CONTENT).find(([, v]) => v === i.contentType)![0]}`;
    case 'malformed':
      return `record:malformed:${i.what}`;
    case 'api':
      return `api:${i.call}`;
  }
}

/**
 * Every input: each handshake type of the codec (and an unknown one) well-formed and broken, an empty
 * Certificate (what a client without a certificate sends), the rest of the records, and renegotiate().
 */
export function alphabet(): Input[] {
  const hs = [...Object.keys(HandshakeType), 'unknown_handshake'];
  return [
    ...hs.flatMap((event) => [{ kind: 'handshake' as const, event, broken: false }, { kind: 'handshake' as const, event, broken: true }]),
    { kind: 'handshake', event: 'certificate', broken: false, empty: true },
    { kind: 'change_cipher_spec' },
    { kind: 'application_data' },
    { kind: 'alert', level: 1, description: 90 }, // user_canceled, warning
    { kind: 'alert', level: 1, description: 100 }, // no_renegotiation, warning: a declined renegotiation
    { kind: 'alert', level: 1, description: 0 }, // close_notify
    { kind: 'alert', level: 2, description: 40 }, // handshake_failure, fatal
    ...Object.values(CONTENT).map((contentType) => ({ kind: 'empty' as const, contentType })),
    { kind: 'malformed', what: 'content_type' },
    { kind: 'malformed', what: 'overflow' },
    { kind: 'malformed', what: 'alert_length' },
    { kind: 'malformed', what: 'tampered' },
    { kind: 'api', call: 'renegotiate' },
  ];
}

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);
const u8 = (...parts: (number | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));

/** Well-formed bodies for the types the genuine peer never sends (their content rarely matters: most are unexpected). */
function syntheticBody(event: string): Uint8Array {
  switch (event) {
    case 'hello_request':
    case 'server_hello_done':
      return new Uint8Array(0);
    case 'client_hello': // TLS 1.2, one ECDHE suite, null compression, no extensions
      return u8(3, 3, filled(32, 0x11), 0, 0, 2, 0xc0, 0x2b, 1, 0);
    case 'server_hello':
      return u8(3, 3, filled(32, 0x22), 0, 0xc0, 0x2b, 0);
    case 'new_session_ticket': // lifetime hint, empty ticket
      return u8(0, 0, 0, 0, 0, 0);
    case 'certificate': // an empty list: what a client without a certificate sends
      return u8(0, 0, 0);
    case 'server_key_exchange': // x25519 share, ecdsa_secp256r1_sha256, empty signature
      return u8(3, 0, 29, 32, filled(32, 9), 4, 3, 0, 0);
    case 'certificate_request': // ecdsa_sign, ecdsa_secp256r1_sha256 + rsa_pss_rsae_sha256, no CA names
      return u8(1, 64, 0, 4, 4, 3, 8, 4, 0, 0);
    case 'certificate_verify':
      return u8(4, 3, 0, 0);
    case 'client_key_exchange':
      return u8(32, filled(32, 9));
    case 'certificate_status': // ocsp, empty response
      return u8(1, 0, 0, 0);
    default:
      return u8(0, 0, 0);
  }
}

function frame(type: number, body: Uint8Array): Uint8Array {
  return u8(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff, body);
}

// ---- the peer -------------------------------------------------------------------------------------------

/** The peer's crypto: the core's, with node:crypto signatures (its CertificateVerify). */
const peerProvider = withNodeSignatures(wasmProvider);

/** What the peer knows of the handshake in progress. */
interface PeerHandshake {
  readonly transcript: Uint8Array[];
  clientRandom: Uint8Array | undefined;
  clientSessionId: Uint8Array | undefined;
  serverRandom: Uint8Array | undefined;
  suite: CipherSuite | undefined;
  ems: boolean;
  etm: boolean;
  master: Uint8Array | undefined;
  /** The key block of this handshake, once derived (in force from each side's ChangeCipherSpec). */
  keys: KeyBlock | undefined;
  /** Whose Finished has been seen. */
  readonly finished: Set<Role>;
  /** Their verify_data (RFC 5746 binds the next handshake to them). */
  readonly verifyData: { client?: Uint8Array; server?: Uint8Array };
}

const freshHandshake = (): PeerHandshake => ({
  transcript: [], clientRandom: undefined, clientSessionId: undefined, serverRandom: undefined, suite: undefined,
  ems: false, etm: false, master: undefined, keys: undefined, finished: new Set(), verifyData: {},
});

export class ScriptedPeer {
  readonly role: Role;
  private readonly provider = peerProvider;
  private hs: PeerHandshake = freshHandshake();
  /** The verify_data of the last completed handshake. */
  private previous: PeerHandshake['verifyData'] = {};
  /** Which handshake of the connection is in progress (0: the first; then each renegotiation). */
  private index = 0;
  private writeProtector: RecordProtector = new NullProtector();
  private readonly writeSeq = new SequenceNumber();
  private readonly reader = new RecordLayer();
  private readonly assembler = new HandshakeAssembler();
  private readFailed = false;
  /** The peer's own ChangeCipherSpec went out (in some handshake). */
  writeProtected = false;

  constructor(readonly script: Script) {
    this.role = other(script.sut);
  }

  /** Has the peer derived the keys of the handshake in progress? */
  get hasKeys(): boolean {
    return this.hs.keys !== undefined;
  }

  /**
   * The handshake in progress is one the genuine run did not have (a renegotiation more than it made): the
   * peer has no premaster secret for it, so from here on it cannot play a correct peer.
   */
  get beyondScript(): boolean {
    return this.index >= this.script.handshakes.length;
  }

  /** Are the peer's records protected now (its ChangeCipherSpec went out with keys it knew)? */
  get protectedWrites(): boolean {
    return !(this.writeProtector instanceof NullProtector);
  }

  /** The recorded handshake the one in progress corresponds to (the last one when the script has no more). */
  private get recorded(): ScriptHandshake {
    const hs = this.script.handshakes;
    return hs[Math.min(this.index, hs.length - 1)]!;
  }

  private hash(): Uint8Array {
    const h = this.provider.hash(this.hs.suite!.prf);
    for (const m of this.hs.transcript) h.update(m);
    const d = h.digest();
    h.dispose();
    return d;
  }

  /** A ClientHello once both Finished messages of the handshake in progress were seen: a renegotiation. */
  private maybeNextHandshake(type: number): void {
    if (type !== HandshakeType.client_hello || this.hs.finished.size < 2) return;
    this.previous = this.hs.verifyData;
    this.hs = freshHandshake();
    this.index++;
  }

  /**
   * A renegotiation's hello carries the verify_data of the previous handshake's Finished messages (RFC 5746
   * §3.4-3.7) as they really were: the recorded ones may differ (an RSA ClientKeyExchange is randomized, so
   * the transcript, so the Finished). The recorded hello is sent with the extension's value made right.
   */
  private renegotiationBinding(raw: Uint8Array): Uint8Array {
    const prev = this.previous;
    if (this.index === 0 || !prev.client) return raw;
    const type = raw[0]!;
    const value = type === HandshakeType.client_hello ? prev.client : concatBytes([prev.client, prev.server ?? new Uint8Array(0)]);
    const fix = <T extends { readonly extensions: readonly { readonly type: number; readonly data: Uint8Array }[] }>(m: T): T => ({
      ...m,
      extensions: m.extensions.map((e) => (e.type === ExtensionType.renegotiation_info ? { type: e.type, data: u8(value.length, value) } : e)),
    });
    try {
      if (type === HandshakeType.client_hello) return frame(type, encodeClientHello(fix(decodeClientHello(raw.subarray(4)))));
      if (type === HandshakeType.server_hello) return frame(type, encodeServerHello(fix(decodeServerHello(raw.subarray(4)))));
    } catch {
      // not decodable: sent as recorded
    }
    return raw;
  }

  private derive(master: Uint8Array): void {
    const h = this.hs;
    h.master = master;
    h.keys = keyBlock(this.provider, h.suite!, master, h.clientRandom!, h.serverRandom!);
  }

  /** Adds a handshake message seen in either direction; the hellos and ClientKeyExchange drive the keys. */
  private note(raw: Uint8Array, from: Role = this.role): void {
    const type = raw[0]!;
    if (type === HandshakeType.hello_request) return; // never hashed (RFC 5246 §7.4.1.1)
    this.maybeNextHandshake(type);
    const h = this.hs;
    h.transcript.push(raw.slice());
    const body = raw.subarray(4);
    try {
      if (type === HandshakeType.client_hello && !h.clientRandom) {
        h.clientRandom = body.slice(2, 34);
        h.clientSessionId = body.slice(35, 35 + body[34]!);
      }
      if (type === HandshakeType.server_hello && !h.serverRandom) {
        const sh = decodeServerHello(body);
        h.serverRandom = sh.random.slice();
        h.suite = cipherSuiteByCode(sh.cipherSuite);
        h.ems = sh.extensions.some((e) => e.type === ExtensionType.extended_master_secret);
        h.etm = sh.extensions.some((e) => e.type === ExtensionType.encrypt_then_mac) && h.suite?.mac !== 'AEAD';
        // RFC 5246 §7.4.1.3: the session ID we offered, echoed: the abbreviated handshake of that session.
        const id = h.clientSessionId;
        const echoed = id !== undefined && id.length > 0 && sh.sessionId.length === id.length && sh.sessionId.every((b, i) => b === id[i]);
        if (echoed && this.script.sessionMaster && h.suite && h.clientRandom) this.derive(this.script.sessionMaster.slice());
      }
    } catch {
      // a broken hello: the SUT refuses it, nothing to derive
    }
    const pms = this.recorded.pms;
    if (type === HandshakeType.client_key_exchange && !h.master && pms && h.suite && h.clientRandom && h.serverRandom) {
      this.derive(masterSecret(this.provider, h.suite, pms, h.ems
        ? { ems: true, sessionHash: this.hash() }
        : { ems: false, clientRandom: h.clientRandom, serverRandom: h.serverRandom }));
    }
    if (type === HandshakeType.finished) {
      h.finished.add(from);
      h.verifyData[from] = body.slice();
    }
  }

  /**
   * The handshake message (header included) the peer sends for `event`. A ClientHello after a completed
   * handshake is the next recorded handshake's (the peer moves on to it).
   */
  message(event: string, broken: boolean, empty = false): Uint8Array {
    const type = event === 'unknown_handshake' ? 99 : HandshakeType[event as keyof typeof HandshakeType];
    this.maybeNextHandshake(type);
    const h = this.hs;
    if (event === 'finished') {
      // verify_data over the transcript as it really is (RFC 5246 §7.4.9); broken: one bit off.
      const vd = h.master ? finishedVerifyData(this.provider, h.suite!, h.master, this.role, this.hash()) : new Uint8Array(12);
      if (broken) vd[0]! ^= 0x01;
      return frame(type, vd);
    }
    const genuine = empty ? undefined : this.recorded.messages.find((m) => m.event === event);
    if (event === 'certificate_verify' && genuine && !broken && this.script.clientKey) return this.certificateVerify(genuine.raw);
    const body = genuine ? this.renegotiationBinding(genuine.raw).subarray(4) : syntheticBody(event);
    if (!broken) return frame(type, body);
    return frame(type, body.length ? body.subarray(0, body.length - 1) : u8(0));
  }

  /**
   * CertificateVerify (RFC 5246 §7.4.8) signed now over the transcript so far, with the scheme of the genuine
   * one: the SUT's own messages may differ from the genuine run's (randomized signatures), the peer's must
   * follow them. `tamper`: a signature that does not verify (one bit off).
   */
  certificateVerify(genuine: Uint8Array = this.recorded.messages.find((m) => m.event === 'certificate_verify')!.raw, tamper = false): Uint8Array {
    const scheme = (genuine[4]! << 8) | genuine[5]!;
    const signature = sign(this.provider, this.script.clientKey!, scheme, concatBytes(this.hs.transcript));
    if (tamper) signature[signature.length >> 1]! ^= 0x01;
    return frame(HandshakeType.certificate_verify, u8(scheme >> 8, scheme & 0xff, signature.length >> 8, signature.length & 0xff, signature));
  }

  /** Handshake messages the SUT sent, in order (header included). */
  readonly received: Uint8Array[] = [];

  /** Sends a handshake message of the test's own making (hashed like any other). */
  handshake(raw: Uint8Array): Uint8Array {
    this.maybeNextHandshake(raw[0]!);
    this.note(raw);
    return this.seal(CONTENT.handshake, raw);
  }

  /** One record of `type` protected under the peer's current write state. */
  seal(type: number, data: Uint8Array): Uint8Array {
    const p = this.writeProtector;
    const buf = new Uint8Array(5 + p.prefixLength + data.length + p.maxSuffixLength);
    buf.set(data, 5 + p.prefixLength);
    const n = p.sealInPlace(buf, 5, data.length, type, 0x0303, this.writeSeq.next());
    buf.set([type, 3, 3, n >> 8, n & 0xff]);
    return buf.slice(0, 5 + n);
  }

  /** The bytes of one input, protected as the peer's state requires. */
  send(i: Input): Uint8Array {
    switch (i.kind) {
      case 'handshake': {
        const raw = this.message(i.event, i.broken, i.empty);
        this.note(raw);
        return this.seal(CONTENT.handshake, raw);
      }
      case 'change_cipher_spec': {
        const rec = this.seal(CONTENT.change_cipher_spec, u8(1));
        const h = this.hs;
        if (h.keys) {
          this.writeProtector = protectorFor(this.provider, h.suite!, h.keys[this.role], h.etm);
          this.writeSeq.reset();
        }
        this.writeProtected = true;
        return rec;
      }
      case 'application_data':
        return this.seal(CONTENT.application_data, u8(0x61, 0x62, 0x63));
      case 'alert':
        return this.seal(CONTENT.alert, u8(i.level, i.description));
      case 'empty':
        return this.seal(i.contentType, new Uint8Array(0));
      case 'api':
        return new Uint8Array(0);
      case 'malformed':
        switch (i.what) {
          case 'content_type':
            return u8(99, 3, 3, 0, 1, 1);
          case 'overflow': {
            const n = (1 << 14) + 2049;
            return u8(CONTENT.handshake, 3, 3, n >> 8, n & 0xff, new Uint8Array(n));
          }
          case 'alert_length':
            return this.seal(CONTENT.alert, u8(2, 40, 0));
          case 'tampered': {
            const rec = this.seal(CONTENT.application_data, u8(1, 2, 3));
            rec[rec.length - 1]! ^= 0x01;
            return rec;
          }
        }
    }
  }

  /**
   * Reads what the SUT sent, as its peer: each record decrypted with the SUT's write keys once it sent its
   * ChangeCipherSpec. Tokens: `hs:<type>`, `ccs`, `alert:<warning|fatal>:<name>`, `data:<hex>`, `unreadable`.
   */
  observe(bytes: Uint8Array): string[] {
    const out: string[] = [];
    if (this.readFailed || bytes.length === 0) return out;
    try {
      this.reader.receive(bytes);
      for (let ev = this.reader.nextEvent(); ev; ev = this.reader.nextEvent()) {
        switch (ev.type) {
          case 'handshake':
            this.assembler.push(ev.payload, (m) => {
              out.push(`hs:${handshakeTypeName(m.type) ?? m.type}`);
              this.received.push(m.raw.slice());
              this.note(m.raw.slice(), this.script.sut);
            });
            break;
          case 'change_cipher_spec': {
            out.push('ccs');
            const h = this.hs;
            if (!h.keys) throw new Error('the SUT changed cipher before the peer could derive keys');
            this.reader.changeReadCipher(protectorFor(this.provider, h.suite!, h.keys[this.script.sut], h.etm));
            break;
          }
          case 'alert':
            out.push(`alert:${ev.level === 2 ? 'fatal' : 'warning'}:${alertName(ev.description) ?? ev.description}`);
            break;
          case 'application_data':
            out.push(`data:${Buffer.from(ev.payload).toString('hex')}`);
            break;
        }
      }
    } catch {
      this.readFailed = true;
      out.push('unreadable');
    }
    return out;
  }
}

// ---- a run: a fresh SUT and its peer ------------------------------------------------------------------

export interface StepResult {
  /** What the peer read from the SUT's bytes. */
  readonly out: string[];
  readonly events: ConnectionEvent[];
  readonly bytes: number;
  /** An API input threw (the connection refused the call). */
  readonly threw?: unknown;
}

export class Run {
  readonly sut: Connection;
  readonly use: KeyUse;
  readonly peer: ScriptedPeer;
  /** What the SUT sent on its own (the client's ClientHello). */
  readonly first: StepResult;

  /**
   * echo: the application writes back whatever data it receives (makes `connected` visible on the wire); not
   * during a renegotiation, where writes wait for its end (a queue the model does not have).
   */
  constructor(readonly script: Script, private readonly echo = false) {
    const s = script.make();
    this.sut = s.conn;
    this.use = s.use;
    this.peer = new ScriptedPeer(script);
    this.first = this.drain();
  }

  private drain(threw?: unknown): StepResult {
    const events = this.sut.events();
    if (this.echo && !this.sut.renegotiating) for (const e of events) if (e.type === 'data') this.sut.write(e.data);
    const b = this.sut.takeOutgoing();
    return { out: this.peer.observe(b), events, bytes: b.length, ...(threw !== undefined ? { threw } : {}) };
  }

  step(i: Input): StepResult {
    if (i.kind === 'api') {
      try {
        (this.sut as ClientConnection).renegotiate();
      } catch (e) {
        return this.drain(e);
      }
      return this.drain();
    }
    this.sut.receive(this.peer.send(i));
    return this.drain();
  }

  /** Raw bytes (for inputs the alphabet does not have). */
  feed(bytes: Uint8Array): StepResult {
    this.sut.receive(bytes);
    return this.drain();
  }
}
