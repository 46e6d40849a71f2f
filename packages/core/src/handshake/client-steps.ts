// The client's handshake steps (RFC 5246 §7.3, §7.4): checks (return a value or throw TlsError) and
// effects (write messages, install keys), called by the client machine's guards and actions.
import { parseCertificate } from '@sanstls/x509';
import {
  CertificateStatusType,
  ClientCertificateType,
  CompressionMethod,
  ECPointFormat,
  HandshakeType,
  ProtocolVersion,
  TLS_FALLBACK_SCSV,
  type CipherSuite,
} from '../codec/constants.js';
import { buildClientHelloExtensions } from '../codec/extensions/index.js';
import { decodeCertificateRequest, type CertificateRequest } from '../codec/messages/certificate-request.js';
import { decodeCertificate } from '../codec/messages/certificate.js';
import { decodeCertificateStatus } from '../codec/messages/certificate-status.js';
import type { ClientKeyExchange } from '../codec/messages/client-key-exchange.js';
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { decodeFinished } from '../codec/messages/finished.js';
import { plainBytes } from '../codec/reader.js';
import { decodeHelloRequest } from '../codec/messages/hello-request.js';
import { decodeNewSessionTicket, type NewSessionTicket } from '../codec/messages/new-session-ticket.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { decodeServerHelloDone } from '../codec/messages/server-hello-done.js';
import { decodeServerHello } from '../codec/messages/server-hello.js';
import { decodeServerKeyExchange, type ServerKeyExchange } from '../codec/messages/server-key-exchange.js';
import { TlsError, illegalParameter } from '../errors.js';
import type { RecordProtector } from '../record/protection/types.js';
import type { TlsSession } from '../session/types.js';
import { acceptServerDhGroup, checkDhPublic, dhSharedSecret, generateDh } from './key-exchange/dhe.js';
import { ecdheSharedSecret, generateEcdhe } from './key-exchange/ecdhe.js';
import { rsaClientPremaster, rsaEncryptionKey } from './key-exchange/rsa.js';
import { finishedVerifyData, keyBlock, masterSecret, wipeKeyBlock } from './key-schedule.js';
import { bytesEqualCt, type HandshakeInfo, type HandshakeIo, type KeyExchangeGroup } from './machine-support.js';
import { checkServerGroup, checkServerHello, type ClientChoice, type ClientOffer } from './negotiate.js';
import { ffdheCode, groupCode, type Credential, type ResolvedClient } from './options.js';
import { protectorFor } from './protection.js';
import type { ConnectionBinding } from './renegotiation.js';
import { sessionToOffer } from './resumption.js';
import { chooseSigningScheme, schemeFitsKey, schemeName, sign, verify, type PeerPublicKey } from './signature.js';
import { Transcript } from './transcript.js';

const TLS12 = ProtocolVersion.TLS1_2;

/** The key exchange as agreed: the premaster secret and the ClientKeyExchange that goes with it. */
export interface ClientKeyAgreement {
  readonly kind: 'ECDHE' | 'DHE' | 'RSA';
  readonly group: KeyExchangeGroup | undefined;
  readonly dhBits: number | undefined;
  /** ServerKeyExchange signature scheme (none with RSA). */
  readonly scheme: number | undefined;
  readonly premaster: Uint8Array;
  readonly message: ClientKeyExchange;
}

