// Certificate policies (RFC 5280 §4.2.1.4-5, §4.2.1.11, §4.2.1.14, §6.1) on chains generated with
// the openssl CLI. Where the outcome is a policy decision, `openssl verify` with policy checking
// (its own implementation of the RFC 5280 algorithm) is asked too, as an independent opinion.
import { writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPolicies } from '../src/checks/policies.js';
import { X509Error, parseCertificate, verifyChain } from '../src/index.js';
import { decodeExtensions } from '../src/extensions.js';
import { concat, tlv } from './helpers/ber.js';
import { CA_EXT, type Issued, Pki, leafExt } from './helpers/pki.js';

let pki: Pki;
let root: Issued;
let n = 0;

beforeAll(() => {
  pki = new Pki();
  root = pki.issue({ name: 'root', subject: '/CN=Policy Root', ext: CA_EXT });
});
afterAll(() => pki.cleanup());

const ANY = '2.5.29.32.0';
const P1 = '1.3.6.1.4.1.55555.1';
const P2 = '1.3.6.1.4.1.55555.2';
const P3 = '1.3.6.1.4.1.55555.3';

const cp = (...oids: string[]) => `certificatePolicies = critical, ${oids.join(', ')}`;
const pc = (v: string) => `policyConstraints = critical, ${v}`;
const map = (...pairs: [string, string][]) => `policyMappings = critical, ${pairs.map(([a, b]) => `${a}:${b}`).join(', ')}`;
const inhibitAny = (k: number) => `inhibitAnyPolicy = critical, ${k}`;

function ica(issuer: Issued, ext: string[], subject?: string): Issued {
  const i = n++;
  return pki.issue({ name: `ica-${i}`, subject: subject ?? `/CN=Policy ICA ${i}`, issuer, ext: [...CA_EXT, ...ext] });
}

function leaf(issuer: Issued, ext: string[]): Issued {
  return pki.issue({ name: `leaf-${n++}`, subject: '/CN=policy.example', issuer, ext: [...leafExt('DNS:policy.example'), ...ext] });
}

/** Our verdict on `chain` (leaf first, then intermediates) under the test root: 'OK' or the error code. */
function verdict(chain: readonly Issued[]): string {
  try {
    verifyChain({ chain: chain.map((c) => c.der), anchors: [root.pem], host: 'policy.example', purpose: 'server' });
    return 'OK';
  } catch (e) {
    if (e instanceof X509Error) return e.code;
    throw e;
  }
}

/**
 * `openssl verify -policy anyPolicy`: policy checking with user-initial-policy-set = {anyPolicy}
 * (without -policy, OpenSSL's user set is empty and any requireExplicitPolicy fails the chain).
 */
function opensslAccepts(chain: readonly Issued[]): boolean {
  const args = ['verify', '-policy', ANY, '-CAfile', root.certPath];
  if (chain.length > 1) {
    const untrusted = pki.path(`untrusted-${n++}.pem`);
    writeFileSync(untrusted, chain.slice(1).map((c) => c.pem).join(''));
    args.push('-untrusted', untrusted);
  }
  try {
    pki.openssl([...args, chain[0]!.certPath]);
    return true;
  } catch {
    return false;
  }
}

/** Our verdict must be `expected`, and openssl must agree on accept / refuse. */
function expectVerdict(chain: readonly Issued[], expected: string): void {
  expect(verdict(chain)).toBe(expected);
  expect(opensslAccepts(chain)).toBe(expected === 'OK');
}

/** Valid policies at the leaf's depth for a chain that verifies. */
function leafPolicies(chain: readonly Issued[]): string[] {
  const { path } = verifyChain({ chain: chain.map((c) => c.der), anchors: [root.pem], purpose: 'server' });
  return checkPolicies(path).sort();
}

