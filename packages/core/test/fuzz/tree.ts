// Handshake messages as trees of length-prefixed vectors, so that the fuzzer can mutate a field (a cipher
// suite, an extension, a certificate, a signature) and re-encode every enclosing length, reaching the checks
// behind the framing instead of stopping at the first length that no longer adds up. The grammar follows the
// codec (RFC 5246 §7.4, RFC 8422, RFC 6066, RFC 7301); where the bytes do not fit it, the field stays opaque.
import type { Rng } from './harness.js';

export type Tag = 'exts' | 'u16list' | 'u8list' | 'certs' | 'names';

export type Node =
  | { k: 'leaf'; b: Uint8Array }
  /** p: length prefix in bytes (0: a plain sequence). lie: a length written instead of the true one. */
  | { k: 'vec'; p: 0 | 1 | 2 | 3; c: Node[]; tag?: Tag; lie?: number };

const leaf = (b: Uint8Array): Node => ({ k: 'leaf', b: b.slice() });

class Cursor {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.pos;
  }
  take(n: number): Uint8Array {
    if (n > this.left) throw new RangeError('short');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  len(p: 1 | 2 | 3): number {
    const x = this.take(p);
    let v = 0;
    for (const byte of x) v = v * 256 + byte;
    return v;
  }
}

type Parse = (b: Uint8Array) => Node[];

/** A vector whose contents parse with `inner` (opaque when they do not). */
function vec(c: Cursor, p: 1 | 2 | 3, inner: Parse, tag?: Tag): Node {
  const body = c.take(c.len(p));
  let children: Node[];
  try {
    children = inner(body);
  } catch {
    children = [leaf(body)];
  }
  return tag ? { k: 'vec', p, c: children, tag } : { k: 'vec', p, c: children };
}

const opaque: Parse = (b) => [leaf(b)];

const units = (n: number): Parse => (b) => {
  if (b.length % n !== 0) throw new RangeError('not whole units');
  const out: Node[] = [];
  for (let i = 0; i < b.length; i += n) out.push(leaf(b.subarray(i, i + n)));
  return out;
};

/** Zero or more `item`s filling the bytes exactly. */
const repeat = (item: (c: Cursor) => Node): Parse => (b) => {
  const c = new Cursor(b);
  const out: Node[] = [];
  while (c.left > 0) out.push(item(c));
  return out;
};

function extensionBody(type: number): Parse {
  switch (type) {
    case 0: // server_name: ServerNameList (client), empty (server)
      return (b) => (b.length === 0 ? [] : [seqOf(b, (c) => [vec(c, 2, repeat((d) => seq([leaf(d.take(1)), vec(d, 2, opaque)])), 'names')])]);
    case 10: // supported_groups
    case 13: // signature_algorithms
      return (b) => [seqOf(b, (c) => [vec(c, 2, units(2), 'u16list')])];
    case 11: // ec_point_formats
      return (b) => [seqOf(b, (c) => [vec(c, 1, units(1), 'u8list')])];
    case 16: // ALPN
      return (b) => [seqOf(b, (c) => [vec(c, 2, repeat((d) => vec(d, 1, opaque)), 'names')])];
    case 0xff01: // renegotiation_info
      return (b) => [seqOf(b, (c) => [vec(c, 1, opaque)])];
    case 5: // status_request (client form)
      return (b) => (b.length === 0 ? [] : [seqOf(b, (c) => [leaf(c.take(1)), vec(c, 2, repeat((d) => vec(d, 2, opaque)), 'names'), vec(c, 2, opaque)])]);
    default:
      return opaque;
  }
}

const seq = (c: Node[]): Node => ({ k: 'vec', p: 0, c });

/** A sequence parsed by `fields`, which must consume `b` exactly. */
function seqOf(b: Uint8Array, fields: (c: Cursor) => Node[]): Node {
  const c = new Cursor(b);
  const out = fields(c);
  if (c.left !== 0) throw new RangeError('trailing bytes');
  return seq(out);
}

const extensions = repeat((c) => {
  const type = c.b[c.pos]! * 256 + c.b[c.pos + 1]!;
  return seq([leaf(c.take(2)), vec(c, 2, extensionBody(type))]);
});