/** Everything the client learns during one handshake. Mutated only by the machine's actions. */
export class ClientHandshake {
  readonly transcript: Transcript;
  clientRandom: Uint8Array = new Uint8Array(32);
  offer!: ClientOffer;
  choice: ClientChoice | undefined;
  serverRandom: Uint8Array | undefined;
  peerChain: readonly Uint8Array[] = [];
  peerKey: PeerPublicKey | undefined;
  kx: ClientKeyAgreement | undefined;
  certificateRequest: CertificateRequest | undefined;
  master: Uint8Array | undefined;
  pendingRead: RecordProtector | undefined;
  /** Resumption: our write state, installed with our ChangeCipherSpec after the server's Finished. */
  pendingWrite: RecordProtector | undefined;
  /** The session offered in the ClientHello (by ID, ticket or both). */
  offeredSession: TlsSession | undefined;
  offeredSessionId: Uint8Array = new Uint8Array(0);
  /** The server resumed offeredSession (abbreviated handshake). */
  resumed = false;
  /** The NewSessionTicket received in this handshake. */
  newTicket: NewSessionTicket | undefined;
  /** Our certificate and signature scheme, when a CertificateRequest found one that fits. */
  clientCredential: { readonly credential: Credential; readonly scheme: number } | undefined;
  clientVerifyData: Uint8Array | undefined;
  /** The stapled OCSP response, once checked. */
  ocspResponse: Uint8Array | undefined;

  constructor(
    readonly cfg: ResolvedClient,
    readonly binding: ConnectionBinding,
  ) {
    // CertificateVerify needs the raw messages (see transcript.ts); only a client with a certificate signs one.
    this.transcript = new Transcript(cfg.provider, cfg.credentials.length > 0);
  }

  get suite(): CipherSuite {
    if (!this.choice) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'no suite yet');
    return this.choice.suite;
  }

  /** A fresh handshake on the same connection (renegotiation, or an idle connection); this one is wiped. */
  successor(): ClientHandshake {
    const next = new ClientHandshake(this.cfg, this.binding);
    this.dispose();
    return next;
  }

  dispose(): void {
    this.transcript.dispose();
    this.kx?.premaster.fill(0);
    this.master?.fill(0);
    this.pendingRead?.dispose();
    this.pendingWrite?.dispose();
    this.pendingRead = this.pendingWrite = undefined;
  }
}

const isIpLiteral = (name: string) => /^[0-9.]+$/.test(name) || name.includes(':');

// ---- ClientHello ---------------------------------------------------------------------------------

/** Builds and sends the ClientHello (RFC 5246 §7.4.1.2), remembering the offer. */
export function sendClientHello(hs: ClientHandshake, io: HandshakeIo): void {
  const cfg = hs.cfg;
  hs.clientRandom = cfg.provider.randomBytes(32);
  const sni = cfg.serverName !== undefined && !isIpLiteral(cfg.serverName) ? cfg.serverName : undefined; // RFC 6066 §3
  // RFC 7919 §3: FFDHE groups are listed when DHE suites are offered; RFC 7366 §2 for CBC suites only.
  const dhe = cfg.suites.some((s) => s.keyExchange === 'DHE_RSA');
  const cbc = cfg.suites.some((s) => s.mac !== 'AEAD');
  const renegotiating = hs.binding.established;
  // Resumption (RFC 5246 §7.4.1.2): the session's ID, or for a ticket a fresh random ID so that the
  // server's echo tells us it resumed (RFC 5077 §3.4).
  const session = sessionToOffer(cfg, renegotiating);
  const ticket = session?.ticket !== undefined && cfg.tickets ? session.ticket : undefined;
  hs.offeredSession = session;
  hs.offeredSessionId = session === undefined ? new Uint8Array(0) : session.sessionId.length > 0 ? session.sessionId : cfg.provider.randomBytes(32);
  const extensions = buildClientHelloExtensions({
    // RFC 5746 §3.4/§3.5: empty on the initial handshake, our previous verify_data on a renegotiation.
    renegotiationInfo: renegotiating ? hs.binding.clientVerifyData! : new Uint8Array(0),
    ...(cfg.tickets && !renegotiating ? { sessionTicket: ticket ?? new Uint8Array(0) } : {}),
    // RFC 6066 §8: a plain OCSP request (no responder IDs, no extensions), as browsers send.
    ...(cfg.ocspStapling ? { statusRequest: { statusType: CertificateStatusType.ocsp, responderIds: [], requestExtensions: new Uint8Array(0) } } : {}),
    ...(sni !== undefined ? { serverName: sni } : {}),
    extendedMasterSecret: cfg.ems,
    encryptThenMac: cfg.etm && cbc,
    supportedGroups: [...cfg.groups.map((g) => groupCode[g]), ...(dhe ? cfg.dheGroups.map((g) => ffdheCode[g]) : [])],
    ecPointFormats: [ECPointFormat.uncompressed],
    signatureAlgorithms: [...cfg.signatureSchemes],
    ...(cfg.alpn ? { alpn: [...cfg.alpn] } : {}),
  });
  const suiteCodes = cfg.suites.map((s) => s.code);
  if (cfg.fallback) suiteCodes.push(TLS_FALLBACK_SCSV);
  const raw = encodeHandshakeMessage({
    type: HandshakeType.client_hello,
    message: {
      version: TLS12,
      random: hs.clientRandom,
      sessionId: hs.offeredSessionId,
      cipherSuites: suiteCodes,
      compressionMethods: [CompressionMethod.null],
      extensions,
    },
  });
  hs.offer = {
    suites: cfg.suites,
    suiteCodes,
    extensions,
    groups: cfg.groups,
    signatureSchemes: cfg.signatureSchemes,
    alpn: cfg.alpn,
    previousVerifyData: renegotiating ? concat(hs.binding.clientVerifyData!, hs.binding.serverVerifyData!) : undefined,
  };
  hs.transcript.add(raw);
  io.sendHandshake(raw);
}

