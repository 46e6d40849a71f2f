// The server's handshake steps (RFC 5246 §7.3, §7.4): checks (return a value or throw TlsError) and
// effects (write messages, install keys), called by the server machine's guards and actions.
import { ClientCertificateType, ECPointFormat, HandshakeType, ProtocolVersion, type CipherSuite } from '../codec/constants.js';
import { buildServerHelloExtensions } from '../codec/extensions/index.js';
import { decodeClientHello } from '../codec/messages/client-hello.js';
import { decodeCertificate } from '../codec/messages/certificate.js';
import { decodeCertificateVerify } from '../codec/messages/certificate-verify.js';
import { decodeClientKeyExchange } from '../codec/messages/client-key-exchange.js';
import { decodeFinished } from '../codec/messages/finished.js';
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { plainBytes } from '../codec/reader.js';
import { encodeServerKeyExchangeParams, type ServerKeyExchangeParams } from '../codec/messages/server-key-exchange.js';
import { illegalParameter, TlsError } from '../errors.js';
import type { TlsSession } from '../session/types.js';
import type { RecordProtector } from '../record/protection/types.js';
import { concat } from './client-steps.js';
import { checkDhPublic, dhGroupOf, dhSharedSecret, generateDh, type DhKeyPair } from './key-exchange/dhe.js';
import { ecdheSharedSecret, generateEcdhe, type EcdheGroup, type EcdheKeyPair } from './key-exchange/ecdhe.js';
import { ffdheGroup, type FfdheGroup } from './key-exchange/ffdhe-groups.js';
import { rsaServerPremaster } from './key-exchange/rsa.js';
import { finishedVerifyData, keyBlock, masterSecret, wipeKeyBlock } from './key-schedule.js';
import { bytesEqualCt, type HandshakeInfo, type HandshakeIo } from './machine-support.js';
import { negotiateServer, type ServerChoice } from './negotiate.js';
import { groupCode, type ResolvedClientAuth, type ResolvedServer } from './options.js';
import { protectorFor } from './protection.js';
import type { ConnectionBinding } from './renegotiation.js';
import { findResumption, type Resumption } from './resumption.js';
import { schemeFitsKey, schemeName, sign, verify, type PeerPublicKey } from './signature.js';
import { leafPublicKey } from './verifier.js';
import { Transcript } from './transcript.js';

const TLS12 = ProtocolVersion.TLS1_2;

/** Everything the server learns during one handshake. Mutated only by the machine's actions. */
export class ServerHandshake {
  readonly transcript: Transcript;
  clientRandom: Uint8Array | undefined;
  serverRandom: Uint8Array | undefined;
  choice: ServerChoice | undefined;
  /** ClientHello.client_version: the RSA premaster must carry it (RFC 5246 §7.4.7.1). */
  clientVersion = 0;
  ecdhe: EcdheKeyPair | undefined;
  dhe: DhKeyPair | undefined;
  master: Uint8Array | undefined;
  pendingRead: RecordProtector | undefined;
  pendingWrite: RecordProtector | undefined;
  sessionId: Uint8Array = new Uint8Array(0);
  /** The session this handshake resumes (abbreviated handshake). */
  resumed: TlsSession | undefined;
  /** Client authentication for this handshake (the options', or a renegotiation's request). */
  readonly clientAuth: ResolvedClientAuth | undefined;
  /** The signature schemes our CertificateRequest listed. */
  requestedSchemes: readonly number[] = [];
  /** A NewSessionTicket goes before our ChangeCipherSpec. */
  issueTicket = false;
  peerChain: readonly Uint8Array[] = [];
  peerKey: PeerPublicKey | undefined;
  peerAuthorizationError: string | undefined;
  clientVerifyData: Uint8Array | undefined;
  serverVerifyData: Uint8Array | undefined;

