// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7). Shape by key exchange:
//   ECDHE_*: ClientECDiffieHellmanPublic { ECPoint ecdh_Yc<1..2^8-1> }  (explicit form only)
//   DHE_RSA: ClientDiffieHellmanPublic { opaque dh_Yc<1..2^16-1> }       (explicit form only)
//   RSA:     EncryptedPreMasterSecret, with a 2-byte length in TLS 1.0+ (RFC 5246 §7.4.7.1).
// The RSA ciphertext length is not judged here: the handshake compares it with the modulus size,
// which is public, and handles everything secret-dependent without distinguishable errors.

import type { KeyExchange } from '../constants.js';
import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export type ClientKeyExchange =
  | { readonly kind: 'ecdhe'; readonly publicKey: Uint8Array }
  | { readonly kind: 'dhe'; readonly publicKey: Uint8Array }
  | { readonly kind: 'rsa'; readonly encryptedPreMasterSecret: Uint8Array };

export function encodeClientKeyExchange(cke: ClientKeyExchange): Uint8Array {
  return encode((w) => {
    if (cke.kind === 'ecdhe') w.opaque(1, cke.publicKey, 1, 0xff, 'ecdh_Yc');
    else if (cke.kind === 'dhe') w.opaque(2, cke.publicKey, 1, 0xffff, 'dh_Yc');
    else w.opaque(2, cke.encryptedPreMasterSecret, 0, 0xffff, 'EncryptedPreMasterSecret');
  });
}

export function decodeClientKeyExchange(body: Uint8Array, kx: KeyExchange): ClientKeyExchange {
  const r = new Reader(body, 'client_key_exchange');
  let out: ClientKeyExchange;
  switch (kx) {
    case 'ECDHE_ECDSA':
    case 'ECDHE_RSA':
      out = { kind: 'ecdhe', publicKey: r.vec8('ecdh_Yc', 1) };
      break;
    case 'DHE_RSA':
      out = { kind: 'dhe', publicKey: r.vec16('dh_Yc', 1) };
      break;
    case 'RSA':
      out = { kind: 'rsa', encryptedPreMasterSecret: r.vec16('EncryptedPreMasterSecret') };
      break;
  }
  r.end();
  return out;
}