// ---- checks --------------------------------------------------------------------------------------

export function checkServerHelloMessage(hs: ClientHandshake, m: RawHandshakeMessage) {
  const sh = decodeServerHello(m.body);
  const choice = checkServerHello(sh, hs.offer);
  hs.binding.checkEncryptThenMac(choice);
  // RFC 5246 §7.4.1.3: echoing the session ID we offered means the server resumes that session.
  const s = hs.offeredSession;
  const resumes = s !== undefined && hs.offeredSessionId.length > 0 && bytesEqualCt(sh.sessionId, hs.offeredSessionId);
  if (resumes) {
    if (choice.suite.code !== s.cipherSuite) throw illegalParameter('server resumed the session with another cipher suite');
    // RFC 7627 §5.3: an EMS session resumed without the extension is aborted.
    if (!choice.ems) throw new TlsError('EMS_REQUIRED', 'handshake_failure', 'server resumed without extended_master_secret');
    // RFC 7366 §3.1: the resumed session keeps encrypt-then-MAC as it was.
    if (choice.encryptThenMac !== s.encryptThenMac) throw new TlsError('ETM_MISMATCH', 'handshake_failure', 'server changed encrypt-then-MAC on resumption');
  }
  return { random: sh.random, choice, resumes };
}

/**
 * Certificate (RFC 5246 §7.4.2): decoded, handed to the verifier, key type checked against the suite.
 * With RSA key exchange the premaster secret is made and encrypted to this key here (§7.4.7.1), so that
 * an unusable key fails this message; there is no ServerKeyExchange to wait for.
 */
export function checkServerCertificate(hs: ClientHandshake, m: RawHandshakeMessage) {
  const { certificates } = decodeCertificate(m.body);
  if (certificates.length === 0) throw new TlsError('NO_CERTIFICATE', 'decode_error', 'server sent an empty certificate list');
  // With status_request acknowledged, revocation is judged once the CertificateStatus came (or did not).
  const revocationPending = hs.choice!.statusRequest;
  const { publicKey } = hs.cfg.verifier.verify({ chain: certificates, serverName: hs.cfg.serverName, revocationPending });
  // RFC 8422 §5.3 / RFC 5246 §7.4.2: the key must suit the negotiated key exchange.
  const want = hs.suite.keyExchange === 'ECDHE_ECDSA' ? ['ec', 'ed25519'] : ['rsa'];
  if (!want.includes(publicKey.type)) {
    throw new TlsError('WRONG_CERTIFICATE_TYPE', 'unsupported_certificate', `a ${publicKey.type} key does not fit ${hs.suite.iana}`);
  }
  let kx: ClientKeyAgreement | undefined;
  if (hs.suite.keyExchange === 'RSA' && publicKey.type === 'rsa') {
    const key = rsaEncryptionKey(publicKey.spki);
    try {
      // client_version is the version of our ClientHello (RFC 5246 §7.4.7.1), not the negotiated one.
      const { premaster, encrypted } = rsaClientPremaster(key, TLS12, (n) => hs.cfg.provider.randomBytes(n));
      kx = { kind: 'RSA', group: undefined, dhBits: undefined, scheme: undefined, premaster, message: { kind: 'rsa', encryptedPreMasterSecret: encrypted } };
    } finally {
      key.dispose();
    }
  }
  return { chain: certificates, publicKey, kx };
}

