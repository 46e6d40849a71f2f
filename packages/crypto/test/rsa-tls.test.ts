// decryptPkcs1v15Tls: the RFC 5246 §7.4.7.1 countermeasure. Malformed blocks are built by hand and
// encrypted with raw RSA (RSA_NO_PADDING) by node:crypto.
import { describe, expect, it } from 'vitest';
import * as nc from 'node:crypto';
import { RsaPrivateKey, decryptPkcs1v15, decryptPkcs1v15Tls } from '@sanstls/crypto';
import { toHex } from './vectors';

const { publicKey, privateKey } = nc.generateKeyPairSync('rsa', { modulusLength: 2048 });
const priv = RsaPrivateKey.fromPkcs8(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
const K = 256;

function nonZero(n: number): Uint8Array {
  const b = new Uint8Array(nc.randomBytes(n));
  for (let i = 0; i < n; i++) while (b[i] === 0) b[i] = nc.randomBytes(1)[0]!;
  return b;
}

/** 00 02 PS 00 M with the given PS length, then mutated by `edit`. */
function block(msgLen: number, edit?: (em: Uint8Array) => void): { em: Uint8Array; msg: Uint8Array } {
  const msg = new Uint8Array(nc.randomBytes(msgLen));
  const em = new Uint8Array(K);
  em[1] = 2;
  em.set(nonZero(K - msgLen - 3), 2);
  em.set(msg, K - msgLen);
  edit?.(em);
  return { em, msg };
}
const raw = (em: Uint8Array) => new Uint8Array(nc.publicEncrypt({ key: publicKey, padding: nc.constants.RSA_NO_PADDING }, em));

const malformed: [string, () => Uint8Array][] = [
  ['first byte not zero', () => raw(block(48, (em) => { em[0] = 1; }).em)],
  ['block type 1', () => raw(block(48, (em) => { em[1] = 1; }).em)],
  ['block type 0', () => raw(block(48, (em) => { em[1] = 0; }).em)],
  ['block type 3', () => raw(block(48, (em) => { em[1] = 3; }).em)],
  ['no zero separator', () => raw(block(48, (em) => { em[K - 49] = 0x5a; }).em)],
  ['padding of 7 bytes', () => raw(block(48, (em) => { em.copyWithin(2, 3, K - 49); em[K - 49] = 0x11; em[9] = 0; }).em)],
  ['padding of 0 bytes', () => raw(block(48, (em) => { em[2] = 0; }).em)],
  ['message of 47 bytes', () => raw(block(47).em)],
  ['message of 49 bytes', () => raw(block(49).em)],
  ['message of 0 bytes', () => raw(block(0).em)],
  ['all zeros', () => raw(new Uint8Array(K))],
  ['ciphertext of 0 bytes', () => new Uint8Array(0)],
  ['ciphertext one byte short', () => raw(block(48).em).subarray(1)],
  ['ciphertext one byte long', () => Uint8Array.of(0, ...raw(block(48).em))],
  ['ciphertext equal to n', () => new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url'))],
  ['ciphertext of all ff (> n)', () => new Uint8Array(K).fill(0xff)],
];

describe('decryptPkcs1v15Tls (RFC 5246 §7.4.7.1)', () => {
  it('returns the premaster secret for a valid ciphertext', () => {
    const pms = new Uint8Array(nc.randomBytes(48));
    pms[0] = 3;
    pms[1] = 3;
    const ct = new Uint8Array(nc.publicEncrypt({ key: publicKey, padding: nc.constants.RSA_PKCS1_PADDING }, pms));
    expect(toHex(decryptPkcs1v15Tls(priv, ct))).toBe(toHex(pms));
    expect(toHex(decryptPkcs1v15Tls(priv, ct, 48, 0x0303))).toBe(toHex(pms));
    // With client_version given, the version bytes of the result are the client's, not the decrypted ones.
    const v = decryptPkcs1v15Tls(priv, ct, 48, 0x0302);
    expect(toHex(v)).toBe('0302' + toHex(pms.subarray(2)));
    const { em, msg } = block(48);
    expect(toHex(decryptPkcs1v15Tls(priv, raw(em)))).toBe(toHex(msg));
    const minimal = block(K - 11); // PS of exactly 8 bytes
    expect(toHex(decryptPkcs1v15Tls(priv, raw(minimal.em), K - 11))).toBe(toHex(minimal.msg));
  });


  for (const [name, make] of malformed) {
    it(`${name}: 48 random bytes, no exception, fresh each time`, () => {
      const ct = make();
      const a = decryptPkcs1v15Tls(priv, ct);
      const b = decryptPkcs1v15Tls(priv, ct);
      expect(a).toBeInstanceOf(Uint8Array);
      expect(a.length).toBe(48);
      expect(b.length).toBe(48);
      expect(toHex(a)).not.toBe(toHex(b));
      if (ct.length === K) {
        // The general decryption agrees that the block is unusable as a 48-byte premaster.
        const m = decryptPkcs1v15(priv, ct);
        expect(m === null || m.length !== 48).toBe(true);
      }
    });
  }

  it('the general decryption rejects padding strings shorter than 8 bytes and accepts 8', () => {
    for (const ps of [0, 1, 7, 8]) {
      const msg = new Uint8Array(nc.randomBytes(K - 3 - ps));
      const em = Uint8Array.of(0, 2, ...nonZero(ps), 0, ...msg);
      const m = decryptPkcs1v15(priv, raw(em));
      expect(m && toHex(m)).toBe(ps === 8 ? toHex(msg) : null);
    }
  });

  it('valid ciphertexts give the same result twice', () => {
    const { em, msg } = block(48);
    const ct = raw(em);
    expect(toHex(decryptPkcs1v15Tls(priv, ct))).toBe(toHex(msg));
    expect(toHex(decryptPkcs1v15Tls(priv, ct))).toBe(toHex(msg));
  });
});

describe('decryptPkcs1v15Tls with the RSA operation done elsewhere (a provider’s rsaDecryptRaw)', () => {
  let calls = 0;
  // OpenSSL's raw RSA (RSADP, no padding), as the node:crypto provider does it.
  const openssl = (c: Uint8Array) => {
    calls++;
    return new Uint8Array(nc.privateDecrypt({ key: privateKey, padding: nc.constants.RSA_NO_PADDING }, c));
  };

  it('gives what the WASM operation gives, for valid and malformed ciphertexts alike', () => {
    const { em, msg } = block(48);
    calls = 0;
    expect(toHex(decryptPkcs1v15Tls(priv, raw(em), 48, undefined, openssl))).toBe(toHex(msg));
    expect(calls).toBe(1);
    for (const [name, make] of malformed) {
      const ct = make();
      const a = decryptPkcs1v15Tls(priv, ct, 48, 0x0303, openssl);
      const b = decryptPkcs1v15Tls(priv, ct, 48, 0x0303, openssl);
      expect([name, a.length, toHex(a) === toHex(b)]).toEqual([name, 48, false]);
    }
  });

  it('is not asked for ciphertexts out of range (their length and value against n are public)', () => {
    calls = 0;
    decryptPkcs1v15Tls(priv, new Uint8Array(K).fill(0xff), 48, undefined, openssl);
    decryptPkcs1v15Tls(priv, new Uint8Array(K - 1), 48, undefined, openssl);
    expect(calls).toBe(0);
  });

  it('an operation that throws or returns the wrong length gives random bytes, never an exception', () => {
    const ct = raw(block(48).em);
    for (const bad of [() => { throw new Error('boom'); }, () => new Uint8Array(K - 1), () => new Uint8Array(0)]) {
      const a = decryptPkcs1v15Tls(priv, ct, 48, undefined, bad);
      const b = decryptPkcs1v15Tls(priv, ct, 48, undefined, bad);
      expect(a.length).toBe(48);
      expect(toHex(a)).not.toBe(toHex(b));
    }
  });
});
