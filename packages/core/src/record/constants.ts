// Record-layer constants. The wire values come from codec/constants.ts (RFC 5246 §6.2); the names the
// record layer uses are re-exported from here so its files import one place.
export {
  ContentType,
  contentTypeName,
  MAX_PLAINTEXT_LENGTH,
  MAX_CIPHERTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
} from '../codec/constants.js';
import { MAX_CIPHERTEXT_LENGTH, MAX_PLAINTEXT_LENGTH, ProtocolVersion } from '../codec/constants.js';

/** RFC 5246 §6.2.3: TLSCiphertext may exceed the plaintext limit by at most 2048 bytes. */
export const MAX_CIPHERTEXT_EXPANSION = MAX_CIPHERTEXT_LENGTH - MAX_PLAINTEXT_LENGTH;

/** ProtocolVersion {3,3} as a uint16. */
export const TLS1_2 = ProtocolVersion.TLS1_2;
