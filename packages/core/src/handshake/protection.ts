// Record protection for a negotiated suite from one direction's keys (RFC 5288 GCM, RFC 7905 ChaCha20).
import type { CryptoProvider } from '@sanstls/crypto';
import type { CipherSuite } from '../codec/constants.js';
import { TlsError } from '../errors.js';
import { aesGcmProtector, chacha20Poly1305Protector } from '../record/protection/aead.js';
import type { RecordProtector } from '../record/protection/types.js';
import type { DirectionKeys } from './key-schedule.js';

export function protectorFor(provider: CryptoProvider, suite: CipherSuite, keys: DirectionKeys): RecordProtector {
  switch (suite.cipher) {
    case 'AES_128_GCM':
      return aesGcmProtector(provider.aead('AES-128-GCM', keys.key), keys.iv);
    case 'AES_256_GCM':
      return aesGcmProtector(provider.aead('AES-256-GCM', keys.key), keys.iv);
    case 'CHACHA20_POLY1305':
      return chacha20Poly1305Protector(provider.aead('CHACHA20-POLY1305', keys.key), keys.iv);
    default:
      // CBC suites arrive with the key-exchange breadth issue (record/protection/cbc.ts is ready for them).
      throw new TlsError('INTERNAL_ERROR', 'internal_error', `${suite.iana}: bulk cipher not wired yet`);
  }
}