describe('critical extensions', () => {
  it('still refuses an unknown critical extension, in the leaf and in an intermediate', () => {
    const i = ica(root, [cp(ANY)]);
    expect(verdict([leaf(i, ['1.3.6.1.4.1.99999.1 = critical, ASN1:NULL']), i])).toBe('UNHANDLED_CRITICAL_EXTENSION');
    const bad = ica(root, ['1.3.6.1.4.1.99999.1 = critical, ASN1:NULL']);
    expect(verdict([leaf(bad, []), bad])).toBe('UNHANDLED_CRITICAL_EXTENSION');
  });

  it('accepts critical certificatePolicies (with CPS and user notice qualifiers) in every position', () => {
    const i = ica(root, [cp(ANY)]);
    const qualified = [
      'certificatePolicies = critical, ia5org, @pol',
      '[pol]',
      `policyIdentifier = ${P1}`,
      'CPS.1 = "https://cps.example/"',
      'userNotice.1 = @notice',
      '[notice]',
      'explicitText = "UTF8:Relying party notice"',
      'organization = "Example Org"',
      'noticeNumbers = 1, 2',
    ];
    const l = leaf(i, qualified);
    expectVerdict([l, i], 'OK');
    expect(parseCertificate(l.der).ext.certificatePolicies?.value).toEqual([
      { policy: P1, qualifiers: ['1.3.6.1.5.5.7.2.1', '1.3.6.1.5.5.7.2.2'] },
    ]);
    expect(leafPolicies([l, i])).toEqual([P1]);
  });

  it('accepts critical policyMappings, policyConstraints and inhibitAnyPolicy it can honour', () => {
    const i = ica(root, [cp(ANY, P1), map([P1, P2]), pc('requireExplicitPolicy:2, inhibitPolicyMapping:2'), inhibitAny(2)]);
    expectVerdict([leaf(i, [cp(P2)]), i], 'OK');
  });
});

describe('requireExplicitPolicy', () => {
  it('refuses a leaf without certificatePolicies below a CA that requires an explicit policy', () => {
    const i = ica(root, [cp(P1), pc('requireExplicitPolicy:0')]);
    expectVerdict([leaf(i, []), i], 'NO_EXPLICIT_POLICY');
    expectVerdict([leaf(i, [cp(P1)]), i], 'OK');
    // A policy the CA did not assert is not valid for the path.
    expectVerdict([leaf(i, [cp(P2)]), i], 'NO_EXPLICIT_POLICY');
    // Without the constraint, the same chains are fine (user-initial-explicit-policy is false).
    const free = ica(root, [cp(P1)]);
    expectVerdict([leaf(free, []), free], 'OK');
    expectVerdict([leaf(free, [cp(P2)]), free], 'OK');
  });

  it('accepts any leaf policy under a CA asserting anyPolicy', () => {
    const i = ica(root, [cp(ANY), pc('requireExplicitPolicy:0')]);
    expectVerdict([leaf(i, [cp(P3)]), i], 'OK');
    expect(leafPolicies([leaf(i, [cp(P3)]), i])).toEqual([P3]);
  });

  it('counts SkipCerts over the certificates below the CA', () => {
    // requireExplicitPolicy:k lets k more certificates pass before the path needs a policy.
    const top2 = ica(root, [cp(ANY), pc('requireExplicitPolicy:2')]);
    const mid2 = ica(top2, []);
    expectVerdict([leaf(mid2, [cp(P1)]), mid2, top2], 'NO_EXPLICIT_POLICY');
    const top3 = ica(root, [cp(ANY), pc('requireExplicitPolicy:3')]);
    const mid3 = ica(top3, []);
    expectVerdict([leaf(mid3, [cp(P1)]), mid3, top3], 'OK');
  });

  it("honours the leaf's own requireExplicitPolicy:0 (§6.1.5 (b))", () => {
    const i = ica(root, [cp(ANY)]);
    expectVerdict([leaf(i, [pc('requireExplicitPolicy:0')]), i], 'NO_EXPLICIT_POLICY');
    expectVerdict([leaf(i, [pc('requireExplicitPolicy:0'), cp(P1)]), i], 'OK');
    const none = ica(root, []);
    expectVerdict([leaf(none, [pc('requireExplicitPolicy:0'), cp(P1)]), none], 'NO_EXPLICIT_POLICY');
  });

  it('applies initial-explicit-policy when asked to', () => {
    const i = ica(root, []);
    const { path } = verifyChain({ chain: [leaf(i, []).der, i.der], anchors: [root.pem], purpose: 'server' });
    expect(checkPolicies(path)).toEqual([]);
    expect(() => checkPolicies(path, { initialExplicitPolicy: true })).toThrow(expect.objectContaining({ code: 'NO_EXPLICIT_POLICY' }));
  });
});