  constructor(
    readonly cfg: ResolvedServer,
    readonly binding: ConnectionBinding,
    clientAuth: ResolvedClientAuth | undefined = cfg.clientAuth,
  ) {
    this.clientAuth = clientAuth;
    this.transcript = new Transcript(cfg.provider, clientAuth !== undefined);
  }

  get suite(): CipherSuite {
    if (!this.choice) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'no suite yet');
    return this.choice.suite;
  }

  /** A fresh handshake on the same connection (renegotiation, or an idle connection); this one is wiped. */
  successor(clientAuth: ResolvedClientAuth | undefined = this.cfg.clientAuth): ServerHandshake {
    const next = new ServerHandshake(this.cfg, this.binding, clientAuth);
    this.dispose();
    return next;
  }

  dispose(): void {
    this.transcript.dispose();
    this.ecdhe?.dispose();
    this.dhe?.secret.fill(0);
    this.dhe?.native?.dispose();
    this.master?.fill(0);
    this.pendingRead?.dispose();
    this.pendingWrite?.dispose();
    this.pendingRead = this.pendingWrite = undefined;
  }
}

// ---- checks --------------------------------------------------------------------------------------

export function checkClientHello(hs: ServerHandshake, m: RawHandshakeMessage) {
  const ch = decodeClientHello(m.body);
  const renegotiating = hs.binding.established;
  const choice = negotiateServer(ch, hs.cfg, renegotiating ? hs.binding.clientVerifyData : undefined);
  hs.binding.checkEncryptThenMac(choice);
  const resumption: Resumption | undefined = findResumption(ch, hs.cfg, choice, renegotiating);
  // RFC 5077 §3.2: an empty or unusable ticket asks for a new one; we issue tickets for EMS sessions only.
  const ticketWanted = hs.cfg.ticketKeys !== undefined && ch.ext.sessionTicket !== undefined && choice.ems;
  return { random: ch.random.slice(), version: ch.version, sessionId: ch.sessionId.slice(), choice, resumption, ticketWanted };
}

/**
 * The client's Certificate (RFC 5246 §7.4.6). An empty list is refused when a certificate is required
 * (handshake_failure, as §7.4.6 allows). A chain is verified for clientAuth; with rejectUnauthorized
 * false a failure is recorded instead, and the leaf key is still needed for CertificateVerify.
 */
export function checkClientCertificate(hs: ServerHandshake, m: RawHandshakeMessage) {
  const { certificates } = decodeCertificate(m.body);
  const auth = hs.clientAuth!;
  if (certificates.length === 0) {
    if (auth.require) throw new TlsError('NO_CLIENT_CERTIFICATE', 'handshake_failure', 'the client sent no certificate and one is required');
    return { chain: certificates, publicKey: undefined, error: 'NO_CLIENT_CERTIFICATE' };
  }
  let publicKey: PeerPublicKey;
  let error: string | undefined;
  try {
    publicKey = auth.verifier.verify({ chain: certificates, serverName: undefined }).publicKey;
  } catch (e) {
    if (auth.rejectUnauthorized || !(e instanceof TlsError)) throw e;
    error = e.code;
    publicKey = leafPublicKey(certificates[0]!);
  }
  // RFC 5246 §7.4.4: the types we asked for (rsa_sign, ecdsa_sign; Ed25519 under ecdsa_sign, RFC 8422 §5.5).
  if (publicKey.type === 'rsa' && publicKey.bits < 2048) {
    throw new TlsError('KEY_TOO_SMALL', 'bad_certificate', `client RSA key of ${publicKey.bits} bits`);
  }
  return { chain: certificates, publicKey, error };
}

