export { MAX_CIPHERTEXT_EXPANSION, TLS1_2 } from './constants.js';
export { RecordReader, type RawRecord } from './framing.js';
export { SequenceNumber } from './sequence.js';
export { RecordWriter } from './writer.js';
export { RecordLayer, type RecordEvent, type RecordLayerOptions } from './layer.js';
export {
  badRecordMac,
  defaultRandom,
  type RandomSource,
  type RecordProtector,
} from './protection/types.js';
export { NullProtector, nullProtector } from './protection/null.js';
export {
  AeadProtector,
  aesGcmProtector,
  chacha20Poly1305Protector,
  type AeadNonceMode,
} from './protection/aead.js';
export { CbcProtector, cbcProtector, type CbcCipher, type CbcProtectorOptions } from './protection/cbc.js';
export { Lucky13Verifier } from './protection/lucky13.js';
