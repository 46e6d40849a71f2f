// Which MAC-then-encrypt check the CBC protector runs: the constant-time WASM cbcRecordOpen for
// @sanstls/crypto's Hmac, the TypeScript Lucky13Verifier for any other Mac. Both must accept the same
// records and refuse the same tampered ones (cbc.test.ts checks them in depth).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lucky13Verifier, cbcProtector } from '../../src/record/index.js';
import { catchTls, u64 } from './helpers.js';
import { cbcImpls, cbcSuites } from './suites.js';

afterEach(() => {
  vi.restoreAllMocks();
});

for (const [implName, impl] of cbcImpls) {
  for (const suite of cbcSuites) {
    describe(`${suite.name} MAC-then-encrypt (${implName})`, () => {
      it(`${implName === '@sanstls/crypto' ? 'does not use' : 'uses'} the TypeScript Lucky13Verifier`, () => {
        const verify = vi.spyOn(Lucky13Verifier.prototype, 'verify');
        const key = new Uint8Array(suite.keyLength).fill(1);
        const macKey = new Uint8Array(suite.macLength).fill(2);
        const w = cbcProtector({ cipher: impl.cipher(key), mac: impl.mac(suite.mac, macKey), encryptThenMac: false });
        const r = cbcProtector({ cipher: impl.cipher(key), mac: impl.mac(suite.mac, macKey), encryptThenMac: false });
        for (const len of [0, 1, 100, 16384]) {
          const buf = new Uint8Array(16 + len + w.maxSuffixLength);
          buf.fill(7, 16, 16 + len);
          const n = w.sealInPlace(buf, 0, len, 23, 0x0303, u64(BigInt(len)));
          const frag = buf.slice(0, n);
          expect(r.unprotect(frag, 23, 0x0303, u64(BigInt(len)))).toEqual(new Uint8Array(len).fill(7));
          frag[n - 17]! ^= 1; // last byte of the second-to-last block: padding_length of the last one
          expect(catchTls(() => r.unprotect(frag, 23, 0x0303, u64(BigInt(len)))).code).toBe('BAD_RECORD_MAC');
        }
        expect(verify).toHaveBeenCalledTimes(implName === '@sanstls/crypto' ? 0 : 8);
        w.dispose();
        r.dispose();
      });
    });
  }
}
