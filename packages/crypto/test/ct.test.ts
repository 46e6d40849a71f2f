import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '@sanstls/crypto';
import { randomBytes } from 'node:crypto';

describe('constantTimeEqual', () => {
  it('is true exactly for equal inputs, for every length and every differing position', () => {
    for (let n = 0; n <= 70; n++) {
      const a = new Uint8Array(randomBytes(n));
      expect(constantTimeEqual(a, a.slice())).toBe(true);
      for (let i = 0; i < n; i++) {
        const b = a.slice();
        b[i]! ^= 1 << (i % 8);
        expect(constantTimeEqual(a, b)).toBe(false);
      }
    }
  });
  it('treats different lengths as unequal', () => {
    expect(constantTimeEqual(new Uint8Array(16), new Uint8Array(15))).toBe(false);
  });
});
