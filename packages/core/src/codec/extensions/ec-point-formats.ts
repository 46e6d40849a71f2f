// ec_point_formats (RFC 8422 §5.1.2).
//   struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
// RFC 8422 §5.1.2/§5.2: when sent, the list MUST contain uncompressed; a peer whose list lacks it
// gets illegal_parameter.

import { illegalParameter } from '../../errors.js';
import { ECPointFormat } from '../constants.js';
import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export function encodeEcPointFormats(formats: readonly number[] = [ECPointFormat.uncompressed]): Uint8Array {
  return encode((w) => w.u8List(formats, 1, 0xff, 'ec_point_format_list'));
}

export function decodeEcPointFormats(data: Uint8Array): number[] {
  const r = new Reader(data, 'ec_point_formats');
  const formats = r.u8List('ec_point_format_list', 1, 0xff);
  r.end();
  if (!formats.includes(ECPointFormat.uncompressed)) {
    throw illegalParameter('ec_point_formats: the uncompressed point format is missing (RFC 8422 §5.1.2)');
  }
  return formats;
}
