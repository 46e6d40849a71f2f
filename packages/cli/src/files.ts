// The files the commands read and write: certificate chains and keys, CA lists, session files. Every
// problem becomes an Error whose message names the flag and the file (the commands print it and exit 2).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { loadCredential, sessionFromPem, sessionToPem, type Credential, type TlsSession } from '@sanstls/core';

const reason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${flag}: cannot read ${file}: ${reason(e)}`);
  }
}

/** A -CAfile: PEM text holding at least one certificate. */
export function readCaFile(file: string, flag = '-CAfile'): string {
  const text = readText(file, flag);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${flag}: no PEM certificate in ${file}`);
  return text;
}

/** The private key block of a PEM file that may also hold certificates (as OpenSSL's server.pem does). */
export function keyBlock(text: string, file: string): string {
  const m = /-----BEGIN ((?:RSA |EC |)PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(text);
  if (!m) throw new Error(`no private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block) in ${file}`);
  return m[0];
}

/**
 * A chain (leaf first) and its key; without a key file the key is looked for in the chain file. The key
 * must be the leaf's (OpenSSL: "key values mismatch"): a wrong one would only show as signatures the
 * peer rejects.
 */
export function credentialFromFiles(certFile: string, keyFile: string | undefined, certFlag: string, keyFlag: string): Credential {
  const chain = readText(certFile, certFlag);
  const keyPath = keyFile ?? certFile;
  const key = keyBlock(readText(keyPath, keyFlag), keyPath);
  let credential: Credential;
  try {
    credential = loadCredential(chain, key);
  } catch (e) {
    throw new Error(`${certFlag} ${certFile} / ${keyFlag} ${keyPath}: ${(e as Error).message}`);
  }
  if (!keyFitsLeaf(credential.chain[0]!, key)) {
    throw new Error(`${certFlag} ${certFile} / ${keyFlag} ${keyPath}: the private key does not belong to the certificate`);
  }
  return credential;
}

/** Whether the key is the leaf's; true when Node cannot tell (the core accepted both, so let it be). */
function keyFitsLeaf(leaf: Uint8Array, keyPem: string): boolean {
  try {
    return new X509Certificate(leaf).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return true;
  }
}

/** A session written by -sess_out (a SANSTLS SESSION PEM block). */
export function readSessionFile(file: string): TlsSession {
  const text = readText(file, '-sess_in');
  try {
    return sessionFromPem(text);
  } catch (e) {
    throw new Error(`-sess_in: ${file}: ${(e as Error).message}`);
  }
}

/** Writes a session for -sess_in; owner-only, since the file holds the master secret. */
export function writeSessionFile(file: string, session: TlsSession): void {
  try {
    writeFileSync(file, sessionToPem(session), { mode: 0o600 });
    chmodSync(file, 0o600); // the mode above only applies to a file that did not exist
  } catch (e) {
    throw new Error(`-sess_out: cannot write ${file}: ${reason(e)}`);
  }
}
