// The optional flows between our own client and server (the real peers are in test/interop): resumption by
// session ID and by ticket, client certificates, renegotiation with data flowing. These pin the sans-IO
// behaviour; interop with OpenSSL and node:tls is what proves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientConnection,
  loadCredential,
  LruSessionCache,
  ServerConnection,
  TicketKeys,
  type ClientOptions,
  type ConnectionEvent,
  type HandshakeInfo,
  type ServerOptions,
  type TlsSession,
} from '../../src/index.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(cleanupPkis);

interface Side {
  conn: ClientConnection | ServerConnection;
  events: ConnectionEvent[];
}

/** Moves bytes between the two until neither has anything to send. */
function shuttle(c: Side, s: Side): void {
  for (let i = 0; i < 50; i++) {
    const a = c.conn.takeOutgoing();
    if (a.length) s.conn.receive(a);
    const b = s.conn.takeOutgoing();
    if (b.length) c.conn.receive(b);
    c.events.push(...c.conn.events());
    s.events.push(...s.conn.events());
    if (a.length === 0 && b.length === 0) return;
  }
  throw new Error('no quiescence');
}

const infoOf = (side: Side, type: 'handshake' | 'renegotiated' = 'handshake'): HandshakeInfo | undefined =>
  side.events.filter((e): e is Extract<ConnectionEvent, { type: typeof type }> => e.type === type).at(-1)?.info;
const sessionOf = (side: Side): TlsSession | undefined =>
  side.events.filter((e): e is Extract<ConnectionEvent, { type: 'session' }> => e.type === 'session').at(-1)?.session;
const errorOf = (side: Side) => side.events.find((e): e is Extract<ConnectionEvent, { type: 'error' }> => e.type === 'error')?.error;
const dataOf = (side: Side) =>
  new TextDecoder().decode(Buffer.concat(side.events.filter((e): e is Extract<ConnectionEvent, { type: 'data' }> => e.type === 'data').map((e) => e.data)));

function run(clientOpts: Partial<ClientOptions>, serverOpts: ServerOptions): { c: Side; s: Side } {
  const c: Side = { conn: new ClientConnection({ serverName: 'localhost', ca: pki.caPem, ...clientOpts }), events: [] };
  const s: Side = { conn: new ServerConnection(serverOpts), events: [] };
  shuttle(c, s);
  return { c, s };
}

describe('resumption', () => {
  it('by session ID: abbreviated handshake, same master secret, new keys', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], ticketKeys: false };
    const first = run({}, server);
    expect(errorOf(first.c)).toBeUndefined();
    expect(infoOf(first.c)?.resumed).toBe(false);
    const session = sessionOf(first.c)!;
    expect(session.sessionId.length).toBe(32);
    expect(session.ticket).toBeUndefined();
    const second = run({ session }, server);
    expect(errorOf(second.c)).toBeUndefined();
    expect(errorOf(second.s)).toBeUndefined();
    expect(infoOf(second.c)).toMatchObject({ resumed: true, peerCertificates: session.peerCertificates });
    expect(infoOf(second.s)?.resumed).toBe(true);
    expect(second.c.conn.handshakeState).toBe('connected');
    second.c.conn.write(new TextEncoder().encode('ping'));
    shuttle(second.c, second.s);
    expect(dataOf(second.s)).toBe('ping');
  });

  it('by ticket (RFC 5077), with a server that has no session cache', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem)], sessionCache: false };
    const first = run({}, server);
    const session = sessionOf(first.c)!;
    expect(session.ticket?.length).toBeGreaterThan(0);
    const second = run({ session }, server);
    expect(errorOf(second.c)).toBeUndefined();
    expect(infoOf(second.c)?.resumed).toBe(true);
    expect(infoOf(second.s)?.resumed).toBe(true);
  });

  it('an unknown ticket means a full handshake', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], sessionCache: false };
    const session = sessionOf(run({}, server).c)!;
    const other: ServerOptions = { ...server, ticketKeys: new TicketKeys() };
    const second = run({ session }, other);
    expect(errorOf(second.c)).toBeUndefined();
    expect(infoOf(second.c)?.resumed).toBe(false);
    expect(sessionOf(second.c)?.ticket).toBeDefined();
  });

  it('never offered under another server name', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], sessionCache: new LruSessionCache() };
    const session = sessionOf(run({}, server).c)!;
    const second = run({ session, serverName: '127.0.0.1' }, server);
    expect(infoOf(second.c)?.resumed).toBe(false);
  });

  it('sessions without the extended master secret are not kept (RFC 7627 §5.3)', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], extendedMasterSecret: false };
    const first = run({}, server);
    expect(infoOf(first.c)?.extendedMasterSecret).toBe(false);
    expect(sessionOf(first.c)).toBeUndefined();
  });
});

