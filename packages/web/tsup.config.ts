import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The adapter: Web APIs only, for browsers, workers, Deno, Bun and Node.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: ['!relay/**'],
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
  },
  {
    // The relay (Node): its own output directory, so neither build cleans the other's files.
    entry: { index: 'src/relay/index.ts', bin: 'src/relay/bin.ts' },
    outDir: 'dist/relay',
    format: ['esm'],
    dts: { entry: { index: 'src/relay/index.ts' } },
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
  },
]);
