// Shared by the model tests: the PKI, the scripts for each role, the model, and the coverage recorder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCredential, x509ClientVerifier, x509Verifier, type CertificateVerifier, type ClientOptions, type ServerCredential, type ServerOptions } from '../../src/index.js';
import { COVERAGE_DIR, type Observation, type Role } from '../../scripts/handshake-model.js';
import { makePki, type Leaf, type Pki } from '../interop/pki.js';
import { seededProvider } from '../handshake/helpers.js';
import { makeScript, scriptsFor, withNodeSignatures, type Script, type ScriptConfig } from './peer.js';

export interface Fixture {
  readonly pki: Pki;
  readonly client: ClientOptions;
  readonly server: ServerOptions;
  /** Every script of each role: one per key exchange, without EMS, then the optional flows (flowScripts). */
  readonly scripts: { readonly client: Script[]; readonly server: Script[] };
  /** The scripts of the optional flows alone (resumption, client certificates, renegotiation, OCSP stapling). */
  readonly flows: { readonly client: Script[]; readonly server: Script[] };
}

/** A good OCSP response for `leaf`, signed by the PKI's CA (openssl ocsp as responder, valid one day). */
export function ocspResponse(pki: Pki, leaf: Leaf): Uint8Array {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: pki.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const serial = /serial=([0-9A-F]+)/i.exec(run(['x509', '-in', leaf.certFile, '-noout', '-serial']))![1]!;
  const base = join(pki.dir, `ocsp-${leaf.type}`);
  writeFileSync(`${base}.index`, `V\t491231235959Z\t\t${serial}\tunknown\t/CN=localhost ${leaf.type}\n`);
  writeFileSync(`${base}.index.attr`, 'unique_subject = no\n');
  run(['ocsp', '-issuer', pki.caFile, '-cert', leaf.certFile, '-no_nonce', '-reqout', `${base}.req`]);
  run(['ocsp', '-index', `${base}.index`, '-rsigner', pki.caFile, '-rkey', join(pki.dir, 'ca.key'), '-CA', pki.caFile, '-reqin', `${base}.req`, '-respout', `${base}.resp`, '-ndays', '1']);
  return Uint8Array.from(readFileSync(`${base}.resp`));
}

/**
 * `inner`, remembering its verdict for each input: the model tests replay the same handshakes thousands of
 * times, and X.509 path validation (and OCSP response checking) is a pure function of the chain, the name,
 * the stapled response and the clock, which moves by seconds here. The verdicts are those of the real
 * verifier; X.509 itself is tested in packages/x509 and in the interop tests.
 */
export function memoVerifier(inner: CertificateVerifier): CertificateVerifier {
  const memo = new Map<string, { ok: ReturnType<CertificateVerifier['verify']> } | { error: unknown }>();
  const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '-');
  return {
    ...(inner.anchorSubjects ? { anchorSubjects: () => inner.anchorSubjects!() } : {}),
    verify(input) {
      const key = [input.chain.map(hex).join(','), input.serverName ?? '-', hex(input.ocspResponse), String(input.revocationPending ?? false)].join('|');
      let v = memo.get(key);
      if (!v) {
        try {
          v = { ok: inner.verify(input) };
        } catch (error) {
          v = { error };
        }
        memo.set(key, v);
      }
      if ('error' in v) throw v.error;
      return v.ok;
    },
  };
}

/** Seeded crypto with node:crypto signatures (see withNodeSignatures): same handshakes, much faster. */
export const MODEL_CRYPTO = (seed: string) => withNodeSignatures(seededProvider(seed));

const ECDSA_SUITE = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256';
const RSA_SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';

/**
 * The optional flows, per role: the configurations that lead a real connection into the states of
 * resumption, client authentication, renegotiation and OCSP stapling (each also runs through the states of
 * the full handshake, so one key exchange is enough; per key exchange, see scriptsFor).
 */