describe('inhibitAnyPolicy', () => {
  it('stops anyPolicy in the certificates after the CA from matching', () => {
    const top = ica(root, [cp(ANY), pc('requireExplicitPolicy:0'), inhibitAny(0)]);
    const anyMid = ica(top, [cp(ANY)]);
    expectVerdict([leaf(anyMid, [cp(P1)]), anyMid, top], 'NO_EXPLICIT_POLICY');
    const p1Mid = ica(top, [cp(P1)]);
    expectVerdict([leaf(p1Mid, [cp(P1)]), p1Mid, top], 'OK');
  });

  it('lets SkipCerts more certificates use anyPolicy', () => {
    const top = ica(root, [cp(ANY), pc('requireExplicitPolicy:0'), inhibitAny(1)]);
    const anyMid = ica(top, [cp(ANY)]);
    expectVerdict([leaf(anyMid, [cp(P1)]), anyMid, top], 'OK');
    // The leaf is the second certificate below `top`: its own anyPolicy no longer counts.
    expectVerdict([leaf(anyMid, [cp(ANY)]), anyMid, top], 'NO_EXPLICIT_POLICY');
  });

  it('still lets a self-issued intermediate use anyPolicy (§6.1.3 (d)(2))', () => {
    const top = ica(root, [cp(ANY), pc('requireExplicitPolicy:0'), inhibitAny(0)], '/CN=Rollover Policy CA');
    const rolled = ica(top, [cp(ANY)], '/CN=Rollover Policy CA');
    expectVerdict([leaf(rolled, [cp(P1)]), rolled, top], 'OK');
  });

  it('only empties the policy tree when no explicit policy is required', () => {
    const top = ica(root, [cp(ANY), inhibitAny(0)]);
    const anyMid = ica(top, [cp(ANY)]);
    const chain = [leaf(anyMid, [cp(P1)]), anyMid, top];
    expectVerdict(chain, 'OK');
    expect(leafPolicies(chain)).toEqual([]);
  });
});

