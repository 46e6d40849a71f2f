// Negotiation, both sides, as pure functions that return the agreed parameters or throw the TlsError
// (with its alert) the RFCs prescribe.
import {
  CertificateStatusType,
  CompressionMethod,
  ECPointFormat,
  extensionTypeName,
  ProtocolVersion,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  type CipherSuite,
} from '../codec/constants.js';
import { unsolicitedExtensions, type RawExtension } from '../codec/extensions/index.js';
import type { DecodedClientHello } from '../codec/messages/client-hello.js';
import type { DecodedServerHello } from '../codec/messages/server-hello.js';
import { illegalParameter, TlsError } from '../errors.js';
import type { EcdheGroup } from './key-exchange/ecdhe.js';
import type { FfdheGroup } from './key-exchange/ffdhe-groups.js';
import { ffdheCode, groupByCode, groupCode, type ResolvedServer, type ServerCredential } from './options.js';
import { bytesEqualCt } from './machine-support.js';
import { chooseSigningScheme } from './signature.js';

const TLS12 = ProtocolVersion.TLS1_2;

/** What the server settled on for one ClientHello. */
export interface ServerChoice {
  readonly suite: CipherSuite;
  /** The ECDHE curve or the RFC 7919 group; undefined with RSA key exchange. */
  readonly group: EcdheGroup | FfdheGroup | undefined;
  readonly credential: ServerCredential;
  /** For the ServerKeyExchange signature; undefined with RSA key exchange (no ServerKeyExchange). */
  readonly signatureScheme: number | undefined;
  readonly alpn: string | undefined;
  readonly ems: boolean;
  readonly secureRenegotiation: boolean;
  readonly serverName: string | undefined;
  /** Echo ec_point_formats (RFC 8422 §5.2: only when the client sent it). */
  readonly ecPointFormats: boolean;
  /** RFC 7366 §3: both want it and the suite is a CBC one (never echoed for AEAD suites). */
  readonly encryptThenMac: boolean;
  /** The OCSP response to staple (the client asked for ocsp status and the credential has one). */
  readonly ocspResponse: Uint8Array | undefined;
}

/**
 * The key type a suite's authentication needs (RFC 8422 §2: ECDHE_ECDSA takes ECDSA and EdDSA keys), and
 * for ECDSA a curve the client listed in supported_groups when it sent the extension (RFC 8422 §5.1.1).
 */
function credentialFits(suite: CipherSuite, c: ServerCredential, clientGroups: readonly number[] | undefined): boolean {
  if (suite.keyExchange !== 'ECDHE_ECDSA') return c.key.type === 'rsa'; // ECDHE_RSA, DHE_RSA, RSA
  if (c.key.type === 'ed25519') return true;
  if (c.key.type !== 'ec') return false;
  return clientGroups === undefined || clientGroups.includes(groupCode[c.key.curve === 'P-256' ? 'secp256r1' : 'secp384r1']);
}