/** The ServerKeyExchange signature (RFC 5246 §7.4.3): scheme offered and fitting the key, signature valid. */
function checkServerKeyExchangeSignature(hs: ClientHandshake, ske: ServerKeyExchange): number {
  const scheme = ske.signed.scheme;
  if (!hs.offer.signatureSchemes.includes(scheme)) {
    throw illegalParameter(`server signed with ${schemeName(scheme)}, which was not offered`);
  }
  const key = hs.peerKey!;
  if (!schemeFitsKey(scheme, key.type)) throw illegalParameter(`${schemeName(scheme)} does not fit the server's ${key.type} key`);
  const signed = concat(hs.clientRandom, hs.serverRandom!, ske.paramsBytes);
  if (!verify(hs.cfg.provider, key, scheme, signed, ske.signed.signature)) {
    throw new TlsError('BAD_SIGNATURE', 'decrypt_error', `ServerKeyExchange signature (${schemeName(scheme)}) does not verify`);
  }
  return scheme;
}

/**
 * ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4): the scheme must be one we offered and fit the
 * certificate key, the signature over client_random + server_random + params must verify (decrypt_error
 * otherwise, RFC 5246 §7.2.2). Then the parameters: for ECDHE a group we offered; for DHE a group of at
 * least 2048 bits (DH_KEY_TOO_SMALL / insufficient_security below, see key-exchange/dhe.ts) and
 * 1 < Ys < p-1. Our share and the premaster are computed here, so that an invalid server value fails this
 * message (illegal_parameter, RFC 8422 §5.11, RFC 7919 §5.1).
 */
export function checkServerKeyExchange(hs: ClientHandshake, m: RawHandshakeMessage): ClientKeyAgreement {
  const ske = decodeServerKeyExchange(m.body, hs.suite.keyExchange);
  const random = (n: number) => hs.cfg.provider.randomBytes(n);
  if (ske.params.kind === 'ecdhe') {
    const group = checkServerGroup(ske.params.group, hs.offer.groups);
    const scheme = checkServerKeyExchangeSignature(hs, ske);
    const pair = generateEcdhe(group, random, hs.cfg.provider);
    let premaster: Uint8Array;
    try {
      premaster = ecdheSharedSecret(pair, ske.params.publicKey);
    } finally {
      pair.dispose();
    }
    return { kind: 'ECDHE', group, dhBits: undefined, scheme, premaster, message: { kind: 'ecdhe', publicKey: pair.publicKey } };
  }
  const scheme = checkServerKeyExchangeSignature(hs, ske);
  const group = acceptServerDhGroup(ske.params.p, ske.params.g);
  checkDhPublic(group, ske.params.publicKey);
  const pair = generateDh(group, random, hs.cfg.provider);
  const premaster = dhSharedSecret(pair, ske.params.publicKey);
  pair.secret.fill(0);
  pair.native?.dispose();
  return { kind: 'DHE', group: group.known?.name, dhBits: group.bits, scheme, premaster, message: { kind: 'dhe', publicKey: pair.publicKey } };
}

