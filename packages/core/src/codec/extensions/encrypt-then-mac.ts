// encrypt_then_mac (RFC 7366 §2): extension_data is empty in both hellos.

import { decodeEmpty, encodeEmpty } from './common.js';

export const encodeEncryptThenMac = encodeEmpty;

export function decodeEncryptThenMac(data: Uint8Array): true {
  decodeEmpty('encrypt_then_mac', data);
  return true;
}