/** Server side: judge a ClientHello and choose everything (RFC 5246 §7.4.1.2-7.4.1.4). */
export function negotiateServer(ch: DecodedClientHello, cfg: ResolvedServer, previousClientVerifyData?: Uint8Array): ServerChoice {
  // RFC 7507 §3: a fallback retry below our highest version is an attack (or a broken server) signal.
  if (ch.cipherSuites.includes(TLS_FALLBACK_SCSV) && ch.version < TLS12) {
    throw new TlsError('INAPPROPRIATE_FALLBACK', 'inappropriate_fallback', 'TLS_FALLBACK_SCSV with a version below TLS 1.2');
  }
  // TLS 1.2 only; a higher client_version negotiates down to 1.2 (RFC 5246 Appendix E.1).
  if (ch.version < TLS12) {
    throw new TlsError('PROTOCOL_VERSION', 'protocol_version', `client offers at most version 0x${ch.version.toString(16)}`);
  }
  if (!ch.compressionMethods.includes(CompressionMethod.null)) throw illegalParameter('null compression not offered');
  const ext = ch.ext;
  let secureRenegotiation: boolean;
  if (previousClientVerifyData === undefined) {
    // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty.
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0) {
      throw new TlsError('HANDSHAKE_FAILURE', 'handshake_failure', 'renegotiation_info not empty on an initial handshake');
    }
    secureRenegotiation = ext.renegotiationInfo !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  } else {
    // RFC 5746 §3.7: a renegotiating ClientHello carries the extension (never the SCSV) with the
    // client_verify_data of the previous handshake; anything else is handshake_failure.
    if (ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) {
      throw new TlsError('INSECURE_RENEGOTIATION', 'handshake_failure', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV in a renegotiation');
    }
    if (ext.renegotiationInfo === undefined || !bytesEqualCt(ext.renegotiationInfo, previousClientVerifyData)) {
      throw new TlsError('INSECURE_RENEGOTIATION', 'handshake_failure', 'renegotiation_info does not carry the previous client_verify_data');
    }
    secureRenegotiation = true;
  }
  // RFC 8422 §5.1.2: a client that lists point formats must list uncompressed.
  if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(ECPointFormat.uncompressed)) {
    throw illegalParameter('ec_point_formats lacks uncompressed');
  }
  const serverName = ext.serverName;
  const credentials = cfg.selectCredentials?.(serverName) ?? cfg.credentials;

  // Group: ours in our order among the client's; without supported_groups any group may be used
  // (RFC 8422 §4), so take secp256r1 if enabled, which every ECC client implements.
  let group: EcdheGroup | undefined;
  if (ext.supportedGroups !== undefined) {
    group = cfg.groups.find((g) => ext.supportedGroups!.includes(groupCode[g]));
  } else {
    group = cfg.groups.includes('secp256r1') ? 'secp256r1' : cfg.groups[0];
  }

  const dheGroup = chooseDheGroup(ext.supportedGroups, cfg.dheGroups);

  // Suite: server preference among the client's, with a group, a credential and (unless RSA key
  // exchange, which signs nothing) a signature scheme that fit.
  let pick: { suite: CipherSuite; group: EcdheGroup | FfdheGroup | undefined; credential: ServerCredential; scheme: number | undefined } | undefined;
  for (const suite of cfg.suites) {
    if (!ch.cipherSuites.includes(suite.code)) continue;
    const kx = suite.keyExchange;
    const g = kx === 'RSA' ? undefined : kx === 'DHE_RSA' ? dheGroup : group;
    if (kx !== 'RSA' && g === undefined) continue;
    for (const credential of credentials) {
      if (!credentialFits(suite, credential, ext.supportedGroups)) continue;
      const scheme = kx === 'RSA' ? undefined : chooseSigningScheme(credential.key, ext.signatureAlgorithms);
      if (kx === 'RSA' || scheme !== undefined) {
        pick = { suite, group: g, credential, scheme };
        break;
      }
    }
    if (pick) break;
  }
  if (!pick) throw new TlsError('NO_SHARED_CIPHER', 'handshake_failure', 'no cipher suite, group and certificate in common');

  // RFC 7301 §3.2: our preference among the client's; no overlap is no_application_protocol.
  let alpn: string | undefined;
  if (cfg.alpn && ext.alpn) {
    alpn = cfg.alpn.find((p) => ext.alpn!.includes(p));
    if (alpn === undefined) throw new TlsError('NO_APPLICATION_PROTOCOL', 'no_application_protocol', 'no ALPN protocol in common');
  }
  return {
    suite: pick.suite,
    group: pick.group,
    credential: pick.credential,
    signatureScheme: pick.scheme,
    alpn,
    ems: cfg.ems && ext.extendedMasterSecret === true,
    secureRenegotiation,
    serverName,
    ecPointFormats: ext.ecPointFormats !== undefined,
    encryptThenMac: cfg.etm && ext.encryptThenMac === true && pick.suite.mac !== 'AEAD',
    // RFC 6066 §8: only for an ocsp status_request, and only when we have a response to send.
    ocspResponse: ext.statusRequest?.statusType === CertificateStatusType.ocsp ? pick.credential.ocspResponse : undefined,
  };
}

/** RFC 7919 §2: the FFDHE codepoints are 256..511, known or not. */
const isFfdheCode = (c: number) => c >= 256 && c <= 511;

/**
 * RFC 7919 §4: a client listing FFDHE groups gets the first of ours it lists, or no DHE suite at all
 * when it lists none we have; a client listing none (older clients) gets ffdhe2048, or our first group.
 */
export function chooseDheGroup(clientGroups: readonly number[] | undefined, ours: readonly FfdheGroup[]): FfdheGroup | undefined {
  const theirs = (clientGroups ?? []).filter(isFfdheCode);
  if (theirs.length > 0) return ours.find((g) => theirs.includes(ffdheCode[g]));
  return ours.includes('ffdhe2048') ? 'ffdhe2048' : ours[0];
}