/** CertificateRequest (RFC 5246 §7.4.4): well-formed; what we will answer is chosen when it is accepted. */
export function checkCertificateRequest(_hs: ClientHandshake, m: RawHandshakeMessage) {
  return decodeCertificateRequest(m.body);
}

/** NewSessionTicket (RFC 5077 §3.3), possibly empty. */
export function checkNewSessionTicket(_hs: ClientHandshake, m: RawHandshakeMessage): NewSessionTicket {
  return decodeNewSessionTicket(m.body);
}

/**
 * The certificate to answer a CertificateRequest with (RFC 5246 §7.4.6): the first credential whose key
 * type was asked for (rsa_sign; ecdsa_sign also for Ed25519, RFC 8422 §5.5) with a signature scheme
 * the server listed, preferring one whose chain names an issuer in certificate_authorities.
 */
export function chooseClientCredential(credentials: readonly Credential[], cr: CertificateRequest): ClientHandshake['clientCredential'] {
  const fitting: { credential: Credential; scheme: number }[] = [];
  for (const credential of credentials) {
    const type = credential.key.type === 'rsa' ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;
    if (!cr.certificateTypes.includes(type)) continue;
    const scheme = chooseSigningScheme(credential.key, cr.signatureAlgorithms);
    if (scheme !== undefined) fitting.push({ credential, scheme });
  }
  if (cr.certificateAuthorities.length > 0) {
    const named = fitting.find(({ credential }) => credential.chain.some((der) => issuerListed(der, cr.certificateAuthorities)));
    if (named) return named;
  }
  return fitting[0];
}

function issuerListed(der: Uint8Array, names: readonly Uint8Array[]): boolean {
  try {
    const issuer = parseCertificate(der).issuer.der;
    return names.some((n) => bytesEqualCt(n, issuer));
  } catch {
    return false;
  }
}

export function checkServerHelloDone(hs: ClientHandshake, m: RawHandshakeMessage): void {
  decodeServerHelloDone(m.body);
  // RFC 6066 §8 lets a server acknowledge status_request and send no CertificateStatus; under the 'hard'
  // policy the chain must then stand on other revocation information (CRLs).
  if (hs.choice!.statusRequest && hs.ocspResponse === undefined && hs.cfg.revocation === 'hard') {
    hs.cfg.verifier.verify({ chain: hs.peerChain, serverName: hs.cfg.serverName });
  }
}

/**
 * CertificateStatus (RFC 6066 §8): the stapled OCSP response for the leaf, checked by the verifier
 * (signature by the issuer or a delegated responder, freshness, status): revoked is certificate_revoked,
 * a bad response bad_certificate_status_response.
 */
export function checkCertificateStatus(hs: ClientHandshake, m: RawHandshakeMessage): Uint8Array {
  const { ocspResponse } = decodeCertificateStatus(m.body);
  hs.cfg.verifier.verify({ chain: hs.peerChain, serverName: hs.cfg.serverName, ocspResponse });
  return ocspResponse;
}

export function acceptCertificateStatus(hs: ClientHandshake, m: RawHandshakeMessage, ocspResponse: Uint8Array): void {
  hs.ocspResponse = ocspResponse;
  hs.transcript.add(m.raw);
}

export function checkHelloRequest(_hs: ClientHandshake, m: RawHandshakeMessage): void {
  decodeHelloRequest(m.body);
}

/** The server's Finished (RFC 5246 §7.4.9): verify_data over every message up to our Finished. */
export function checkServerFinished(hs: ClientHandshake, m: RawHandshakeMessage): Uint8Array {
  const { verifyData } = decodeFinished(m.body);
  const expected = finishedVerifyData(hs.cfg.provider, hs.suite, hs.master!, 'server', hs.transcript.current());
  if (!bytesEqualCt(verifyData, expected)) throw new TlsError('BAD_FINISHED', 'decrypt_error', 'server Finished does not verify');
  return expected;
}

