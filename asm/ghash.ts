// GHASH (NIST SP 800-38D): generic constant-time multiply plus the 16-way table method; see asm/README.md.
export {
  ghash_ctx_size, ghash_wide_size, ghash_set_wide, ghash_init, ghash_reset, ghash_update, ghash_pad, ghash_final, ghash_mul,
  ghash_blocks_generic, ghash_blocks_wide,
} from './ghash/ghash';
