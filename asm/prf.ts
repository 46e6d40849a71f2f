// The TLS 1.2 PRF (RFC 5246 §5): PRF(secret, label, seed) = P_hash(secret, label || seed), with
//   P_hash(secret, seed) = HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) || ...,
//   A(0) = seed, A(i) = HMAC(secret, A(i-1)).
// The whole loop runs here on the fixed work area: one call per PRF output, no allocation.
import { MAC_WORK, MAC_WORK_SIZE, hash_out_len } from './hashes';
import { hmac_init, hmac_update, hmac_final } from './hmac';

/** Writes outLen bytes of P_hash(secret, seed) to out; seed is label || seed, joined by the caller. */
export function tls12_prf(alg: u32, secret: usize, secretLen: usize, seed: usize, seedLen: usize, out: usize, outLen: usize): void {
  const ctx = MAC_WORK, a = MAC_WORK + 768, blk = a + 64;
  const n = hash_out_len(alg);
  hmac_init(alg, ctx, secret, secretLen);
  hmac_update(alg, ctx, seed, seedLen);
  hmac_final(alg, ctx, a); // A(1)
  for (;;) {
    hmac_update(alg, ctx, a, n);
    hmac_update(alg, ctx, seed, seedLen);
    if (outLen < n) {
      hmac_final(alg, ctx, blk);
      memory.copy(out, blk, outLen);
      break;
    }
    hmac_final(alg, ctx, out);
    out += n;
    outLen -= n;
    if (!outLen) break;
    hmac_update(alg, ctx, a, n);
    hmac_final(alg, ctx, a); // A(i+1)
  }
  memory.fill(MAC_WORK, 0, MAC_WORK_SIZE);
}
