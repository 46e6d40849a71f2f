// The client's handshake steps (RFC 5246 §7.3, §7.4): checks (return a value or throw TlsError) and
// effects (write messages, install keys), called by the client machine's guards and actions.
import {
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
import type { ClientKeyExchange } from '../codec/messages/client-key-exchange.js';
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { decodeFinished } from '../codec/messages/finished.js';
import { decodeHelloRequest } from '../codec/messages/hello-request.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { decodeServerHelloDone } from '../codec/messages/server-hello-done.js';
import { decodeServerHello } from '../codec/messages/server-hello.js';
import { decodeServerKeyExchange, type ServerKeyExchange } from '../codec/messages/server-key-exchange.js';
import { TlsError, illegalParameter } from '../errors.js';
import type { RecordProtector } from '../record/protection/types.js';
import { acceptServerDhGroup, checkDhPublic, dhSharedSecret, generateDh } from './key-exchange/dhe.js';
import { ecdheSharedSecret, generateEcdhe } from './key-exchange/ecdhe.js';
import { rsaClientPremaster, rsaEncryptionKey } from './key-exchange/rsa.js';
import { finishedVerifyData, keyBlock, masterSecret, wipeKeyBlock } from './key-schedule.js';
import { bytesEqualCt, type HandshakeInfo, type HandshakeIo, type KeyExchangeGroup } from './machine-support.js';
import { checkServerGroup, checkServerHello, type ClientChoice, type ClientOffer } from './negotiate.js';
import { ffdheCode, groupCode, type ResolvedClient } from './options.js';
import { protectorFor } from './protection.js';
import { schemeFitsKey, schemeName, verify, type PeerPublicKey } from './signature.js';
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

  constructor(readonly cfg: ResolvedClient) {
    this.transcript = new Transcript(cfg.provider);
  }

  get suite(): CipherSuite {
    if (!this.choice) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'no suite yet');
    return this.choice.suite;
  }

  dispose(): void {
    this.transcript.dispose();
    this.kx?.premaster.fill(0);
    this.master?.fill(0);
    this.pendingRead?.dispose();
    this.pendingRead = undefined;
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
  const extensions = buildClientHelloExtensions({
    renegotiationInfo: new Uint8Array(0), // RFC 5746 §3.4: empty on the initial handshake
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
      sessionId: new Uint8Array(0), // room for resumption (issue 6)
      cipherSuites: suiteCodes,
      compressionMethods: [CompressionMethod.null],
      extensions,
    },
  });
  hs.offer = { suites: cfg.suites, suiteCodes, extensions, groups: cfg.groups, signatureSchemes: cfg.signatureSchemes, alpn: cfg.alpn };
  hs.transcript.add(raw);
  io.sendHandshake(raw);
}

// ---- checks --------------------------------------------------------------------------------------

export function checkServerHelloMessage(hs: ClientHandshake, m: RawHandshakeMessage) {
  const sh = decodeServerHello(m.body);
  return { random: sh.random, choice: checkServerHello(sh, hs.offer) };
}

/**
 * Certificate (RFC 5246 §7.4.2): decoded, handed to the verifier, key type checked against the suite.
 * With RSA key exchange the premaster secret is made and encrypted to this key here (§7.4.7.1), so that
 * an unusable key fails this message; there is no ServerKeyExchange to wait for.
 */
export function checkServerCertificate(hs: ClientHandshake, m: RawHandshakeMessage) {
  const { certificates } = decodeCertificate(m.body);
  if (certificates.length === 0) throw new TlsError('NO_CERTIFICATE', 'decode_error', 'server sent an empty certificate list');
  const { publicKey } = hs.cfg.verifier.verify({ chain: certificates, serverName: hs.cfg.serverName });
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
    const pair = generateEcdhe(group, random);
    const premaster = ecdheSharedSecret(pair, ske.params.publicKey);
    pair.secretKey.fill(0);
    return { kind: 'ECDHE', group, dhBits: undefined, scheme, premaster, message: { kind: 'ecdhe', publicKey: pair.publicKey } };
  }
  const scheme = checkServerKeyExchangeSignature(hs, ske);
  const group = acceptServerDhGroup(ske.params.p, ske.params.g);
  checkDhPublic(group, ske.params.publicKey);
  const pair = generateDh(group, random);
  const premaster = dhSharedSecret(pair, ske.params.publicKey);
  pair.secret.fill(0);
  return { kind: 'DHE', group: group.known?.name, dhBits: group.bits, scheme, premaster, message: { kind: 'dhe', publicKey: pair.publicKey } };
}