// ---- effects -------------------------------------------------------------------------------------

export function acceptServerHello(hs: ClientHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkServerHelloMessage>): void {
  hs.choice = v.choice;
  hs.serverRandom = v.random;
  hs.transcript.start(v.choice.suite.prf);
  hs.transcript.add(m.raw);
  io.lockVersion(TLS12);
  if (!v.resumes) return;
  // Abbreviated handshake (RFC 5246 §7.3 Figure 2): the session's master secret, fresh randoms.
  const { provider } = hs.cfg;
  const s = hs.offeredSession!;
  hs.resumed = true;
  hs.peerChain = s.peerCertificates;
  hs.transcript.releaseMessages();
  hs.master = plainBytes(s.masterSecret).slice(); // the user's session stays intact when this is wiped
  io.secret(hs.clientRandom, hs.master);
  const kb = keyBlock(provider, hs.suite, hs.master, hs.clientRandom, hs.serverRandom);
  hs.pendingRead = protectorFor(provider, hs.suite, kb.server, v.choice.encryptThenMac);
  hs.pendingWrite = protectorFor(provider, hs.suite, kb.client, v.choice.encryptThenMac);
  wipeKeyBlock(kb);
}

export function acceptNewSessionTicket(hs: ClientHandshake, m: RawHandshakeMessage, t: NewSessionTicket): void {
  hs.newTicket = t;
  hs.transcript.add(m.raw);
}

export function acceptCertificateRequest(hs: ClientHandshake, m: RawHandshakeMessage, cr: CertificateRequest): void {
  hs.certificateRequest = cr;
  hs.clientCredential = chooseClientCredential(hs.cfg.credentials, cr);
  hs.transcript.add(m.raw);
}

/** The server's Finished of an abbreviated handshake verified: our ChangeCipherSpec and Finished. */
export function sendResumedFinished(hs: ClientHandshake, io: HandshakeIo, m: RawHandshakeMessage, serverVerifyData: Uint8Array): void {
  hs.transcript.add(m.raw);
  io.sendChangeCipherSpec();
  io.changeWriteCipher(hs.pendingWrite!);
  hs.pendingWrite = undefined;
  hs.clientVerifyData = finishedVerifyData(hs.cfg.provider, hs.suite, hs.master!, 'client', hs.transcript.current());
  const raw = encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData: hs.clientVerifyData } });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
  complete(hs, io, serverVerifyData);
}

/** Both Finished verified: bind the next renegotiation, hand out the session, report the handshake. */
export function complete(hs: ClientHandshake, io: HandshakeIo, serverVerifyData: Uint8Array): void {
  hs.binding.completed(hs.choice!, hs.clientVerifyData!, serverVerifyData);
  hs.transcript.releaseMessages();
  const session = sessionOf(hs);
  io.complete(handshakeInfo(hs));
  if (session) io.session(session);
}

/** The session to give the user: a new one after a full handshake, or a renewed ticket on resumption. */
function sessionOf(hs: ClientHandshake): TlsSession | undefined {
  const c = hs.choice!;
  const t = hs.newTicket !== undefined && hs.newTicket.ticket.length > 0 ? hs.newTicket : undefined;
  if (hs.resumed) {
    if (!t) return undefined;
    // The session keeps its age: a renewed ticket does not extend it (the server counts the same way).
    return { ...hs.offeredSession!, ticket: t.ticket, ticketLifetime: t.lifetimeHint };
  }
  // RFC 7627 §5.3: sessions without the extended master secret are never resumed, so never kept.
  if (!c.ems || (c.sessionId.length === 0 && !t)) return undefined;
  return {
    version: TLS12,
    cipherSuite: c.suite.code,
    masterSecret: hs.master!.slice(),
    extendedMasterSecret: true,
    encryptThenMac: c.encryptThenMac,
    sessionId: c.sessionId,
    ...(t ? { ticket: t.ticket, ticketLifetime: t.lifetimeHint } : {}),
    ...(hs.cfg.serverName !== undefined ? { serverName: hs.cfg.serverName } : {}),
    ...(c.alpn !== undefined ? { alpn: c.alpn } : {}),
    peerCertificates: hs.peerChain,
    createdAt: Date.now(),
  };
}

