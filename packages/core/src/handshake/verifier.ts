// Server certificate verification, behind an interface so any X.509 implementation plugs in. The client
// hands the chain and the name it connected to; the verifier either returns the leaf's public key (the
// only thing the handshake needs from the certificate) or throws a TlsError carrying the certificate alert
// to send (RFC 5246 §7.2.2: bad_certificate, unsupported_certificate, certificate_expired, unknown_ca, ...).
// There is deliberately no "accept everything" verifier.
import { defaultTrustStore, parseCertificate, TrustStore, verifyChain, X509Error, type AnchorsInput, type Certificate } from '@sanstls/x509';
import { TlsError } from '../errors.js';
import type { PeerPublicKey } from './signature.js';

export interface CertificateVerifyInput {
  /** DER certificates exactly as the server sent them, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The DNS name (or IP literal) the client connected to; undefined when the caller gave none. */
  readonly serverName: string | undefined;
  /** A stapled OCSP response for the leaf (RFC 6066 §8), checked for its signature, freshness and status. */
  readonly ocspResponse?: Uint8Array;
  /**
   * A stapled response may still come (the server acknowledged status_request): missing revocation
   * information is not judged yet.
   */
  readonly revocationPending?: boolean;
}

export interface CertificateVerifier {
  /** Throws TlsError (with the alert to send) when the chain is not acceptable. */
  verify(input: CertificateVerifyInput): { readonly publicKey: PeerPublicKey };
  /** DER subject Names of the anchors (a server lists them in CertificateRequest). */
  anchorSubjects?(): Uint8Array[];
}

export interface X509VerifierOptions {
  /**
   * Trust anchors: PEM text, DER certificates, or a @sanstls/x509 TrustStore. Default: the Mozilla roots
   * (Node's tls.rootCertificates on Node, @sanstls/roots elsewhere), as a browser or curl would trust.
   */
  readonly ca?: AnchorsInput;
  /** Validation time (default: now). */
  readonly time?: Date;
  /** CRLs (PEM or DER) to check every certificate of the chain against. */
  readonly crls?: readonly (Uint8Array | string)[];
  /**
   * 'hard': a certificate without revocation information (no CRL from its issuer, no stapled OCSP
   * response for the leaf) fails with REVOCATION_STATUS_UNKNOWN; 'soft' (default): it passes, as in browsers.
   * A revoked certificate fails either way.
   */
  readonly revocation?: 'soft' | 'hard';
}

/** The default verifier: RFC 5280 path validation and RFC 6125 name checks by @sanstls/x509. */
export function x509Verifier(opts: X509VerifierOptions): CertificateVerifier {
  const anchors = anchorsOf(opts);
  return {
    verify({ chain, serverName, ocspResponse, revocationPending }) {
      if (serverName === undefined) {
        // Without a name there is nothing to bind the certificate to: refuse rather than skip the check.
        throw new TlsError('HOSTNAME_REQUIRED', 'certificate_unknown', 'no server name given to check the certificate against');
      }
      return x509Errors(() => {
        const { leaf } = verifyChain({
          chain,
          anchors,
          host: serverName,
          purpose: 'server',
          ...(opts.time ? { time: opts.time } : {}),
          ...(opts.crls ? { crls: opts.crls } : {}),
          ...(ocspResponse ? { ocspResponse } : {}),
          revocation: revocationPending ? 'soft' : (opts.revocation ?? 'soft'),
        });
        return { publicKey: peerPublicKeyOf(leaf) };
      });
    },
    anchorSubjects: () => anchors.anchors.map((a) => a.subject.der),
  };
}

/**
 * The verifier a server uses for client certificates (RFC 5280 path validation with the clientAuth
 * extended key usage, no name to check). Anchors default to the Mozilla roots, like the server side.
 */
export function x509ClientVerifier(opts: X509VerifierOptions): CertificateVerifier {
  const anchors = anchorsOf(opts);
  return {
    verify({ chain }) {
      return x509Errors(() => {
        const { leaf } = verifyChain({ chain, anchors, purpose: 'client', ...(opts.time ? { time: opts.time } : {}) });
        return { publicKey: peerPublicKeyOf(leaf) };
      });
    },
    anchorSubjects: () => anchors.anchors.map((a) => a.subject.der),
  };
}

/** The trust anchors of the options: given, or the Mozilla roots. */
function anchorsOf(opts: X509VerifierOptions): TrustStore {
  return opts.ca === undefined ? defaultTrustStore() : opts.ca instanceof TrustStore ? opts.ca : new TrustStore(opts.ca);
}

/** The public key of a leaf certificate that was not (or could not be) verified. */
export function leafPublicKey(der: Uint8Array): PeerPublicKey {
  return x509Errors(() => peerPublicKeyOf(parseCertificate(der)));
}

function x509Errors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof X509Error) throw new TlsError(e.code, e.alert, e.message, { cause: e });
    throw e;
  }
}

/** The handshake's view of a certificate's key (throws unsupported_certificate for other key types). */
export function peerPublicKeyOf(leaf: Certificate): PeerPublicKey {
  const k = leaf.spki.key;
  switch (k.kind) {
    case 'rsa':
      return { type: 'rsa', spki: leaf.spki.der, bits: k.bits };
    case 'ec':
      return { type: 'ec', curve: k.curve, point: k.point };
    case 'ed25519':
      return { type: 'ed25519', key: k.key };
    default:
      throw new TlsError('UNSUPPORTED_PUBLIC_KEY', 'unsupported_certificate', `unsupported certificate key: ${k.algorithm}`);
  }
}
