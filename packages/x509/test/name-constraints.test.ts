// Name constraints (RFC 5280 §4.2.1.10) on generated chains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/index.js';
import { outcome } from './helpers/outcome.js';
import { CA_EXT, type Issued, Pki, leafExt } from './helpers/pki.js';

let pki: Pki;
let root: Issued;
let n = 0;

beforeAll(() => {
  pki = new Pki();
  root = pki.issue({ name: 'root', subject: '/CN=NC Root', ext: CA_EXT });
});
afterAll(() => pki.cleanup());

/** Validates root -> ICA(nameConstraints = nc) -> leaf(subject, sans); returns the error code or 'OK'. */
function run(nc: string, sans: string[], subject = '/CN=leaf', purpose: 'server' | 'client' = 'server', sections: string[] = []): string {
  const i = n++;
  const ica = pki.issue({ name: `nc-ica-${i}`, subject: `/CN=NC ICA ${i}`, issuer: root, ext: [...CA_EXT, `nameConstraints = critical, ${nc}`, ...sections] });
  const ext = leafExt(...sans).map((l) => (purpose === 'client' && l.startsWith('extendedKeyUsage') ? 'extendedKeyUsage = clientAuth' : l));
  const leaf = pki.issue({ name: `nc-leaf-${i}`, subject, issuer: ica, ext });
  return outcome(() => verifyChain({ chain: [leaf.der, ica.der], anchors: [root.pem], purpose }));
}

describe('name constraints', () => {
  it('DNS: permitted subtree covers the name and its subdomains only', () => {
    expect(run('permitted;DNS:example.com', ['DNS:example.com', 'DNS:a.b.example.com'])).toBe('OK');
    expect(run('permitted;DNS:example.com', ['DNS:example.org'])).toBe('PERMITTED_VIOLATION');
    expect(run('permitted;DNS:example.com', ['DNS:badexample.com'])).toBe('PERMITTED_VIOLATION');
  });

  it('DNS: excluded subtree wins over permitted, and catches wildcards that could match it', () => {
    expect(run('permitted;DNS:example.com, excluded;DNS:secret.example.com', ['DNS:x.secret.example.com'])).toBe('EXCLUDED_VIOLATION');
    expect(run('excluded;DNS:bar.example.com', ['DNS:*.example.com'])).toBe('EXCLUDED_VIOLATION');
    expect(run('excluded;DNS:bar.example.com', ['DNS:foo.example.com'])).toBe('OK');
    expect(run('permitted;DNS:foo.example.com', ['DNS:*.example.com'])).toBe('PERMITTED_VIOLATION');
  });

  it('IP: address ranges for v4 and v6', () => {
    expect(run('permitted;IP:192.0.2.0/255.255.255.0', ['IP:192.0.2.55'])).toBe('OK');
    expect(run('permitted;IP:192.0.2.0/255.255.255.0', ['IP:192.0.3.1'])).toBe('PERMITTED_VIOLATION');
    expect(run('excluded;IP:2001:db8::/ffff:ffff::', ['IP:2001:db8::1'])).toBe('EXCLUDED_VIOLATION');
    // A v6 constraint says nothing about v4 addresses (and a DNS-only constraint nothing about IPs).
    expect(run('permitted;IP:2001:db8::/ffff:ffff::', ['IP:192.0.2.1', 'DNS:a.example'])).toBe('PERMITTED_VIOLATION');
    expect(run('permitted;DNS:example.com', ['DNS:a.example.com', 'IP:192.0.2.1'])).toBe('OK');
  });

  it('email: mailbox, host and domain forms, in SANs and the subject emailAddress', () => {
    expect(run('permitted;email:example.com', ['email:alice@example.com'], '/CN=a', 'client')).toBe('OK');
    expect(run('permitted;email:example.com', ['email:alice@sub.example.com'], '/CN=a', 'client')).toBe('PERMITTED_VIOLATION');
    expect(run('permitted;email:.example.com', ['email:alice@sub.example.com'], '/CN=a', 'client')).toBe('OK');
    expect(run('permitted;email:bob@example.com', ['email:alice@example.com'], '/CN=a', 'client')).toBe('PERMITTED_VIOLATION');
    expect(run('excluded;email:example.com', ['DNS:a.test'], '/CN=a/emailAddress=eve@example.com', 'client')).toBe('EXCLUDED_VIOLATION');
  });

  it('directory names: the subject must lie under a permitted DN and outside excluded ones', () => {
    const good = ['[dir_good]', 'O = Good'];
    expect(run('permitted;dirName:dir_good', ['DNS:a.example'], '/O=Good/CN=leaf', 'server', good)).toBe('OK');
    expect(run('permitted;dirName:dir_good', ['DNS:a.example'], '/O=Evil/CN=leaf', 'server', good)).toBe('PERMITTED_VIOLATION');
    expect(run('excluded;dirName:dir_good', ['DNS:a.example'], '/O=Good/OU=x/CN=leaf', 'server', good)).toBe('EXCLUDED_VIOLATION');
  });

  it('refuses constraint forms it cannot process when the leaf uses them', () => {
    expect(run('permitted;URI:.example.com', ['DNS:a.example', 'URI:https://a.example/'])).toBe('UNSUPPORTED_CONSTRAINT_TYPE');
    expect(run('permitted;URI:.example.com', ['DNS:a.example'])).toBe('OK');
  });

  it('refuses malformed constraints', () => {
    expect(run('permitted;DNS:*.example.com', ['DNS:a.example.com'])).toBe('UNSUPPORTED_NAME_SYNTAX');
  });
});