function body(type: number, b: Uint8Array): Node {
  switch (type) {
    case 1: // ClientHello
      return seqOf(b, (c) => [
        leaf(c.take(2)), leaf(c.take(32)), vec(c, 1, opaque), vec(c, 2, units(2), 'u16list'), vec(c, 1, units(1), 'u8list'),
        ...(c.left > 0 ? [vec(c, 2, extensions, 'exts')] : []),
      ]);
    case 2: // ServerHello
      return seqOf(b, (c) => [
        leaf(c.take(2)), leaf(c.take(32)), vec(c, 1, opaque), leaf(c.take(2)), leaf(c.take(1)),
        ...(c.left > 0 ? [vec(c, 2, extensions, 'exts')] : []),
      ]);
    case 4: // NewSessionTicket
      return seqOf(b, (c) => [leaf(c.take(4)), vec(c, 2, opaque)]);
    case 11: // Certificate
      return seqOf(b, (c) => [vec(c, 3, repeat((d) => vec(d, 3, opaque)), 'certs')]);
    case 12: // ServerKeyExchange: ECDHE (named_curve = 3) or DHE
      return b[0] === 3
        ? seqOf(b, (c) => [leaf(c.take(1)), leaf(c.take(2)), vec(c, 1, opaque), leaf(c.take(2)), vec(c, 2, opaque)])
        : seqOf(b, (c) => [vec(c, 2, opaque), vec(c, 2, opaque), vec(c, 2, opaque), leaf(c.take(2)), vec(c, 2, opaque)]);
    case 13: // CertificateRequest
      return seqOf(b, (c) => [vec(c, 1, units(1), 'u8list'), vec(c, 2, units(2), 'u16list'), vec(c, 2, repeat((d) => vec(d, 2, opaque)), 'names')]);
    case 15: // CertificateVerify
      return seqOf(b, (c) => [leaf(c.take(2)), vec(c, 2, opaque)]);
    case 16: // ClientKeyExchange: ECDHE (1-byte length) or DHE/RSA (2-byte length)
      try {
        return seqOf(b, (c) => [vec(c, 2, opaque)]);
      } catch {
        return seqOf(b, (c) => [vec(c, 1, opaque)]);
      }
    case 22: // CertificateStatus
      return seqOf(b, (c) => [leaf(c.take(1)), vec(c, 3, opaque)]);
    default:
      return seq([leaf(b)]);
  }
}

