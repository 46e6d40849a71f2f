// Locates ../shared/vectors (beside the project root) and reads Wycheproof files. A missing directory is an
// error, not a skip: the vectors are part of the test suite.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS = process.env.SANSTLS_VECTORS ?? resolve(root, '../shared/vectors');

export function wycheproof<T = any>(file: string): T {
  const p = join(VECTORS, 'wycheproof', file);
  if (!existsSync(p)) throw new Error(`test vectors missing: ${p} (set SANSTLS_VECTORS)`);
  return JSON.parse(readFileSync(p, 'utf8')) as T;
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