describe('policyMappings', () => {
  it('maps an issuer-domain policy to the subject-domain policy the leaf asserts', () => {
    const i = ica(root, [cp(P1), map([P1, P2]), pc('requireExplicitPolicy:0')]);
    const l2 = leaf(i, [cp(P2)]);
    expectVerdict([l2, i], 'OK');
    expect(leafPolicies([l2, i])).toEqual([P2]);
    // The issuer-domain policy itself no longer carries over.
    expectVerdict([leaf(i, [cp(P1)]), i], 'NO_EXPLICIT_POLICY');
  });

  it('maps through anyPolicy (§6.1.4 (b)(1))', () => {
    const i = ica(root, [cp(ANY), map([P1, P2]), pc('requireExplicitPolicy:0')]);
    expectVerdict([leaf(i, [cp(P2)]), i], 'OK');
    expectVerdict([leaf(i, [cp(P3)]), i], 'OK');
  });

  it('drops mapped policies when an earlier CA inhibits mapping', () => {
    const inhibited = ica(root, [cp(ANY), pc('requireExplicitPolicy:0, inhibitPolicyMapping:0')]);
    const mapper = ica(inhibited, [cp(P1), map([P1, P2])]);
    expectVerdict([leaf(mapper, [cp(P2)]), mapper, inhibited], 'NO_EXPLICIT_POLICY');
    const allowed = ica(root, [cp(ANY), pc('requireExplicitPolicy:0, inhibitPolicyMapping:1')]);
    const mapper2 = ica(allowed, [cp(P1), map([P1, P2])]);
    expectVerdict([leaf(mapper2, [cp(P2)]), mapper2, allowed], 'OK');
  });

  it('refuses mappings to or from anyPolicy (§4.2.1.5, §6.1.4 (a))', () => {
    const from = ica(root, [cp(ANY), map([ANY, P1])]);
    expectVerdict([leaf(from, [cp(P1)]), from], 'INVALID_POLICY_EXTENSION');
    const to = ica(root, [cp(P1), map([P1, ANY])]);
    expectVerdict([leaf(to, [cp(P1)]), to], 'INVALID_POLICY_EXTENSION');
  });

  it('bounds the policy tree on hostile mappings', () => {
    // k policies, each mapped to the same k others, which the next CA all asserts: k × k nodes.
    const fanOut = (k: number) => {
      const src = Array.from({ length: k }, (_, j) => `1.3.6.1.4.1.55555.10.${j}`);
      const dst = Array.from({ length: k }, (_, j) => `1.3.6.1.4.1.55555.20.${j}`);
      const fan = ica(root, [cp(...src), map(...src.flatMap((s) => dst.map((d): [string, string] => [s, d])))]);
      const wide = ica(fan, [cp(...dst)]);
      return [leaf(wide, [cp(dst[0]!)]), wide, fan];
    };
    expect(verdict(fanOut(16))).toBe('OK'); // 256 nodes
    expect(verdict(fanOut(32))).toBe('PATH_BUILDING_LIMIT_EXCEEDED'); // 1024 nodes
  });

  it('bounds the expected policy sets too', () => {
    // 20 policies all mapped to P1 give 20 nodes for P1 below; P1 mapped to 450 policies then
    // gives each of them 450 expected policies (9000 in all) while the tree has only 42 nodes.
    const src = Array.from({ length: 20 }, (_, j) => `1.3.6.1.4.1.55555.30.${j}`);
    const dst = Array.from({ length: 450 }, (_, j) => `1.3.6.1.4.1.55555.40.${j}`);
    const top = ica(root, [cp(...src), map(...src.map((s): [string, string] => [s, P1]))]);
    const mid = ica(top, [cp(P1), map(...dst.map((d): [string, string] => [P1, d]))]);
    expect(verdict([leaf(mid, [cp(dst[0]!)]), mid, top])).toBe('PATH_BUILDING_LIMIT_EXCEEDED');
    const small = ica(top, [cp(P1), map(...dst.slice(0, 50).map((d): [string, string] => [P1, d]))]);
    expect(verdict([leaf(small, [cp(dst[0]!)]), small, top])).toBe('OK');
  });
});

