// Shared by the fuzz tests and `npm run fuzz` (packages/core/scripts/fuzz.ts): the recorded handshakes the
// mutation fuzzer starts from, a deterministic PRNG, and the oracle every fed input is judged by.
//
// Recorded handshakes. They come from the model tests' scripted peer (test/model/peer.ts): a genuine run of
// our own opposite-side connection against the connection under test ("SUT"), both with seeded crypto, so a
// fresh SUT built by `script.make()` sends exactly the same bytes every time, and the peer can protect and
// finish whatever (mutated) flight it sends with the real record layer and key schedule. Unlike the model
// tests, the PKI is fixed (test/fuzz/pki, created once with the openssl CLI, valid for a century): the same
// seed gives the same bytes in every process, so a failing input written to disk replays exactly.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { alertName, AlertDescription } from '../../src/alerts.js';
import { TlsError } from '../../src/errors.js';
import { loadCredential, type ClientOptions, type ConnectionEvent, type ServerOptions } from '../../src/index.js';
import { concatBytes, makeScript, ScriptedPeer, type Connection, type Script } from '../model/peer.js';

export type Role = 'client' | 'server';
export const ROLES: readonly Role[] = ['client', 'server'];

// ---- the fixed PKI and the handshakes recorded with it ------------------------------------------------------

const pem = (f: string) => readFileSync(new URL(`./pki/${f}`, import.meta.url), 'utf8');

export interface FuzzConfig {
  readonly name: string;
  readonly client: ClientOptions;
  readonly server: ServerOptions;
  /** Resume a session (test/model/peer.ts ScriptConfig.resume). */
  readonly resume?: 'ticket' | 'id';
}

/**
 * One configuration per key exchange, plus the variants that change the wire format (no EMS, no ETM, ALPN),
 * and the optional flows: an abbreviated handshake (a session resumed by ticket) and client certificates.
 * Every signature in them is deterministic (ECDSA with RFC 6979 nonces; RSA only where the platform generator
 * is seeded, see PlatformRandom), so the genuine flights, CertificateVerify included, fit every fresh SUT.
 */
