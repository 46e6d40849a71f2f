// Record protection for a negotiated suite from one direction's keys: RFC 5288 GCM, RFC 7905
// ChaCha20-Poly1305, and AES-CBC with HMAC (RFC 5246 §6.2.3.2 MAC-then-encrypt with the Lucky 13
// countermeasure, or RFC 7366 encrypt-then-MAC when negotiated).
import type { CryptoProvider } from '@sanstls/crypto';
import type { CipherSuite } from '../codec/constants.js';
import { TlsError } from '../errors.js';
import { aesGcmProtector, chacha20Poly1305Protector } from '../record/protection/aead.js';
import { cbcProtector } from '../record/protection/cbc.js';
import type { RecordProtector } from '../record/protection/types.js';
import type { DirectionKeys } from './key-schedule.js';

const hmacHash = { SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384' } as const;

/**
 * `encryptThenMac` (as negotiated) matters for CBC suites only (RFC 7366 §3: never with AEAD). CBC IVs (RFC 5246
 * §6.2.3.2: unpredictable, one per record) come from the provider's randomBytes.
 */
export function protectorFor(provider: CryptoProvider, suite: CipherSuite, keys: DirectionKeys, encryptThenMac = false): RecordProtector {
  switch (suite.cipher) {
    case 'AES_128_GCM':
      return aesGcmProtector(provider.aead('AES-128-GCM', keys.key), keys.iv);
    case 'AES_256_GCM':
      return aesGcmProtector(provider.aead('AES-256-GCM', keys.key), keys.iv);
    case 'CHACHA20_POLY1305':
      return chacha20Poly1305Protector(provider.aead('CHACHA20-POLY1305', keys.key), keys.iv);
    case 'AES_128_CBC':
    case 'AES_256_CBC': {
      if (suite.mac === 'AEAD') throw new TlsError('INTERNAL_ERROR', 'internal_error', `${suite.iana}: CBC without a MAC`);
      return cbcProtector({
        cipher: provider.cbc(keys.key),
        mac: provider.hmac(hmacHash[suite.mac], keys.macKey),
        encryptThenMac,
        random: (out) => out.set(provider.randomBytes(out.length)),
      });
    }
  }
}