/** CertificateRequest (RFC 5246 §7.4.4): well-formed. We answer with an empty Certificate for now. */
export function checkCertificateRequest(_hs: ClientHandshake, m: RawHandshakeMessage) {
  return decodeCertificateRequest(m.body);
}

export function checkServerHelloDone(_hs: ClientHandshake, m: RawHandshakeMessage): void {
  decodeServerHelloDone(m.body);
}

export function checkHelloRequest(_hs: ClientHandshake, m: RawHandshakeMessage): void {
  decodeHelloRequest(m.body);
}

/** The server's Finished (RFC 5246 §7.4.9): verify_data over every message up to our Finished. */
export function checkServerFinished(hs: ClientHandshake, m: RawHandshakeMessage): void {
  const { verifyData } = decodeFinished(m.body);
  const expected = finishedVerifyData(hs.cfg.provider, hs.suite, hs.master!, 'server', hs.transcript.current());
  if (!bytesEqualCt(verifyData, expected)) throw new TlsError('BAD_FINISHED', 'decrypt_error', 'server Finished does not verify');
}

// ---- effects -------------------------------------------------------------------------------------

export function acceptServerHello(hs: ClientHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkServerHelloMessage>): void {
  hs.choice = v.choice;
  hs.serverRandom = v.random;
  hs.transcript.start(v.choice.suite.prf);
  hs.transcript.add(m.raw);
  io.lockVersion(TLS12);
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
  // RFC 5246 §7.4.6: with no suitable certificate the client sends an empty list (client auth: issue 6).
  if (hs.certificateRequest) send(encodeHandshakeMessage({ type: HandshakeType.certificate, message: { certificates: [] } }));
  send(encodeHandshakeMessage({ type: HandshakeType.client_key_exchange, message: kx.message }));
  const ems = hs.choice!.ems;
  hs.master = masterSecret(provider, suite, kx.premaster, ems
    ? { ems: true, sessionHash: hs.transcript.current() }
    : { ems: false, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom! });
  kx.premaster.fill(0);
  const kb = keyBlock(provider, suite, hs.master, hs.clientRandom, hs.serverRandom!);
  const etm = hs.choice!.encryptThenMac;
  const write = protectorFor(provider, suite, kb.client, etm);
  hs.pendingRead = protectorFor(provider, suite, kb.server, etm);
  wipeKeyBlock(kb);
  io.sendChangeCipherSpec();
  io.changeWriteCipher(write);
  const verifyData = finishedVerifyData(provider, suite, hs.master, 'client', hs.transcript.current());
  send(encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData } }));
}

export function installReadCipher(hs: ClientHandshake, io: HandshakeIo): void {
  const p = hs.pendingRead!;
  hs.pendingRead = undefined;
  io.changeReadCipher(p);
}

export function handshakeInfo(hs: ClientHandshake): HandshakeInfo {
  const s = hs.suite;
  return {
    version: 'TLSv1.2',
    cipherSuite: s.iana,
    cipherSuiteOpenssl: s.openssl,
    cipherSuiteCode: s.code,
    keyExchange: hs.kx!.kind,
    group: hs.kx!.group,
    dhBits: hs.kx!.dhBits,
    signatureScheme: hs.kx!.scheme === undefined ? undefined : schemeName(hs.kx!.scheme),
    encryptThenMac: hs.choice!.encryptThenMac,
    alpn: hs.choice!.alpn,
    serverName: hs.cfg.serverName,
    peerCertificates: hs.peerChain,
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
