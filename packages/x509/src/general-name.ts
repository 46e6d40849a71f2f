// GeneralName (RFC 5280 §4.2.1.6). The iPAddress form holds 4/16 octets in subjectAltName and
// address+mask (8/32 octets) in name constraints (§4.2.1.10), so the caller says which it expects.

import { type Block, Reader, Tag, contents, ctx, decodeDer, encoding, readIA5, readOid, readSequenceOf, tagOf } from './asn1/index.js';
import { malformed } from './errors.js';
import { type Name, parseName } from './name.js';

export type GeneralName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'dn'; readonly name: Name }
  | { readonly kind: 'other'; readonly typeId: string; readonly der: Uint8Array }
  | { readonly kind: 'x400' | 'edi' | 'rid'; readonly der: Uint8Array };

export type GeneralNameKind = GeneralName['kind'];

export function parseGeneralName(t: Block, ipLengths: readonly number[]): GeneralName {
  const tag = tagOf(t);
  switch (tag) {
    case ctx(0, true): {
      const r = Reader.of(t, tag);
      const typeId = readOid(r.next());
      r.expect(ctx(0, true));
      r.end();
      return { kind: 'other', typeId, der: encoding(t) };
    }
    case ctx(1, false):
      return { kind: 'email', value: readIA5(t) };
    case ctx(2, false):
      return { kind: 'dns', value: readIA5(t) };
    case ctx(3, true):
      return { kind: 'x400', der: encoding(t) };
    case ctx(4, true): {
      const r = Reader.of(t, tag);
      const name = parseName(r.expect(Tag.SEQUENCE));
      r.end();
      return { kind: 'dn', name };
    }
    case ctx(5, true):
      return { kind: 'edi', der: encoding(t) };
    case ctx(6, false):
      return { kind: 'uri', value: readIA5(t) };
    case ctx(7, false):
      if (!ipLengths.includes(contents(t).length)) throw malformed('GeneralName: bad iPAddress length');
      return { kind: 'ip', bytes: contents(t) };
    case ctx(8, false):
      return { kind: 'rid', der: encoding(t) };
    default:
      throw malformed(`GeneralName: unknown tag 0x${tag.toString(16)}`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
export function parseGeneralNames(bytes: Uint8Array): GeneralName[] {
  const items = readSequenceOf(decodeDer(bytes));
  if (items.length === 0) throw malformed('GeneralNames: empty');
  return items.map((t) => parseGeneralName(t, [4, 16]));
}

export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // RFC 5952 §4.2: compress the longest run (length ≥ 2) of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
