import { describe, expect, it } from 'vitest';
import { createECDH, diffieHellman, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { ecdheSharedSecret, generateEcdhe, type EcdheGroup, type EcdheKeyPair } from '../../src/handshake/key-exchange/ecdhe.js';
import { TlsError } from '../../src/errors.js';
import { hex, toHex, wycheproof } from '../../../crypto/test/vectors.js';

// A key pair around a given secret (the vectors' private keys), deriving with @noble/curves as the core does.
const fromSecret = (group: EcdheGroup, secret: Uint8Array): EcdheKeyPair => ({
  group,
  publicKey: new Uint8Array(),
  derive: (peer) => (group === 'x25519' ? x25519.getSharedSecret(secret, peer) : (group === 'secp256r1' ? p256 : p384).getSharedSecret(secret, peer, true).subarray(1)),
  dispose: () => secret.fill(0),
});

describe('ECDHE (RFC 8422)', () => {
  for (const [group, file] of [['secp256r1', 'ecdh_secp256r1_ecpoint_test.json'], ['secp384r1', 'ecdh_secp384r1_ecpoint_test.json']] as const) {
    it(`passes Wycheproof ${file} (compressed points refused: TLS 1.2 uses uncompressed only)`, () => {
      const data = wycheproof(file);
      let n = 0;
      for (const g of data.testGroups) {
        for (const t of g.tests) {
          const priv = hex(t.private.length % 2 ? '0' + t.private : t.private);
          // Wycheproof private keys may carry a leading zero byte or be shorter than the field.
          const size = group === 'secp256r1' ? 32 : 48;
          const sk = new Uint8Array(size);
          const trimmed = priv.length > size ? priv.subarray(priv.length - size) : priv;
          sk.set(trimmed, size - trimmed.length);
          const compressed = t.flags.includes('CompressedPoint');
          const run = () => ecdheSharedSecret(fromSecret(group, sk), hex(t.public));
          if (t.result === 'valid') {
            expect(toHex(run()), `tcId ${t.tcId}`).toBe(t.shared);
          } else if (t.result === 'invalid' || compressed) {
            expect(run, `tcId ${t.tcId}`).toThrow(TlsError);
          }
          n++;
        }
      }
      expect(n).toBeGreaterThan(300);
    });
  }

  it('passes Wycheproof x25519_test.json; all-zero shared secrets (low-order shares) are refused', () => {
    const data = wycheproof('x25519_test.json');
    for (const g of data.testGroups) {
      for (const t of g.tests) {
        const run = () => ecdheSharedSecret(fromSecret('x25519', hex(t.private)), hex(t.public));
        if (t.flags.includes('ZeroSharedSecret')) expect(run, `tcId ${t.tcId}`).toThrow(TlsError);
        else expect(toHex(run()), `tcId ${t.tcId}`).toBe(t.shared);
      }
    }
  });

  it('agrees with node:crypto in both directions for every group', () => {
    for (let i = 0; i < 5; i++) {
      for (const [group, curve] of [['secp256r1', 'prime256v1'], ['secp384r1', 'secp384r1']] as const) {
        const ours = generateEcdhe(group);
        const node = createECDH(curve);
        const nodePub = node.generateKeys();
        expect(toHex(ecdheSharedSecret(ours, new Uint8Array(nodePub)))).toBe(toHex(node.computeSecret(ours.publicKey)));
      }
      const ours = generateEcdhe('x25519');
      const node = generateKeyPairSync('x25519');
      const nodeRaw = new Uint8Array(node.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
      const spki = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), ours.publicKey]);
      const nodeShared = diffieHellman({ privateKey: node.privateKey, publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }) });
      expect(toHex(ecdheSharedSecret(ours, nodeRaw))).toBe(toHex(nodeShared));
    }
  });

  it('refuses shares of the wrong length or format', () => {
    const p = generateEcdhe('secp256r1');
    const other = generateEcdhe('secp384r1');
    expect(() => ecdheSharedSecret(p, other.publicKey)).toThrow(/uncompressed/);
    const bad = p.publicKey.slice();
    bad[0] = 0x02;
    expect(() => ecdheSharedSecret(p, bad)).toThrow(TlsError);
    expect(() => ecdheSharedSecret(generateEcdhe('x25519'), new Uint8Array(31))).toThrow(TlsError);
  });
});
