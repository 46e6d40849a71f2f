// Distinguished names (RFC 5280 §4.1.2.4) and their comparison (RFC 5280 §7.1: case-insensitive,
// whitespace-normalised for directory strings; exact for anything else).

import { type Block, Reader, Tag, encoding, readOid, readString, tagOf } from './asn1/index.js';
import { toHex } from './bytes.js';
import { malformed } from './errors.js';
import { ATTRIBUTE_NAMES } from './oids.js';

export interface Attribute {
  readonly type: string; // dotted OID
  readonly tag: number; // ASN.1 tag of the value
  /** Decoded text for string types, undefined for anything else. */
  readonly text: string | undefined;
  readonly valueDer: Uint8Array;
}

export type Rdn = readonly Attribute[];

export interface Name {
  readonly der: Uint8Array;
  readonly rdns: readonly Rdn[];
  /** Comparison key: equal keys mean equal names under RFC 5280 §7.1 (as far as we implement it). */
  readonly key: string;
  /** Per-RDN keys, for subtree (prefix) matching in name constraints. */
  readonly rdnKeys: readonly string[];
}

const STRING_TAGS = new Set<number>([
  Tag.UTF8String,
  Tag.PrintableString,
  Tag.TeletexString,
  Tag.IA5String,
  Tag.VisibleString,
  Tag.UniversalString,
  Tag.BMPString,
]);

/** RFC 4518-lite: fold case, trim, collapse inner whitespace. */
function prep(s: string): string {
  return s.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

function attrKey(a: Attribute): string {
  return a.text !== undefined ? `${a.type}=s:${prep(a.text)}` : `${a.type}=x:${toHex(a.valueDer)}`;
}

export function parseName(t: Block): Name {
  const r = Reader.of(t, Tag.SEQUENCE);
  const rdns: Attribute[][] = [];
  while (!r.done) {
    const set = r.enter(Tag.SET);
    const rdn: Attribute[] = [];
    while (!set.done) {
      const atv = set.enter();
      const type = readOid(atv.next());
      const v = atv.next();
      atv.end();
      const tag = tagOf(v);
      const text = STRING_TAGS.has(tag) ? readString(v) : undefined;
      rdn.push({ type, tag, text, valueDer: encoding(v) });
    }
    if (rdn.length === 0) throw malformed('Name: empty RDN'); // SET SIZE (1..MAX)
    rdns.push(rdn);
  }
  const rdnKeys = rdns.map((rdn) => rdn.map(attrKey).sort().join('+'));
  return { der: encoding(t), rdns, key: rdnKeys.join(','), rdnKeys };
}

export function nameEquals(a: Name, b: Name): boolean {
  return a.key === b.key;
}

/** True when `name` lies in the subtree rooted at `base` (RFC 5280 §4.2.1.10 directoryName). */
export function nameWithin(name: Name, base: Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

export function attributeName(oid: string): string {
  return ATTRIBUTE_NAMES[oid] ?? oid;
}

function attrValueString(a: Attribute): string {
  return a.text ?? `#${toHex(a.valueDer)}`;
}

/** RFC 4514 string form (most specific RDN first). */
export function nameToString(n: Name): string {
  const esc = (s: string) =>
    s
      .replace(/([\\,+"<>;=])/g, '\\$1')
      .replace(/^([ #])/, '\\$1')
      .replace(/ $/, '\\ ');
  return [...n.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${attributeName(a.type)}=${esc(attrValueString(a))}`).join('+'))
    .join(',');
}

/** Node-style object: { CN: 'x', O: 'y' }; repeated attributes become arrays. */
export function nameToObject(n: Name): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const rdn of n.rdns) {
    for (const a of rdn) {
      const k = attributeName(a.type);
      const v = attrValueString(a);
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  return out;
}

/** Values of one attribute type, in order. */
export function attributeValues(n: Name, oid: string): string[] {
  return n.rdns.flatMap((rdn) => rdn.filter((a) => a.type === oid && a.text !== undefined).map((a) => a.text!));
}
