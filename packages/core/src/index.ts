// @sanstls/core: the sans-IO TLS 1.2 protocol.
export * from './alerts.js';
export * from './errors.js';
export * from './codec/index.js';
export {
  ClientConnection,
  keyLogLine,
  ServerConnection,
  type ConnectionEvent,
  type ConnectionOptions,
  type ConnectionState,
} from './connection.js';
export type { HandshakeInfo, HandshakeEvent, HandshakeIo, KeyExchangeGroup } from './handshake/machine-support.js';
export {
  DEFAULT_CIPHER_SUITES,
  DHE_CIPHER_SUITES,
  RSA_KEY_EXCHANGE_SUITES,
  DEFAULT_DHE_GROUPS,
  DEFAULT_GROUPS,
  loadCredential,
  type ClientAuthOptions,
  type ClientOptions,
  type Credential,
  type ServerOptions,
  type ServerCredential,
} from './handshake/options.js';
export { DEFAULT_RENEGOTIATION_POLICY, type RenegotiationPolicy } from './handshake/renegotiation.js';
export * from './session/index.js';
export type { EcdheGroup } from './handshake/key-exchange/ecdhe.js';
export type { FfdheGroup } from './handshake/key-exchange/ffdhe-groups.js';
export { MIN_DH_BITS } from './handshake/key-exchange/dhe.js';
export { parsePrivateKey, parseCertificateChain, type SigningKey } from './handshake/private-key.js';
export { peerPublicKeyOf, x509ClientVerifier, x509Verifier, type CertificateVerifier, type CertificateVerifyInput, type X509VerifierOptions } from './handshake/verifier.js';
export { DEFAULT_SIGNATURE_SCHEMES, type PeerPublicKey } from './handshake/signature.js';
export { clientMachine } from './handshake/client-machine.js';
export { serverMachine } from './handshake/server-machine.js';