/** CertificateVerify (RFC 5246 §7.4.8): a scheme we requested that fits the key, over every message so far. */
export function checkCertificateVerify(hs: ServerHandshake, m: RawHandshakeMessage): void {
  const cv = decodeCertificateVerify(m.body);
  const key = hs.peerKey!;
  if (!hs.requestedSchemes.includes(cv.scheme)) throw illegalParameter(`client signed with ${schemeName(cv.scheme)}, which was not requested`);
  if (!schemeFitsKey(cv.scheme, key.type)) throw illegalParameter(`${schemeName(cv.scheme)} does not fit the client's ${key.type} key`);
  if (!verify(hs.cfg.provider, key, cv.scheme, hs.transcript.messages(), cv.signature)) {
    throw new TlsError('BAD_SIGNATURE', 'decrypt_error', `CertificateVerify signature (${schemeName(cv.scheme)}) does not verify`);
  }
}

/**
 * ClientKeyExchange (RFC 5246 §7.4.7): the premaster secret. ECDHE (RFC 8422 §5.7) and DHE (RFC 7919
 * §5.1: 1 < Yc < p-1) validate the client's share; RSA (§7.4.7.1) never fails here, whatever the
 * ciphertext (see key-exchange/rsa.ts): a bad one surfaces as a failed Finished, like any wrong key.
 */
export function checkClientKeyExchange(hs: ServerHandshake, m: RawHandshakeMessage): Uint8Array {
  const cke = decodeClientKeyExchange(m.body, hs.suite.keyExchange);
  switch (cke.kind) {
    case 'ecdhe':
      return ecdheSharedSecret(hs.ecdhe!, cke.publicKey);
    case 'dhe':
      checkDhPublic(hs.dhe!.group, cke.publicKey);
      return dhSharedSecret(hs.dhe!, cke.publicKey);
    case 'rsa': {
      const key = hs.choice!.credential.key;
      if (key.type !== 'rsa') throw new TlsError('INTERNAL_ERROR', 'internal_error', 'RSA key exchange without an RSA key');
      return rsaServerPremaster(key.key, cke.encryptedPreMasterSecret, hs.clientVersion, hs.cfg.provider, key.der);
    }
  }
}

/** The client's Finished (RFC 5246 §7.4.9): verify_data over every message before it. */
export function checkClientFinished(hs: ServerHandshake, m: RawHandshakeMessage): Uint8Array {
  const { verifyData } = decodeFinished(m.body);
  const expected = finishedVerifyData(hs.cfg.provider, hs.suite, hs.master!, 'client', hs.transcript.current());
  if (!bytesEqualCt(verifyData, expected)) throw new TlsError('BAD_FINISHED', 'decrypt_error', 'client Finished does not verify');
  return expected;
}

// ---- effects -------------------------------------------------------------------------------------

/** ServerHello, Certificate, ServerKeyExchange, ServerHelloDone (RFC 5246 §7.3, one flight). */
/** ServerHello with its extensions (RFC 5246 §7.4.1.3), for the full and the abbreviated handshake. */
function sendServerHello(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkClientHello>, choice: ServerChoice): void {
  const { provider } = hs.cfg;
  hs.choice = choice;
  hs.clientRandom = v.random;
  hs.clientVersion = v.version;
  hs.serverRandom = provider.randomBytes(32);
  hs.transcript.start(choice.suite.prf);
  hs.transcript.add(m.raw);
  io.lockVersion(TLS12);
  // RFC 5746 §3.6/§3.7: empty on the initial handshake, client_verify_data + server_verify_data after.
  const renegotiationInfo = hs.binding.established
    ? concat(hs.binding.clientVerifyData!, hs.binding.serverVerifyData!)
    : new Uint8Array(0);
  const extensions = buildServerHelloExtensions({
    ...(choice.secureRenegotiation ? { renegotiationInfo } : {}),
    ...(choice.serverName !== undefined && hs.cfg.selectCredentials ? { serverName: true } : {}), // RFC 6066 §3
    ...(choice.ems ? { extendedMasterSecret: true } : {}), // RFC 7627 §5.1
    ...(choice.encryptThenMac ? { encryptThenMac: true } : {}), // RFC 7366 §2 (CBC suites only)
    ...(choice.ecPointFormats ? { ecPointFormats: [ECPointFormat.uncompressed] } : {}), // RFC 8422 §5.2
    ...(choice.alpn !== undefined ? { alpn: choice.alpn } : {}), // RFC 7301 §3.1
    ...(hs.issueTicket ? { sessionTicket: true } : {}), // RFC 5077 §3.2
    ...(choice.ocspResponse ? { statusRequest: true } : {}), // RFC 6066 §8
  });
  const raw = encodeHandshakeMessage({
    type: HandshakeType.server_hello,
    message: { version: TLS12, random: hs.serverRandom, sessionId: hs.sessionId, cipherSuite: choice.suite.code, compressionMethod: 0, extensions },
  });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
}