/** A whole handshake message (header included) as a tree: msg_type, then the body under a 3-byte length. */
export function parseMessage(raw: Uint8Array): Node {
  if (raw.length < 4) return seq([leaf(raw)]);
  const len = (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!;
  if (len !== raw.length - 4) return seq([leaf(raw)]);
  let b: Node;
  try {
    b = body(raw[0]!, raw.subarray(4));
  } catch {
    b = seq([leaf(raw.subarray(4))]);
  }
  return seq([leaf(raw.subarray(0, 1)), { k: 'vec', p: 3, c: [b] }]);
}

function size(n: Node): number {
  if (n.k === 'leaf') return n.b.length;
  let s = n.p;
  for (const x of n.c) s += size(x);
  return s;
}

function write(n: Node, out: Uint8Array, at: number): number {
  if (n.k === 'leaf') {
    out.set(n.b, at);
    return at + n.b.length;
  }
  const start = at;
  at += n.p;
  for (const x of n.c) at = write(x, out, at);
  if (n.p > 0) {
    let v = n.lie ?? at - start - n.p;
    for (let i = n.p - 1; i >= 0; i--, v = Math.floor(v / 256)) out[start + i] = v & 0xff;
  }
  return at;
}

export function serialize(n: Node): Uint8Array {
  const out = new Uint8Array(size(n));
  write(n, out, 0);
  return out;
}

function clone(n: Node): Node {
  return n.k === 'leaf' ? { k: 'leaf', b: n.b.slice() } : { ...n, c: n.c.map(clone) };
}

function nodes(n: Node, out: Node[] = []): Node[] {
  out.push(n);
  if (n.k === 'vec') for (const x of n.c) nodes(x, out);
  return out;
}

/** Values worth trying in a 2-byte field: versions, suites, groups, signature schemes, extension types. */
const INTERESTING_U16 = [
  0x0000, 0x0001, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xffff, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0403, 0x0503, 0x0603,
  0x0401, 0x0501, 0x0601, 0x0201, 0x0203, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0809, 0xc02b, 0xc02f, 0xc030, 0xcca8,
  0xcca9, 0xc013, 0xc009, 0x009e, 0x009c, 0x002f, 0x003c, 0x0033, 0x5600, 0x0a0a, 23, 24, 25, 29, 30, 256, 257, 258, 0x0005,
  0x000a, 0x000b, 0x000d, 0x0010, 0x0016, 0x0017, 0x0023, 0xff01, 0x002b, 0x0033,
];
const INTERESTING_U8 = [0, 1, 2, 3, 0x7f, 0x80, 0xfe, 0xff, 64, 65];

/** Extension entries worth inserting (type, data); `pool` adds ones seen in the recorded hellos. */
const SYNTHETIC_EXTENSIONS: [number, number[]][] = [
  [0x0a0a, []], // GREASE
  [0x1234, [1, 2, 3]], // unknown
  [0x0017, []], // extended_master_secret
  [0x0016, []], // encrypt_then_mac
  [0xff01, [0]], // renegotiation_info, initial
  [0xff01, [12, ...new Array<number>(12).fill(7)]], // renegotiation_info claiming a renegotiation
  [0x0023, []], // session_ticket
  [0x0005, []], // status_request (server form)
  [0x0005, [1, 0, 0, 0, 0]], // status_request (client form)
  [0x0000, []], // server_name (server form)
  [0x0010, [0, 3, 2, 0x68, 0x32]], // ALPN h2
  [0x000b, [1, 1]], // ec_point_formats without uncompressed
  [0x000a, [0, 2, 0x01, 0x00]], // supported_groups: ffdhe2048 only
  [0x002b, [2, 3, 4]], // supported_versions: TLS 1.3
  [0x0015, [0, 0, 0, 0]], // padding
];

export function mutateLeaf(b: Uint8Array, rng: Rng): Uint8Array {
  const out = b.slice();
  switch (rng.int(8)) {
    case 0: // flip a bit
      if (out.length) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    case 1: // an interesting byte
      if (out.length) out[rng.int(out.length)] = rng.pick(INTERESTING_U8);
      return out;
    case 2: { // an interesting u16 (the whole field when it is one)
      if (out.length < 2) return out;
      const at = out.length === 2 ? 0 : rng.int(out.length - 1);
      const v = rng.pick(INTERESTING_U16);
      out[at] = v >> 8;
      out[at + 1] = v & 0xff;
      return out;
    }
    case 3: // shorter
      return out.subarray(0, rng.int(out.length));
    case 4: { // longer
      const extra = rng.bytes(1 + rng.int(rng.chance(0.1) ? 300 : 8));
      const r = new Uint8Array(out.length + extra.length);
      r.set(out);
      r.set(extra, out.length);
      return r;
    }
    case 5: // empty
      return new Uint8Array(0);
    case 6: // same length, random
      return rng.bytes(out.length);
    default: { // all zero or all ones
      out.fill(rng.chance(0.5) ? 0 : 0xff);
      return out;
    }
  }
}

/**
 * One structural mutation of a message tree, in place. `pool` holds extension entries from the recorded hellos,
 * for insertion into an extensions list. Returns a short description.
 */
export function mutateTree(root: Node, rng: Rng, pool: readonly Node[]): string {
  const all = nodes(root);
  const n = rng.pick(all);
  if (n.k === 'leaf') {
    n.b = mutateLeaf(n.b, rng);
    return 'field';
  }
  const op = rng.int(n.p > 0 ? 8 : 6);
  const i = rng.int(n.c.length);
  switch (op) {
    case 0: // drop an element
      if (n.c.length) n.c.splice(i, 1);
      return 'drop-field';
    case 1: // duplicate an element
      if (n.c.length) n.c.splice(rng.int(n.c.length + 1), 0, clone(n.c[i]!));
      return 'dup-field';
    case 2: { // swap two elements
      const j = rng.int(n.c.length);
      if (n.c.length > 1) [n.c[i], n.c[j]] = [n.c[j]!, n.c[i]!];
      return 'swap-fields';
    }
    case 3: // insert an element of the right kind
      if (n.tag === 'exts') n.c.splice(rng.int(n.c.length + 1), 0, rng.chance(0.5) && pool.length ? clone(rng.pick(pool)) : syntheticExtension(rng));
      else if (n.tag === 'u16list') n.c.splice(rng.int(n.c.length + 1), 0, leaf(Uint8Array.of(...u16(rng.pick(INTERESTING_U16)))));
      else if (n.tag === 'u8list') n.c.splice(rng.int(n.c.length + 1), 0, leaf(Uint8Array.of(rng.pick(INTERESTING_U8))));
      else if (n.c.length) n.c.splice(rng.int(n.c.length + 1), 0, clone(rng.pick([...all.filter((x) => x.k === 'leaf'), ...n.c])));
      return 'insert-field';
    case 4: // empty the list
      n.c = [];
      return 'empty-vector';
    case 5: // shuffle
      for (let k = n.c.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [n.c[k], n.c[j]] = [n.c[j]!, n.c[k]!];
      }
      return 'shuffle';
    default: { // a length that does not match the contents
      const real = size(n) - n.p;
      const max = 256 ** n.p - 1;
      n.lie = rng.pick([real + 1, real - 1, 0, max, real + 2, rng.int(max + 1)].filter((v) => v >= 0 && v <= max && v !== real));
      return 'length-lie';
    }
  }
}

const u16 = (v: number): [number, number] => [v >> 8, v & 0xff];

function syntheticExtension(rng: Rng): Node {
  const [type, data] = rng.pick(SYNTHETIC_EXTENSIONS);
  return seq([leaf(Uint8Array.of(...u16(type))), { k: 'vec', p: 2, c: [leaf(Uint8Array.from(data))] }]);
}

/** The extension entries of a hello message (for the insertion pool). */
export function extensionEntries(raw: Uint8Array): Node[] {
  const out: Node[] = [];
  for (const n of nodes(parseMessage(raw))) if (n.k === 'vec' && n.tag === 'exts') out.push(...n.c.map(clone));
  return out;
}
