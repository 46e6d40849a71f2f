// Default trust anchors: Node's tls.rootCertificates on Node, @sanstls/roots (the same Mozilla list,
// copied at build time) on Deno. Real public chains from x509-limbo's `online` family validate at
// their recorded time with no anchors given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { rootCertificates as nodeRoots } from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rootCertificates as bundledRoots } from '@sanstls/roots';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LimboCase } from '../scripts/limbo-lib.js';
import { TrustStore, defaultTrustStore, defaultTrustStoreSource, pemToDer, verifyChain } from '../src/index.js';
import { Pki, standardChain } from './helpers/pki.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIMBO = resolve(root, '../shared/vectors/x509-limbo/limbo-core.json');
const online = (JSON.parse(readFileSync(LIMBO, 'utf8')) as { testcases: LimboCase[] }).testcases.filter((c) =>
  c.id.startsWith('online::'),
);

const ids = (s: TrustStore) => s.anchors.map((c) => c.id).sort();

describe('default trust store on Node', () => {
  it("is Node's tls.rootCertificates, every root parsed", () => {
    expect(defaultTrustStoreSource()).toBe('node:tls');
    const store = defaultTrustStore();
    expect(store).toBe(defaultTrustStore()); // parsed once
    expect(store.rejected).toEqual([]);
    expect(store.anchors.length).toBe(nodeRoots.length);
    expect(ids(store)).toEqual(ids(new TrustStore(nodeRoots)));
  });

  it('holds the same roots as @sanstls/roots', () => {
    expect(ids(new TrustStore(bundledRoots))).toEqual(ids(defaultTrustStore()));
  });

  it('has the online chains to check against, their roots in Mozilla list', () => {
    expect(online.length).toBeGreaterThanOrEqual(10);
    const mozilla = new TrustStore(nodeRoots);
    for (const c of online) {
      expect(c.expected_result).toBe('SUCCESS');
      const [anchor] = new TrustStore(c.trusted_certs).anchors;
      expect(anchor && mozilla.has(anchor), c.id).toBe(true);
    }
  });

  for (const c of online) {
    it(`validates ${c.id} without explicit anchors`, () => {
      const r = verifyChain({
        chain: pemToDer(c.peer_certificate),
        intermediates: c.untrusted_intermediates.flatMap((p) => pemToDer(p)),
        purpose: 'server',
        time: new Date(c.validation_time!),
        host: c.expected_peer_name!.value,
      });
      expect(defaultTrustStore().has(r.path[r.path.length - 1]!)).toBe(true);
    });
  }

  describe('with a private root', () => {
    let pki: Pki;
    beforeAll(() => {
      pki = new Pki();
    });
    afterAll(() => pki.cleanup());

    it('does not trust it by default', () => {
      const { leaf, ica } = standardChain(pki);
      expect(() => verifyChain({ chain: [leaf.der, ica.der], purpose: 'server', host: 'example.com' })).toThrow(
        expect.objectContaining({ code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }),
      );
    });
  });
});

describe('default trust store on Deno', () => {
  const dist = join(root, 'packages/x509/dist/index.js');
  const deno = join(root, 'node_modules/.bin/deno');

  it('is built (npm test builds first)', () => {
    expect(existsSync(dist), `${dist} missing: run npm run build`).toBe(true);
    expect(existsSync(join(root, 'packages/roots/dist/index.js'))).toBe(true);
  });

  it('comes from @sanstls/roots and validates a public chain', () => {
    const c = online.find((x) => x.id === 'online::google.com') ?? online[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'sanstls-x509-deno-'));
    try {
      const script = join(dir, 'anchors.mjs');
      writeFileSync(
        script,
        `
        import * as X from ${JSON.stringify(pathToFileURL(dist).href)};
        const c = ${JSON.stringify(c)};
        const r = X.verifyChain({
          chain: X.pemToDer(c.peer_certificate),
          intermediates: c.untrusted_intermediates.flatMap((p) => X.pemToDer(p)),
          purpose: 'server',
          time: new Date(c.validation_time),
          host: c.expected_peer_name.value,
        });
        console.log(JSON.stringify({ source: X.defaultTrustStoreSource(), roots: X.defaultTrustStore().anchors.length, path: r.path.length }));
      `,
      );
      // The script lives outside the repository, so Deno is told to resolve bare imports from ./node_modules.
      const out = execFileSync(deno, ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', `--allow-read=${root},${dir}`, script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const res = JSON.parse(out.trim().split('\n').pop()!) as { source: string; roots: number; path: number };
      expect(res.source).toBe('@sanstls/roots');
      expect(res.roots).toBe(bundledRoots.length);
      expect(res.path).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('in a browser bundle', () => {
  it('bundles with no Node built-in imported, carrying the Mozilla roots', async () => {
    const r = await build({
      entryPoints: [join(root, 'packages/x509/src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    const code = r.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bfrom\s*["']node:|\brequire\(|\bimport\(/);
    expect(code.split('BEGIN CERTIFICATE').length - 1).toBe(bundledRoots.length);
  });
});
