export { initCrypto, heapStats } from './wasm.js';
export { constantTimeEqual } from './ct.js';
export type { Aead, Hash, HashAlgorithm, Mac } from './types.js';
