// Finished (RFC 5246 §7.4.9): opaque verify_data[verify_data_length], 12 bytes for every TLS 1.2
// suite we implement. A body of any other length is decode_error; comparing the value (in constant
// time, decrypt_error on mismatch) is the handshake's job.

import { decodeError } from '../../errors.js';
import { VERIFY_DATA_LENGTH } from '../constants.js';
import { encodeError } from '../writer.js';

export interface Finished {
  readonly verifyData: Uint8Array;
}

export function encodeFinished(f: Finished, length = VERIFY_DATA_LENGTH): Uint8Array {
  if (f.verifyData.length !== length) throw encodeError(`finished: verify_data must be ${length} bytes`);
  return f.verifyData;
}

export function decodeFinished(body: Uint8Array, length = VERIFY_DATA_LENGTH): Finished {
  if (body.length !== length) throw decodeError(`finished: verify_data is ${body.length} bytes, expected ${length}`);
  return { verifyData: body };
}