/** After ServerHelloDone: [Certificate], ClientKeyExchange, ChangeCipherSpec, Finished (RFC 5246 §7.3). */
export function sendClientFlight(hs: ClientHandshake, io: HandshakeIo, m: RawHandshakeMessage): void {
  const { provider } = hs.cfg;
  const suite = hs.suite;
  const kx = hs.kx!;
  hs.transcript.add(m.raw);
  const send = (raw: Uint8Array) => {
    hs.transcript.add(raw);
    io.sendHandshake(raw);
  };
  // RFC 5246 §7.4.6: our certificate, or an empty list when none fits the request.
  const cc = hs.certificateRequest ? hs.clientCredential : undefined;
  if (hs.certificateRequest) {
    send(encodeHandshakeMessage({ type: HandshakeType.certificate, message: { certificates: cc ? [...cc.credential.chain] : [] } }));
  }
  send(encodeHandshakeMessage({ type: HandshakeType.client_key_exchange, message: kx.message }));
  const ems = hs.choice!.ems;
  hs.master = masterSecret(provider, suite, kx.premaster, ems
    ? { ems: true, sessionHash: hs.transcript.current() }
    : { ems: false, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom! });
  io.secret(hs.clientRandom, hs.master);
  kx.premaster.fill(0);
  if (cc) {
    // RFC 5246 §7.4.8: a signature over every handshake message so far, right after ClientKeyExchange.
    const signature = sign(provider, cc.credential.key, cc.scheme, hs.transcript.messages());
    send(encodeHandshakeMessage({ type: HandshakeType.certificate_verify, message: { scheme: cc.scheme, signature } }));
  }
  hs.transcript.releaseMessages();
  const kb = keyBlock(provider, suite, hs.master, hs.clientRandom, hs.serverRandom!);
  const etm = hs.choice!.encryptThenMac;
  const write = protectorFor(provider, suite, kb.client, etm);
  hs.pendingRead = protectorFor(provider, suite, kb.server, etm);
  wipeKeyBlock(kb);
  io.sendChangeCipherSpec();
  io.changeWriteCipher(write);
  hs.clientVerifyData = finishedVerifyData(provider, suite, hs.master, 'client', hs.transcript.current());
  send(encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData: hs.clientVerifyData } }));
}

export function installReadCipher(hs: ClientHandshake, io: HandshakeIo): void {
  const p = hs.pendingRead!;
  hs.pendingRead = undefined;
  io.changeReadCipher(p);
}

export function handshakeInfo(hs: ClientHandshake): HandshakeInfo {
  const s = hs.suite;
  const kx = hs.kx;
  return {
    version: 'TLSv1.2',
    cipherSuite: s.iana,
    cipherSuiteOpenssl: s.openssl,
    cipherSuiteCode: s.code,
    keyExchange: kx?.kind ?? (s.keyExchange === 'RSA' ? 'RSA' : s.keyExchange === 'DHE_RSA' ? 'DHE' : 'ECDHE'),
    resumed: hs.resumed,
    group: kx?.group,
    dhBits: kx?.dhBits,
    signatureScheme: kx?.scheme === undefined ? undefined : schemeName(kx.scheme),
    encryptThenMac: hs.choice!.encryptThenMac,
    alpn: hs.choice!.alpn,
    serverName: hs.cfg.serverName,
    peerCertificates: hs.peerChain,
    peerAuthorized: true,
    peerAuthorizationError: undefined,
    ocspResponse: hs.ocspResponse,
    extendedMasterSecret: hs.choice!.ems,
    secureRenegotiation: hs.choice!.secureRenegotiation,
    sessionId: hs.choice!.sessionId,
  };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
