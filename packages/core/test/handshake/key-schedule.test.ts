// Key schedule and transcript against an independent TLS 1.2 PRF written here on node:crypto HMAC
// (RFC 5246 §5 P_hash), for both PRF hashes.
import { createHash, createHmac } from 'node:crypto';
import { wasmProvider } from '@sanstls/crypto';
import { describe, expect, it } from 'vitest';
import { cipherSuiteByName } from '../../src/index.js';
import { finishedVerifyData, keyBlock, masterSecret } from '../../src/handshake/key-schedule.js';
import { Transcript } from '../../src/handshake/transcript.js';
import { testData } from '../interop/peers.js';

function pHash(alg: string, secret: Uint8Array, seed: Uint8Array, n: number): Buffer {
  const out: Buffer[] = [];
  let a: Buffer = Buffer.from(seed);
  let len = 0;
  while (len < n) {
    a = createHmac(alg, secret).update(a).digest();
    const block = createHmac(alg, secret).update(a).update(seed).digest();
    out.push(block);
    len += block.length;
  }
  return Buffer.concat(out).subarray(0, n);
}
const prf = (alg: string, secret: Uint8Array, label: string, seed: Uint8Array, n: number) =>
  pHash(alg, secret, Buffer.concat([Buffer.from(label, 'latin1'), seed]), n);

describe('key schedule (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4)', () => {
  for (const name of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']) {
    const suite = cipherSuiteByName(name)!;
    const h = suite.prf;
    it(`${name}: master secret, extended master secret, key block, verify_data`, () => {
      const pms = testData(32, 1);
      const cr = testData(32, 2);
      const sr = testData(32, 3);
      const ms = masterSecret(wasmProvider, suite, pms, { ems: false, clientRandom: cr, serverRandom: sr });
      expect(Buffer.from(ms)).toEqual(prf(h, pms, 'master secret', Buffer.concat([cr, sr]), 48));
      const sessionHash = createHash(h).update('transcript').digest();
      const ems = masterSecret(wasmProvider, suite, pms, { ems: true, sessionHash });
      expect(Buffer.from(ems)).toEqual(prf(h, pms, 'extended master secret', sessionHash, 48));
      const kb = keyBlock(wasmProvider, suite, ms, cr, sr);
      const iv = suite.fixedIvLength;
      const k = suite.keyLength;
      const block = prf(h, ms, 'key expansion', Buffer.concat([sr, cr]), 2 * (k + iv));
      expect(Buffer.from(kb.client.key)).toEqual(block.subarray(0, k));
      expect(Buffer.from(kb.server.key)).toEqual(block.subarray(k, 2 * k));
      expect(Buffer.from(kb.client.iv)).toEqual(block.subarray(2 * k, 2 * k + iv));
      expect(Buffer.from(kb.server.iv)).toEqual(block.subarray(2 * k + iv));
      expect(Buffer.from(finishedVerifyData(wasmProvider, suite, ms, 'client', sessionHash))).toEqual(prf(h, ms, 'client finished', sessionHash, 12));
      expect(Buffer.from(finishedVerifyData(wasmProvider, suite, ms, 'server', sessionHash))).toEqual(prf(h, ms, 'server finished', sessionHash, 12));
    });
  }

  it('transcript buffers until the hash is known, then hashes at any point without disturbing the run', () => {
    const t = new Transcript(wasmProvider);
    const m1 = testData(100, 4);
    const m2 = testData(2000, 5);
    const m3 = testData(7, 6);
    t.add(m1);
    t.start('sha384');
    expect(Buffer.from(t.current())).toEqual(createHash('sha384').update(m1).digest());
    t.add(m2);
    expect(Buffer.from(t.current())).toEqual(createHash('sha384').update(m1).update(m2).digest());
    t.add(m3);
    expect(Buffer.from(t.current())).toEqual(createHash('sha384').update(m1).update(m2).update(m3).digest());
  });
});
