// Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)-(c), §6.1.4 (g)). Each CA's constraints are
// applied independently to every certificate below it (equivalent to intersecting the permitted
// sets and uniting the excluded ones), skipping self-issued intermediates. Name forms we do not
// process (URI, otherName, x400, EDI, registeredID) are refused when a CA constrains that form and a
// certificate below uses it, as §4.2.1.10 requires of applications that cannot process them.

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';
import type { GeneralName, GeneralNameKind } from '../general-name.js';
import { isValidDnsName, isValidPresentedDnsName } from '../hostname.js';
import { type Name, attributeValues, nameWithin } from '../name.js';
import { OID } from '../oids.js';

/** Upper bound on name × constraint comparisons for one path (hostile certificates, limbo nc-dos-*). */
export const MAX_NAME_CONSTRAINT_CHECKS = 1 << 16;

type Constraint = GeneralName;

const violation = (code: 'PERMITTED_VIOLATION' | 'EXCLUDED_VIOLATION', what: string, depth: number) =>
  new X509Error(code, `name constraints: ${what}`, { depth });

/** Validates a constraint's syntax; a malformed constraint invalidates the CA certificate. */
export function checkConstraintSyntax(c: Constraint): void {
  const bad = (why: string) => new X509Error('UNSUPPORTED_NAME_SYNTAX', `name constraint: ${why}`);
  switch (c.kind) {
    case 'dns':
      // An empty dNSName constraint covers every name; otherwise a plain host name (no '*', no leading '.').
      if (c.value !== '' && !isValidDnsName(c.value)) throw bad(`invalid dNSName constraint "${c.value}"`);
      return;
    case 'ip': {
      const half = c.bytes.length / 2;
      const mask = c.bytes.subarray(half);
      let seenZero = false;
      for (const byte of mask) {
        for (let bit = 7; bit >= 0; bit--) {
          const one = (byte >> bit) & 1;
          if (one && seenZero) throw bad('non-contiguous iPAddress mask');
          if (!one) seenZero = true;
        }
      }
      return;
    }
    case 'email': {
      const v = c.value;
      if (v.includes('@')) {
        if (!isValidMailbox(v)) throw bad(`invalid rfc822Name constraint "${v}"`);
      } else {
        const host = v.startsWith('.') ? v.slice(1) : v;
        if (!isValidDnsName(host)) throw bad(`invalid rfc822Name constraint "${v}"`);
      }
      return;
    }
    default:
      return;
  }
}

// RFC 5321 §4.1.2 dot-atom local part (quoted local parts are not accepted).
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

function isValidMailbox(v: string): boolean {
  const at = v.lastIndexOf('@');
  if (at <= 0) return false;
  return ATEXT.test(v.slice(0, at)) && isValidDnsName(v.slice(at + 1));
}

function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  return name === base || name.endsWith(`.${base}`);
}

/** A DNS name (possibly a wildcard) matches a subtree if any name it stands for could. */
function dnsMatches(name: string, base: string, forExclusion: boolean): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (!n.startsWith('*.')) return dnsWithin(n, b);
  const parent = n.slice(2);
  // Every name the wildcard matches lies in the subtree when its parent domain does.
  if (dnsWithin(parent, b)) return true;
  // For exclusions, be defensive (CVE-2025-61727): "*.example.com" can stand for "bar.example.com".
  if (forExclusion && b.endsWith(`.${parent}`) && !b.slice(0, -parent.length - 1).includes('.')) return true;
  return false;
}

function ipMatches(addr: Uint8Array, c: Uint8Array): boolean {
  const half = c.length / 2;
  if (addr.length !== half) return false;
  for (let i = 0; i < half; i++) if ((addr[i]! & c[half + i]!) !== (c[i]! & c[half + i]!)) return false;
  return true;
}

function emailMatches(mailbox: string, c: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const local = mailbox.slice(0, at);
  const host = mailbox.slice(at + 1).toLowerCase();
  if (c.includes('@')) {
    const cat = c.lastIndexOf('@');
    // Local parts are case-sensitive (RFC 5321 §2.4); domains are not.
    return local === c.slice(0, cat) && host === c.slice(cat + 1).toLowerCase();
  }
  const lc = c.toLowerCase();
  if (lc.startsWith('.')) return host.endsWith(lc);
  return host === lc;
}

