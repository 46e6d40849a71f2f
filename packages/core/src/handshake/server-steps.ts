// The server's handshake steps (RFC 5246 §7.3, §7.4): checks (return a value or throw TlsError) and
// effects (write messages, install keys), called by the server machine's guards and actions.
import { ECPointFormat, HandshakeType, ProtocolVersion, type CipherSuite } from '../codec/constants.js';
import { buildServerHelloExtensions } from '../codec/extensions/index.js';
import { decodeClientHello } from '../codec/messages/client-hello.js';
import { decodeClientKeyExchange } from '../codec/messages/client-key-exchange.js';
import { decodeFinished } from '../codec/messages/finished.js';
import type { RawHandshakeMessage } from '../codec/messages/handshake.js';
import { encodeHandshakeMessage } from '../codec/messages/index.js';
import { encodeServerKeyExchangeParams, type ServerKeyExchangeParams } from '../codec/messages/server-key-exchange.js';
import { TlsError } from '../errors.js';
import type { RecordProtector } from '../record/protection/types.js';
import { concat } from './client-steps.js';
import { checkDhPublic, dhGroupOf, dhSharedSecret, generateDh, type DhKeyPair } from './key-exchange/dhe.js';
import { ecdheSharedSecret, generateEcdhe, type EcdheGroup, type EcdheKeyPair } from './key-exchange/ecdhe.js';
import { ffdheGroup, type FfdheGroup } from './key-exchange/ffdhe-groups.js';
import { rsaServerPremaster } from './key-exchange/rsa.js';
import { finishedVerifyData, keyBlock, masterSecret, wipeKeyBlock } from './key-schedule.js';
import { bytesEqualCt, type HandshakeInfo, type HandshakeIo } from './machine-support.js';
import { negotiateServer, type ServerChoice } from './negotiate.js';
import { groupCode, type ResolvedServer } from './options.js';
import { protectorFor } from './protection.js';
import { schemeName, sign } from './signature.js';
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

  constructor(readonly cfg: ResolvedServer) {
    this.transcript = new Transcript(cfg.provider);
  }

  get suite(): CipherSuite {
    if (!this.choice) throw new TlsError('INTERNAL_ERROR', 'internal_error', 'no suite yet');
    return this.choice.suite;
  }

  dispose(): void {
    this.transcript.dispose();
    this.ecdhe?.secretKey.fill(0);
    this.dhe?.secret.fill(0);
    this.master?.fill(0);
    this.pendingRead?.dispose();
    this.pendingWrite?.dispose();
    this.pendingRead = this.pendingWrite = undefined;
  }
}

// ---- checks --------------------------------------------------------------------------------------

export function checkClientHello(hs: ServerHandshake, m: RawHandshakeMessage) {
  const ch = decodeClientHello(m.body);
  return { random: ch.random.slice(), version: ch.version, choice: negotiateServer(ch, hs.cfg) };
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
      return rsaServerPremaster(key.key, cke.encryptedPreMasterSecret, hs.clientVersion);
    }
  }
}

/** The client's Finished (RFC 5246 §7.4.9): verify_data over every message before it. */
export function checkClientFinished(hs: ServerHandshake, m: RawHandshakeMessage): void {
  const { verifyData } = decodeFinished(m.body);
  const expected = finishedVerifyData(hs.cfg.provider, hs.suite, hs.master!, 'client', hs.transcript.current());
  if (!bytesEqualCt(verifyData, expected)) throw new TlsError('BAD_FINISHED', 'decrypt_error', 'client Finished does not verify');
}

// ---- effects -------------------------------------------------------------------------------------

