// extended_master_secret (RFC 7627 §5.1): "The extension_data field of this extension is empty",
// in both the ClientHello and the ServerHello.

import { decodeEmpty, encodeEmpty } from './common.js';

export const encodeExtendedMasterSecret = encodeEmpty;

export function decodeExtendedMasterSecret(data: Uint8Array): true {
  decodeEmpty('extended_master_secret', data);
  return true;
}
