// Views over asn1js blocks: the identifier octet, the contents octets and the whole encoding
// (X.690 §8.1.1), and a sequential reader over the elements of a constructed value. The blocks come
// from decodeDer() (decode.ts), so each of them has already passed the DER checks of der-rules.ts.

import * as asn1js from 'asn1js';
import { malformed } from '../errors.js';

/** One decoded element, as asn1js represents it. */
export type Block = asn1js.BaseBlock;

/** Identifier octets of the universal types PKIX uses (X.680 §8.6, X.690 §8.1.2). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific identifier octet: [n] primitive (IMPLICIT) or constructed (EXPLICIT / IMPLICIT SEQUENCE). */
export const ctx = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** asn1js tagClass (1 universal .. 4 private) to the class bits of the identifier octet (X.690 §8.1.2.2). */
const CLASS_BITS = [0, 0x00, 0x40, 0x80, 0xc0] as const;

/** The identifier octet. der-rules.ts refuses the high tag number form, so one octet says it all. */
export function tagOf(b: Block): number {
  const id = b.idBlock;
  return (CLASS_BITS[id.tagClass] ?? 0) | (id.isConstructed ? 0x20 : 0) | id.tagNumber;
}

export const isConstructed = (b: Block): boolean => b.idBlock.isConstructed;

/** The whole element as it was encoded: identifier, length and contents octets. */
export function encoding(b: Block): Uint8Array {
  return b.valueBeforeDecodeView;
}

/** The contents octets (X.690 §8.1.4). */
export function contents(b: Block): Uint8Array {
  return b.valueBeforeDecodeView.subarray(b.idBlock.blockLength + b.lenBlock.blockLength);
}

/** The elements of a constructed value, in encoding order. */
export function childrenOf(b: Block): Block[] {
  if (!(b instanceof asn1js.Constructed)) throw malformed('DER: expected constructed element');
  return b.valueBlock.value as Block[];
}

const hexTag = (t: number) => `0x${t.toString(16)}`;

/** Sequential reader over the elements of a SEQUENCE, SET or EXPLICIT tag. */
export class Reader {
  private pos = 0;
  private constructor(private readonly items: readonly Block[]) {}

  static of(b: Block, tag: number = Tag.SEQUENCE): Reader {
    const t = tagOf(b);
    if (t !== tag) throw malformed(`DER: expected tag ${hexTag(tag)}, got ${hexTag(t)}`);
    return new Reader(childrenOf(b));
  }

  get done(): boolean {
    return this.pos >= this.items.length;
  }

  peekTag(): number | undefined {
    const b = this.items[this.pos];
    return b === undefined ? undefined : tagOf(b);
  }

  next(): Block {
    const b = this.items[this.pos];
    if (b === undefined) throw malformed('DER: missing element');
    this.pos++;
    return b;
  }

  expect(tag: number): Block {
    const b = this.next();
    const t = tagOf(b);
    if (t !== tag) throw malformed(`DER: expected tag ${hexTag(tag)}, got ${hexTag(t)}`);
    return b;
  }

  optional(tag: number): Block | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** Enters a constructed element of the given tag. */
  enter(tag: number = Tag.SEQUENCE): Reader {
    return Reader.of(this.expect(tag), tag);
  }

  end(): void {
    if (!this.done) throw malformed('DER: unexpected trailing element');
  }
}

/** The elements of a SEQUENCE OF / SET OF. */
export function readSequenceOf(b: Block, tag: number = Tag.SEQUENCE): Block[] {
  const r = Reader.of(b, tag);
  const out: Block[] = [];
  while (!r.done) out.push(r.next());
  return out;
}
