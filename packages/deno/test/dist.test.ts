// The published files: plain ESM for any runtime's loader, importing only the sanstls packages, and
// declarations that do not touch the global Deno namespace (a Deno user's own types stay authoritative).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST } from './helpers.js';

describe('@sanstls/deno dist', () => {
  it('imports only @sanstls/core and @sanstls/x509, nothing runtime-specific', () => {
    const code = readFileSync(DIST, 'utf8');
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(new Set(imports)).toEqual(new Set(['@sanstls/core', '@sanstls/x509']));
    expect(code).not.toMatch(/from\s*["']node:|require\(|process\./);
  });

  it('declares no globals', () => {
    const dts = readFileSync(join(DIST, '../index.d.ts'), 'utf8');
    expect(dts).not.toMatch(/declare global|declare namespace Deno|\/\/\/ <reference/);
    expect(dts).toMatch(/declare function connect\(/);
    expect(dts).toMatch(/declare function listen\(/);
  });
});
