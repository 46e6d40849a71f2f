// The verification cache (src/verify-cache.ts): a repeated plain call is answered from the cache; any
// difference in name, trust store, time or revocation input is verified afresh, failures are never cached,
// and entries expire.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrustStore, verifyChain } from '../src/index.js';
import { outcome } from './helpers/outcome.js';
import { type Issued, Pki, standardChain } from './helpers/pki.js';

let pki: Pki;
let root: Issued;
let ica: Issued;
let leaf: Issued;
beforeAll(() => {
  pki = new Pki();
  ({ root, ica, leaf } = standardChain(pki));
});
afterAll(() => pki.cleanup());
afterEach(() => vi.useRealTimers());

const code = outcome;

describe('verification cache', () => {
  it('answers a repeated plain call from the cache, and only that', () => {
    const anchors = new TrustStore(root.pem);
    const call = (o: object = {}) => verifyChain({ chain: [leaf.der, ica.der], anchors, purpose: 'server', host: 'example.com', ...o });
    const a = call();
    expect(call()).toBe(a); // same object: cached
    expect(call({ host: 'www.example.com' })).not.toBe(a); // another name: verified again (and cached on its own)
    expect(code(() => call({ host: 'other.test' }))).toBe('ERR_TLS_CERT_ALTNAME_INVALID'); // the name check is not skipped
    expect(call({ time: new Date() })).not.toBe(a); // explicit time: never cached
    expect(verifyChain({ chain: [leaf.der, ica.der], anchors: new TrustStore(root.pem), purpose: 'server', host: 'example.com' })).not.toBe(a);
    expect(code(() => call({ purpose: 'client' }))).not.toBe('OK'); // serverAuth-only leaf: purpose is part of the key
  });

  it('never caches a failure, and never serves another trust store', () => {
    const untrusted = new TrustStore(pki.issue({ name: 'other-root', subject: '/CN=Other Root', ext: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign'] }).pem);
    const call = (anchors: TrustStore) => () => verifyChain({ chain: [leaf.der, ica.der], anchors, purpose: 'server', host: 'example.com' });
    expect(code(call(untrusted))).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    expect(code(call(untrusted))).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    const trusted = new TrustStore(root.pem);
    expect(code(call(trusted))).toBe('OK');
    expect(code(call(untrusted))).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  it('entries expire after ten minutes', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const anchors = new TrustStore(root.pem);
    const call = () => verifyChain({ chain: [leaf.der, ica.der], anchors, purpose: 'server', host: 'example.com' });
    const a = call();
    vi.advanceTimersByTime(9 * 60_000);
    expect(call()).toBe(a);
    vi.advanceTimersByTime(2 * 60_000);
    expect(call()).not.toBe(a);
  });
});
