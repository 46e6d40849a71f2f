import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cbcProtector, type RecordProtector } from '../../src/record/index.js';
import {
  bytes,
  catchTls,
  concat,
  events,
  expectBytes,
  payloads,
  pseudoHeader,
  readingLayer,
  record,
  splitRecords,
  writingLayer,
} from './helpers.js';
import { cbcImpls, cbcSuites, type CbcImpl, type CbcSuite } from './suites.js';

const TLS12 = 0x0303;
const aesName = (k: Uint8Array) => (k.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc');

function nodeEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key), key, iv).setAutoPadding(false);
  return concat(c.update(data), c.final());
}
function nodeDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv(aesName(key), key, iv).setAutoPadding(false);
  return concat(d.update(data), d.final());
}
const hmac = (alg: string, key: Uint8Array, ...parts: Uint8Array[]) => {
  const h = createHmac(alg, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** padding_length values that make content + extra + padding + 1 a whole number of blocks. */
const validPads = (n: number) => Array.from({ length: 256 }, (_, p) => p).filter((p) => (n + p + 1) % 16 === 0);

interface Keys {
  key: Uint8Array;
  macKey: Uint8Array;
}

/**
 * A record built with node:crypto from the RFC text. `tamper` may change the plaintext block data
 * (content || MAC || padding for MAC-then-encrypt; content || padding for EtM) before encryption.
 */
function nodeCbcRecord(
  suite: CbcSuite, k: Keys, etm: boolean, seq: bigint, type: number, content: Uint8Array, padLen: number,
  tamper?: (plain: Uint8Array) => void,
): Uint8Array {
  const iv = new Uint8Array(randomBytes(16));
  const padding = new Uint8Array(padLen + 1).fill(padLen);
  if (!etm) {
    // RFC 5246 §6.2.3.2: MAC(MAC_write_key, seq_num + type + version + length + content), then
    // block-ciphered content + MAC + padding + padding_length, after an explicit IV.
    const mac = hmac(suite.mac, k.macKey, pseudoHeader(seq, type, TLS12, content.length), content);
    const plain = concat(content, mac, padding);
    tamper?.(plain);
    return record(type, TLS12, concat(iv, nodeEncrypt(k.key, iv, plain)));
  }
  // RFC 7366 §3: IV + ENC(content + padding + padding_length), then
  // MAC(MAC_write_key, seq_num + type + version + length(IV + ciphertext) + IV + ciphertext).
  const plain = concat(content, padding);
  tamper?.(plain);
  const ct = concat(iv, nodeEncrypt(k.key, iv, plain));
  const mac = hmac(suite.mac, k.macKey, pseudoHeader(seq, type, TLS12, ct.length), ct);
  return record(type, TLS12, concat(ct, mac));
}

/** Opens one of our records with node:crypto from the RFC text; returns the content or throws. */
function nodeCbcOpen(suite: CbcSuite, k: Keys, etm: boolean, seq: bigint, rec: { type: number; fragment: Uint8Array }): Uint8Array {
  const f = rec.fragment;
  const iv = f.subarray(0, 16);
  if (!etm) {
    const plain = nodeDecrypt(k.key, iv, f.subarray(16));
    const padLen = plain[plain.length - 1]!;
    for (let i = 0; i <= padLen; i++) expect(plain[plain.length - 1 - i]).toBe(padLen);
    const n = plain.length - padLen - 1 - suite.macLength;
    const content = plain.subarray(0, n);
    expect(plain.subarray(n, n + suite.macLength)).toEqual(hmac(suite.mac, k.macKey, pseudoHeader(seq, rec.type, TLS12, n), content));
    return content;
  }
  const c = f.length - suite.macLength;
  expect(f.subarray(c)).toEqual(hmac(suite.mac, k.macKey, pseudoHeader(seq, rec.type, TLS12, c), f.subarray(0, c)));
  const plain = nodeDecrypt(k.key, iv, f.subarray(16, c));
  const padLen = plain[plain.length - 1]!;
  for (let i = 0; i <= padLen; i++) expect(plain[plain.length - 1 - i]).toBe(padLen);
  return plain.subarray(0, plain.length - padLen - 1);
}

function mkProtector(suite: CbcSuite, impl: CbcImpl, k: Keys, etm: boolean): RecordProtector {
  return cbcProtector({ cipher: impl.cipher(k.key), mac: impl.mac(suite.mac, k.macKey), encryptThenMac: etm });
}

/** code|alert|message of the error the layer gives for this input (every one must be the same). */
function failure(p: RecordProtector, input: Uint8Array): string {
  const l = readingLayer(p);
  l.receive(input);
  const e = catchTls(() => events(l));
  return `${e.code}|${e.alert}|${e.message}`;
}
const BAD = 'BAD_RECORD_MAC|bad_record_mac|bad record MAC';

describe.each(cbcImpls)('Mac implementation %s', (_name, impl) => {
  it('matches node:crypto createHmac, across digest/reset/clone', () => {
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      for (const klen of [0, 20, 64, 129, 200]) {
        const key = bytes(klen, klen + 1);
        const m = impl.mac(alg, key);
        const data = bytes(300, 9);
        expect(m.update(data.subarray(0, 100)).update(data.subarray(100)).digest()).toEqual(hmac(alg, key, data));
        m.update(bytes(5, 3));
        const c = m.clone();
        m.reset();
        expect(m.update(data).digest()).toEqual(hmac(alg, key, data));
        expect(c.update(data).digest()).toEqual(hmac(alg, key, bytes(5, 3), data));
      }
    }
  });
});

for (const [implName, impl] of cbcImpls) {
  for (const suite of cbcSuites) {
    for (const etm of [false, true]) {
      describe(`${suite.name} ${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt'} (${implName})`, () => {
        const k: Keys = { key: bytes(suite.keyLength, 21), macKey: bytes(suite.macLength, 22) };
        const mk = () => mkProtector(suite, impl, k, etm);

        it('our records open with node:crypto following the RFC', () => {
          const l = writingLayer(mk());
          const data = [bytes(1, 1), bytes(15, 2), bytes(16, 3), bytes(31, 4), bytes(40000, 5)];
          l.writeSequence.set(1000n);
          for (const d of data) l.writeApplicationData(d);
          l.writeAlert(1, 0);
          const recs = splitRecords(l.takeOutgoing());
          const got = recs.map((r, i) => nodeCbcOpen(suite, k, etm, 1000n + BigInt(i), r));
          expectBytes(concat(...got.slice(0, -1)), concat(...data));
          expect(got.at(-1)).toEqual(Uint8Array.of(1, 0));
          expect(recs.at(-1)!.type).toBe(21);
          // Fresh IV per record.
          expect(new Set(recs.map((r) => Buffer.from(r.fragment.subarray(0, 16)).toString('hex'))).size).toBe(recs.length);
        });

        it('opens node:crypto records with every padding length', () => {
          const content = bytes(37, 6);
          const extra = etm ? 0 : suite.macLength;
          const pads = validPads(content.length + extra);
          expect(pads.length).toBe(16);
          const l = readingLayer(mk());
          l.receive(concat(...pads.map((p, i) => nodeCbcRecord(suite, k, etm, BigInt(i), 23, content, p))));
          expect(payloads(events(l))).toEqual(pads.map(() => content));
        });

        it('opens node:crypto records of many lengths, including the 2^14 maximum', () => {
          const lens = [1, 2, 15, 16, 17, 47, 48, 255, 256, 1000, 16384];
          const l = readingLayer(mk());
          l.receive(concat(...lens.map((n, i) => {
            const pads = validPads(n + (etm ? 0 : suite.macLength));
            return nodeCbcRecord(suite, k, etm, BigInt(i), 23, bytes(n, n), pads[i % pads.length]!);
          })));
          const got = payloads(events(l));
          expect(got.length).toBe(lens.length);
          lens.forEach((n, i) => expectBytes(got[i], bytes(n, n)));
        });

        it('every bit flip gives the same bad_record_mac', () => {
          const content = bytes(20, 7);
          const rec = nodeCbcRecord(suite, k, etm, 0n, 23, content, validPads(20 + (etm ? 0 : suite.macLength))[1]!);
          const seen = new Set<string>();
          for (let bit = 5 * 8; bit < rec.length * 8; bit++) {
            const bad = rec.slice();
            bad[bit >> 3]! ^= 1 << (bit & 7);
            seen.add(failure(mk(), bad));
          }
          // The header type is covered by the MAC too.
          const retyped = rec.slice();
          retyped[0] = 22;
          seen.add(failure(mk(), retyped));
          expect([...seen]).toEqual([BAD]);
        });

        it('bad padding in every position, and every wrong padding_length, give the same error', () => {
          const content = bytes(30, 8);
          const extra = etm ? 0 : suite.macLength;
          const padLen = validPads(content.length + extra).at(-1)!; // the longest padding, > 240 bytes
          expect(padLen).toBeGreaterThan(240);
          const seen = new Set<string>();
          const start = content.length + extra;
          for (let i = 0; i < padLen; i++) {
            const rec = nodeCbcRecord(suite, k, etm, 0n, 23, content, padLen, (p) => { p[start + i]! ^= 0x01; });
            seen.add(failure(mk(), rec));
          }
          for (let v = 0; v < 256; v++) {
            if (v === padLen) continue;
            if (etm && v === 0) {
              // Under EtM the MAC covers the tampered ciphertext, so this is an authentic record whose
              // padding is just its last byte: the rest is content.
              const rec = nodeCbcRecord(suite, k, etm, 0n, 23, content, padLen, (p) => { p[p.length - 1] = 0; });
              const l = readingLayer(mk());
              l.receive(rec);
              expect(payloads(events(l))).toEqual([concat(content, new Uint8Array(padLen).fill(padLen))]);
              continue;
            }
            const rec = nodeCbcRecord(suite, k, etm, 0n, 23, content, padLen, (p) => { p[p.length - 1] = v; });
            seen.add(failure(mk(), rec));
          }
          expect([...seen]).toEqual([BAD]);
        });

        it('a bad MAC in every position gives the same error', () => {
          const content = bytes(30, 9);
          const padLen = validPads(content.length + (etm ? 0 : suite.macLength))[3]!;
          const rec = nodeCbcRecord(suite, k, etm, 0n, 23, content, padLen);
          const seen = new Set<string>();
          for (let i = 0; i < suite.macLength; i++) {
            let bad: Uint8Array;
            if (etm) {
              bad = rec.slice();
              bad[rec.length - suite.macLength + i]! ^= 0x80;
            } else {
              bad = nodeCbcRecord(suite, k, etm, 0n, 23, content, padLen, (p) => { p[content.length + i]! ^= 0x80; });
            }
            seen.add(failure(mk(), bad));
          }
          // Right MAC under the wrong sequence number, key or version.
          seen.add(failure(mk(), nodeCbcRecord(suite, k, etm, 1n, 23, content, padLen)));
          seen.add(failure(mk(), nodeCbcRecord(suite, { ...k, macKey: bytes(suite.macLength, 99) }, etm, 0n, 23, content, padLen)));
          expect([...seen]).toEqual([BAD]);
        });

        it('truncated and misaligned fragments give the same error', () => {
          const rec = nodeCbcRecord(suite, k, etm, 0n, 23, bytes(40, 10), validPads(40 + (etm ? 0 : suite.macLength))[0]!);
          const frag = rec.subarray(5);
          const seen = new Set<string>();
          for (let n = 0; n < frag.length; n++) seen.add(failure(mk(), record(23, TLS12, frag.subarray(0, n))));
          // Whole blocks but too short to hold a MAC (and padding): one and two blocks after the IV.
          seen.add(failure(mk(), record(23, TLS12, bytes(32, 11))));
          seen.add(failure(mk(), record(23, TLS12, bytes(48, 12))));
          expect([...seen]).toEqual([BAD]);
        });

        it('round-trips through a second layer', () => {
          const w = writingLayer(mk());
          const r = readingLayer(mk());
          const data = bytes(70_000, 13);
          w.writeApplicationData(data);
          w.writeHandshake(bytes(5, 14));
          r.receive(w.takeOutgoing());
          const got = events(r);
          expect(got.at(-1)).toEqual({ type: 'handshake', payload: bytes(5, 14) });
          expectBytes(concat(...payloads(got.slice(0, -1))), data);
        });
      });
    }
  }
}