/** ServerHello, Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone (RFC 5246 §7.3). */
export function sendServerFlight(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkClientHello>): void {
  const { provider } = hs.cfg;
  const choice = v.choice;
  // A session ID when sessions are cached (RFC 5246 §7.4.1.3: empty means "not resumable by ID").
  hs.sessionId = hs.cfg.sessionCache && choice.ems ? provider.randomBytes(32) : new Uint8Array(0);
  hs.issueTicket = v.ticketWanted;
  sendServerHello(hs, io, m, v, choice);
  const send = (raw: Uint8Array) => {
    hs.transcript.add(raw);
    io.sendHandshake(raw);
  };
  send(encodeHandshakeMessage({ type: HandshakeType.certificate, message: { certificates: choice.credential.chain } }));
  // RFC 6066 §8: CertificateStatus right after Certificate.
  if (choice.ocspResponse) {
    send(encodeHandshakeMessage({ type: HandshakeType.certificate_status, message: { statusType: 1, ocspResponse: choice.ocspResponse } }));
  }
  // RFC 5246 §7.4.3: no ServerKeyExchange with RSA key exchange. Otherwise ServerECDHParams (RFC 8422
  // §5.4) or ServerDHParams (p, g, Ys of an RFC 7919 group), signed with client_random + server_random + params.
  if (choice.suite.keyExchange !== 'RSA') {
    const random = (n: number) => provider.randomBytes(n);
    let params: ServerKeyExchangeParams;
    if (choice.suite.keyExchange === 'DHE_RSA') {
      const group = dhGroupOf(ffdheGroup(choice.group as FfdheGroup));
      hs.dhe = generateDh(group, random, provider);
      params = { kind: 'dhe', p: group.p, g: group.g, publicKey: hs.dhe.publicKey };
    } else {
      hs.ecdhe = generateEcdhe(choice.group as EcdheGroup, random, provider);
      params = { kind: 'ecdhe', group: groupCode[choice.group as EcdheGroup], publicKey: hs.ecdhe.publicKey };
    }
    const scheme = choice.signatureScheme!;
    const paramsBytes = encodeServerKeyExchangeParams(params);
    const signature = sign(provider, choice.credential.key, scheme, concat(hs.clientRandom!, hs.serverRandom!, paramsBytes));
    send(encodeHandshakeMessage({ type: HandshakeType.server_key_exchange, message: { params, signed: { scheme, signature } } }));
  }
  if (hs.clientAuth) {
    // RFC 5246 §7.4.4; ecdsa_sign also covers Ed25519 (RFC 8422 §5.5).
    hs.requestedSchemes = hs.cfg.signatureSchemes;
    send(encodeHandshakeMessage({
      type: HandshakeType.certificate_request,
      message: {
        certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign],
        signatureAlgorithms: [...hs.requestedSchemes],
        certificateAuthorities: [...hs.clientAuth.certificateAuthorities],
      },
    }));
  }
  send(encodeHandshakeMessage({ type: HandshakeType.server_hello_done }));
}

