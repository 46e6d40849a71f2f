// A scripted TLS peer for the model tests. It plays the opposite role of a real ClientConnection or
// ServerConnection (the connection under test, "SUT") and can send it any input at any point, always
// correctly protected:
//
// - Its handshake messages come from a genuine run of our own opposite-side connection against the SUT, both
//   with seeded crypto (same seed, same bytes), so a fresh SUT answers them exactly as in that run.
// - The one secret it borrows is that run's premaster secret, read from the PRF call of the opposite side's
//   seeded crypto provider. Everything else it derives from what is actually exchanged, through the real key
//   schedule and record layer: its own transcript, the master secret (RFC 7627 EMS or not), the key block,
//   the record protection of what it sends, its Finished over the real transcript, and the decryption of
//   what the SUT sends (so outputs can be read as a peer reads them: bytes only).
import { wasmProvider, type CryptoProvider } from '@sanstls/crypto';
import { cipherSuiteByCode, CIPHER_SUITES, ExtensionType, HandshakeType, handshakeTypeName, type CipherSuite } from '../../src/codec/constants.js';
import { HandshakeAssembler } from '../../src/codec/messages/handshake.js';
import { decodeServerHello } from '../../src/codec/messages/server-hello.js';
import { alertName } from '../../src/alerts.js';
import { finishedVerifyData, keyBlock, masterSecret, type KeyBlock } from '../../src/handshake/key-schedule.js';
import { protectorFor } from '../../src/handshake/protection.js';
import { RecordLayer } from '../../src/record/layer.js';
import { NullProtector } from '../../src/record/protection/null.js';
import type { RecordProtector } from '../../src/record/protection/types.js';
import { SequenceNumber } from '../../src/record/sequence.js';
import { ClientConnection, ServerConnection, type ClientOptions, type ConnectionEvent, type ServerOptions } from '../../src/index.js';
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

/** `base`, remembering the premaster secret it is asked to turn into a master secret. */
function premasterCapturing(base: CryptoProvider, into: { pms?: Uint8Array }): CryptoProvider {
  return {
    ...base,
    prf(alg, secret, label, seed, length) {
      if (label === 'master secret' || label === 'extended master secret') into.pms = secret.slice();
      return base.prf(alg, secret, label, seed, length);
    },
  };
}

// ---- scripts: one genuine handshake between our two sides, the SUT's side reproducible ----------------

export interface Sut {
  readonly conn: Connection;
  readonly use: KeyUse;
}

export interface Script {
  readonly name: string;
  readonly sut: Role;
  /** A new SUT: same options, same seed, every time. */
  make(): Sut;
  /** The genuine peer's handshake messages before its ChangeCipherSpec, in order (header included). */
  readonly messages: readonly { readonly event: string; readonly raw: Uint8Array }[];
  readonly pms: Uint8Array;
  readonly suite: CipherSuite;
  readonly ems: boolean;
}

export interface ScriptConfig {
  readonly name: string;
  readonly client: ClientOptions;
  readonly server: ServerOptions;
}

