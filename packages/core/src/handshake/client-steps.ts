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
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { decodeFinished } from '../codec/messages/finished.js';
import { decodeHelloRequest } from '../codec/messages/hello-request.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { decodeServerHelloDone } from '../codec/messages/server-hello-done.js';
import { decodeServerHello } from '../codec/messages/server-hello.js';
import { decodeServerKeyExchange } from '../codec/messages/server-key-exchange.js';
import { TlsError, illegalParameter } from '../errors.js';
import type { RecordProtector } from '../record/protection/types.js';
import { ecdheSharedSecret, generateEcdhe, type EcdheGroup } from './key-exchange/ecdhe.js';
import { finishedVerifyData, keyBlock, masterSecret, wipeKeyBlock } from './key-schedule.js';
import { bytesEqualCt, type HandshakeInfo, type HandshakeIo } from './machine-support.js';
import { checkServerGroup, checkServerHello, type ClientChoice, type ClientOffer } from './negotiate.js';
import { groupCode, type ResolvedClient } from './options.js';
import { protectorFor } from './protection.js';
import { schemeFitsKey, schemeName, verify, type PeerPublicKey } from './signature.js';
import { Transcript } from './transcript.js';

const TLS12 = ProtocolVersion.TLS1_2;

/** Everything the client learns during one handshake. Mutated only by the machine's actions. */
export class ClientHandshake {
  readonly transcript: Transcript;
  clientRandom: Uint8Array = new Uint8Array(32);
  offer!: ClientOffer;
  choice: ClientChoice | undefined;
  serverRandom: Uint8Array | undefined;
  peerChain: readonly Uint8Array[] = [];
  peerKey: PeerPublicKey | undefined;
  kx: { group: EcdheGroup; scheme: number; premaster: Uint8Array; ourShare: Uint8Array } | undefined;
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
  const extensions = buildClientHelloExtensions({
    renegotiationInfo: new Uint8Array(0), // RFC 5746 §3.4: empty on the initial handshake
    ...(sni !== undefined ? { serverName: sni } : {}),
    extendedMasterSecret: cfg.ems,
    supportedGroups: cfg.groups.map((g) => groupCode[g]),
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

/** Certificate (RFC 5246 §7.4.2): decoded, handed to the verifier, key type checked against the suite. */
export function checkServerCertificate(hs: ClientHandshake, m: RawHandshakeMessage) {
  const { certificates } = decodeCertificate(m.body);
  if (certificates.length === 0) throw new TlsError('NO_CERTIFICATE', 'decode_error', 'server sent an empty certificate list');
  const { publicKey } = hs.cfg.verifier.verify({ chain: certificates, serverName: hs.cfg.serverName });
  // RFC 8422 §5.3 / RFC 5246 §7.4.2: the key must suit the negotiated key exchange.
  const want = hs.suite.keyExchange === 'ECDHE_RSA' ? ['rsa'] : ['ec', 'ed25519'];
  if (!want.includes(publicKey.type)) {
    throw new TlsError('WRONG_CERTIFICATE_TYPE', 'unsupported_certificate', `a ${publicKey.type} key does not fit ${hs.suite.iana}`);
  }
  return { chain: certificates, publicKey };
}

/**
 * ServerKeyExchange (RFC 8422 §5.4): the group must be one we offered, the scheme one we offered and
 * fitting the certificate key, the signature over client_random + server_random + params must verify
 * (decrypt_error otherwise, RFC 5246 §7.2.2). Our share and the premaster are computed here, so that an
 * invalid server point fails this message (illegal_parameter, RFC 8422 §5.11).
 */
export function checkServerKeyExchange(hs: ClientHandshake, m: RawHandshakeMessage) {
  const ske = decodeServerKeyExchange(m.body, hs.suite.keyExchange);
  if (ske.params.kind !== 'ecdhe') throw illegalParameter('server_key_exchange does not carry ECDHE parameters');
  const group = checkServerGroup(ske.params.group, hs.offer.groups);
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
  const pair = generateEcdhe(group, (n) => hs.cfg.provider.randomBytes(n));
  const premaster = ecdheSharedSecret(pair, ske.params.publicKey);
  pair.secretKey.fill(0);
  return { group, scheme, premaster, ourShare: pair.publicKey };
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
  send(encodeHandshakeMessage({ type: HandshakeType.client_key_exchange, message: { kind: 'ecdhe', publicKey: kx.ourShare } }));
  const ems = hs.choice!.ems;
  hs.master = masterSecret(provider, suite, kx.premaster, ems
    ? { ems: true, sessionHash: hs.transcript.current() }
    : { ems: false, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom! });
  kx.premaster.fill(0);
  const kb = keyBlock(provider, suite, hs.master, hs.clientRandom, hs.serverRandom!);
  const write = protectorFor(provider, suite, kb.client);
  hs.pendingRead = protectorFor(provider, suite, kb.server);
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
    group: hs.kx!.group,
    signatureScheme: schemeName(hs.kx!.scheme),
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
