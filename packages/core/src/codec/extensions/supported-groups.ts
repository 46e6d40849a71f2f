// supported_groups, formerly elliptic_curves (RFC 8422 §5.1.1, RFC 7919 §2).
//   struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
// Unknown codepoints (GREASE, future groups) are kept: the handshake picks from what it knows.

import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export function encodeSupportedGroups(groups: readonly number[]): Uint8Array {
  return encode((w) => w.u16List(2, groups, 2, 0xfffe, 'named_group_list'));
}

export function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new Reader(data, 'supported_groups');
  const groups = r.u16List(2, 'named_group_list', 2, 0xfffe);
  r.end();
  return groups;
}
