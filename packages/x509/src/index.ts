// @sanstls/x509: X.509 path building and validation for TLS.

export { verifyChain, type VerifyChainOptions, type VerifiedChain } from './verify.js';
export { X509Error, CertAlert, alertFor, type X509ErrorCode, type CertAlertName } from './errors.js';
export { parseCertificate, type Certificate } from './certificate.js';
export { toPeerCertificate, type PeerCertificate, type PublicKeyInfo } from './peer.js';
export { TrustStore, type AnchorsInput } from './trust-store.js';
export { defaultTrustStore, defaultTrustStoreSource, type DefaultAnchorsSource } from './default-anchors.js';
export { pemToDer, decodePemBlocks, toDerList } from './pem.js';
export { checkServerIdentity, matchDnsName } from './hostname.js';
export { parseCrl, type Crl } from './crl.js';
export { parseOcspResponse, checkOcspResponse, type OcspCertStatus, type OcspCheckOptions } from './ocsp.js';
export { nameToString, nameToObject, type Name } from './name.js';
export type { Purpose } from './checks/ext-key-usage.js';
export type { KeyUsageBit } from './extensions.js';
export type { RevocationPolicy } from './revocation.js';
export type { SignatureAlgorithm } from './algorithms.js';
export type { PublicKey, SubjectPublicKeyInfo } from './public-key.js';
export type { GeneralName } from './general-name.js';
