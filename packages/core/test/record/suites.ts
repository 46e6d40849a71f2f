// Implementations of the crypto interfaces available to the tests: the node:crypto fixtures always, the
// @sanstls/crypto WASM classes as soon as the package exports them.
import * as cryptoPkg from '@sanstls/crypto';
import type { Aead } from '@sanstls/crypto';
import { AEAD_KEY_LENGTH, NodeAead, type NodeAeadName } from './node-aead.js';

export type AeadFactory = (name: NodeAeadName, key: Uint8Array) => Aead;

type AeadClass = new (key: Uint8Array) => Aead;
const pkg = cryptoPkg as unknown as Record<string, unknown>;

export const aeadImpls: [string, AeadFactory][] = [['node:crypto', (n, k) => new NodeAead(n, k)]];
if (typeof pkg['AesGcm'] === 'function' && typeof pkg['ChaCha20Poly1305'] === 'function') {
  const AesGcm = pkg['AesGcm'] as AeadClass;
  const ChaCha = pkg['ChaCha20Poly1305'] as AeadClass;
  aeadImpls.push(['@sanstls/crypto', (n, k) => (n === 'chacha20-poly1305' ? new ChaCha(k) : new AesGcm(k))]);
}

export interface AeadSuite {
  name: NodeAeadName;
  keyLength: number;
  /** fixed_iv_length: 4 for RFC 5288, 12 for RFC 7905. */
  ivLength: number;
}

export const aeadSuites: AeadSuite[] = (['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as const).map((name) => ({
  name,
  keyLength: AEAD_KEY_LENGTH[name],
  ivLength: name === 'chacha20-poly1305' ? 12 : 4,
}));

import type { HashAlgorithm, Mac } from '@sanstls/crypto';
import type { CbcCipher } from '../../src/record/index.js';
import { NodeAesCbc, NodeHmac } from './node-aead.js';

/** A CBC cipher and an HMAC from one implementation. */
export interface CbcImpl {
  cipher: (key: Uint8Array) => CbcCipher;
  mac: (algorithm: HashAlgorithm, key: Uint8Array) => Mac;
}
export const cbcImpls: [string, CbcImpl][] = [
  ['node:crypto', { cipher: (k) => new NodeAesCbc(k), mac: (a, k) => NodeHmac.create(a, k) }],
];
if (typeof pkg['AesCbc'] === 'function' && typeof pkg['Hmac'] === 'function') {
  const AesCbc = pkg['AesCbc'] as new (key: Uint8Array) => CbcCipher;
  const Hmac = pkg['Hmac'] as new (algorithm: HashAlgorithm, key: Uint8Array) => Mac;
  cbcImpls.push(['@sanstls/crypto', { cipher: (k) => new AesCbc(k), mac: (a, k) => new Hmac(a, k) }]);
}

/** The CBC suites of issue 4, by cipher key length and MAC. */
export const cbcSuites = [
  { name: 'AES_128_CBC_SHA', keyLength: 16, mac: 'sha1', macLength: 20 },
  { name: 'AES_256_CBC_SHA', keyLength: 32, mac: 'sha1', macLength: 20 },
  { name: 'AES_128_CBC_SHA256', keyLength: 16, mac: 'sha256', macLength: 32 },
  { name: 'AES_256_CBC_SHA256', keyLength: 32, mac: 'sha256', macLength: 32 },
  { name: 'AES_256_CBC_SHA384', keyLength: 32, mac: 'sha384', macLength: 48 },
] as const;
export type CbcSuite = (typeof cbcSuites)[number];