describe('strict decoding of the policy extensions', () => {
  const raw = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));
  const seq = (...parts: Uint8Array[]) => tlv(0x30, concat(...parts));
  const oid = (s: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: s }).toBER());
  const str = (tag: number, s: string) => tlv(tag, Uint8Array.from(Buffer.from(s, 'latin1')));
  const CPS = oid('1.3.6.1.5.5.7.2.1');
  const UNOTICE = oid('1.3.6.1.5.5.7.2.2');
  // Each value goes through the extension decoder that certificate parsing uses.
  const decoder = (extnId: string) => (value: Uint8Array) => decodeExtensions([{ oid: extnId, critical: true, value }]).known;
  const certificatePolicies = (v: Uint8Array) => decoder('2.5.29.32')(v).certificatePolicies?.value;
  const policyMappings = (v: Uint8Array) => decoder('2.5.29.33')(v).policyMappings?.value;
  const policyConstraints = (v: Uint8Array) => decoder('2.5.29.36')(v).policyConstraints?.value;
  const inhibitAnyPolicy = (v: Uint8Array) => decoder('2.5.29.54')(v).inhibitAnyPolicy?.value;
  const refused = (f: (v: Uint8Array) => unknown, v: Uint8Array) =>
    expect(() => f(v), Buffer.from(v).toString('hex')).toThrow(expect.objectContaining({ code: 'INVALID_EXTENSION' }));

  it('decodes well-formed values', () => {
    const notice = seq(seq(str(0x0c, 'Org'), seq(raw('020101'))), str(0x1a, 'text'));
    const full = seq(seq(oid(P1), seq(seq(CPS, str(0x16, 'https://cps.example/')), seq(UNOTICE, notice))), seq(oid(ANY)));
    expect(certificatePolicies(full)).toEqual([
      { policy: P1, qualifiers: ['1.3.6.1.5.5.7.2.1', '1.3.6.1.5.5.7.2.2'] },
      { policy: ANY, qualifiers: [] },
    ]);
    expect(policyMappings(seq(seq(oid(P1), oid(P2)), seq(oid(P1), oid(P3))))).toEqual([
      { issuerDomainPolicy: P1, subjectDomainPolicy: P2 },
      { issuerDomainPolicy: P1, subjectDomainPolicy: P3 },
    ]);
    expect(policyConstraints(raw('3006 800100 810102'))).toEqual({ requireExplicitPolicy: 0, inhibitPolicyMapping: 2 });
    expect(policyConstraints(raw('3003 810103'))).toEqual({ inhibitPolicyMapping: 3 });
    expect(inhibitAnyPolicy(raw('020100'))).toBe(0);
    // SkipCerts beyond any path length are capped, not refused.
    expect(inhibitAnyPolicy(raw('0209 00ffffffffffffffff'))).toBe(0x7fffffff);
  });

  it('refuses malformed certificatePolicies', () => {
    const p1 = seq(oid(P1));
    refused(certificatePolicies, seq()); // SIZE (1..MAX)
    refused(certificatePolicies, seq(p1, p1)); // the same policy twice (§4.2.1.4)
    refused(certificatePolicies, seq(seq(oid(P1), raw('020101')))); // qualifiers not a SEQUENCE
    refused(certificatePolicies, seq(seq(oid(P1), seq()))); // empty policyQualifiers
    refused(certificatePolicies, seq(seq(raw('020101')))); // policyIdentifier not an OID
    refused(certificatePolicies, concat(raw('3081'), Uint8Array.of(p1.length), p1)); // long-form length
    refused(certificatePolicies, concat(seq(p1), raw('00'))); // trailing byte
    refused(certificatePolicies, seq(seq(oid(P1), seq(seq(CPS, str(0x0c, 'https://x/')))))); // CPSuri not IA5String
    refused(certificatePolicies, seq(seq(oid(P1), seq(seq(CPS))))); // qualifier missing
    refused(certificatePolicies, seq(seq(oid(P1), seq(seq(UNOTICE, seq(str(0x13, 'text'))))))); // DisplayText choice
    refused(certificatePolicies, seq(seq(oid(P1), seq(seq(UNOTICE, seq(seq(str(0x0c, 'Org')))))))); // noticeNumbers missing
    // anyPolicy qualifiers MUST be CPS or user notice (§4.2.1.4); other policies may carry others.
    refused(certificatePolicies, seq(seq(oid(ANY), seq(seq(oid(P3), raw('0500'))))));
    expect(certificatePolicies(seq(seq(oid(P1), seq(seq(oid(P3), raw('0500'))))))?.[0]?.qualifiers).toEqual([P3]);
  });

  it('refuses malformed policyMappings, policyConstraints and inhibitAnyPolicy', () => {
    refused(policyMappings, seq()); // SIZE (1..MAX)
    refused(policyMappings, seq(seq(oid(P1)))); // subjectDomainPolicy missing
    refused(policyMappings, seq(seq(oid(P1), oid(P2), oid(P3))));
    refused(policyMappings, seq(oid(P1), oid(P2))); // pairs not wrapped
    refused(policyConstraints, seq()); // MUST NOT be empty (§4.2.1.11)
    refused(policyConstraints, raw('3003 8001ff')); // negative SkipCerts
    refused(policyConstraints, raw('3004 80020001')); // non-minimal INTEGER
    refused(policyConstraints, raw('3006 810101 800101')); // fields out of order
    refused(policyConstraints, raw('3003 020101')); // untagged
    refused(inhibitAnyPolicy, raw('0201ff')); // negative
    refused(inhibitAnyPolicy, raw('040100')); // not an INTEGER
    refused(inhibitAnyPolicy, raw('02020001')); // non-minimal
  });

  it('refuses certificates carrying malformed policy extensions', () => {
    const i = ica(root, [cp(ANY)]);
    const bad = leaf(i, ['2.5.29.32 = critical, DER:30:00']);
    expect(() => parseCertificate(bad.der)).toThrow(expect.objectContaining({ code: 'INVALID_EXTENSION' }));
    expect(verdict([bad, i])).toBe('INVALID_EXTENSION');
    // A malformed intermediate cannot be on any path.
    const badIca = ica(root, ['2.5.29.54 = critical, DER:02:01:ff']);
    expect(verdict([leaf(badIca, []), badIca])).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
