// Builds test PKIs with the openssl CLI in a temporary directory: keys, certificates with chosen
// extensions, CRLs and OCSP responses. Everything is generated fresh per test run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyType = 'p256' | 'p384' | 'rsa2048' | 'rsa1024' | 'ed25519' | 'rsa-pss';

export interface Issued {
  readonly name: string;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly serialHex: string;
  readonly subject: string;
  readonly keyType: KeyType;
}

export interface CertSpec {
  readonly name: string;
  /** openssl -subj form, e.g. "/CN=example.com". */
  readonly subject: string;
  /** Signing certificate; omitted for self-signed. */
  readonly issuer?: Issued;
  readonly key?: KeyType;
  /** Reuse an existing key file (e.g. for cross-signing the same CA); `key` must name its type. */
  readonly keyPath?: string;
  /** Extension lines in openssl x509v3_config syntax. */
  readonly ext: readonly string[];
  readonly days?: number;
  /** Digest: sha256 (default), sha1, sha384, sha512. Ignored for Ed25519 keys. */
  readonly md?: string;
  /** Extra signing options, e.g. ["rsa_padding_mode:pss", "rsa_pss_saltlen:32"]. */
  readonly sigopts?: readonly string[];
}

export const CA_EXT = [
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
];

export const leafExt = (...sans: string[]) => [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = serverAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
  `subjectAltName = ${sans.join(', ')}`,
];

export class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'sanstls-x509-'));
  private serial = 0x1000;

  openssl(args: readonly string[], input?: string): string {
    return execFileSync('openssl', args, { cwd: this.dir, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  key(name: string, type: KeyType): string {
    const out = this.path(`${name}.key`);
    const args: Record<KeyType, string[]> = {
      p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
      'rsa-pss': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ed25519: ['-algorithm', 'ED25519'],
    };
    this.openssl(['genpkey', ...args[type], '-out', out]);
    return out;
  }

  issue(spec: CertSpec): Issued {
    const keyPath = spec.keyPath ?? this.key(spec.name, spec.key ?? 'p256');
    const csr = this.path(`${spec.name}.csr`);
    const certPath = this.path(`${spec.name}.pem`);
    const extPath = this.path(`${spec.name}.ext`);
    writeFileSync(extPath, `[v3]\n${spec.ext.join('\n')}\n`);
    const serialHex = (this.serial++).toString(16).toUpperCase();
    const keyType = spec.key ?? 'p256';
    const signerType = spec.issuer ? spec.issuer.keyType : keyType;
    const md = signerType === 'ed25519' ? [] : [`-${spec.md ?? 'sha256'}`];
    const sigopts = (spec.sigopts ?? []).flatMap((o) => ['-sigopt', o]);
    this.openssl(['req', '-new', '-key', keyPath, '-subj', spec.subject, '-out', csr]);
    const signer = spec.issuer
      ? ['-CA', spec.issuer.certPath, '-CAkey', spec.issuer.keyPath]
      : ['-signkey', keyPath];
    this.openssl([
      'x509', '-req', '-in', csr, ...signer, '-set_serial', `0x${serialHex}`,
      '-days', String(spec.days ?? 30), '-extfile', extPath, '-extensions', 'v3', ...md, ...sigopts, '-out', certPath,
    ]);
    return {
      name: spec.name,
      der: Uint8Array.from(execFileSync('openssl', ['x509', '-in', certPath, '-outform', 'DER'])),
      pem: readFileSync(certPath, 'utf8'),
      certPath,
      keyPath,
      serialHex,
      subject: spec.subject,
      keyType,
    };
  }

  /** A CRL from `ca` revoking `revoked`, produced by `openssl ca -gencrl`. */
  crl(ca: Issued, revoked: readonly Issued[], opts: { days?: number; crlNumber?: boolean } = {}): Uint8Array {
    const base = this.path(`crl-${ca.name}-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    const index = `${base}.index`;
    writeFileSync(index, revoked.map((c) => this.indexLine(c, 'R')).join(''));
    writeFileSync(`${base}.index.attr`, 'unique_subject = no\n');
    writeFileSync(`${base}.crlnumber`, '1000\n');
    const conf = `${base}.cnf`;
    writeFileSync(
      conf,
      [
        '[ca]',
        'default_ca = CA_default',
        '[CA_default]',
        `database = ${index}`,
        ...(opts.crlNumber === false ? [] : [`crlnumber = ${base}.crlnumber`]),
        'default_md = sha256',
        `default_crl_days = ${opts.days ?? 7}`,
        'crl_extensions = crl_ext',
        '[crl_ext]',
        'authorityKeyIdentifier = keyid:always',
        '',
      ].join('\n'),
    );
    const out = `${base}.pem`;
    this.openssl(['ca', '-batch', '-config', conf, '-gencrl', '-cert', ca.certPath, '-keyfile', ca.keyPath, '-out', out]);
    return Uint8Array.from(execFileSync('openssl', ['crl', '-in', out, '-outform', 'DER']));
  }

  private indexLine(c: Issued, status: 'V' | 'R'): string {
    const revoked = status === 'R' ? '240101000000Z' : '';
    return `${status}\t491231235959Z\t${revoked}\t${c.serialHex}\tunknown\t${c.subject}\n`;
  }

  /** An OCSP response for `cert` signed by `signer` (the CA or a delegated responder). */
  ocsp(
    ca: Issued,
    cert: Issued,
    status: 'good' | 'revoked',
    opts: { signer?: Issued; ndays?: number; ndaysOmitted?: boolean } = {},
  ): Uint8Array {
    const base = this.path(`ocsp-${cert.name}-${Math.random().toString(16).slice(2)}`);
    writeFileSync(`${base}.index`, this.indexLine(cert, status === 'good' ? 'V' : 'R'));
    writeFileSync(`${base}.index.attr`, 'unique_subject = no\n');
    this.openssl(['ocsp', '-issuer', ca.certPath, '-cert', cert.certPath, '-no_nonce', '-reqout', `${base}.req`]);
    const signer = opts.signer ?? ca;
    this.openssl([
      'ocsp', '-index', `${base}.index`, '-rsigner', signer.certPath, '-rkey', signer.keyPath, '-CA', ca.certPath,
      '-reqin', `${base}.req`, '-respout', `${base}.resp`, ...(opts.ndaysOmitted ? [] : ['-ndays', String(opts.ndays ?? 1)]),
    ]);
    return Uint8Array.from(readFileSync(`${base}.resp`));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A root, an intermediate and a server leaf for example.com. */
export function standardChain(pki: Pki, leafKey: KeyType = 'p256') {
  const root = pki.issue({ name: 'root', subject: '/CN=Test Root', ext: CA_EXT });
  const ica = pki.issue({ name: 'ica', subject: '/CN=Test Intermediate', issuer: root, ext: CA_EXT });
  const leaf = pki.issue({
    name: 'leaf',
    subject: '/CN=example.com',
    issuer: ica,
    key: leafKey,
    ext: leafExt('DNS:example.com', 'DNS:*.example.com', 'IP:192.0.2.7'),
  });
  return { root, ica, leaf };
}
