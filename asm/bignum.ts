// Big-number arithmetic for RSA and finite-field Diffie-Hellman: Montgomery multiplication over 32-bit
// limbs and modular exponentiation. See asm/README.md, "RSA and modular exponentiation".
export { bn_ctx_size, bn_slot, bn_limbs, bn_limbs_for } from './bignum/layout';
export { bn_mont_mul, bn_mont_sqr, bn_mod_add, bn_mod_sub } from './bignum/montgomery';
export { bn_init, bn_bits, bn_load, bn_store, bn_reduce, bn_to_mont, bn_from_mont, bn_mul, bn_add } from './bignum/context';
export { bn_modexp, bn_modexp_vartime } from './bignum/modexp';
