// @sanstls/crypto as published (dist/) loads the same way outside Node: no fs, no fetch, no import.meta,
// the WASM bytes inlined. Deno (the real binary from the npm `deno` package) must compute the same
// answers as node:crypto.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(root, 'packages/crypto/dist/index.js');
const deno = join(root, 'node_modules/.bin/deno');

describe('@sanstls/crypto outside Node', () => {
  it('is built (npm test builds first)', () => {
    expect(existsSync(dist), `${dist} missing: run npm run build`).toBe(true);
  });

  it('ships no runtime-specific loading code', () => {
    const code = readFileSync(dist, 'utf8');
    expect(code).not.toMatch(/from\s*["']node:|require\(|import\.meta|\bfetch\(|readFileSync/);
    expect(code).toMatch(/WASM_BASE64|AGFzbQ/); // the module's bytes are inlined ("\0asm" in base64)
  });

  it('computes the same answers in Deno as node:crypto here', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanstls-deno-'));
    const script = join(dir, 'smoke.mjs');
    writeFileSync(script, `
      import * as S from ${JSON.stringify(pathToFileURL(dist).href)};
      const enc = new TextEncoder();
      const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const key = Uint8Array.from({ length: 32 }, (_, i) => i);
      const nonce = new Uint8Array(12).fill(7);
      const pt = enc.encode('sanstls runs in Deno too');
      const aad = enc.encode('header');
      await S.initCrypto();
      console.log(JSON.stringify({
        sha256: hex(S.hash('sha256', enc.encode('abc'))),
        sha384: hex(S.hash('sha384', pt)),
        hmac: hex(S.hmac('sha256', key, pt)),
        gcm: hex(new S.AesGcm(key.subarray(0, 16)).seal(nonce, pt, aad)),
        chacha: hex(new S.ChaCha20Poly1305(key).seal(nonce, pt, aad)),
      }));
    `);
    const out = execFileSync(deno, ['run', '--quiet', '--no-prompt', `--allow-read=${root}`, script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const got = JSON.parse(out.trim().split('\n').pop()!);
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const nonce = Buffer.alloc(12, 7);
    const pt = Buffer.from('sanstls runs in Deno too');
    const aad = Buffer.from('header');
    const seal = (alg: string, k: Buffer) => {
      const c = createCipheriv(alg as 'aes-128-gcm', k, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: pt.length });
      return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
    };
    expect(got).toEqual({
      sha256: createHash('sha256').update('abc').digest('hex'),
      sha384: createHash('sha384').update(pt).digest('hex'),
      hmac: createHmac('sha256', key).update(pt).digest('hex'),
      gcm: seal('aes-128-gcm', key.subarray(0, 16)),
      chacha: seal('chacha20-poly1305', key),
    });
  });
});
