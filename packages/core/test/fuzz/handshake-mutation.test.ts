// The bounded CI run of the handshake mutation fuzzer (engine.ts) against both roles. Every case must end in a
// clean completion or exactly one error event carrying a TlsError with a stable code (never INTERNAL_ERROR), with
// no exception out of receive()/takeOutgoing()/events(), bounded buffers and output, and work bounded by the bytes
// fed (harness.ts, Judge). The long run is `npm run fuzz`.
//
// Supersedes the mutation part of test/handshake/fuzz.test.ts: that test mutates raw bytes of one recorded
// openssl session and one node:tls ClientHello, so every mutation after the first flight ends at
// bad_record_mac; here the scripted peer re-protects and re-finishes mutated flights over the real transcript,
// which reaches the checks of every later handshake state, for every key exchange, in both roles.
//
// FUZZ_SEED and FUZZ_CASES override the campaign; a failure names its seed and case, and is written to
// test-results/fuzz/ in the corpus format (copy it into corpus/ as a regression test).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseSpec, genuineFlights, makeDictionary, makePlan, runCase, toCorpusEntry, type Dictionary } from './engine.js';
import { TlsError } from '../../src/errors.js';
import type { ConnectionEvent } from '../../src/index.js';
import { Judge, loadScripts, PlatformRandom, replay, ROLES, signature, type Scripts } from './harness.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : 0x7153_2024;
const CASES = process.env.FUZZ_CASES ? Number(process.env.FUZZ_CASES) : 2400;

let scripts: Scripts;
let dict: Dictionary;
beforeAll(() => {
  scripts = loadScripts();
  dict = makeDictionary([...scripts.client, ...scripts.server]);
});

describe('recorded handshakes', () => {
  it('every key exchange, an abbreviated handshake and client certificates are recorded in both roles', () => {
    expect(scripts.unavailable).toEqual([]);
    for (const role of ROLES) {
      expect(scripts[role].length).toBeGreaterThanOrEqual(8);
      expect(scripts[role].filter((s) => s.resumed).map((s) => s.name)).toEqual(['ecdhe-ecdsa-aes128gcm-resumed']);
      // CertificateRequest from the server; Certificate and CertificateVerify from the client.
      const withCert = scripts[role].find((s) => s.name === 'ecdhe-ecdsa-chacha20-client-cert')!;
      expect(withCert.messages.map((m) => m.event)).toContain(role === 'client' ? 'certificate_request' : 'certificate_verify');
    }
  });

  it('unmutated, each completes, delivers data and closes cleanly; replaying its bytes gives the same run', () => {
    for (const role of ROLES) {
      for (const script of scripts[role]) {
        const r = runCase(script, makePlan(1, genuineFlights(script).length, false), dict);
        expect(r.violations, `${role} ${script.name}`).toEqual([]);
        expect(signature(role, r), `${role} ${script.name}`).toBe(`${role} handshake closed @connected`);
        const again = replay(script, r.chunks);
        expect(again.violations).toEqual([]);
        expect(signature(role, again)).toBe(signature(role, r));
      }
    }
  });
});

describe('mutation fuzzer, bounded run', () => {
  it(`${CASES} mutated handshakes (seed ${SEED}): completion or one stable TlsError, nothing else`, () => {
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let completedMutated = 0;
    for (let index = 0; index < CASES; index++) {
      const spec = caseSpec(scripts, SEED, index);
      const r = runCase(spec.script, spec.plan, dict);
      const sig = signature(spec.role, r);
      outcomes.set(sig, (outcomes.get(sig) ?? 0) + 1);
      if (r.handshake && spec.plan.mutations.length) completedMutated++;
      if (r.violations.length === 0) continue;
      const dir = join(process.cwd(), 'test-results', 'fuzz');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${spec.role}-${spec.script.name}-${SEED}-${index}.json`);
      writeFileSync(file, `${JSON.stringify(toCorpusEntry(spec, SEED, r, `fuzz failure: ${r.violations[0]}`), null, 1)}\n`);
      failures.push(`case ${index} (FUZZ_SEED=${SEED}; npm run fuzz -- --seed ${SEED} --case ${index}), ${spec.role} ${spec.script.name}, mutations ${r.log.join(', ')}: ${r.violations.join('; ')} [input: ${file}]`);
    }
    expect(failures).toEqual([]);
    // The fuzzer reaches deep: many distinct outcomes, failures after the peer's whole first flight was
    // accepted (in both roles), and mutations a correct implementation accepts still complete.
    expect(outcomes.size).toBeGreaterThanOrEqual(40);
    for (const role of ROLES) {
      const mine = [...outcomes.keys()].filter((k) => k.startsWith(`${role} `));
      expect(mine.some((k) => k.includes('no-handshake') && k.endsWith('@waitFinished')), role).toBe(true);
      expect(mine.some((k) => k.includes('no-handshake') && k.endsWith('@waitChangeCipherSpec')), role).toBe(true);
      expect(mine.some((k) => /^\w+ handshake /.test(k)), role).toBe(true);
    }
    expect(completedMutated).toBeGreaterThan(0);
  });
});

/** A stand-in connection misbehaving on purpose: the oracle must notice each fault. */
class Faulty {
  state: 'handshaking' | 'connected' | 'closed' | 'failed' = 'handshaking';
  handshakeState = 'fake';
  record = { reader: { pendingLength: 0 } };
  assembler = { bufferedBytes: 0 };
  private queue: ConnectionEvent[] = [];
  constructor(private readonly fault: string) {}
  receive(b: Uint8Array): void {
    if (this.state === 'failed') return;
    const fail = (error: unknown) => {
      this.state = 'failed';
      this.queue.push({ type: 'error', error: error as TlsError });
    };
    switch (this.fault) {
      case 'throws': throw new TypeError('cannot read properties of undefined');
      case 'internal': return fail(new TlsError('INTERNAL_ERROR', 'internal_error', 'oops'));
      case 'not-tls': return fail(new RangeError('offset out of bounds'));
      case 'two-errors': fail(new TlsError('DECODE_ERROR', 'decode_error', 'a')); return fail(new TlsError('DECODE_ERROR', 'decode_error', 'b'));
      case 'hoards': this.record.reader.pendingLength += b.length * 100_000; return;
      default: return;
    }
  }
  receiveEof(): void {
    if (this.fault !== 'ignores-eof') {
      this.state = 'failed';
      this.queue.push({ type: 'error', error: new TlsError('TRUNCATED', 'close_notify', 'eof') });
    }
  }
  takeOutgoing(): Uint8Array {
    return this.state === 'failed' && this.fault !== 'two-errors' ? Uint8Array.of(21, 3, 3, 0, 2, 2, 80) : new Uint8Array(0);
  }
  events(): ConnectionEvent[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }
}

describe('the oracle', () => {
  it.each([
    ['throws', /receive\(\) threw: TypeError/],
    ['internal', /error code INTERNAL_ERROR/],
    ['not-tls', /not a TlsError/],
    ['two-errors', /event error after the error event/],
    ['hoards', /held by the record reader/],
    ['ignores-eof', /still handshaking after EOF/],
  ])('catches a connection that %s', (fault, violation) => {
    const judge = new Judge(new Faulty(fault) as never, new PlatformRandom('oracle'));
    judge.feed(Uint8Array.of(22, 3, 3, 0, 1, 0));
    const o = judge.finish();
    expect(o.violations.join('\n')).toMatch(violation);
  });
});