/** The names a certificate is constrained on: SAN entries, its subject, and subject emailAddress. */
interface SubjectNames {
  readonly san: readonly GeneralName[];
  readonly subject: Name | undefined;
  readonly emails: readonly string[];
}

function namesOf(cert: Certificate): SubjectNames {
  return {
    san: cert.ext.subjectAltName?.value ?? [],
    subject: cert.subject.rdns.length > 0 ? cert.subject : undefined,
    emails: attributeValues(cert.subject, OID.emailAddress),
  };
}

class Budget {
  private used = 0;
  tick(): void {
    if (++this.used > MAX_NAME_CONSTRAINT_CHECKS) {
      throw new X509Error('PATH_BUILDING_LIMIT_EXCEEDED', 'too many name constraint comparisons');
    }
  }
}

function matches(name: GeneralName, c: Constraint, forExclusion: boolean, depth: number): boolean {
  switch (name.kind) {
    case 'dns':
      if (c.kind !== 'dns') return false;
      if (!isValidPresentedDnsName(name.value)) {
        throw new X509Error('UNSUPPORTED_NAME_SYNTAX', `invalid dNSName "${name.value}" under name constraints`, { depth });
      }
      return dnsMatches(name.value, c.value, forExclusion);
    case 'ip':
      return c.kind === 'ip' && ipMatches(name.bytes, c.bytes);
    case 'email':
      if (c.kind !== 'email') return false;
      if (!isValidMailbox(name.value)) {
        throw new X509Error('UNSUPPORTED_NAME_SYNTAX', `invalid rfc822Name "${name.value}" under name constraints`, { depth });
      }
      return emailMatches(name.value, c.value);
    case 'dn':
      return c.kind === 'dn' && nameWithin(name.name, c.name);
    default:
      return false;
  }
}

const PROCESSED: ReadonlySet<GeneralNameKind> = new Set(['dns', 'ip', 'email', 'dn']);

function applyConstraints(ca: Certificate, cert: Certificate, depth: number, budget: Budget): void {
  const nc = ca.ext.nameConstraints?.value;
  if (!nc) return;
  const names = namesOf(cert);
  const all: GeneralName[] = [...names.san];
  if (names.subject) all.push({ kind: 'dn', name: names.subject });
  for (const e of names.emails) all.push({ kind: 'email', value: e });

  const constrainedKinds = new Set([...nc.permitted, ...nc.excluded].map((c) => c.kind));
  for (const name of all) {
    if (!PROCESSED.has(name.kind) && constrainedKinds.has(name.kind)) {
      throw new X509Error('UNSUPPORTED_CONSTRAINT_TYPE', `cannot process ${name.kind} name constraints`, { depth });
    }
    for (const c of nc.excluded) {
      budget.tick();
      if (matches(name, c, true, depth)) throw violation('EXCLUDED_VIOLATION', `${name.kind} name is excluded`, depth);
    }
    const permitted = nc.permitted.filter((c) => c.kind === name.kind);
    if (permitted.length === 0) continue;
    let ok = false;
    for (const c of permitted) {
      budget.tick();
      if (matches(name, c, false, depth)) {
        ok = true;
        break;
      }
    }
    if (!ok) throw violation('PERMITTED_VIOLATION', `${name.kind} name is not permitted`, depth);
  }
}

/** `path[0]` is the leaf, the last element the trust anchor. */
export function checkNameConstraints(path: readonly Certificate[]): void {
  const budget = new Budget();
  for (let i = path.length - 1; i >= 1; i--) {
    const ca = path[i]!;
    const nc = ca.ext.nameConstraints?.value;
    if (!nc) continue;
    for (const c of [...nc.permitted, ...nc.excluded]) checkConstraintSyntax(c);
    for (let j = i - 1; j >= 0; j--) {
      const cert = path[j]!;
      // §6.1.3 (b): self-issued intermediates are not subject to the constraints.
      if (j > 0 && cert.selfIssued) continue;
      applyConstraints(ca, cert, j, budget);
    }
  }
}
