// AES (FIPS-197), constant-time: bitsliced on v128, no lookup tables. See asm/README.md, "AES".
export { aes_ctx_size, aes_init } from './aes/key';
export { aes_encrypt_blocks, aes_decrypt_blocks } from './aes/ecb';
export { aes_ctr32, aes_ctr128 } from './aes/ctr';
export { aes_cbc_encrypt, aes_cbc_decrypt } from './aes/cbc';