describe('client certificates', () => {
  for (const type of ['rsa2048', 'p256', 'p384', 'ed25519'] as const) {
    it(`required and sent (${type}): CertificateVerify checked, chain reported`, () => {
      const leaf = pki.leaves[type];
      const server: ServerOptions = {
        credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)],
        clientAuth: { require: true, ca: pki.caPem },
      };
      const r = run({ credentials: [loadCredential(leaf.certPem, leaf.keyPem)] }, server);
      expect(errorOf(r.c)).toBeUndefined();
      expect(errorOf(r.s)).toBeUndefined();
      expect(infoOf(r.s)).toMatchObject({ peerAuthorized: true, peerAuthorizationError: undefined });
      expect(infoOf(r.s)?.peerCertificates.length).toBe(1);
    });
  }

  it('required and not sent: handshake_failure', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], clientAuth: { require: true, ca: pki.caPem } };
    const r = run({}, server);
    expect(errorOf(r.s)?.code).toBe('NO_CLIENT_CERTIFICATE');
    expect(errorOf(r.c)).toMatchObject({ code: 'PEER_ALERT', alert: 'handshake_failure' });
  });

  it('an untrusted client chain is refused, or reported with rejectUnauthorized false', () => {
    const other = makePki();
    const cred = loadCredential(other.leaves.p256.certPem, other.leaves.p256.keyPem);
    const base = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] };
    const refused = run({ credentials: [cred] }, { ...base, clientAuth: { ca: pki.caPem } });
    expect(errorOf(refused.s)?.alert).toBe('unknown_ca');
    const reported = run({ credentials: [cred] }, { ...base, clientAuth: { ca: pki.caPem, rejectUnauthorized: false } });
    expect(errorOf(reported.s)).toBeUndefined();
    expect(infoOf(reported.s)).toMatchObject({ peerAuthorized: false, peerAuthorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});

describe('renegotiation', () => {
  const server = (): ServerOptions => ({ credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], allowClientRenegotiation: true });

  it('client-initiated, with application data both ways during it', () => {
    const r = run({}, server());
    const c = r.c.conn as ClientConnection;
    c.renegotiate();
    c.write(new TextEncoder().encode('during'));
    r.s.conn.write(new TextEncoder().encode('also'));
    shuttle(r.c, r.s);
    expect(errorOf(r.c)).toBeUndefined();
    expect(errorOf(r.s)).toBeUndefined();
    expect(infoOf(r.c, 'renegotiated')).toBeDefined();
    expect(infoOf(r.s, 'renegotiated')).toBeDefined();
    expect(dataOf(r.s)).toBe('during');
    expect(dataOf(r.c)).toBe('also');
    c.write(new TextEncoder().encode('+after'));
    shuttle(r.c, r.s);
    expect(dataOf(r.s)).toBe('during+after');
  });

  it('server-initiated, asking for a client certificate', () => {
    const leaf = pki.leaves.rsa2048;
    const r = run({ credentials: [loadCredential(leaf.certPem, leaf.keyPem)] }, { ...server(), allowClientRenegotiation: false });
    expect(infoOf(r.s)?.peerCertificates.length).toBe(0);
    (r.s.conn as ServerConnection).renegotiate({ clientAuth: { require: true, ca: pki.caPem } });
    shuttle(r.c, r.s);
    expect(errorOf(r.s)).toBeUndefined();
    expect(infoOf(r.s, 'renegotiated')).toMatchObject({ peerAuthorized: true });
  });

  it('client-initiated renegotiation is declined by default with no_renegotiation', () => {
    const r = run({}, { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] });
    const c = r.c.conn as ClientConnection;
    c.renegotiate();
    c.write(new TextEncoder().encode('held'));
    shuttle(r.c, r.s);
    expect(r.c.events.some((e) => e.type === 'alert' && e.alert === 'no_renegotiation')).toBe(true);
    // The connection goes on as it was: the write held back for the renegotiation arrives, and a later
    // renegotiation can be tried again.
    expect(c.handshakeState).toBe('connected');
    expect(dataOf(r.s)).toBe('held');
    expect(c.renegotiating).toBe(false);
  });

  it('encrypt-then-MAC stays in force across renegotiation and resumption (RFC 7366 §3.1)', () => {
    const cbc = ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'];
    const opts: ServerOptions = { ...server(), cipherSuites: cbc };
    const r = run({ cipherSuites: cbc }, opts);
    expect(infoOf(r.c)?.encryptThenMac).toBe(true);
    (r.c.conn as ClientConnection).renegotiate();
    shuttle(r.c, r.s);
    expect(infoOf(r.c, 'renegotiated')?.encryptThenMac).toBe(true);
    expect(infoOf(r.s, 'renegotiated')?.encryptThenMac).toBe(true);
    const resumed = run({ cipherSuites: cbc, session: sessionOf(r.c)! }, opts);
    expect(infoOf(resumed.c)).toMatchObject({ resumed: true, encryptThenMac: true });
    // A client that no longer offers it does not resume that session: full handshake, without EtM.
    const without = run({ cipherSuites: cbc, session: sessionOf(r.c)!, encryptThenMac: false }, opts);
    expect(infoOf(without.c)).toMatchObject({ resumed: false, encryptThenMac: false });
  });
});

