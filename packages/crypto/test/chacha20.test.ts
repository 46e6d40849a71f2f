// ChaCha20 (RFC 8439 §2.3–2.4): the RFC's vectors, then node:crypto's 'chacha20' (IV = le32 counter || nonce)
// as the reference on random inputs.
import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { chacha20 } from '@sanstls/crypto';
import { toHex } from './vectors';
import { IETF_TEXT, JABBERWOCKY, KEY_1C92, SUNSCREEN, h, seq } from './rfc8439';

function nodeChacha(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(0, counter, true);
  iv.set(nonce, 4);
  const c = createCipheriv('chacha20', key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

describe('chacha20: RFC 8439 vectors', () => {
  it('§2.3.2 block function', () => {
    const ks = chacha20(seq(32), h('000000090000004a00000000'), 1, new Uint8Array(64));
    expect(toHex(ks)).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
      'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e');
  });

  it('§2.4.2 encryption', () => {
    expect(SUNSCREEN.length).toBe(114);
    const ct = chacha20(seq(32), h('000000000000004a00000000'), 1, SUNSCREEN);
    expect(toHex(ct)).toBe(toHex(h(`
      6e2e359a2568f98041ba0728dd0d6981 e97e7aec1d4360c20a27afccfd9fae0b f91b65c5524733ab8f593dabcd62b357
      1639d624e65152ab8f530c359f0861d8 07ca0dbf500d6a6156a38e088a22b65e 52bc514d16ccf806818ce91ab7793736
      5af90bbf74a35be6b40b8eedf2785e42 874d`)));
    expect(chacha20(seq(32), h('000000000000004a00000000'), 1, ct)).toEqual(SUNSCREEN);
  });

  const zero32 = new Uint8Array(32);
  const key1 = new Uint8Array(32);
  key1[31] = 1;
  const key4 = new Uint8Array(32);
  key4[1] = 0xff;
  const blocks: [string, Uint8Array, string, number, string][] = [
    ['#1', zero32, '000000000000000000000000', 0,
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586'],
    ['#2', zero32, '000000000000000000000000', 1,
      '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f'],
    ['#3', key1, '000000000000000000000000', 1,
      '3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0'],
    ['#4', key4, '000000000000000000000000', 2,
      '72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096'],
    ['#5', zero32, '000000000000000000000002', 0,
      'c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d'],
  ];
  for (const [name, key, nonce, counter, out] of blocks) {
    it(`A.1 block function ${name}`, () => {
      expect(toHex(chacha20(key, h(nonce), counter, new Uint8Array(64)))).toBe(out);
    });
  }

  it('A.2 encryption #2 and #3', () => {
    expect(IETF_TEXT.length).toBe(375);
    expect(toHex(chacha20(key1, h('000000000000000000000002'), 1, IETF_TEXT))).toBe(toHex(h(`
      a3fbf07df3fa2fde4f376ca23e827370 41605d9f4f4f57bd8cff2c1d4b7955ec 2a97948bd3722915c8f3d337f7d37005
      0e9e96d647b7c39f56e031ca5eb6250d 4042e02785ececfa4b4bb5e8ead0440e 20b6e8db09d881a7c6132f420e527950
      42bdfa7773d8a9051447b3291ce1411c 680465552aa6c405b7764d5e87bea85a d00f8449ed8f72d0d662ab052691ca66
      424bc86d2df80ea41f43abf937d3259d c4b2d0dfb48a6c9139ddd7f76966e928 e635553ba76c5c879d7b35d49eb2e62b
      0871cdac638939e25e8a1e0ef9d5280f a8ca328b351c3c765989cbcf3daa8b6c cc3aaf9f3979c92b3720fc88dc95ed84
      a1be059c6499b9fda236e7e818b04b0b c39c1e876b193bfe5569753f88128cc0 8aaa9b63d1a16f80ef2554d7189c411f
      5869ca52c5b83fa36ff216b9c1d30062 bebcfd2dc5bce0911934fda79a86f6e6 98ced759c3ff9b6477338f3da4f9cd85
      14ea9982ccafb341b2384dd902f3d1ab 7ac61dd29c6f21ba5b862f3730e37cfd c4fd806c22f221`)));
    expect(JABBERWOCKY.length).toBe(127);
    expect(toHex(chacha20(KEY_1C92, h('000000000000000000000002'), 42, JABBERWOCKY))).toBe(toHex(h(`
      62e6347f95ed87a45ffae7426f27a1df 5fb69110044c0d73118effa95b01e5cf 166d3df2d721caf9b21e5fb14c616871
      fd84c54f9d65b283196c7fe4f60553eb f39c6402c42234e32a356b3e764312a6 1a5532055716ead6962568f87d3f3f77
      04c6a8d1bcd1bf4d50d6154b6da731b1 87b58dfd728afa36757a797ac188d1`)));
  });

  it('§2.6.2 and A.4: Poly1305 key generation (block 0, first 32 bytes)', () => {
    const otk = (key: Uint8Array, nonce: string) => toHex(chacha20(key, h(nonce), 0, new Uint8Array(32)));
    expect(otk(seq(32, 0x80), '000000000001020304050607'))
      .toBe('8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646');
    expect(otk(zero32, '000000000000000000000000'))
      .toBe('76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7');
    expect(otk(key1, '000000000000000000000002'))
      .toBe('ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739');
    expect(otk(KEY_1C92, '000000000000000000000002'))
      .toBe('965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae');
  });
});

describe('chacha20 vs node:crypto', () => {
  it('every length 0..300, random keys, nonces and counters', () => {
    for (let n = 0; n <= 300; n++) {
      const key = randomBytes(32), nonce = randomBytes(12), data = randomBytes(n);
      const counter = randomBytes(4).readUInt32LE(0) >>> 4; // far from the 2^32 end
      expect(toHex(chacha20(key, nonce, counter, data))).toBe(toHex(nodeChacha(key, nonce, counter, data)));
    }
  });

  it('large and chunk-boundary lengths', () => {
    for (const n of [255, 256, 257, 1023, 1024, 65535, 65536, 65537, 100 * 1024, 1 << 20]) {
      const key = randomBytes(32), nonce = randomBytes(12), data = randomBytes(n);
      expect(toHex(chacha20(key, nonce, 7, data))).toBe(toHex(nodeChacha(key, nonce, 7, data)));
    }
  });

  it('unaligned subarrays', () => {
    const key = randomBytes(32), nonce = randomBytes(12);
    const big = new Uint8Array(randomBytes(2000));
    for (let off = 1; off < 16; off++) {
      const data = big.subarray(off, off + 700 + off);
      expect(toHex(chacha20(key, nonce, 1, data))).toBe(toHex(nodeChacha(key, nonce, 1, data)));
    }
  });

  it('counter up to the last block 2^32 − 1, and refuses to wrap', () => {
    const key = randomBytes(32), nonce = randomBytes(12);
    for (const blocks of [1, 3, 4, 5, 9]) {
      const data = randomBytes(blocks * 64);
      const start = 0x100000000 - blocks;
      expect(toHex(chacha20(key, nonce, start, data))).toBe(toHex(nodeChacha(key, nonce, start, data)));
      expect(() => chacha20(key, nonce, start, new Uint8Array(blocks * 64 + 1))).toThrow(RangeError);
    }
    expect(() => chacha20(key, nonce, 0xffffffff, new Uint8Array(64))).not.toThrow();
    expect(() => chacha20(key, nonce, 0x100000000, new Uint8Array(0))).toThrow(RangeError);
  });

  it('rejects bad key and nonce lengths', () => {
    expect(() => chacha20(new Uint8Array(31), new Uint8Array(12), 0, new Uint8Array(1))).toThrow(RangeError);
    expect(() => chacha20(new Uint8Array(32), new Uint8Array(8), 0, new Uint8Array(1))).toThrow(RangeError);
    expect(() => chacha20(new Uint8Array(32), new Uint8Array(16), 0, new Uint8Array(1))).toThrow(RangeError);
  });
});
