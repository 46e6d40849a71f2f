export { initCrypto, heapStats } from './wasm.js';
export { constantTimeEqual } from './ct.js';
export type { Aead, Hash, HashAlgorithm, Mac } from './types.js';
export { ChaCha20Poly1305 } from './chacha20poly1305.js'; export { chacha20 } from './chacha20.js'; export { Poly1305, poly1305 } from './poly1305.js';
export * from './gcm.js';
export * from './aes.js';
export * from './rsa/index.js';
export * from './hash.js'; export * from './hmac.js'; export * from './prf.js'; export * from './hkdf.js';
export * from './provider.js';
