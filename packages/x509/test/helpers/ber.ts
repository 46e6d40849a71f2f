// Makes BER (non-DER) variants of valid DER for the strictness tests: the element at a path of
// child indexes is replaced by bytes of the test's choosing, and the definite lengths of its
// ancestors are rewritten (in DER form) to fit.

import { type Block, childrenOf, contents, decodeDer, encoding, isConstructed, tagOf } from '../../src/asn1/index.js';

/** DER definite length octets (X.690 §10.1). */
export function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let l = n; l > 0; l = Math.floor(l / 256)) out.unshift(l & 0xff);
  return [0x80 | out.length, ...out];
}

export const tlv = (tag: number, body: Uint8Array): Uint8Array => Uint8Array.from([tag, ...derLength(body.length), ...body]);
export const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Element `b` with the given length octets instead of the DER ones. */
export function withLengthOctets(b: Block, length: number[]): Uint8Array {
  return Uint8Array.from([tagOf(b), ...length, ...contents(b)]);
}

/** Constructed element `b` in the indefinite length form, closed by end-of-contents (X.690 §8.1.3.6). */
export function indefinite(b: Block): Uint8Array {
  return Uint8Array.from([tagOf(b), 0x80, ...contents(b), 0x00, 0x00]);
}

/** The element at `path` below `b`, each number choosing a child of a constructed element. */
export function at(b: Block, path: readonly number[]): Block {
  return path.reduce((cur, i) => {
    const c = childrenOf(cur)[i];
    if (c === undefined) throw new Error(`no child ${i}`);
    return c;
  }, b);
}

function rebuild(b: Block, path: readonly number[], replace: (target: Block) => Uint8Array): Uint8Array {
  if (path.length === 0) return replace(b);
  if (!isConstructed(b)) throw new Error('path goes through a primitive element');
  const parts = childrenOf(b).map((c, i) => (i === path[0] ? rebuild(c, path.slice(1), replace) : encoding(c)));
  return tlv(tagOf(b), concat(...parts));
}

/** `der` with the element at `path` replaced by `replace(element)`. */
export function rewrite(der: Uint8Array, path: readonly number[], replace: (target: Block) => Uint8Array): Uint8Array {
  return rebuild(decodeDer(der), path, replace);
}