export function fuzzConfigs(): FuzzConfig[] {
  const ca = pem('ca.pem');
  const credentials = [loadCredential(pem('p256.pem'), pem('p256.key')), loadCredential(pem('rsa2048.pem'), pem('rsa2048.key'))];
  const client: ClientOptions = { serverName: 'localhost', ca };
  const server: ServerOptions = { credentials };
  const pair = (name: string, suite: string, extra: Partial<ClientOptions & ServerOptions> = {}, clientOnly: Partial<ClientOptions> = {}, serverOnly: Partial<ServerOptions> = {}): FuzzConfig => ({
    name,
    client: { ...client, cipherSuites: [suite], ...extra, ...clientOnly },
    server: { ...server, cipherSuites: [suite], ...extra, ...serverOnly },
  });
  return [
    pair('ecdhe-ecdsa-aes128gcm-alpn', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', {}, { alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1'] }),
    pair('ecdhe-rsa-chacha20-p256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', { groups: ['secp256r1'] }),
    // CBC suites without encrypt-then-MAC: the scripted peer protects records as protectorFor() does by default,
    // which is MAC-then-encrypt (RFC 7366 is negotiated in the hellos, but the peer cannot apply it yet).
    pair('ecdhe-ecdsa-aes256cbc-sha384-etm-declined', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', {}, {}, { encryptThenMac: false }),
    pair('ecdhe-rsa-aes128cbc-sha-noetm-noems', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', { encryptThenMac: false, extendedMasterSecret: false, groups: ['secp384r1'] }),
    pair('dhe-rsa-aes128gcm', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'),
    pair('rsa-aes128cbc-sha256', 'TLS_RSA_WITH_AES_128_CBC_SHA256', { encryptThenMac: false }),
    // The abbreviated handshake: ServerHello, CCS, Finished from the server; CCS, Finished from the client.
    { ...pair('ecdhe-ecdsa-aes128gcm-resumed', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'), resume: 'ticket' },
    // Client certificates (required): CertificateRequest to the client; Certificate, ClientKeyExchange,
    // CertificateVerify from it.
    pair('ecdhe-ecdsa-chacha20-client-cert', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', {}, { credentials: [credentials[0]!] }, { clientAuth: { require: true, ca } }),
  ];
}

export interface Scripts {
  readonly client: Script[];
  readonly server: Script[];
  /** Configurations our two sides did not complete a handshake with (reported, not fuzzed). */
  readonly unavailable: string[];
}

let cached: Scripts | undefined;

/** The recorded handshakes, for both roles (built once per process: a few handshakes). */
export function loadScripts(): Scripts {
  if (cached) return cached;
  const out: Scripts = { client: [], server: [], unavailable: [] };
  for (const cfg of fuzzConfigs()) {
    for (const role of ROLES) {
      const s = makeScript(cfg, role);
      if (s) out[role].push(s);
      else out.unavailable.push(`${cfg.name} (${role})`);
    }
  }
  cached = out;
  return out;
}

export function findScript(role: Role, name: string): Script {
  const s = loadScripts()[role].find((x) => x.name === name);
  if (!s) throw new Error(`no recorded handshake ${name} for the ${role} role`);
  return s;
}

// ---- deterministic randomness -------------------------------------------------------------------------------

/** splitmix32 of one 32-bit value: derives independent case seeds from (run seed, case index). */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export const caseSeed = (seed: number, index: number): number => mix32((seed ^ mix32(index)) >>> 0);

/** A small PRNG (xorshift128) with the helpers the mutators need. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix32(seed) || 1;
    this.b = mix32(this.a);
    this.c = mix32(this.b);
    this.d = mix32(this.c);
  }

  u32(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[this.int(xs.length)]!;
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.int(total);
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/**
 * The platform random generator, seeded, while the SUT runs. The seeded CryptoProvider of the scripts makes our
 * own randomness reproducible, but @sanstls/crypto's RSA code draws from globalThis.crypto.getRandomValues
 * directly (PKCS#1 v1.5 encryption padding of the client's premaster, PSS salts, blinding), so without this a
 * ClientConnection doing RSA key exchange, or a ServerConnection signing with RSA, sends different bytes on each
 * run and a recorded input does not replay. Only the SUT's calls run under it; the peer uses the real generator.
 */
export class PlatformRandom {
  private counter = 0;
  constructor(private readonly seed: string) {}

  run<T>(fn: () => T): T {
    const c = globalThis.crypto as { getRandomValues: <A extends ArrayBufferView | null>(a: A) => A };
    const real = c.getRandomValues;
    c.getRandomValues = <A extends ArrayBufferView | null>(a: A): A => {
      if (a === null) return a;
      const out = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < out.length; i += 32) {
        const h = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
        out.set(h.subarray(0, Math.min(32, out.length - i)), i);
      }
      return a;
    };
    try {
      return fn();
    } finally {
      c.getRandomValues = real;
    }
  }
}

/** A fresh SUT of `script`, with its own seeded platform generator. */
export function makeSut(script: Script): { sut: Connection; random: PlatformRandom } {
  const random = new PlatformRandom(`fuzz:${script.sut}:${script.name}`);
  return { sut: random.run(() => script.make().conn), random };
}

// ---- the oracle ---------------------------------------------------------------------------------------------

/**
 * The stable codes a hostile peer may provoke: every code the sources name as a literal (the TlsErrorCode union
 * of src/errors.ts and each `new TlsError('CODE', ...)` under src/), plus the @sanstls/x509 codes (its ALERTS
 * table), which the verifier passes through. Read from the sources so that a code added with new handshake
 * checks counts as stable; INTERNAL_ERROR and ENCODE_ERROR are our own bugs, never the input's fault.
 */
export const STABLE_CODES: ReadonlySet<string> = (() => {
  const codes = new Set<string>();
  const src = new URL('../../src/', import.meta.url);
  for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    const text = readFileSync(new URL(f, src), 'utf8');
    for (const m of text.matchAll(/TlsError\(\s*'([A-Z0-9_]+)'/g)) codes.add(m[1]!);
    if (f === 'errors.ts') for (const m of text.matchAll(/^\s*\| '([A-Z0-9_]+)'/gm)) codes.add(m[1]!);
  }
  const x509 = readFileSync(new URL('../../../x509/src/errors.ts', import.meta.url), 'utf8');
  const table = x509.slice(x509.indexOf('const ALERTS'), x509.indexOf('} as const', x509.indexOf('const ALERTS')));
  for (const m of table.matchAll(/^\s*([A-Z0-9_]+): '/gm)) codes.add(m[1]!);
  codes.delete('INTERNAL_ERROR');
  codes.delete('ENCODE_ERROR');
  return codes;
})();

/** Bounds on what a connection may hold between two receive() calls (RFC 5246 §6.2, codec/messages/handshake.ts). */
const MAX_PENDING_RECORD = 5 + (1 << 14) + 2048;
const MAX_PENDING_MESSAGE = 4 + 64 * 1024;
/** Work bound: a run may take this long plus PER_KB_MS per KiB fed (crypto included) before it counts as a hang. */
export const BASE_MS = 2_000;
export const PER_KB_MS = 200;

export interface Outcome {
  /** The bytes fed, chunk by chunk: replaying them into a fresh `script.make()` reproduces the run exactly. */
  readonly chunks: Uint8Array[];
  readonly bytesIn: number;
  readonly handshake: boolean;
  readonly closed: boolean;
  readonly error: { readonly code: string; readonly alert: string; readonly message: string; readonly remote: boolean } | undefined;
  /** The SUT's handshake state when the run ended (for distinct-outcome statistics). */
  readonly state: string;
  /** Broken invariants: an empty list is a pass. */
  readonly violations: string[];
  readonly ms: number;
}

/** `role/handshake|no-handshake/CODE:alert|closed@state`: what distinct outcomes are counted by. */
export function signature(role: Role, o: Outcome): string {
  const end = o.error ? `${o.error.code}:${o.error.alert}${o.error.remote ? '(remote)' : ''}` : o.closed ? 'closed' : 'open';
  return `${role} ${o.handshake ? 'handshake' : 'no-handshake'} ${end} @${o.state}`;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(e);
}

interface Internals {
  record: { reader: { pendingLength: number } };
  assembler: { bufferedBytes: number };
}

/**
 * Feeds a SUT chunk by chunk and checks, after every chunk: receive(), takeOutgoing() and events() never throw;
 * events after an error never come; at most one error, a TlsError with a stable code that is not
 * INTERNAL_ERROR; a fatal alert we send names the error's alert; the connection holds at most one partial
 * record and one partial handshake message; output stays proportional to input. At the end, a connection still
 * waiting for bytes is told the transport closed, so every run ends in completion or exactly one error.
 */
export class Judge {
  readonly chunks: Uint8Array[] = [];
  readonly violations: string[] = [];
  private bytesIn = 0;
  private bytesOut = 0;
  private eventCount = 0;
  private handshake = false;
  private closed = false;
  private error: Outcome['error'];
  private readonly t0 = performance.now();

  constructor(
    readonly sut: Connection,
    /** The SUT's platform generator: every call into the SUT runs under it. */
    private readonly random: PlatformRandom,
    /** Sees the SUT's bytes (the scripted peer reads them to keep its transcript and keys). */
    private readonly observe: (bytes: Uint8Array) => void = () => {},
    /** Called with each chunk before it is fed (the long run mirrors it for its hang watchdog). */
    private readonly onFeed?: (chunk: Uint8Array) => void,
  ) {
    this.take('construction');
  }

  private violation(what: string): void {
    if (this.violations.length < 20) this.violations.push(what);
  }

  /** Collects events and outgoing bytes, checking them. */
  private take(after: string): void {
    let out: Uint8Array;
    let events: ConnectionEvent[];
    try {
      [out, events] = this.random.run(() => [this.sut.takeOutgoing(), this.sut.events()] as const);
    } catch (e) {
      this.violation(`takeOutgoing()/events() threw after ${after}: ${describe(e)}`);
      return;
    }
    this.bytesOut += out.length;
    this.eventCount += events.length;
    for (const ev of events) {
      if (this.error) this.violation(`event ${ev.type} after the error event`);
      switch (ev.type) {
        case 'handshake':
          if (this.handshake) this.violation('a second handshake event');
          this.handshake = true;
          break;
        case 'close':
          this.closed = true;
          break;
        case 'error': {
          const err: unknown = ev.error;
          if (!(err instanceof TlsError)) {
            this.violation(`error event carries ${describe(err)}, not a TlsError`);
            this.error = { code: 'NOT_A_TLS_ERROR', alert: '?', message: String(err), remote: false };
            break;
          }
          this.error = { code: err.code, alert: err.alert, message: err.message, remote: err.remote };
          if (!STABLE_CODES.has(err.code)) this.violation(`error code ${err.code} (${err.alert}): ${err.message}${err.cause ? ` [cause: ${describe(err.cause)}]` : ''}`);
          if (alertName(err.alertCode) !== err.alert) this.violation(`error ${err.code} has no valid alert (${err.alert})`);
          if (!err.remote && err.code !== 'TRUNCATED') this.checkFatalAlert(out, err);
          break;
        }
        default:
          break;
      }
    }
    if (out.length) this.observe(out);
    const st = this.sut.state;
    if ((st === 'failed') !== (this.error !== undefined)) this.violation(`state ${st} but ${this.error ? 'an' : 'no'} error event`);
    if (st === 'handshaking' || st === 'connected') {
      const internals = this.sut as unknown as Internals;
      const pending = internals.record.reader.pendingLength;
      const partial = internals.assembler.bufferedBytes;
      if (!(pending < MAX_PENDING_RECORD)) this.violation(`${pending} bytes held by the record reader after ${after}`);
      if (!(partial <= MAX_PENDING_MESSAGE)) this.violation(`${partial} bytes held by the handshake assembler after ${after}`);
    }
    if (this.bytesOut > 64 * 1024 + 4 * this.bytesIn) this.violation(`${this.bytesOut} bytes sent for ${this.bytesIn} received`);
    if (this.eventCount > 8 + this.bytesIn / 5) this.violation(`${this.eventCount} events for ${this.bytesIn} bytes received`);
  }

  /** Our last record must be the fatal alert of `err` (readable as such while our writes are in plaintext). */
  private checkFatalAlert(out: Uint8Array, err: TlsError): void {
    let last: { type: number; body: Uint8Array } | undefined;
    for (let off = 0; off + 5 <= out.length; ) {
      const len = (out[off + 3]! << 8) | out[off + 4]!;
      last = { type: out[off]!, body: out.subarray(off + 5, off + 5 + len) };
      off += 5 + len;
    }
    if (!last || last.type !== 21) {
      this.violation(`error ${err.code} but our last record is ${last ? `of type ${last.type}` : 'missing'}, not an alert`);
      return;
    }
    if (last.body.length === 2 && (last.body[0] !== 2 || last.body[1] !== AlertDescription[err.alert])) {
      this.violation(`error ${err.code}/${err.alert} but we sent alert ${last.body[0]}/${alertName(last.body[1]!) ?? last.body[1]}`);
    }
  }

  feed(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.bytesIn += chunk.length;
    this.onFeed?.(chunk);
    try {
      this.random.run(() => this.sut.receive(chunk));
    } catch (e) {
      this.violation(`receive() threw: ${describe(e)}`);
    }
    this.take(`chunk ${this.chunks.length}`);
  }

  /** Ends the run: EOF for a connection still waiting, then the outcome. */
  finish(): Outcome {
    const st = this.sut.state;
    if (st === 'handshaking' || st === 'connected') {
      try {
        this.random.run(() => this.sut.receiveEof());
      } catch (e) {
        this.violation(`receiveEof() threw: ${describe(e)}`);
      }
      this.take('EOF');
      if (!this.error) this.violation(`still ${this.sut.state} after EOF`);
      else if (this.error.code !== 'TRUNCATED') this.violation(`EOF gave ${this.error.code}, not TRUNCATED`);
    }
    // Once failed or closed, nothing more is accepted.
    try {
      this.random.run(() => this.sut.receive(Uint8Array.of(22, 3, 3, 0, 4, 1, 0, 0, 0)));
    } catch (e) {
      this.violation(`receive() after the end threw: ${describe(e)}`);
    }
    try {
      if (this.sut.events().length || this.sut.takeOutgoing().length) this.violation('events or bytes after the end');
    } catch (e) {
      this.violation(`takeOutgoing()/events() after the end threw: ${describe(e)}`);
    }
    const ms = performance.now() - this.t0;
    if (ms > BASE_MS + (PER_KB_MS * this.bytesIn) / 1024) this.violation(`hang: ${ms.toFixed(0)} ms for ${this.bytesIn} bytes`);
    let state: string;
    try {
      state = this.sut.handshakeState;
    } catch {
      state = '?';
    }
    return {
      chunks: this.chunks,
      bytesIn: this.bytesIn,
      handshake: this.handshake,
      closed: this.closed && !this.error,
      error: this.error,
      state,
      violations: this.violations,
      ms,
    };
  }
}

/** Replays recorded chunks into a fresh SUT of `script`, under the same oracle. */
export function replay(script: Script, chunks: readonly Uint8Array[]): Outcome {
  const { sut, random } = makeSut(script);
  const judge = new Judge(sut, random);
  for (const c of chunks) judge.feed(c);
  return judge.finish();
}

export { concatBytes, ScriptedPeer, type Script };
