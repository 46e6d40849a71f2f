// Replays the committed fuzz corpus (corpus/*.json): each entry is the exact bytes fed, chunk by chunk, to a
// fresh seeded connection of one recorded handshake (harness.ts: fixed PKI, seeded crypto, so the same bytes
// give the same run in every process), and the outcome it must have. Failing inputs found by `npm run fuzz` or
// by the bounded run land in test-results/fuzz/ in this format; copying one here makes it a regression test.
// When the recorded handshakes change (a new extension in the ClientHello, a new message in a flight), the
// recorded inputs no longer replay to their outcome: `npm run fuzz -- --corpus` remakes every entry from what
// it stands for (role, handshake, outcome, final state), and fills entries written with no chunks.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endOf, unhex, type CorpusEntry } from './engine.js';
import { findScript, replay } from './harness.js';

const dir = new URL('./corpus/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('fuzz corpus', () => {
  it('has entries', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const entry = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as CorpusEntry;
    it(`${file}: ${entry.description}`, () => {
      const r = replay(findScript(entry.role, entry.script), entry.chunks.map(unhex));
      expect(r.violations).toEqual([]);
      expect({ handshake: r.handshake, end: endOf(r) }).toEqual(entry.expect);
    });
  }
});
