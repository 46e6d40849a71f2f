// RSA key exchange (RFC 5246 §7.4.7.1): the client encrypts a 48-byte premaster secret, whose first two
// bytes are the version it offered (ClientHello.client_version), to the key of the server's certificate
// with RSAES-PKCS1-v1_5 (RFC 8017 §7.2).
//
// No forward secrecy: whoever obtains the server's private key later can decrypt every recorded session
// that used it. This is why a sanstls server uses RSA key exchange only when configured to
// (`rsaKeyExchange: true` or the suites named in `cipherSuites`), and why a client offers these suites
// after every forward-secret one (to still reach servers that speak nothing else).
//
// The server side is the Bleichenbacher countermeasure of §7.4.7.1: decryptPkcs1v15Tls always returns 48
// bytes without branching on the plaintext; a bad padding, a wrong length or a wrong version all give a
// premaster the client does not know, so the handshake fails at the client's Finished exactly as any
// other wrong key would: there is no error here, and no alert of its own.
import { decryptPkcs1v15Tls, encryptPkcs1v15, RsaPublicKey, type CryptoProvider, type PrivateKeyDer, type RsaPrivateKey } from '@sanstls/crypto';
import { TlsError } from '../../errors.js';

export const PREMASTER_LENGTH = 48;

/** The key of an RSA certificate, checked for encryption (parsing failures are the certificate's fault). */
export function rsaEncryptionKey(spki: Uint8Array): RsaPublicKey {
  try {
    return RsaPublicKey.fromSpki(spki);
  } catch (e) {
    throw new TlsError('UNSUPPORTED_PUBLIC_KEY', 'unsupported_certificate', `server RSA key unusable: ${(e as Error).message}`, { cause: e });
  }
}

/** Client: a fresh premaster (client_version ‖ 46 random bytes) and its encryption. */
export function rsaClientPremaster(
  key: RsaPublicKey,
  clientVersion: number,
  random: (n: number) => Uint8Array,
): { premaster: Uint8Array; encrypted: Uint8Array } {
  const premaster = new Uint8Array(PREMASTER_LENGTH);
  premaster.set(random(PREMASTER_LENGTH - 2), 2);
  premaster[0] = clientVersion >>> 8;
  premaster[1] = clientVersion & 0xff;
  return { premaster, encrypted: encryptPkcs1v15(key, premaster) };
}

/**
 * Server: the premaster from EncryptedPreMasterSecret, never failing. `clientVersion` is the version of
 * the ClientHello (not the negotiated one), as §7.4.7.1 requires: a rollback then yields a wrong key.
 */
export function rsaServerPremaster(
  key: RsaPrivateKey,
  encrypted: Uint8Array,
  clientVersion: number,
  provider: CryptoProvider,
  der: PrivateKeyDer | undefined,
): Uint8Array {
  // A provider's raw RSA (e.g. OpenSSL's) does the modular exponentiation; the padding checks stay ours.
  const raw = provider.rsaDecryptRaw;
  const op = raw && der ? (c: Uint8Array) => raw.call(provider, der, c) : undefined;
  return decryptPkcs1v15Tls(key, encrypted, PREMASTER_LENGTH, clientVersion, op);
}
