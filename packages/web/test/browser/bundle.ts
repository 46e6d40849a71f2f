// Browser bundles built with tsup's API (esbuild underneath): the test page's script, and @sanstls/web
// alone, minified, for its size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'tsup';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function bundle(entry: string, outDir: string, minify: boolean): Promise<string> {
  await build({
    entry: { out: entry },
    outDir,
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    splitting: false,
    sourcemap: false,
    dts: false,
    minify,
    clean: false,
    config: false,
    silent: true,
  });
  return join(outDir, 'out.js');
}

/** The test page's script with everything it imports, as one ES module file. */
export function bundlePage(outDir: string): Promise<string> {
  return bundle(here('./page.ts'), outDir, false);
}

/** Bytes of @sanstls/web with all of its dependencies (core, x509, crypto with the WASM inlined), minified. */
export async function bundleSize(outDir: string): Promise<{ min: number; gzip: number }> {
  const file = await bundle(here('../../src/index.ts'), outDir, true);
  const code = readFileSync(file);
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}
