import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesGcmProtector, chacha20Poly1305Protector, type RecordProtector } from '../../src/record/index.js';
import {
  bytes,
  catchTls,
  concat,
  events,
  expectBytes,
  expectTls,
  payloads,
  pseudoHeader,
  readingLayer,
  record,
  splitRecords,
  u64,
  writingLayer,
} from './helpers.js';
import { aeadImpls, aeadSuites, type AeadFactory, type AeadSuite } from './suites.js';

const TLS12 = 0x0303;

/** The per-record nonce, built from the RFC text. */
function rfcNonce(suite: AeadSuite, iv: Uint8Array, seq: bigint, explicit?: Uint8Array): Uint8Array {
  if (suite.ivLength === 4) return concat(iv, explicit!); // RFC 5288 §3: salt || nonce_explicit
  // RFC 7905 §2: the 64-bit sequence number, left-padded with zeros to 12 bytes, XORed with the IV.
  const padded = concat(new Uint8Array(4), u64(seq));
  return padded.map((b, i) => b ^ iv[i]!);
}

function nodeSeal(suite: AeadSuite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(suite.name as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  return concat(c.update(pt), c.final(), c.getAuthTag());
}

function nodeOpen(suite: AeadSuite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  const d = createDecipheriv(suite.name as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return concat(d.update(sealed.subarray(0, sealed.length - 16)), d.final());
}

/** A record protected by node:crypto following the RFCs (random nonce_explicit for GCM: RFC 5288 allows any unique value). */
function nodeRecord(suite: AeadSuite, key: Uint8Array, iv: Uint8Array, seq: bigint, type: number, pt: Uint8Array): Uint8Array {
  const explicit = suite.ivLength === 4 ? new Uint8Array(randomBytes(8)) : new Uint8Array(0);
  const nonce = rfcNonce(suite, iv, seq, explicit);
  const sealed = nodeSeal(suite, key, nonce, pseudoHeader(seq, type, TLS12, pt.length), pt);
  return record(type, TLS12, concat(explicit, sealed));
}

function protector(suite: AeadSuite, impl: AeadFactory, key: Uint8Array, iv: Uint8Array): RecordProtector {
  const aead = impl(suite.name, key);
  return suite.ivLength === 4 ? aesGcmProtector(aead, iv) : chacha20Poly1305Protector(aead, iv);
}

for (const [implName, impl] of aeadImpls) {
  for (const suite of aeadSuites) {
    describe(`${suite.name} records (${implName})`, () => {
      const key = bytes(suite.keyLength, 11);
      const iv = bytes(suite.ivLength, 12);
      const mk = () => protector(suite, impl, key, iv);

      it('our records open with node:crypto using the RFC nonce and additional data', () => {
        const l = writingLayer(mk());
        const payloads = [bytes(1, 1), bytes(100, 2), bytes(40000, 3)];
        const starts = [0n, (1n << 32n) - 1n, (1n << 63n) + 5n];
        for (const start of starts) {
          l.writeSequence.set(start);
          for (const p of payloads) l.writeApplicationData(p);
          const recs = splitRecords(l.takeOutgoing());
          const expected = payloads.flatMap((p) => (p.length > 16384 ? [p.subarray(0, 16384), p.subarray(16384, 32768), p.subarray(32768)] : [p]));
          expect(recs).toHaveLength(expected.length);
          recs.forEach((r, i) => {
            const seq = start + BigInt(i);
            expect(r.type).toBe(23);
            expect(r.version).toBe(TLS12);
            let explicit: Uint8Array | undefined;
            let sealed = r.fragment;
            if (suite.ivLength === 4) {
              explicit = r.fragment.subarray(0, 8);
              sealed = r.fragment.subarray(8);
              expect(explicit).toEqual(u64(seq)); // we send the sequence number as nonce_explicit
            }
            const pt = expected[i]!;
            expect(r.fragment.length).toBe(pt.length + 16 + (suite.ivLength === 4 ? 8 : 0));
            const aad = pseudoHeader(seq, 23, TLS12, pt.length);
            expectBytes(nodeOpen(suite, key, rfcNonce(suite, iv, seq, explicit), aad, sealed), pt);
          });
        }
      });

      it('opens records sealed by node:crypto with the RFC nonce', () => {
        const l = readingLayer(mk());
        const msgs = [bytes(1, 4), bytes(16384, 5), bytes(77, 6)];
        l.receive(concat(...msgs.map((m, i) => nodeRecord(suite, key, iv, BigInt(i), 23, m))));
        l.receive(nodeRecord(suite, key, iv, 3n, 22, bytes(12, 7)));
        l.receive(nodeRecord(suite, key, iv, 4n, 21, Uint8Array.of(1, 0)));
        expect(events(l)).toEqual([
          ...msgs.map((payload) => ({ type: 'application_data', payload })),
          { type: 'handshake', payload: bytes(12, 7) },
          { type: 'alert', level: 1, description: 0 },
        ]);
      });

      it('opens records at high sequence numbers (all 64 bits in the nonce and AAD)', () => {
        const l = readingLayer(mk());
        const seq = (1n << 64n) - 3n;
        l.readSequence.set(seq);
        l.receive(concat(nodeRecord(suite, key, iv, seq, 23, bytes(5, 8)), nodeRecord(suite, key, iv, seq + 1n, 23, bytes(6, 9))));
        expect(events(l).map((e) => (e as { payload: Uint8Array }).payload)).toEqual([bytes(5, 8), bytes(6, 9)]);
      });

      it('round-trips through a second layer, fragmenting at 2^14', () => {
        const w = writingLayer(mk());
        const r = readingLayer(mk());
        const data = bytes(100_000, 10);
        w.writeApplicationData(data);
        r.receive(w.takeOutgoing());
        const got = events(r);
        expect(got.length).toBe(Math.ceil(100_000 / 16384));
        expectBytes(concat(...payloads(got)), data);
      });

      it('every bit flip of the fragment gives the same bad_record_mac', () => {
        const rec = nodeRecord(suite, key, iv, 0n, 23, bytes(20, 13));
        const seen = new Set<string>();
        for (let bit = 5 * 8; bit < rec.length * 8; bit++) {
          const bad = rec.slice();
          bad[bit >> 3]! ^= 1 << (bit & 7);
          const l = readingLayer(mk());
          l.receive(bad);
          const err = catchTls(() => l.nextEvent());
          seen.add(`${err.code}|${err.alert}|${err.message}`);
        }
        expect([...seen]).toEqual(['BAD_RECORD_MAC|bad_record_mac|bad record MAC']);
      });

      it('header bit flips (type, version) never pass: bad_record_mac or a framing error', () => {
        const rec = nodeRecord(suite, key, iv, 0n, 23, bytes(20, 14));
        for (const lock of [true, false]) {
          for (let bit = 0; bit < 3 * 8; bit++) {
            const bad = rec.slice();
            bad[bit >> 3]! ^= 1 << (bit & 7);
            const l = readingLayer(mk(), lock);
            l.receive(bad);
            const e = catchTls(() => l.nextEvent());
            const t = bad[0]!;
            const framingOk = t >= 20 && t <= 23 && bad[1] === 3 && (lock ? bad[2] === 3 : bad[2]! >= 1 && bad[2]! <= 3);
            expect(e.code).toBe(framingOk ? 'BAD_RECORD_MAC' : t >= 20 && t <= 23 ? 'PROTOCOL_VERSION' : 'UNKNOWN_CONTENT_TYPE');
          }
        }
      });

      it('truncated fragments give bad_record_mac', () => {
        const full = nodeRecord(suite, key, iv, 0n, 23, bytes(20, 15)).subarray(5);
        for (let n = 0; n < full.length; n++) {
          const l = readingLayer(mk());
          l.receive(record(23, TLS12, full.subarray(0, n)));
          const e = catchTls(() => l.nextEvent());
          // n = 0 is an empty record of type application_data only if it were plaintext; protected it is a bad MAC.
          expect(e.code).toBe('BAD_RECORD_MAC');
        }
      });

      it('replayed, reordered or wrong-type records give bad_record_mac', () => {
        const r0 = nodeRecord(suite, key, iv, 0n, 23, bytes(20, 16));
        const r1 = nodeRecord(suite, key, iv, 1n, 23, bytes(20, 17));
        for (const stream of [concat(r1, r0), concat(r0, r0)]) {
          const l = readingLayer(mk());
          l.receive(stream);
          expect(() => events(l)).toThrow(/bad record MAC/);
        }
        const retyped = r0.slice();
        retyped[0] = 22;
        const l = readingLayer(mk());
        l.receive(retyped);
        expectTls(() => l.nextEvent(), 'BAD_RECORD_MAC');
      });

      it('a decrypted plaintext over 2^14 is record_overflow', () => {
        const l = readingLayer(mk());
        l.receive(nodeRecord(suite, key, iv, 0n, 23, bytes(16385, 18)));
        expectTls(() => l.nextEvent(), 'RECORD_OVERFLOW', 'record_overflow');
      });

      it('authenticated empty application data is skipped and counted', () => {
        const l = readingLayer(mk());
        const empties = Array.from({ length: 32 }, (_, i) => nodeRecord(suite, key, iv, BigInt(i), 23, new Uint8Array(0)));
        l.receive(concat(...empties, nodeRecord(suite, key, iv, 32n, 23, bytes(3, 19))));
        expect(events(l)).toEqual([{ type: 'application_data', payload: bytes(3, 19) }]);
        const l2 = readingLayer(mk());
        l2.receive(concat(...empties, nodeRecord(suite, key, iv, 32n, 23, new Uint8Array(0))));
        expectTls(() => events(l2), 'TOO_MANY_EMPTY_RECORDS');
      });
    });
  }
}
