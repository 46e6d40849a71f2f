// Server certificate verification, behind an interface so any X.509 implementation plugs in. The client
// hands the chain and the name it connected to; the verifier either returns the leaf's public key (the
// only thing the handshake needs from the certificate) or throws a TlsError carrying the certificate alert
// to send (RFC 5246 §7.2.2: bad_certificate, unsupported_certificate, certificate_expired, unknown_ca, ...).
// There is deliberately no "accept everything" verifier.
import { defaultTrustStore, TrustStore, verifyChain, X509Error, type AnchorsInput } from '@sanstls/x509';
import { TlsError } from '../errors.js';
import type { PeerPublicKey } from './signature.js';

export interface CertificateVerifyInput {
  /** DER certificates exactly as the server sent them, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The DNS name (or IP literal) the client connected to; undefined when the caller gave none. */
  readonly serverName: string | undefined;
}

export interface CertificateVerifier {
  /** Throws TlsError (with the alert to send) when the chain is not acceptable. */
  verify(input: CertificateVerifyInput): { readonly publicKey: PeerPublicKey };
}

export interface X509VerifierOptions {
  /**
   * Trust anchors: PEM text, DER certificates, or a @sanstls/x509 TrustStore. Default: the Mozilla roots
   * (Node's tls.rootCertificates on Node, @sanstls/roots elsewhere), as a browser or curl would trust.
   */
  readonly ca?: AnchorsInput;
  /** Validation time (default: now). */
  readonly time?: Date;
}

/** The default verifier: RFC 5280 path validation and RFC 6125 name checks by @sanstls/x509. */
export function x509Verifier(opts: X509VerifierOptions): CertificateVerifier {
  const anchors =
    opts.ca === undefined ? defaultTrustStore() : opts.ca instanceof TrustStore ? opts.ca : new TrustStore(opts.ca);
  return {
    verify({ chain, serverName }) {
      if (serverName === undefined) {
        // Without a name there is nothing to bind the certificate to: refuse rather than skip the check.
        throw new TlsError('HOSTNAME_REQUIRED', 'certificate_unknown', 'no server name given to check the certificate against');
      }
      try {
        const { leaf } = verifyChain({ chain, anchors, host: serverName, purpose: 'server', ...(opts.time ? { time: opts.time } : {}) });
        const k = leaf.spki.key;
        switch (k.kind) {
          case 'rsa':
            return { publicKey: { type: 'rsa', spki: leaf.spki.der, bits: k.bits } };
          case 'ec':
            return { publicKey: { type: 'ec', curve: k.curve, point: k.point } };
          case 'ed25519':
            return { publicKey: { type: 'ed25519', key: k.key } };
          default:
            throw new TlsError('UNSUPPORTED_PUBLIC_KEY', 'unsupported_certificate', `unsupported server key: ${k.algorithm}`);
        }
      } catch (e) {
        if (e instanceof X509Error) throw new TlsError(e.code, e.alert, e.message, { cause: e });
        throw e;
      }
    },
  };
}
