// The node:crypto provider against the WASM default on random inputs: every output must be identical.
import { randomBytes, randomInt } from 'node:crypto';
import { wasmProvider, type AeadAlgorithm, type HashAlgorithm } from '@sanstls/crypto';
import { describe, expect, it } from 'vitest';
import { nodeCryptoProvider as native } from '../src/native-provider.js';

const rnd = (n: number) => new Uint8Array(randomBytes(n));
const ROUNDS = 40;
const AEADS: [AeadAlgorithm, number][] = [['AES-128-GCM', 16], ['AES-256-GCM', 32], ['CHACHA20-POLY1305', 32]];
const HASHES: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];
/** Lengths around block and record boundaries, plus a random one. */
const lengths = () => [0, 1, 15, 16, 17, 63, 64, 65, 1000, 16384, randomInt(0, 70_000)];

describe('nodeCryptoProvider ≡ wasmProvider', () => {
  for (const [alg, keyLen] of AEADS) {
    it(`${alg}: seal/open and the in-place forms agree, forgeries fail in both`, () => {
      for (let r = 0; r < ROUNDS; r++) {
        const key = rnd(keyLen);
        const a = native.aead(alg, key);
        const b = wasmProvider.aead(alg, key);
        expect(a.tagLength).toBe(b.tagLength);
        expect(a.nonceLength).toBe(b.nonceLength);
        for (const n of lengths().slice(r % 3 === 0 ? 0 : 8)) {
          const nonce = rnd(12);
          const aad = rnd(randomInt(0, 30));
          const pt = rnd(n);
          const s1 = a.seal(nonce, pt, aad);
          expect(Buffer.from(s1).equals(Buffer.from(b.seal(nonce, pt, aad)))).toBe(true);
          expect(Buffer.from(b.open(nonce, s1, aad)!).equals(Buffer.from(pt))).toBe(true);
          expect(Buffer.from(a.open(nonce, s1, aad)!).equals(Buffer.from(pt))).toBe(true);

          // In place at an offset inside a larger buffer.
          const off = randomInt(0, 9);
          const buf1 = new Uint8Array(off + n + 16 + 3);
          buf1.set(pt, off);
          const buf2 = buf1.slice();
          a.sealInPlace(buf1, off, n, nonce, aad);
          b.sealInPlace(buf2, off, n, nonce, aad);
          expect(Buffer.from(buf1).equals(Buffer.from(buf2))).toBe(true);
          expect(a.openInPlace(buf1, off, n + 16, nonce, aad)).toBe(n);
          expect(Buffer.from(buf1.subarray(off, off + n)).equals(Buffer.from(pt))).toBe(true);
          // sealInto (the record writer's path for this provider): the same bytes, the plaintext untouched.
          const buf3 = new Uint8Array(off + n + 16 + 3);
          const ptCopy = pt.slice();
          a.sealInto!(buf3, off, pt, nonce, aad);
          expect(Buffer.from(buf3).equals(Buffer.from(buf2))).toBe(true);
          expect(Buffer.from(pt).equals(Buffer.from(ptCopy))).toBe(true);

          // A flipped bit: both refuse, and the in-place buffer is left as it was.
          const bad = s1.slice();
          bad[randomInt(0, bad.length)]! ^= 1 << randomInt(0, 8);
          expect(a.open(nonce, bad, aad)).toBeNull();
          expect(b.open(nonce, bad, aad)).toBeNull();
          const badCopy = bad.slice();
          expect(a.openInPlace(bad, 0, bad.length, nonce, aad)).toBe(-1);
          expect(Buffer.from(bad).equals(Buffer.from(badCopy))).toBe(true);
        }
        a.dispose();
        b.dispose();
      }
    });
  }

  it('AES-CBC without padding: in place, chained IVs', () => {
    for (let r = 0; r < ROUNDS; r++) {
      const key = rnd([16, 32][r % 2]!);
      const a = native.cbc(key);
      const b = wasmProvider.cbc(key);
      const blocks = randomInt(0, 300);
      const off = randomInt(0, 5);
      const data = rnd(off + blocks * 16 + 2);
      const iv = rnd(16);
      const ivA = iv.slice();
      const ivB = iv.slice();
      const x = data.slice();
      const y = data.slice();
      a.encryptInPlace(x, off, blocks * 16, ivA);
      b.encryptInPlace(y, off, blocks * 16, ivB);
      expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
      expect(Buffer.from(ivA).equals(Buffer.from(ivB))).toBe(true);
      const ivMid = ivA.slice();
      // A second call continues the chain the same way.
      a.encryptInPlace(x, off, blocks * 16, ivA);
      b.encryptInPlace(y, off, blocks * 16, ivB);
      expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
      const ivD1 = ivMid.slice();
      const ivD2 = ivMid.slice();
      const x2 = x.slice();
      a.decryptInPlace(x, off, blocks * 16, ivD1);
      b.decryptInPlace(x2, off, blocks * 16, ivD2);
      expect(Buffer.from(x).equals(Buffer.from(x2))).toBe(true);
      expect(Buffer.from(ivD1).equals(Buffer.from(ivD2))).toBe(true);
      a.decryptInPlace(x, off, blocks * 16, iv.slice());
      expect(Buffer.from(x).equals(Buffer.from(data))).toBe(true);
      a.dispose();
      b.dispose();
    }
  });

  for (const alg of HASHES) {
    it(`${alg}: hash with clone, reuse after digest, and HMAC with clone`, () => {
      for (let r = 0; r < ROUNDS; r++) {
        const h1 = native.hash(alg);
        const h2 = wasmProvider.hash(alg);
        expect([h1.outputLength, h1.blockLength]).toEqual([h2.outputLength, h2.blockLength]);
        const m1 = rnd(randomInt(0, 3000));
        const m2 = rnd(randomInt(0, 3000));
        h1.update(m1);
        h2.update(m1);
        const c1 = h1.clone();
        const c2 = h2.clone();
        h1.update(m2);
        h2.update(m2);
        expect(Buffer.from(h1.digest()).equals(Buffer.from(h2.digest()))).toBe(true);
        expect(Buffer.from(c1.digest()).equals(Buffer.from(c2.digest()))).toBe(true);
        // After digest() both are reset.
        expect(Buffer.from(h1.update(m2).digest()).equals(Buffer.from(h2.update(m2).digest()))).toBe(true);

        const key = rnd([0, 1, 20, 64, 128, 200][r % 6]!);
        const k1 = native.hmac(alg, key);
        const k2 = wasmProvider.hmac(alg, key);
        k1.update(m1);
        k2.update(m1);
        const kc1 = k1.clone();
        const kc2 = k2.clone();
        k1.update(m2);
        k2.update(m2);
        expect(Buffer.from(k1.digest()).equals(Buffer.from(k2.digest()))).toBe(true);
        expect(Buffer.from(kc1.digest()).equals(Buffer.from(kc2.digest()))).toBe(true);
        expect(Buffer.from(k1.update(m2).digest()).equals(Buffer.from(k2.update(m2).digest()))).toBe(true);
        k1.reset().update(m1);
        k2.reset().update(m1);
        expect(Buffer.from(k1.digest()).equals(Buffer.from(k2.digest()))).toBe(true);
      }
    });
  }

  it('TLS PRF (sha256, sha384) for random secrets, labels, seeds and lengths', () => {
    for (let r = 0; r < ROUNDS * 2; r++) {
      const alg = r % 2 === 0 ? 'sha256' : 'sha384';
      const secret = rnd(randomInt(0, 100));
      const label = ['master secret', 'key expansion', 'client finished', 'x'][r % 4]!;
      const seed = rnd(randomInt(0, 80));
      const len = randomInt(0, 200);
      const x = native.prf(alg, secret, label, seed, len);
      const y = wasmProvider.prf(alg, secret, label, seed, len);
      expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
    }
  });

  it('randomBytes gives the asked length and varies', () => {
    const a = native.randomBytes(32);
    const b = native.randomBytes(32);
    expect(a.length).toBe(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

describe('nodeCryptoProvider ECDH ≡ @noble/curves (through the core)', () => {
  it('each group: both directions agree on the shared secret; invalid shares are refused', async () => {
    const { x25519 } = await import('@noble/curves/ed25519.js');
    const { p256, p384 } = await import('@noble/curves/nist.js');
    const curves = { secp256r1: p256, secp384r1: p384 } as const;
    for (const group of ['x25519', 'secp256r1', 'secp384r1'] as const) {
      for (let r = 0; r < 10; r++) {
        const ours = native.ecdh!(group);
        let theirs: { secret: Uint8Array; pub: Uint8Array; shared: (p: Uint8Array) => Uint8Array };
        if (group === 'x25519') {
          const k = x25519.keygen();
          theirs = { secret: k.secretKey, pub: k.publicKey, shared: (p) => x25519.getSharedSecret(k.secretKey, p) };
        } else {
          const c = curves[group];
          const k = c.keygen();
          theirs = { secret: k.secretKey, pub: c.getPublicKey(k.secretKey, false), shared: (p) => c.getSharedSecret(k.secretKey, p, true).subarray(1) };
        }
        const a = ours.derive(theirs.pub);
        const b = theirs.shared(ours.publicKey);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        ours.dispose();
        expect(() => ours.derive(theirs.pub)).toThrow();
      }
      if (group !== 'x25519') {
        const bad = new Uint8Array(group === 'secp256r1' ? 65 : 97);
        bad[0] = 4;
        bad[5] = 1; // (0, ..., 1, ...) is not on the curve
        expect(() => native.ecdh!(group).derive(bad)).toThrow();
      }
    }
  });

  it('a handshake with crypto: native uses it (sanstls client ↔ sanstls server, every group)', async () => {
    const { ClientConnection, ServerConnection, loadCredential } = await import('@sanstls/core');
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sanstls-native-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1'], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
      const credential = loadCredential(cert, readFileSync(join(dir, 'k.pem'), 'utf8'));
      for (const group of ['x25519', 'secp256r1', 'secp384r1'] as const) {
        let calls = 0;
        const counting = { ...native, ecdh: (g: typeof group) => (calls++, native.ecdh!(g)) };
        const c = new ClientConnection({ serverName: 'localhost', ca: cert, groups: [group], crypto: counting });
        const s = new ServerConnection({ credentials: [credential], groups: [group], crypto: counting });
        for (let i = 0; i < 10; i++) {
          s.receive(c.takeOutgoing());
          c.receive(s.takeOutgoing());
        }
        expect([c.state, c.error?.message, s.error?.message]).toEqual(['connected', undefined, undefined]); // Ed25519: fits every group
        expect(s.state).toBe('connected');
        expect(c.handshake?.group).toBe(group);
        expect(calls).toBe(2); // one key pair per side
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nodeCryptoProvider signatures ≡ the core’s own (@noble/curves, WASM RSA)', () => {
  it('every scheme: native signs, core verifies; core signs, native verifies; tampering fails', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { SignatureScheme: S, parsePrivateKey } = await import('@sanstls/core');
    const { sign, verify } = await import('../../core/src/handshake/signature.js');
    const peer = (pub: import('node:crypto').KeyObject) => {
      const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
      const d = pub.asymmetricKeyDetails!;
      if (pub.asymmetricKeyType === 'rsa') return { type: 'rsa' as const, spki, bits: d.modulusLength! };
      const jwk = pub.export({ format: 'jwk' });
      if (pub.asymmetricKeyType === 'ed25519') return { type: 'ed25519' as const, key: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
      const point = new Uint8Array(Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]));
      return { type: 'ec' as const, curve: d.namedCurve === 'prime256v1' ? ('P-256' as const) : ('P-384' as const), point };
    };
    const cases = [
      { pair: generateKeyPairSync('rsa', { modulusLength: 2048 }), format: 'pkcs1' as const, schemes: [S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha384, S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha512] },
      { pair: generateKeyPairSync('ec', { namedCurve: 'P-256' }), format: 'sec1' as const, schemes: [S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384] },
      { pair: generateKeyPairSync('ec', { namedCurve: 'P-384' }), format: 'pkcs8' as const, schemes: [S.ecdsa_secp384r1_sha384] },
      { pair: generateKeyPairSync('ed25519'), format: 'pkcs8' as const, schemes: [S.ed25519] },
    ];
    let n = 0;
    for (const { pair, format, schemes } of cases) {
      const pem = pair.privateKey.export({ type: format, format: 'pem' }).toString();
      const key = parsePrivateKey(pem);
      expect(key.der?.format).toBe(format);
      const pub = peer(pair.publicKey);
      for (const scheme of schemes) {
        const data = rnd(200);
        const byNative = sign(native, key, scheme, data);
        const byCore = sign(wasmProvider, key, scheme, data);
        expect(verify(wasmProvider, pub, scheme, data, byNative)).toBe(true);
        expect(verify(native, pub, scheme, data, byCore)).toBe(true);
        expect(verify(native, pub, scheme, data, byNative)).toBe(true);
        const bad = byNative.slice();
        bad[bad.length - 3]! ^= 1;
        expect(verify(native, pub, scheme, data, bad)).toBe(false);
        expect(verify(native, pub, scheme, rnd(200), byNative)).toBe(false);
        n++;
      }
    }
    expect(n).toBe(8);
  });
});

describe('nodeCryptoProvider DH ≡ the core’s WASM modexp', () => {
  it('ffdhe2048/3072: same public value and shared secret for the same exponent; a DHE handshake uses it', async () => {
    const { generateDh, dhSharedSecret, dhGroupOf } = await import('../../core/src/handshake/key-exchange/dhe.js');
    const { ffdheGroup } = await import('../../core/src/handshake/key-exchange/ffdhe-groups.js');
    for (const name of ['ffdhe2048', 'ffdhe3072'] as const) {
      const group = dhGroupOf(ffdheGroup(name));
      for (let r = 0; r < 3; r++) {
        const seed = rnd(group.exponentBytes);
        const mine = generateDh(group, () => seed.slice(), native);
        const core = generateDh(group, () => seed.slice());
        expect(Buffer.from(mine.publicKey).equals(Buffer.from(core.publicKey))).toBe(true);
        const peer = generateDh(group, (n) => rnd(n));
        const a = dhSharedSecret(mine, peer.publicKey);
        const b = dhSharedSecret(peer, mine.publicKey);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        mine.native?.dispose();
      }
    }
    const { ClientConnection, ServerConnection, loadCredential } = await import('@sanstls/core');
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sanstls-native-dh-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1'], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
      let calls = 0;
      const counting = { ...native, dh: (p: Uint8Array, g: Uint8Array, x: Uint8Array) => (calls++, native.dh!(p, g, x)) };
      const suite = ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'];
      const c = new ClientConnection({ serverName: 'localhost', ca: cert, cipherSuites: suite, crypto: counting });
      const s = new ServerConnection({ credentials: [loadCredential(cert, readFileSync(join(dir, 'k.pem'), 'utf8'))], cipherSuites: suite, crypto: counting });
      for (let i = 0; i < 10; i++) {
        s.receive(c.takeOutgoing());
        c.receive(s.takeOutgoing());
      }
      expect([c.state, s.state]).toEqual(['connected', 'connected']);
      expect(c.handshake).toMatchObject({ keyExchange: 'DHE', group: 'ffdhe2048' });
      expect(calls).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
