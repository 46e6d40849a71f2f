// Entry of the counting build that packages/crypto/test/cbc-mac.test.ts compiles on the fly with
// `--use SANSTLS_COUNT_COMPRESSIONS=1` (asm/hash_count.ts): the CBC record check, HMAC keying and the
// compression counter. Not part of the release module (asm/index.ts).
export { heap_base } from './runtime';
export { hmac_init, hmac_update, hmac_final } from './hmac';
export { tls_cbc_mte_open } from './cbc_mac';
export { compressions_count, compressions_reset } from './hash_count';
