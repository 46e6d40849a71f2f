// DER strictness on top of asn1js: hand-made BER variants of a real certificate. For each one the
// test shows that asn1js alone decodes it without complaint, that its toBER() does not turn it back
// into the DER (it mostly writes back the very same BER bytes, so "re-encode and compare with the
// input" would pass them), and that parseCertificate refuses it.
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Block, contents, decodeDer, readBigInt, readOid, tagOf } from '../src/asn1/index.js';
import { parseCertificate } from '../src/index.js';
import { at, concat, indefinite, rewrite, tlv, withLengthOctets } from './helpers/ber.js';
import { type Issued, Pki, standardChain } from './helpers/pki.js';

let pki: Pki;
let leaf: Issued;

beforeAll(() => {
  pki = new Pki();
  ({ leaf } = standardChain(pki));
});
afterAll(() => pki.cleanup());

const b = (...x: number[]) => Uint8Array.from(x);
/** Refused as malformed by the DER layer (asn1/der-rules.ts or asn1/decode.ts), not by a later check. */
const malformed = (f: () => unknown) =>
  expect(f).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED', message: expect.stringMatching(/^DER: /) }));
const hex = (v: Uint8Array | ArrayBuffer) => Buffer.from(v instanceof Uint8Array ? v : new Uint8Array(v)).toString('hex');

// Paths of child indexes (RFC 5280 §4.1): Certificate → tbsCertificate [0] → its fields.
const TBS = [0];
const VERSION = [0, 0];
const SERIAL = [0, 1];
const SUBJECT_CN_VALUE = [0, 5, 0, 0, 1];
const EXTENSIONS = [0, 7, 0];
const SIGNATURE = [2];

/** Path of the extension with this OID. */
function extensionPath(der: Uint8Array, oid: string): number[] {
  const list = at(decodeDer(der), EXTENSIONS);
  const i = (list as asn1js.Constructed).valueBlock.value.findIndex((e) => readOid(at(e as Block, [0])) === oid);
  if (i < 0) throw new Error(`no extension ${oid}`);
  return [...EXTENSIONS, i];
}

/** asn1js alone: decodes every byte without an error; returns its re-encoding. */
function asn1jsDecodesAndReencodes(ber: Uint8Array): string {
  const { offset, result } = asn1js.fromBER(ber, { parseEmbedded: false });
  expect(result.error).toBe('');
  expect(offset).toBe(ber.length);
  return hex(result.toBER());
}

describe('BER variants of a certificate', () => {
  const variants: Record<string, () => Uint8Array> = {
    'indefinite length (outer SEQUENCE)': () => rewrite(leaf.der, [], indefinite),
    'indefinite length (tbsCertificate)': () => rewrite(leaf.der, TBS, indefinite),
    'long form for a short length (version)': () => rewrite(leaf.der, VERSION, (v) => withLengthOctets(v, [0x81, contents(v).length])),
    'non-minimal INTEGER (serialNumber with a leading 0x00)': () =>
      rewrite(leaf.der, SERIAL, (s) => {
        expect(contents(s)[0]! < 0x80).toBe(true);
        return tlv(0x02, concat(b(0x00), contents(s)));
      }),
    'BOOLEAN TRUE as 0x01 (critical)': () =>
      rewrite(leaf.der, [...extensionPath(leaf.der, '2.5.29.19'), 1], (c) => {
        expect(hex(c.valueBeforeDecodeView)).toBe('0101ff');
        return b(0x01, 0x01, 0x01);
      }),
    'constructed OCTET STRING (extnValue in two segments)': () =>
      rewrite(leaf.der, [...extensionPath(leaf.der, '2.5.29.17'), 1], (v) => {
        const x = contents(v);
        return tlv(0x24, concat(tlv(0x04, x.subarray(0, 3)), tlv(0x04, x.subarray(3))));
      }),
    'constructed BIT STRING (signature in two segments)': () =>
      rewrite(leaf.der, SIGNATURE, (s) => {
        const x = contents(s); // unused-bits octet, then the signature
        return tlv(0x23, concat(tlv(0x03, concat(b(0), x.subarray(1, 9))), tlv(0x03, concat(b(0), x.subarray(9)))));
      }),
    'constructed UTF8String (subject CN)': () =>
      rewrite(leaf.der, SUBJECT_CN_VALUE, (s) => {
        expect(tagOf(s)).toBe(0x0c);
        const x = contents(s);
        return tlv(0x2c, concat(tlv(0x0c, x.subarray(0, 4)), tlv(0x0c, x.subarray(4))));
      }),
  };

  it('the unmodified certificate parses, and rewriting without a change keeps its bytes', () => {
    expect(parseCertificate(leaf.der).der).toBe(leaf.der);
    expect(hex(rewrite(leaf.der, SERIAL, (s) => s.valueBeforeDecodeView))).toBe(hex(leaf.der));
  });

  for (const [name, make] of Object.entries(variants)) {
    it(`refuses ${name}, which asn1js alone accepts`, () => {
      const ber = make();
      expect(hex(ber)).not.toBe(hex(leaf.der));
      const reencoded = asn1jsDecodesAndReencodes(ber);
      expect(reencoded).not.toBe(hex(leaf.der));
      // asn1js marks the parents of an indefinite length indefinite too; everything else comes back as it was.
      if (name !== 'indefinite length (tbsCertificate)') expect(reencoded).toBe(hex(ber));
      else expect(reencoded.startsWith('3080')).toBe(true);
      malformed(() => parseCertificate(ber));
    });
  }

  it('refuses a length with a leading zero octet, and trailing bytes, both of which asn1js accepts', () => {
    const padded = rewrite(leaf.der, VERSION, (v) => withLengthOctets(v, [0x82, 0x00, contents(v).length]));
    expect(asn1js.fromBER(padded).offset).toBe(padded.length);
    malformed(() => parseCertificate(padded));
    const trailing = concat(leaf.der, b(0x00, 0x00));
    expect(asn1js.fromBER(trailing).offset).toBe(leaf.der.length); // stops early, no error
    malformed(() => parseCertificate(trailing));
  });
});