/** ServerHello, Certificate, ServerKeyExchange, ServerHelloDone (RFC 5246 §7.3, one flight). */
export function sendServerFlight(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage, v: ReturnType<typeof checkClientHello>): void {
  const { provider } = hs.cfg;
  const choice = v.choice;
  hs.choice = choice;
  hs.clientRandom = v.random;
  hs.clientVersion = v.version;
  hs.serverRandom = provider.randomBytes(32);
  hs.transcript.start(choice.suite.prf);
  hs.transcript.add(m.raw);
  io.lockVersion(TLS12);
  const send = (raw: Uint8Array) => {
    hs.transcript.add(raw);
    io.sendHandshake(raw);
  };
  const extensions = buildServerHelloExtensions({
    ...(choice.secureRenegotiation ? { renegotiationInfo: new Uint8Array(0) } : {}), // RFC 5746 §3.6
    ...(choice.serverName !== undefined && hs.cfg.selectCredentials ? { serverName: true } : {}), // RFC 6066 §3
    ...(choice.ems ? { extendedMasterSecret: true } : {}), // RFC 7627 §5.1
    ...(choice.encryptThenMac ? { encryptThenMac: true } : {}), // RFC 7366 §2 (CBC suites only)
    ...(choice.ecPointFormats ? { ecPointFormats: [ECPointFormat.uncompressed] } : {}), // RFC 8422 §5.2
    ...(choice.alpn !== undefined ? { alpn: choice.alpn } : {}), // RFC 7301 §3.1
  });
  send(encodeHandshakeMessage({
    type: HandshakeType.server_hello,
    message: { version: TLS12, random: hs.serverRandom, sessionId: hs.sessionId, cipherSuite: choice.suite.code, compressionMethod: 0, extensions },
  }));
  send(encodeHandshakeMessage({ type: HandshakeType.certificate, message: { certificates: choice.credential.chain } }));
  // RFC 5246 §7.4.3: no ServerKeyExchange with RSA key exchange. Otherwise ServerECDHParams (RFC 8422
  // §5.4) or ServerDHParams (p, g, Ys of an RFC 7919 group), signed with client_random + server_random + params.
  if (choice.suite.keyExchange !== 'RSA') {
    const random = (n: number) => provider.randomBytes(n);
    let params: ServerKeyExchangeParams;
    if (choice.suite.keyExchange === 'DHE_RSA') {
      const group = dhGroupOf(ffdheGroup(choice.group as FfdheGroup));
      hs.dhe = generateDh(group, random);
      params = { kind: 'dhe', p: group.p, g: group.g, publicKey: hs.dhe.publicKey };
    } else {
      hs.ecdhe = generateEcdhe(choice.group as EcdheGroup, random);
      params = { kind: 'ecdhe', group: groupCode[choice.group as EcdheGroup], publicKey: hs.ecdhe.publicKey };
    }
    const scheme = choice.signatureScheme!;
    const paramsBytes = encodeServerKeyExchangeParams(params);
    const signature = sign(provider, choice.credential.key, scheme, concat(hs.clientRandom, hs.serverRandom, paramsBytes));
    send(encodeHandshakeMessage({ type: HandshakeType.server_key_exchange, message: { params, signed: { scheme, signature } } }));
  }
  // Client authentication (issue 6): CertificateRequest goes here.
  send(encodeHandshakeMessage({ type: HandshakeType.server_hello_done }));
}

export function acceptClientKeyExchange(hs: ServerHandshake, m: RawHandshakeMessage, premaster: Uint8Array): void {
  const { provider } = hs.cfg;
  const suite = hs.suite;
  hs.transcript.add(m.raw);
  hs.master = masterSecret(provider, suite, premaster, hs.choice!.ems
    ? { ems: true, sessionHash: hs.transcript.current() }
    : { ems: false, clientRandom: hs.clientRandom!, serverRandom: hs.serverRandom! });
  premaster.fill(0);
  hs.ecdhe?.secretKey.fill(0);
  hs.dhe?.secret.fill(0);
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

/** After the client's Finished: ChangeCipherSpec and our Finished, then the connection is up. */
export function sendServerFinished(hs: ServerHandshake, io: HandshakeIo, m: RawHandshakeMessage): void {
  const { provider } = hs.cfg;
  hs.transcript.add(m.raw);
  io.sendChangeCipherSpec();
  const w = hs.pendingWrite!;
  hs.pendingWrite = undefined;
  io.changeWriteCipher(w);
  const verifyData = finishedVerifyData(provider, hs.suite, hs.master!, 'server', hs.transcript.current());
  const raw = encodeHandshakeMessage({ type: HandshakeType.finished, message: { verifyData } });
  hs.transcript.add(raw);
  io.sendHandshake(raw);
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
    group: c.group,
    dhBits: hs.dhe?.group.bits,
    signatureScheme: c.signatureScheme === undefined ? undefined : schemeName(c.signatureScheme),
    encryptThenMac: c.encryptThenMac,
    alpn: c.alpn,
    serverName: c.serverName,
    peerCertificates: [],
    extendedMasterSecret: c.ems,
    secureRenegotiation: c.secureRenegotiation,
    sessionId: hs.sessionId,
  };
}
