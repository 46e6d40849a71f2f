// Shared by the model tests: the PKI, the scripts for each role, the model, and the coverage recorder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCredential, type ClientOptions, type ServerOptions } from '../../src/index.js';
import { COVERAGE_DIR, type Observation } from '../../scripts/handshake-model.js';
import { makePki, type Pki } from '../interop/pki.js';
import { scriptsFor, type Script } from './peer.js';

export interface Fixture {
  readonly pki: Pki;
  readonly client: ClientOptions;
  readonly server: ServerOptions;
  readonly scripts: { readonly client: Script[]; readonly server: Script[] };
}

export function makeFixture(): Fixture {
  const pki = makePki();
  const client: ClientOptions = { serverName: 'localhost', ca: pki.caPem };
  const server: ServerOptions = {
    credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem), loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem)],
  };
  return { pki, client, server, scripts: { client: scriptsFor('client', { client, server }), server: scriptsFor('server', { client, server }) } };
}

/** Collects observations and writes them to test-results/model-coverage/<test file>.json. */
export class CoverageRecorder {
  private readonly seen = new Map<string, Observation>();
  constructor(private readonly file: string) {}

  add(o: Observation): void {
    this.seen.set(JSON.stringify([o.machine, o.from, o.event, o.to, o.alert ?? null]), o);
  }

  snapshot(): Observation[] {
    return [...this.seen.values()];
  }

  write(): void {
    mkdirSync(COVERAGE_DIR, { recursive: true });
    writeFileSync(join(COVERAGE_DIR, `${basename(this.file).replace(/\.test\.ts$/, '')}.json`), JSON.stringify([...this.seen.values()], null, 1));
  }
}