/** The abbreviated handshake (RFC 5246 §7.3 Figure 2): ServerHello, [NewSessionTicket], CCS, Finished. */
export function sendResumedFlight(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkClientHello>): void {
  const { provider } = hs.cfg;
  const r = v.resumption!;
  hs.resumed = r.session;
  hs.sessionId = v.sessionId; // RFC 5246 §7.4.1.3 / RFC 5077 §3.4: the same session ID
  hs.issueTicket = r.renewTicket && v.ticketWanted;
  hs.peerChain = r.session.peerCertificates;
  sendServerHello(hs, io, m, v, r.choice);
  hs.master = plainBytes(r.session.masterSecret).slice(); // a cached session stays intact when this is wiped
  io.secret(hs.clientRandom!, hs.master);
  const kb = keyBlock(provider, hs.suite, hs.master, hs.clientRandom!, hs.serverRandom!);
  const etm = r.choice.encryptThenMac;
  hs.pendingRead = protectorFor(provider, hs.suite, kb.client, etm);
  const write = protectorFor(provider, hs.suite, kb.server, etm);
  wipeKeyBlock(kb);
  if (hs.issueTicket) sendTicket(hs, io, r.session);
  io.sendChangeCipherSpec();
  io.changeWriteCipher(write);
  hs.serverVerifyData = finishedVerifyData(provider, hs.suite, hs.master, 'server', hs.transcript.current());
  const fin = encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData: hs.serverVerifyData } });
  hs.transcript.add(fin);
  io.sendHandshake(fin);
}

/** NewSessionTicket (RFC 5077 §3.3), sealed under the current ticket key. */
function sendTicket(hs: ServerHandshake, io: HandshakeIo, session: TlsSession): void {
  const keys = hs.cfg.ticketKeys!;
  const raw = encodeHandshakeMessage({
    type: HandshakeType.new_session_ticket,
    message: { lifetimeHint: keys.lifetimeHint, ticket: keys.seal(session) },
  });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
}

export function acceptClientCertificate(hs: ServerHandshake, m: RawHandshakeMessage, v: ReturnType<typeof checkClientCertificate>): void {
  hs.peerChain = v.chain;
  hs.peerKey = v.publicKey;
  hs.peerAuthorizationError = v.error;
  hs.transcript.add(m.raw);
}

export function acceptCertificateVerify(hs: ServerHandshake, m: RawHandshakeMessage): void {
  hs.transcript.add(m.raw);
  hs.transcript.releaseMessages();
}

export function acceptClientKeyExchange(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, premaster: Uint8Array): void {
  const { provider } = hs.cfg;
  const suite = hs.suite;
  hs.transcript.add(m.raw);
  hs.master = masterSecret(provider, suite, premaster, hs.choice!.ems
    ? { ems: true, sessionHash: hs.transcript.current() }
    : { ems: false, clientRandom: hs.clientRandom!, serverRandom: hs.serverRandom! });
  io.secret(hs.clientRandom!, hs.master);
  premaster.fill(0);
  hs.ecdhe?.dispose();
  hs.dhe?.secret.fill(0);
  hs.dhe?.native?.dispose();
  const kb = keyBlock(provider, suite, hs.master, hs.clientRandom!, hs.serverRandom!);
  const etm = hs.choice!.encryptThenMac;
  hs.pendingRead = protectorFor(provider, suite, kb.client, etm);
  hs.pendingWrite = protectorFor(provider, suite, kb.server, etm);
  wipeKeyBlock(kb);
}

export function installReadCipher(hs: ServerHandshake, io: HandshakeIo): void {
  const p = hs.pendingRead!;
  hs.pendingRead = undefined;
  io.changeReadCipher(p);
}