/** What the client offered, to check the ServerHello against. */
export interface ClientOffer {
  readonly suites: readonly CipherSuite[];
  readonly suiteCodes: readonly number[];
  readonly extensions: readonly RawExtension[];
  readonly groups: readonly EcdheGroup[];
  readonly signatureSchemes: readonly number[];
  readonly alpn: readonly string[] | undefined;
  /** Renegotiation: client_verify_data + server_verify_data of the previous handshake (RFC 5746 §3.5). */
  readonly previousVerifyData: Uint8Array | undefined;
}

export interface ClientChoice {
  readonly suite: CipherSuite;
  readonly ems: boolean;
  /** RFC 7366 in force: the server echoed it and the suite is a CBC one. */
  readonly encryptThenMac: boolean;
  readonly alpn: string | undefined;
  readonly secureRenegotiation: boolean;
  readonly sessionId: Uint8Array;
  /** The server will send NewSessionTicket (RFC 5077 §3.2). */
  readonly ticket: boolean;
  /** The server will send CertificateStatus if it has one (RFC 6066 §8). */
  readonly statusRequest: boolean;
}

/** Client side: is this ServerHello an answer to our ClientHello? (RFC 5246 §7.4.1.3-7.4.1.4) */
export function checkServerHello(sh: DecodedServerHello, offer: ClientOffer): ClientChoice {
  if (sh.version !== TLS12) {
    throw new TlsError('PROTOCOL_VERSION', 'protocol_version', `server chose version 0x${sh.version.toString(16)}, we offered TLS 1.2 only`);
  }
  const suite = offer.suites.find((s) => s.code === sh.cipherSuite);
  if (!suite) throw illegalParameter(`server chose cipher suite 0x${sh.cipherSuite.toString(16)}, which was not offered`);
  // RFC 5246 §7.4.1.4: an extension we did not offer is fatal.
  const extra = unsolicitedExtensions(offer.extensions, sh.extensions, offer.suiteCodes);
  if (extra.length > 0) {
    const names = extra.map((t) => extensionTypeName(t) ?? String(t)).join(', ');
    throw new TlsError('UNSUPPORTED_EXTENSION', 'unsupported_extension', `server sent extensions not offered: ${names}`);
  }
  const ext = sh.ext;
  if (offer.previousVerifyData === undefined) {
    // RFC 5746 §3.4: on an initial handshake the server's renegotiated_connection must be empty.
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0) {
      throw new TlsError('HANDSHAKE_FAILURE', 'handshake_failure', 'renegotiation_info not empty on an initial handshake');
    }
  } else if (ext.renegotiationInfo === undefined || !bytesEqualCt(ext.renegotiationInfo, offer.previousVerifyData)) {
    // RFC 5746 §3.5: client_verify_data + server_verify_data of the previous handshake, or abort.
    throw new TlsError('INSECURE_RENEGOTIATION', 'handshake_failure', 'renegotiation_info does not carry the previous verify_data');
  }
  if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(ECPointFormat.uncompressed)) {
    throw illegalParameter('ec_point_formats lacks uncompressed');
  }
  // RFC 7301 §3.2: the server's choice must be one we offered.
  if (ext.alpn !== undefined && !(offer.alpn ?? []).includes(ext.alpn)) {
    throw illegalParameter(`server chose ALPN protocol ${JSON.stringify(ext.alpn)}, which was not offered`);
  }
  return {
    suite,
    ems: ext.extendedMasterSecret === true,
    // RFC 7366 §3 forbids the echo with an AEAD suite without saying what a client does then; like
    // OpenSSL we ignore it (it cannot change AEAD records). encrypt_then_mac not offered is refused above.
    encryptThenMac: ext.encryptThenMac === true && suite.mac !== 'AEAD',
    alpn: ext.alpn,
    secureRenegotiation: ext.renegotiationInfo !== undefined,
    sessionId: sh.sessionId,
    ticket: ext.sessionTicket === true,
    statusRequest: ext.statusRequest === true,
  };
}

/** Client side: the ServerKeyExchange group must be one we offered (RFC 8422 §5.4). */
export function checkServerGroup(code: number, offered: readonly EcdheGroup[]): EcdheGroup {
  const g = groupByCode(code);
  if (g === undefined || !offered.includes(g)) throw illegalParameter(`server chose group ${code}, which was not offered`);
  return g;
}
