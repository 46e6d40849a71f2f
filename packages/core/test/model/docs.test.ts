// The diagrams in docs/ are generated from the machine definitions (npm run model); this fails when the
// committed text differs from a fresh generation, so the pictures cannot drift from the code.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accepts, buildModel, generatedDocs, mermaid, REPO_ROOT, ROLES } from '../../scripts/handshake-model.js';

const read = (rel: string) => (existsSync(join(REPO_ROOT, rel)) ? readFileSync(join(REPO_ROOT, rel), 'utf8') : '(missing)');

describe('docs/handshake*.md are generated from the machines', () => {
  const fresh = generatedDocs(read('docs/handshake.md'));
  for (const [rel, text] of Object.entries(fresh)) {
    it(`${rel} is up to date (else: npm run model)`, () => {
      expect(read(rel)).toBe(text);
    });
  }

  it('each diagram has an edge for every accepting transition of its machine', () => {
    for (const role of ROLES) {
      const m = buildModel(role);
      const d = mermaid(m);
      for (const t of m.transitions.filter(accepts)) expect(d).toContain(`${t.from} --> ${t.to}: ${t.event}`);
      expect(read('docs/handshake.md')).toContain(d);
    }
  });
});