function recordsOf(bytes: Uint8Array): { type: number; payload: Uint8Array }[] {
  const out: { type: number; payload: Uint8Array }[] = [];
  for (let off = 0; off + 5 <= bytes.length; ) {
    const len = (bytes[off + 3]! << 8) | bytes[off + 4]!;
    out.push({ type: bytes[off]!, payload: bytes.subarray(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return out;
}

/**
 * Runs our client against our server with seeded crypto, the SUT being `sut`, and keeps what the peer
 * needs. Returns undefined when the pair does not complete a handshake with these options.
 */
export function makeScript(cfg: ScriptConfig, sut: Role): Script | undefined {
  const seed = (r: Role) => `model:${cfg.name}:${r}`;
  const make = (): Sut => {
    const use: KeyUse = { created: 0, disposed: 0, operations: 0 };
    const crypto = keyCounting(seededProvider(seed(sut)), use);
    const conn = sut === 'client' ? new ClientConnection({ ...cfg.client, crypto }) : new ServerConnection({ ...cfg.server, crypto });
    return { conn, use };
  };
  const captured: { pms?: Uint8Array } = {};
  const peerCrypto = premasterCapturing(seededProvider(seed(other(sut))), captured);
  let s: Connection;
  let p: Connection;
  try {
    s = make().conn;
    p = sut === 'client' ? new ServerConnection({ ...cfg.server, crypto: peerCrypto }) : new ClientConnection({ ...cfg.client, crypto: peerCrypto });
  } catch {
    return undefined;
  }
  const client = sut === 'client' ? s : p;
  const server = sut === 'client' ? p : s;
  const fromPeer: Uint8Array[] = [];
  for (let i = 0; i < 10; i++) {
    const a = client.takeOutgoing();
    if (a.length) server.receive(a);
    const b = server.takeOutgoing();
    if (b.length) client.receive(b);
    (sut === 'client' ? fromPeer : []).push(b);
    (sut === 'server' ? fromPeer : []).push(a);
    if (client.state === 'connected' && server.state === 'connected' && a.length === 0 && b.length === 0) break;
  }
  if (client.state !== 'connected' || server.state !== 'connected' || !captured.pms) return undefined;
  const info = s.handshake!;
  const messages: { event: string; raw: Uint8Array }[] = [];
  const asm = new HandshakeAssembler();
  for (const r of recordsOf(concatBytes(fromPeer))) {
    if (r.type === 20) break;
    if (r.type === 22) asm.push(r.payload, (m) => messages.push({ event: handshakeTypeName(m.type) ?? 'unknown_handshake', raw: m.raw.slice() }));
  }
  return { name: cfg.name, sut, make, messages, pms: captured.pms, suite: cipherSuiteByCode(info.cipherSuiteCode)!, ems: info.extendedMasterSecret };
}

/** One script per key exchange our two sides complete a handshake with (so new key exchanges join in). */
export function scriptsFor(sut: Role, base: { client: ClientOptions; server: ServerOptions }): Script[] {
  const out: Script[] = [];
  const kinds = new Set<string>();
  for (const suite of CIPHER_SUITES) {
    if (kinds.has(suite.keyExchange)) continue;
    const s = makeScript({ name: suite.iana, client: { ...base.client, cipherSuites: [suite.iana] }, server: { ...base.server, cipherSuites: [suite.iana] } }, sut);
    if (!s) continue;
    kinds.add(suite.keyExchange);
    out.push(s);
  }
  // The first suite again without the extended master secret (RFC 7627): the other master-secret derivation.
  const first = out[0];
  if (first) {
    const s = makeScript({
      name: `${first.suite.iana} without EMS`,
      client: { ...base.client, cipherSuites: [first.suite.iana], extendedMasterSecret: false },
      server: { ...base.server, cipherSuites: [first.suite.iana] },
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
  /** A handshake message of the type named by its machine event; broken: malformed or (Finished) wrong. */
  | { readonly kind: 'handshake'; readonly event: string; readonly broken: boolean }
  | { readonly kind: 'change_cipher_spec' }
  | { readonly kind: 'application_data' }
  | { readonly kind: 'alert'; readonly level: 1 | 2; readonly description: number }
  | { readonly kind: 'empty'; readonly contentType: number }
  | { readonly kind: 'malformed'; readonly what: 'content_type' | 'overflow' | 'alert_length' | 'tampered' };

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
      return `${i.event}${i.broken ? '(broken)' : ''}`;
    case 'change_cipher_spec':
    case 'application_data':
      return i.kind;
    case 'alert':
      return `record:alert:${i.level === 2 ? 'fatal' : 'warning'}:${alertName(i.description) ?? i.description}`;
    case 'empty':
      return `record:empty:${Object.entries(CONTENT).find(([, v]) => v === i.contentType)![0]}`;
    case 'malformed':
      return `record:malformed:${i.what}`;
  }
}

/** Every input: each handshake type of the codec (and an unknown one) well-formed and broken, and the rest. */
export function alphabet(): Input[] {
  const hs = [...Object.keys(HandshakeType), 'unknown_handshake'];
  return [
    ...hs.flatMap((event) => [{ kind: 'handshake' as const, event, broken: false }, { kind: 'handshake' as const, event, broken: true }]),
    { kind: 'change_cipher_spec' },
    { kind: 'application_data' },
    { kind: 'alert', level: 1, description: 90 }, // user_canceled, warning
    { kind: 'alert', level: 1, description: 0 }, // close_notify
    { kind: 'alert', level: 2, description: 40 }, // handshake_failure, fatal
    ...Object.values(CONTENT).map((contentType) => ({ kind: 'empty' as const, contentType })),
    { kind: 'malformed', what: 'content_type' },
    { kind: 'malformed', what: 'overflow' },
    { kind: 'malformed', what: 'alert_length' },
    { kind: 'malformed', what: 'tampered' },
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

export class ScriptedPeer {
  readonly role: Role;
  private readonly provider = wasmProvider;
  private readonly transcript: Uint8Array[] = [];
  private clientRandom: Uint8Array | undefined;
  private serverRandom: Uint8Array | undefined;
  private suite: CipherSuite | undefined;
  private ems = false;
  private master: Uint8Array | undefined;
  private keys: KeyBlock | undefined;
  private writeProtector: RecordProtector = new NullProtector();
  private readonly writeSeq = new SequenceNumber();
  private readonly reader = new RecordLayer();
  private readonly assembler = new HandshakeAssembler();
  private readFailed = false;
  /** The peer's own ChangeCipherSpec went out: what it sends now is protected (when it knows keys). */
  writeProtected = false;

  constructor(readonly script: Script) {
    this.role = other(script.sut);
  }

  /** Has the peer derived the session keys from the exchange so far? */
  get hasKeys(): boolean {
    return this.keys !== undefined;
  }

  private hash(): Uint8Array {
    const h = this.provider.hash(this.suite!.prf);
    for (const m of this.transcript) h.update(m);
    const d = h.digest();
    h.dispose();
    return d;
  }

  /** Adds a handshake message seen in either direction; the hellos and ClientKeyExchange drive the keys. */
  private note(raw: Uint8Array): void {
    const type = raw[0]!;
    if (type === HandshakeType.hello_request) return; // never hashed (RFC 5246 §7.4.1.1)
    this.transcript.push(raw.slice());
    const body = raw.subarray(4);
    try {
      if (type === HandshakeType.client_hello && !this.clientRandom) this.clientRandom = body.slice(2, 34);
      if (type === HandshakeType.server_hello && !this.serverRandom) {
        const sh = decodeServerHello(body);
        this.serverRandom = sh.random.slice();
        this.suite = cipherSuiteByCode(sh.cipherSuite);
        this.ems = sh.extensions.some((e) => e.type === ExtensionType.extended_master_secret);
      }
    } catch {
      // a broken hello: the SUT refuses it, nothing to derive
    }
    if (type === HandshakeType.client_key_exchange && !this.master && this.suite && this.clientRandom && this.serverRandom) {
      const pms = this.script.pms;
      this.master = masterSecret(this.provider, this.suite, pms, this.ems
        ? { ems: true, sessionHash: this.hash() }
        : { ems: false, clientRandom: this.clientRandom, serverRandom: this.serverRandom });
      this.keys = keyBlock(this.provider, this.suite, this.master, this.clientRandom, this.serverRandom);
    }
  }

  /** The handshake message (header included) the peer sends for `event`. */
  message(event: string, broken: boolean): Uint8Array {
    const type = event === 'unknown_handshake' ? 99 : HandshakeType[event as keyof typeof HandshakeType];
    if (event === 'finished') {
      // verify_data over the transcript as it really is (RFC 5246 §7.4.9); broken: one bit off.
      const vd = this.master ? finishedVerifyData(this.provider, this.suite!, this.master, this.role, this.hash()) : new Uint8Array(12);
      if (broken) vd[0]! ^= 0x01;
      return frame(type, vd);
    }
    const genuine = this.script.messages.find((m) => m.event === event);
    const body = genuine ? genuine.raw.subarray(4) : syntheticBody(event);
    if (!broken) return frame(type, body);
    return frame(type, body.length ? body.subarray(0, body.length - 1) : u8(0));
  }

  /** Handshake messages the SUT sent, in order (header included). */
  readonly received: Uint8Array[] = [];

  /** Sends a handshake message of the test's own making (hashed like any other). */
  handshake(raw: Uint8Array): Uint8Array {
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
        const raw = this.message(i.event, i.broken);
        this.note(raw);
        return this.seal(CONTENT.handshake, raw);
      }
      case 'change_cipher_spec': {
        const rec = this.seal(CONTENT.change_cipher_spec, u8(1));
        if (this.keys) {
          this.writeProtector = protectorFor(this.provider, this.suite!, this.keys[this.role]);
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
              this.note(m.raw.slice());
            });
            break;
          case 'change_cipher_spec':
            out.push('ccs');
            if (!this.keys) throw new Error('the SUT changed cipher before the peer could derive keys');
            this.reader.changeReadCipher(protectorFor(this.provider, this.suite!, this.keys[this.script.sut]));
            break;
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
}

export class Run {
  readonly sut: Connection;
  readonly use: KeyUse;
  readonly peer: ScriptedPeer;
  /** What the SUT sent on its own (the client's ClientHello). */
  readonly first: StepResult;

  /** echo: the application writes back whatever data it receives (makes `connected` visible on the wire). */
  constructor(readonly script: Script, private readonly echo = false) {
    const s = script.make();
    this.sut = s.conn;
    this.use = s.use;
    this.peer = new ScriptedPeer(script);
    this.first = this.drain();
  }

  private drain(): StepResult {
    const events = this.sut.events();
    if (this.echo) for (const e of events) if (e.type === 'data') this.sut.write(e.data);
    const b = this.sut.takeOutgoing();
    return { out: this.peer.observe(b), events, bytes: b.length };
  }

  step(i: Input): StepResult {
    this.sut.receive(this.peer.send(i));
    return this.drain();
  }

  /** Raw bytes (for inputs the alphabet does not have). */
  feed(bytes: Uint8Array): StepResult {
    this.sut.receive(bytes);
    return this.drain();
  }
}
