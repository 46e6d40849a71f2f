// Decoders for the policy extensions: certificatePolicies (RFC 5280 §4.2.1.4), policyMappings
// (§4.2.1.5), policyConstraints (§4.2.1.11) and inhibitAnyPolicy (§4.2.1.14), held to their ASN.1
// definitions. What they mean for a path is decided in checks/policies.ts.

import { type Block, Reader, Tag, ctx, decodeDer, integerBytes, readBigInt, readOid, readSequenceOf, readString, tagOf } from './asn1/index.js';
import { X509Error } from './errors.js';
import { OID } from './oids.js';

export interface PolicyInformation {
  readonly policy: string;
  /** policyQualifierId of each qualifier, in order. Their contents are checked, not kept. */
  readonly qualifiers: readonly string[];
}

export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

export interface PolicyConstraints {
  readonly requireExplicitPolicy?: number;
  readonly inhibitPolicyMapping?: number;
}

const bad = (what: string) => new X509Error('INVALID_EXTENSION', what);

/** Larger SkipCerts values all mean "never" on paths of at most a few dozen certificates. */
const SKIP_CERTS_CAP = 0x7fffffff;

/** SkipCerts ::= INTEGER (0..MAX), possibly IMPLICIT-tagged. */
function skipCerts(b: Block, tag: number = Tag.INTEGER): number {
  const n = readBigInt(b, tag);
  if (n < 0n) throw bad('negative SkipCerts');
  return n > BigInt(SKIP_CERTS_CAP) ? SKIP_CERTS_CAP : Number(n);
}

const DISPLAY_TEXT: ReadonlySet<number> = new Set([Tag.IA5String, Tag.VisibleString, Tag.BMPString, Tag.UTF8String]);

/** DisplayText ::= CHOICE { ia5String, visibleString, bmpString, utf8String }. */
function displayText(b: Block): void {
  if (!DISPLAY_TEXT.has(tagOf(b))) throw bad('certificatePolicies: DisplayText of a type outside the CHOICE');
  readString(b);
}

/** UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }. */
function userNotice(b: Block): void {
  const r = Reader.of(b);
  const ref = r.optional(Tag.SEQUENCE);
  if (ref !== undefined) {
    // NoticeReference ::= SEQUENCE { organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }
    const nr = Reader.of(ref);
    displayText(nr.next());
    for (const num of readSequenceOf(nr.next())) integerBytes(num);
    nr.end();
  }
  if (!r.done) displayText(r.next());
  r.end();
}

/** PolicyQualifierInfo ::= SEQUENCE { policyQualifierId, qualifier ANY DEFINED BY policyQualifierId }. */
function qualifier(b: Block, ofAnyPolicy: boolean): string {
  const r = Reader.of(b);
  const id = readOid(r.next());
  const q = r.next();
  r.end();
  if (id === OID.qtCps) {
    if (tagOf(q) !== Tag.IA5String) throw bad('certificatePolicies: CPSuri is not an IA5String');
    readString(q);
  } else if (id === OID.qtUnotice) {
    userNotice(q);
  } else if (ofAnyPolicy) {
    // §4.2.1.4: qualifiers of anyPolicy MUST be limited to the CPS pointer and user notice.
    throw bad(`certificatePolicies: anyPolicy with qualifier ${id}`);
  }
  return id;
}

/** certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation. */
export function certificatePolicies(v: Uint8Array): PolicyInformation[] {
  const items = readSequenceOf(decodeDer(v));
  if (items.length === 0) throw bad('certificatePolicies: empty');
  const seen = new Set<string>();
  return items.map((pi) => {
    const r = Reader.of(pi);
    const policy = readOid(r.next());
    const qs = r.optional(Tag.SEQUENCE);
    r.end();
    // §4.2.1.4: a policy OID MUST NOT appear more than once.
    if (seen.has(policy)) throw bad(`certificatePolicies: ${policy} appears twice`);
    seen.add(policy);
    if (qs === undefined) return { policy, qualifiers: [] };
    const list = readSequenceOf(qs);
    if (list.length === 0) throw bad('certificatePolicies: empty policyQualifiers'); // SIZE (1..MAX)
    return { policy, qualifiers: list.map((q) => qualifier(q, policy === OID.anyPolicy)) };
  });
}

/**
 * PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }.
 * Mappings to or from anyPolicy decode; checks/policies.ts refuses them (§6.1.4 (a)).
 */
export function policyMappings(v: Uint8Array): PolicyMapping[] {
  const items = readSequenceOf(decodeDer(v)).map((m) => {
    const r = Reader.of(m);
    const issuerDomainPolicy = readOid(r.next());
    const subjectDomainPolicy = readOid(r.next());
    r.end();
    return { issuerDomainPolicy, subjectDomainPolicy };
  });
  if (items.length === 0) throw bad('policyMappings: empty');
  return items;
}

/** PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL }. */
export function policyConstraints(v: Uint8Array): PolicyConstraints {
  const r = Reader.of(decodeDer(v));
  const a = r.optional(ctx(0, false));
  const b = r.optional(ctx(1, false));
  r.end();
  // §4.2.1.11: MUST NOT be an empty sequence.
  if (a === undefined && b === undefined) throw bad('policyConstraints: empty');
  return {
    ...(a ? { requireExplicitPolicy: skipCerts(a, ctx(0, false)) } : {}),
    ...(b ? { inhibitPolicyMapping: skipCerts(b, ctx(1, false)) } : {}),
  };
}

/** InhibitAnyPolicy ::= SkipCerts. */
export function inhibitAnyPolicy(v: Uint8Array): number {
  return skipCerts(decodeDer(v));
}
