// The one WASM module of sanstls. Every export takes raw pointers into linear memory and lengths;
// nothing here allocates. Contexts live in blocks the TypeScript side allocates (packages/crypto/src/wasm.ts).
export { heap_base } from './runtime';
export { ct_equal } from './ct';
export * from './ghash';
export * from './chacha20poly1305';
export * from './gcm';
export * from './bignum';
export * from './aes';
export * from './sha1'; export * from './sha256'; export * from './sha512'; export * from './hmac'; export * from './prf'; export * from './hkdf';
export { tls_cbc_mte_open } from './cbc_mac';