export function flowConfigs(pki: Pki, client: ClientOptions, server: ServerOptions, role: Role): ScriptConfig[] {
  const crypto = MODEL_CRYPTO;
  const cred = (l: Leaf, extra: { ocspResponse?: Uint8Array } = {}): ServerCredential => loadCredential(l.certPem, l.keyPem, extra);
  const clientCert = [cred(pki.leaves.p256)];
  const clientAuth = { ca: pki.caPem, verifier: memoVerifier(x509ClientVerifier({ ca: pki.caPem })) };
  const resumed: ScriptConfig[] = [
    // The abbreviated handshake with a ticket under the current key: ServerHello, CCS, Finished.
    { name: `${ECDSA_SUITE} resumed by ticket`, client: { ...client, cipherSuites: [ECDSA_SUITE] }, server: { ...server, cipherSuites: [ECDSA_SUITE] }, resume: 'ticket', crypto },
    // By session ID, with an empty session_ticket: ServerHello, NewSessionTicket (renewed), CCS, Finished.
    { name: `${ECDSA_SUITE} resumed by session ID, ticket renewed`, client: { ...client, cipherSuites: [ECDSA_SUITE] }, server: { ...server, cipherSuites: [ECDSA_SUITE] }, resume: 'id', crypto },
  ];
  if (role === 'client') {
    // The server staples OCSP responses (CertificateStatus after Certificate, RFC 6066 §8), asks for a client
    // certificate (CertificateRequest; NewSessionTicket after the client's flight) and renegotiates with
    // HelloRequest; the RSA one asks for the certificate only in the renegotiation (renegotiate({ clientAuth })).
    // Every state of the client, and during a renegotiation (application data still flowing) every state
    // before the server's CCS.
    const stapling = { credentials: [cred(pki.leaves.p256, { ocspResponse: ocspResponse(pki, pki.leaves.p256) }), cred(pki.leaves.rsa2048, { ocspResponse: ocspResponse(pki, pki.leaves.rsa2048) })] };
    return [
      {
        name: `${ECDSA_SUITE}, OCSP stapled, client certificate, renegotiation`,
        client: { ...client, cipherSuites: [ECDSA_SUITE], credentials: clientCert },
        server: { ...server, ...stapling, cipherSuites: [ECDSA_SUITE], clientAuth },
        renegotiate: {},
        crypto,
      },
      {
        name: `${RSA_SUITE}, OCSP stapled, renegotiation asking for a client certificate`,
        client: { ...client, cipherSuites: [RSA_SUITE], credentials: clientCert },
        server: { ...server, ...stapling, cipherSuites: [RSA_SUITE] },
        renegotiate: { clientAuth },
        crypto,
      },
      ...resumed,
    ];
  }
  // The server asks for a certificate in every handshake (not required) and allows the client to
  // renegotiate: Certificate, ClientKeyExchange, CertificateVerify, in the first handshake and again in the
  // renegotiation (application data still flowing).
  return [
    {
      name: `${ECDSA_SUITE}, client certificate, client-initiated renegotiation`,
      client: { ...client, cipherSuites: [ECDSA_SUITE], credentials: clientCert },
      server: { ...server, cipherSuites: [ECDSA_SUITE], clientAuth, allowClientRenegotiation: true },
      renegotiate: {},
      crypto,
    },
    ...resumed,
  ];
}

export function makeFixture(): Fixture {
  const pki = makePki();
  const client: ClientOptions = { serverName: 'localhost', ca: pki.caPem, verifier: memoVerifier(x509Verifier({ ca: pki.caPem })) };
  const server: ServerOptions = {
    credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem), loadCredential(pki.leaves.rsa2048.certPem, pki.leaves.rsa2048.keyPem)],
  };
  const flows = (role: Role): Script[] =>
    flowConfigs(pki, client, server, role).map((cfg) => {
      const s = makeScript(cfg, role);
      if (!s) throw new Error(`${role} script ${cfg.name}: our two sides do not complete it`);
      return s;
    });
  const f = { client: flows('client'), server: flows('server') };
  return {
    pki,
    client,
    server,
    scripts: {
      client: [...scriptsFor('client', { client, server, crypto: MODEL_CRYPTO }), ...f.client],
      server: [...scriptsFor('server', { client, server, crypto: MODEL_CRYPTO }), ...f.server],
    },
    flows: f,
  };
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
