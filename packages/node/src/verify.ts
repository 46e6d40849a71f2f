// The client's certificate check with node:tls semantics on top of @sanstls/x509: path validation against
// `ca` (default: the bundled Mozilla roots), the host name check (or the caller's checkServerIdentity), and
// rejectUnauthorized. With rejectUnauthorized: false a failed check does not end the handshake: the socket
// reports authorized = false and authorizationError = the code, as node:tls does.
import { peerPublicKeyOf, TlsError, type CertificateVerifier } from '@sanstls/core';
import {
  X509Error,
  defaultTrustStore,
  parseCertificate,
  verifyChain,
  TrustStore,
  type AnchorsInput,
  type Certificate,
} from '@sanstls/x509';
import { nodeCertificate, type NodePeerCertificate } from './peer-certificate.js';

/** The outcome of the certificate check, kept for authorized / authorizationError / getPeerCertificate. */
export interface VerifyOutcome {
  /** The validated path (leaf first, anchor last) when validation succeeded. */
  path: readonly Certificate[] | undefined;
  error: Error & { code?: string } | undefined;
}

export interface NodeVerifierOptions {
  readonly ca: AnchorsInput | undefined;
  /** Default true. */
  readonly rejectUnauthorized: boolean;
  /** node:tls's hook: return an Error to refuse the name (replaces the built-in RFC 6125 check). */
  readonly checkServerIdentity: ((host: string, cert: NodePeerCertificate) => Error | undefined) | undefined;
  /** Validation time (tests). */
  readonly time?: Date;
}


function asTls(e: unknown): TlsError {
  if (e instanceof TlsError) return e;
  if (e instanceof X509Error) return new TlsError(e.code, e.alert, e.message, { cause: e });
  const err = e as Error & { code?: unknown };
  const code = typeof err?.code === 'string' ? err.code : 'ERR_TLS_CERT_ALTNAME_INVALID';
  return new TlsError(code, 'bad_certificate', String(err?.message ?? e), { cause: e });
}

/** A verifier recording its outcome into `outcome` (one object per connection). */
export function nodeVerifier(opts: NodeVerifierOptions, outcome: VerifyOutcome): CertificateVerifier {
  let anchors: TrustStore | undefined;
  const store = () => (anchors ??= opts.ca === undefined ? defaultTrustStore() : opts.ca instanceof TrustStore ? opts.ca : new TrustStore(opts.ca));
  return {
    verify({ chain, serverName }) {
      const first = chain[0];
      if (first === undefined) throw new TlsError('BAD_CERTIFICATE', 'bad_certificate', 'the server sent no certificate');
      // The leaf as the validated path has it; parsed on its own only when validation failed (its key is
      // still needed with rejectUnauthorized: false).
      let leaf: Certificate | undefined;
      try {
        if (serverName === undefined && !opts.checkServerIdentity) {
          throw new TlsError('HOSTNAME_REQUIRED', 'certificate_unknown', 'no server name given to check the certificate against');
        }
        const custom = opts.checkServerIdentity;
        const r = verifyChain({
          chain,
          anchors: store(),
          ...(custom || serverName === undefined ? {} : { host: serverName }),
          purpose: 'server',
          ...(opts.time ? { time: opts.time } : {}),
        });
        outcome.path = r.path;
        leaf = r.leaf;
        if (custom) {
          const bad = custom(serverName ?? '', nodeCertificate(r.leaf));
          if (bad) throw asTls(bad);
        }
        outcome.error = undefined;
      } catch (e) {
        const err = asTls(e);
        outcome.error = err;
        if (opts.rejectUnauthorized) throw err;
      }
      try {
        leaf ??= parseCertificate(first);
      } catch (e) {
        throw asTls(e);
      }
      return { publicKey: peerPublicKeyOf(leaf) };
    },
  };
}
