// RSA for the TLS handshake (RFC 8017): keys from DER, PKCS#1 v1.5 and PSS signatures, PKCS#1 v1.5
// encryption with the TLS server's decryption countermeasure, and modPow for finite-field DH.
export { RsaPublicKey, RsaPrivateKey } from './keys.js';
export {
  signPkcs1v15, verifyPkcs1v15, encryptPkcs1v15, decryptPkcs1v15, decryptPkcs1v15Tls, type SignedData, type RawPrivateOp,
} from './pkcs1.js';
export { signPss, verifyPss } from './pss.js';
export { modPow } from './modulus.js';
export type { RsaHashAlgorithm } from './digest.js';