describe('decodeDer', () => {
  it('refuses what asn1js lets through', () => {
    const cases: Record<string, Uint8Array> = {
      'child running past the end of its parent': b(0x30, 0x03, 0x04, 0x03, 0xaa, 0xbb, 0xcc),
      'end-of-contents inside a definite length': b(0x30, 0x02, 0x00, 0x00),
      'high tag number form': b(0x9f, 0x05, 0x01, 0x00),
      'BIT STRING without its unused-bits octet': b(0x03, 0x00),
      'BIT STRING with non-zero padding bits': b(0x03, 0x02, 0x01, 0x01),
      'NULL with contents': b(0x05, 0x01, 0x00),
      'non-minimal ENUMERATED': b(0x0a, 0x02, 0x00, 0x01),
      'BOOLEAN of two octets': b(0x01, 0x02, 0x00, 0xff),
      'constructed OCTET STRING, indefinite length': b(0x24, 0x80, 0x04, 0x01, 0xaa, 0x00, 0x00),
    };
    for (const [name, v] of Object.entries(cases)) {
      const { offset, result } = asn1js.fromBER(v, { parseEmbedded: false });
      expect([name, offset, result.error]).toEqual([name, v.length, '']);
      expect(() => decodeDer(v), name).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED', message: expect.stringMatching(/^DER: /) }));
    }
  });

  it('refuses what asn1js itself reports as an error, and empty input', () => {
    malformed(() => decodeDer(b(0x02, 0x80, 0x00, 0x00))); // indefinite primitive
    malformed(() => decodeDer(b(0x21, 0x03, 0x02, 0x01, 0x00))); // constructed BOOLEAN
    malformed(() => decodeDer(b(0x30, 0x05, 0x02, 0x01))); // truncated
    malformed(() => decodeDer(b()));
  });

  it('reads IMPLICIT INTEGERs with the same minimality rule as universal ones', () => {
    expect(readBigInt(decodeDer(b(0x80, 0x01, 0xff)), 0x80)).toBe(-1n);
    expect(readBigInt(decodeDer(b(0x81, 0x02, 0x00, 0x80)), 0x81)).toBe(128n);
    malformed(() => readBigInt(decodeDer(b(0x80, 0x02, 0x00, 0x7f)), 0x80));
    malformed(() => readBigInt(decodeDer(b(0x80, 0x00)), 0x80));
    malformed(() => readBigInt(decodeDer(b(0x02, 0x01, 0x05)), 0x80)); // wrong tag
  });

  it('keeps the decoded spans as views of the input', () => {
    const der = b(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa);
    const seq = decodeDer(der);
    expect(seq.valueBeforeDecodeView.buffer).toBe(der.buffer);
    expect(hex(contents(at(seq, [1])))).toBe('aa');
  });
});
