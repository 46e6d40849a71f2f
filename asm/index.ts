// The one WASM module of sanstls. Every export takes raw pointers into linear memory and lengths;
// nothing here allocates. Contexts live in blocks the TypeScript side allocates (packages/crypto/src/wasm.ts).
export { heap_base } from './runtime';
export { ct_equal } from './ct';