describe('after the handshake', () => {
  /** What the connection holds of its handshake machine (internal; what an idle connection keeps). */
  type Hs = Record<string, unknown> & { transcript: { started: boolean } };
  const machineOf = (conn: ClientConnection | ServerConnection) =>
    conn as unknown as { actor: object | undefined; parked: { hs: Hs } | undefined };

  it('an established connection keeps no secret or message of its finished handshake, and no running machine', () => {
    const r = run({}, { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)], allowClientRenegotiation: true });
    const idle = () => {
      for (const side of [r.c, r.s]) {
        const m = machineOf(side.conn);
        expect(side.conn.handshakeState).toBe('connected');
        expect(side.conn.renegotiating).toBe(false);
        expect(m.actor).toBeUndefined(); // parked: only the machine's context is kept
        const hs = m.parked!.hs;
        expect([hs.master, hs.pendingRead, hs.pendingWrite, hs.serverRandom, hs.choice, hs.peerKey]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
        expect(hs.transcript.started).toBe(false);
      }
    };
    idle();
    // What a renegotiation needs is still there: the machine comes back, runs it (twice, from each side),
    // parks again, and data flows after it.
    (r.c.conn as ClientConnection).renegotiate();
    expect(r.c.conn.renegotiating).toBe(true);
    expect(r.c.conn.handshakeState).toBe('waitServerHello');
    shuttle(r.c, r.s);
    expect(infoOf(r.s, 'renegotiated')).toBeDefined();
    idle();
    r.s.events.length = 0;
    (r.s.conn as ServerConnection).renegotiate();
    shuttle(r.c, r.s);
    expect(infoOf(r.s, 'renegotiated')).toBeDefined();
    idle();
    r.c.conn.write(new TextEncoder().encode('after'));
    shuttle(r.c, r.s);
    expect(dataOf(r.s)).toBe('after');
  });

  it('keyLog: both ends report the same NSS line, for full and resumed handshakes', () => {
    const server: ServerOptions = { credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] };
    const cl: string[] = [];
    const sl: string[] = [];
    const pair = (session?: TlsSession) => {
      const c: Side = { conn: new ClientConnection({ serverName: 'localhost', ca: pki.caPem, keyLog: (l) => cl.push(l), ...(session ? { session } : {}) }), events: [] };
      const s: Side = { conn: new ServerConnection(server), events: [] };
      s.conn.keyLog = (l) => sl.push(l); // settable after construction
      shuttle(c, s);
      return { c, s };
    };
    const first = pair();
    const second = pair(sessionOf(first.c)!);
    expect(infoOf(second.c)?.resumed).toBe(true);
    expect(cl).toHaveLength(2);
    expect(sl).toEqual(cl);
    for (const l of cl) expect(l).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
    expect(cl[0]!.split(' ')[2]).toBe(cl[1]!.split(' ')[2]); // resumption: the same master secret
  });
});

describe('loadCredential', () => {
  it('refuses a key that is not the certificate’s, for every key type', () => {
    for (const type of ['rsa2048', 'p256', 'p384', 'ed25519'] as const) {
      const leaf = pki.leaves[type];
      expect(() => loadCredential(leaf.certPem, leaf.keyPem)).not.toThrow();
      const other = type === 'p256' ? pki.leaves.p384 : pki.leaves.p256;
      expect(() => loadCredential(leaf.certPem, other.keyPem), type).toThrow(/does not match/);
    }
  });
});
