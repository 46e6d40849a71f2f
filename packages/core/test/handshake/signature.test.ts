// Signatures both ways against node:crypto (OpenSSL): what we sign node verifies, what node signs we
// verify, for every scheme we negotiate; and the signature_algorithms choice.
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import { wasmProvider } from '@sanstls/crypto';
import { describe, expect, it } from 'vitest';
import { SignatureScheme as S } from '../../src/index.js';
import { parsePrivateKey } from '../../src/handshake/private-key.js';
import { chooseSigningScheme, sign, verify, type PeerPublicKey } from '../../src/handshake/signature.js';
import { testData } from '../interop/peers.js';

function peerKey(pub: KeyObject): PeerPublicKey {
  const d = pub.asymmetricKeyDetails!;
  const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
  switch (pub.asymmetricKeyType) {
    case 'rsa':
      return { type: 'rsa', spki, bits: d.modulusLength! };
    case 'ec': {
      const jwk = pub.export({ format: 'jwk' });
      const x = Buffer.from(jwk.x!, 'base64url');
      const y = Buffer.from(jwk.y!, 'base64url');
      return { type: 'ec', curve: d.namedCurve === 'prime256v1' ? 'P-256' : 'P-384', point: new Uint8Array(Buffer.concat([Buffer.of(4), x, y])) };
    }
    default:
      return { type: 'ed25519', key: new Uint8Array(Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url')) };
  }
}

const keys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ed25519: generateKeyPairSync('ed25519'),
};

const cases: [keyof typeof keys, number, string | null, 'pss' | 'pkcs1' | null][] = [
  ['rsa', S.rsa_pkcs1_sha256, 'sha256', 'pkcs1'],
  ['rsa', S.rsa_pkcs1_sha384, 'sha384', 'pkcs1'],
  ['rsa', S.rsa_pkcs1_sha512, 'sha512', 'pkcs1'],
  ['rsa', S.rsa_pss_rsae_sha256, 'sha256', 'pss'],
  ['rsa', S.rsa_pss_rsae_sha384, 'sha384', 'pss'],
  ['rsa', S.rsa_pss_rsae_sha512, 'sha512', 'pss'],
  ['p256', S.ecdsa_secp256r1_sha256, 'sha256', null],
  ['p256', S.ecdsa_secp384r1_sha384, 'sha384', null],
  ['p384', S.ecdsa_secp384r1_sha384, 'sha384', null],
  ['p384', S.ecdsa_secp256r1_sha256, 'sha256', null],
  ['p384', S.ecdsa_secp521r1_sha512, 'sha512', null],
  ['ed25519', S.ed25519, null, null],
];

describe('DigitallySigned against node:crypto', () => {
  for (const [k, scheme, hash, pad] of cases) {
    const { publicKey, privateKey } = keys[k];
    const opts = pad === 'pss' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
    it(`${k} 0x${scheme.toString(16)}`, () => {
      const ours = parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const data = testData(300, scheme);
      const sig = sign(wasmProvider, ours, scheme, data);
      expect(nodeVerify(hash, data, { key: publicKey, ...opts }, sig)).toBe(true);
      const theirs = nodeSign(hash, data, { key: privateKey, ...opts });
      const pk = peerKey(publicKey);
      expect(verify(wasmProvider, pk, scheme, data, theirs)).toBe(true);
      const bad = theirs.slice();
      bad[bad.length >> 1]! ^= 1;
      expect(verify(wasmProvider, pk, scheme, data, bad)).toBe(false);
      expect(verify(wasmProvider, pk, scheme, testData(300, 99), theirs)).toBe(false);
    });
  }

  it('a scheme that does not fit the key never verifies', () => {
    const data = testData(10, 1);
    const sig = nodeSign('sha256', data, keys.p256.privateKey);
    expect(verify(wasmProvider, peerKey(keys.p256.publicKey), S.rsa_pkcs1_sha256, data, sig)).toBe(false);
    expect(verify(wasmProvider, peerKey(keys.p256.publicKey), S.ed25519, data, sig)).toBe(false);
  });

  it('loads SEC1 and PKCS#1 PEM keys as openssl writes them', () => {
    const ec = parsePrivateKey(keys.p384.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    expect(ec).toMatchObject({ type: 'ec', curve: 'P-384' });
    const rsa = parsePrivateKey(keys.rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    expect(rsa).toMatchObject({ type: 'rsa', bits: 2048 });
  });
});

describe('signature_algorithms negotiation (RFC 5246 §7.4.1.4.1)', () => {
  const p256 = parsePrivateKey(keys.p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const rsa = parsePrivateKey(keys.rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const ed = parsePrivateKey(keys.ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  it('absent extension means SHA-1 with the key type, and no Ed25519', () => {
    expect(chooseSigningScheme(rsa, undefined)).toBe(S.rsa_pkcs1_sha1);
    expect(chooseSigningScheme(p256, undefined)).toBe(S.ecdsa_sha1);
    expect(chooseSigningScheme(ed, undefined)).toBeUndefined();
  });
  it('picks our preference among the peer list, or nothing', () => {
    expect(chooseSigningScheme(rsa, [S.rsa_pkcs1_sha384, S.rsa_pss_rsae_sha256])).toBe(S.rsa_pss_rsae_sha256);
    expect(chooseSigningScheme(rsa, [S.rsa_pkcs1_sha384])).toBe(S.rsa_pkcs1_sha384);
    expect(chooseSigningScheme(p256, [S.ecdsa_secp384r1_sha384, S.ed25519])).toBe(S.ecdsa_secp384r1_sha384);
    expect(chooseSigningScheme(ed, [S.ecdsa_secp256r1_sha256])).toBeUndefined();
    expect(chooseSigningScheme(rsa, [S.ecdsa_secp256r1_sha256])).toBeUndefined();
  });
});
