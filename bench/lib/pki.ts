// Benchmark certificates: a P-256 CA with a P-256 and an RSA-2048 leaf for localhost/127.0.0.1, made with
// the openssl CLI once per run in a temporary directory (the same shape as packages/node/test/helpers.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Leaf { readonly cert: string; readonly key: string; readonly certFile: string; readonly keyFile: string }
export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly caFile: string;
  readonly ec: Leaf;
  readonly rsa: Leaf;
  /** An RSA CA and its RSA leaf, for node-forge (it handles neither ECDSA keys nor ECDSA signatures). */
  readonly rsaCa: string;
  readonly rsaOnly: Leaf;
}

const ossl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function leaf(dir: string, name: string, keyArgs: string[], ku: string, ca = 'ca'): Leaf {
  writeFileSync(join(dir, `${name}.ext`), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    `keyUsage=critical,${ku}`,
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    '',
  ].join('\n'));
  ossl(dir, ['genpkey', ...keyArgs, '-out', `${name}.key`]);
  ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=localhost`, '-out', `${name}.csr`]);
  ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '3', '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Makes the PKI in a fresh temporary directory (or reads it back from `dir`, for child processes). */
export function makePki(dir?: string): Pki {
  if (dir) {
    const read = (n: string): Leaf => ({ certFile: join(dir, `${n}.pem`), keyFile: join(dir, `${n}.key`), cert: readFileSync(join(dir, `${n}.pem`), 'utf8'), key: readFileSync(join(dir, `${n}.key`), 'utf8') });
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { dir, ca: text('ca.pem'), caFile: join(dir, 'ca.pem'), ec: read('ec'), rsa: read('rsa'), rsaCa: text('rca.pem'), rsaOnly: read('frsa') };
  }
  const d = mkdtempSync(join(tmpdir(), 'sanstls-bench-'));
  ossl(d, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key']);
  ossl(d, ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=sanstls bench CA', '-days', '3', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  leaf(d, 'ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'digitalSignature');
  leaf(d, 'rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'digitalSignature,keyEncipherment');
  ossl(d, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rca.key']);
  ossl(d, ['req', '-x509', '-new', '-key', 'rca.key', '-subj', '/CN=sanstls bench RSA CA', '-days', '3', '-out', 'rca.pem',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // forge wants the key as PKCS#1 or PKCS#8 PEM; genpkey writes PKCS#8.
  leaf(d, 'frsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'digitalSignature,keyEncipherment', 'rca');
  return makePki(d);
}