/** The session a full handshake leaves behind (RFC 5246 §7.4.1.2 session state). */
function sessionOf(hs: ServerHandshake): TlsSession {
  const c = hs.choice!;
  return {
    version: TLS12,
    cipherSuite: c.suite.code,
    masterSecret: hs.master!.slice(),
    extendedMasterSecret: c.ems,
    encryptThenMac: c.encryptThenMac,
    sessionId: hs.sessionId,
    ...(c.serverName !== undefined ? { serverName: c.serverName } : {}),
    ...(c.alpn !== undefined ? { alpn: c.alpn } : {}),
    peerCertificates: hs.peerChain,
    createdAt: Date.now(),
  };
}

/**
 * After the client's Finished in a full handshake: [NewSessionTicket], ChangeCipherSpec and our Finished,
 * then the connection is up and the session is cached (RFC 5246 §7.3, RFC 5077 §3.3).
 */
export function sendServerFinished(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, clientVerifyData: Uint8Array): void {
  const { provider } = hs.cfg;
  hs.clientVerifyData = clientVerifyData;
  hs.transcript.add(m.raw);
  // Only sessions whose client certificate (if any) verified are kept: a resumption must not promote an
  // unverified peer.
  const session = hs.choice!.ems && hs.peerAuthorizationError === undefined ? sessionOf(hs) : undefined;
  if (hs.issueTicket) {
    if (session) sendTicket(hs, io, session);
    else sendEmptyTicket(hs, io); // RFC 5077 §3.3: acknowledged, then not issued after all
  }
  io.sendChangeCipherSpec();
  const w = hs.pendingWrite!;
  hs.pendingWrite = undefined;
  io.changeWriteCipher(w);
  hs.serverVerifyData = finishedVerifyData(provider, hs.suite, hs.master!, 'server', hs.transcript.current());
  const raw = encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData: hs.serverVerifyData } });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
  if (session && hs.sessionId.length > 0) hs.cfg.sessionCache?.set(hs.sessionId, session);
  complete(hs, io);
}

function sendEmptyTicket(hs: ServerHandshake, io: HandshakeIo): void {
  const raw = encodeHandshakeMessage({ type: HandshakeType.new_session_ticket, message: { lifetimeHint: 0, ticket: new Uint8Array(0) } });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
}

/** The client's Finished of an abbreviated handshake verified: the connection is up. */
export function completeResumed(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, clientVerifyData: Uint8Array): void {
  hs.clientVerifyData = clientVerifyData;
  hs.transcript.add(m.raw);
  complete(hs, io);
}

function complete(hs: ServerHandshake, io: HandshakeIo): void {
  hs.binding.completed(hs.choice!, hs.clientVerifyData!, hs.serverVerifyData!);
  hs.transcript.releaseMessages();
  io.complete(handshakeInfo(hs));
}

export function handshakeInfo(hs: ServerHandshake): HandshakeInfo {
  const c = hs.choice!;
  return {
    version: 'TLSv1.2',
    cipherSuite: c.suite.iana,
    cipherSuiteOpenssl: c.suite.openssl,
    cipherSuiteCode: c.suite.code,
    keyExchange: c.suite.keyExchange === 'RSA' ? 'RSA' : c.suite.keyExchange === 'DHE_RSA' ? 'DHE' : 'ECDHE',
    resumed: hs.resumed !== undefined,
    group: c.group,
    dhBits: hs.dhe?.group.bits,
    signatureScheme: c.signatureScheme === undefined ? undefined : schemeName(c.signatureScheme),
    encryptThenMac: c.encryptThenMac,
    alpn: c.alpn,
    serverName: c.serverName,
    peerCertificates: hs.peerChain,
    peerAuthorized: hs.peerChain.length > 0 && hs.peerAuthorizationError === undefined,
    peerAuthorizationError: hs.peerChain.length > 0 ? hs.peerAuthorizationError : hs.clientAuth ? 'NO_CLIENT_CERTIFICATE' : undefined,
    ocspResponse: c.ocspResponse,
    extendedMasterSecret: c.ems,
    secureRenegotiation: c.secureRenegotiation,
    sessionId: hs.sessionId,
  };
}
