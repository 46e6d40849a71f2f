// NSS key-log lines (CLIENT_RANDOM <client_random> <master_secret>, the format Wireshark and SSLKEYLOGFILE
// use) without help from the core: the provider handed to the core is wrapped, and the one PRF call whose
// secret is the master secret ("key expansion", RFC 5246 §6.3, seed = server_random || client_random) is
// observed. This works with and without the extended master secret, whose derivation hides the randoms.
import type { CryptoProvider } from '@sanstls/crypto';

const RANDOM_LENGTH = 32;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** `CLIENT_RANDOM <hex> <hex>\n`, as node:tls's 'keylog' event gives it. */
export function keylogLine(clientRandom: Uint8Array, masterSecret: Uint8Array): string {
  return `CLIENT_RANDOM ${hex(clientRandom)} ${hex(masterSecret)}\n`;
}

/** A provider that behaves as `base` and reports each new master secret with the client random. */
export function observeMasterSecret(base: CryptoProvider, onLine: (line: string) => void): CryptoProvider {
  return {
    name: base.name,
    aead: (a, k) => base.aead(a, k),
    cbc: (k) => base.cbc(k),
    hash: (a) => base.hash(a),
    hmac: (a, k) => base.hmac(a, k),
    randomBytes: (n) => base.randomBytes(n),
    // Public-key operations pass through untouched (present only when the base provider has them).
    ...(base.ecdh ? { ecdh: base.ecdh.bind(base) } : {}),
    ...(base.dh ? { dh: base.dh.bind(base) } : {}),
    ...(base.signatures ? { signatures: base.signatures } : {}),
    prf(algorithm, secret, label, seed, length) {
      if (label === 'key expansion' && seed.length === 2 * RANDOM_LENGTH) {
        // Format now: the core wipes the master secret once the handshake is done.
        onLine(keylogLine(seed.subarray(RANDOM_LENGTH), secret));
      }
      return base.prf(algorithm, secret, label, seed, length);
    },
  };
}
