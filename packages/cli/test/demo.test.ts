// `npm start` runs scripts/demo.ts (after the build): it must work out of the box and exit 0.
import { describe, expect, it } from 'vitest';
import { finish, start } from './helpers.js';

describe('the npm start demo', () => {
  it('runs a sanstls server, a sanstls client and a node:tls client (which then resumes), and exits 0', async () => {
    const r = await finish(start('npx', ['tsx', 'scripts/demo.ts']), 60_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // The trace of the sanstls client, then both clients' results.
    expect(r.stdout).toMatch(/>>> ClientHello[\s\S]*<<< ServerHello[\s\S]*<<< Certificate[\s\S]*<<< ServerKeyExchange[\s\S]*<<< Finished/);
    expect(r.stdout).toContain('Verification: OK (localhost)');
    expect(r.stdout).toMatch(/protocol {3}: TLSv1\.2/);
    expect(r.stdout).toMatch(/authorized : yes/);
    expect(r.stdout.match(/HTTP\/1\.0 200 ok/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/resumed {4}: yes/);
    expect(r.stdout).toMatch(/Reused, TLSv1\.2, Cipher is /);
    expect(r.stdout).toContain('Both clients completed a TLS 1.2 handshake');
  });
});
