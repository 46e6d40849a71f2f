// Test PKI generated with the openssl CLI in a temporary directory: one CA, one leaf per key type, each
// for DNS:localhost and IP:127.0.0.1.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CertType = 'rsa2048' | 'p256' | 'p384' | 'ed25519';
export const CERT_TYPES: readonly CertType[] = ['rsa2048', 'p256', 'p384', 'ed25519'];

export interface Leaf {
  readonly type: CertType;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface Pki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly leaves: Record<CertType, Leaf>;
}

const keyArgs: Record<CertType, string[]> = {
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
};

const ossl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

const made: string[] = [];

/** Removes every directory makePki() created in this process (call from afterAll). */
export function cleanupPkis(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sanstls-pki-'));
  made.push(dir);
  ossl(dir, ['genpkey', ...keyArgs.p256, '-out', 'ca.key']);
  ossl(dir, [
    'req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=sanstls test CA', '-days', '2', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const leaves = {} as Record<CertType, Leaf>;
  for (const type of CERT_TYPES) {
    const ku = type === 'rsa2048' ? 'digitalSignature,keyEncipherment' : 'digitalSignature';
    writeFileSync(join(dir, `${type}.ext`), [
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      'basicConstraints=critical,CA:FALSE',
      `keyUsage=critical,${ku}`,
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'));
    ossl(dir, ['genpkey', ...keyArgs[type], '-out', `${type}.key`]);
    ossl(dir, ['req', '-new', '-key', `${type}.key`, '-subj', `/CN=localhost ${type}`, '-out', `${type}.csr`]);
    ossl(dir, [
      'x509', '-req', '-in', `${type}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-out', `${type}.pem`, '-extfile', `${type}.ext`,
    ]);
    leaves[type] = {
      type,
      certFile: join(dir, `${type}.pem`),
      keyFile: join(dir, `${type}.key`),
      certPem: readFileSync(join(dir, `${type}.pem`), 'utf8'),
      keyPem: readFileSync(join(dir, `${type}.key`), 'utf8'),
    };
  }
  return { dir, caFile: join(dir, 'ca.pem'), caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), leaves };
}
