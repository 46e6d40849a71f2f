// Certificate extensions (RFC 5280 §4.2). Each known extension is decoded strictly into a typed
// value; a malformed one makes the certificate malformed. Which ones must or must not be critical
// is a profile question answered in checks/profile.ts.

import {
  type Block,
  Reader,
  Tag,
  ctx,
  decodeDer,
  readBitString,
  readBoolean,
  readOctetString,
  readOid,
  readSequenceOf,
  readSmallInt,
  tagOf,
} from './asn1/index.js';
import { X509Error } from './errors.js';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './general-name.js';
import { OID } from './oids.js';
import {
  type PolicyConstraints,
  type PolicyInformation,
  type PolicyMapping,
  certificatePolicies,
  inhibitAnyPolicy,
  policyConstraints,
  policyMappings,
} from './policy-extensions.js';

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array; // extnValue OCTET STRING contents
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen: number | undefined;
}

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

export interface AuthorityKeyIdentifier {
  readonly keyId: Uint8Array | undefined;
  readonly hasIssuer: boolean;
  readonly hasSerial: boolean;
}

export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
}

/** Decoded known extensions; each field carries its criticality. */
export interface KnownExtensions {
  readonly basicConstraints?: Decoded<BasicConstraints>;
  readonly keyUsage?: Decoded<ReadonlySet<KeyUsageBit>>;
  readonly extKeyUsage?: Decoded<readonly string[]>;
  readonly subjectAltName?: Decoded<readonly GeneralName[]>;
  readonly nameConstraints?: Decoded<NameConstraints>;
  readonly authorityKeyIdentifier?: Decoded<AuthorityKeyIdentifier>;
  readonly subjectKeyIdentifier?: Decoded<Uint8Array>;
  readonly authorityInfoAccess?: Decoded<readonly { method: string; location: GeneralName }[]>;
  readonly certificatePolicies?: Decoded<readonly PolicyInformation[]>;
  readonly policyMappings?: Decoded<readonly PolicyMapping[]>;
  readonly policyConstraints?: Decoded<PolicyConstraints>;
  readonly inhibitAnyPolicy?: Decoded<number>;
}
export interface Decoded<T> {
  readonly critical: boolean;
  readonly value: T;
}

const bad = (what: string) => new X509Error('INVALID_EXTENSION', what);

function basicConstraints(v: Uint8Array): BasicConstraints {
  const r = Reader.of(decodeDer(v));
  let ca = false;
  const caBlock = r.optional(Tag.BOOLEAN);
  if (caBlock !== undefined) {
    ca = readBoolean(caBlock);
    if (!ca) throw bad('basicConstraints: explicit cA FALSE is not DER'); // DEFAULT value must be omitted
  }
  const pl = r.optional(Tag.INTEGER);
  r.end();
  const pathLen = pl === undefined ? undefined : readSmallInt(pl);
  if (pathLen !== undefined && pathLen < 0) throw bad('basicConstraints: negative pathLenConstraint');
  return { ca, pathLen };
}

function keyUsage(v: Uint8Array): Set<KeyUsageBit> {
  const bits = readBitString(decodeDer(v));
  const out = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bits.bytes[i >> 3];
    if (byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0) out.add(name);
  });
  // RFC 5280 §4.2.1.3: at least one bit MUST be set.
  if (out.size === 0) throw bad('keyUsage: no bits set');
  return out;
}

function extKeyUsage(v: Uint8Array): string[] {
  const items = readSequenceOf(decodeDer(v)).map(readOid);
  if (items.length === 0) throw bad('extKeyUsage: empty'); // SIZE (1..MAX)
  return items;
}

function subtrees(t: Block): GeneralName[] {
  const items = readSequenceOf(t, tagOf(t));
  if (items.length === 0) throw bad('nameConstraints: empty subtree list'); // SIZE (1..MAX)
  return items.map((st) => {
    const r = Reader.of(st);
    const base = parseGeneralName(r.next(), [8, 32]);
    // RFC 5280 §4.2.1.10: minimum MUST be zero (so absent in DER), maximum MUST be absent.
    if (!r.done) throw bad('nameConstraints: minimum/maximum not supported');
    return base;
  });
}

function nameConstraints(v: Uint8Array): NameConstraints {
  const r = Reader.of(decodeDer(v));
  const p = r.optional(ctx(0, true));
  const e = r.optional(ctx(1, true));
  r.end();
  // RFC 5280 §4.2.1.10: at least one of permittedSubtrees or excludedSubtrees MUST be present.
  if (p === undefined && e === undefined) throw bad('nameConstraints: empty');
  return { permitted: p ? subtrees(p) : [], excluded: e ? subtrees(e) : [] };
}

function aki(v: Uint8Array): AuthorityKeyIdentifier {
  const r = Reader.of(decodeDer(v));
  const k = r.optional(ctx(0, false));
  const i = r.optional(ctx(1, true));
  const s = r.optional(ctx(2, false));
  r.end();
  const keyId = k === undefined ? undefined : readOctetString(k, ctx(0, false));
  return { keyId, hasIssuer: i !== undefined, hasSerial: s !== undefined };
}

function aia(v: Uint8Array): { method: string; location: GeneralName }[] {
  const items = readSequenceOf(decodeDer(v)).map((ad) => {
    const r = Reader.of(ad);
    const method = readOid(r.next());
    const location = parseGeneralName(r.next(), [4, 16]);
    r.end();
    return { method, location };
  });
  if (items.length === 0) throw bad('authorityInfoAccess: empty'); // SIZE (1..MAX)
  return items;
}

/** Extensions we recognise; each is checked for shape so that accepting it as critical is honest. */
const STRUCTURE_ONLY: Readonly<Record<string, (v: Uint8Array) => void>> = {
  [OID.issuerAltName]: (v) => void parseGeneralNames(v),
  [OID.crlDistributionPoints]: (v) => void readSequenceOf(decodeDer(v)),
  [OID.freshestCrl]: (v) => void readSequenceOf(decodeDer(v)),
  [OID.subjectInfoAccess]: (v) => void readSequenceOf(decodeDer(v)),
  [OID.ctPrecertificateScts]: (v) => void readOctetString(decodeDer(v)),
};

export interface ParsedExtensions {
  readonly list: readonly Extension[];
  readonly known: KnownExtensions;
  /** OIDs of critical extensions this implementation does not process (RFC 5280 §4.2). */
  readonly unhandledCritical: readonly string[];
}

export function parseExtensionList(t: Block): Extension[] {
  const items = readSequenceOf(t);
  if (items.length === 0) throw bad('extensions: empty'); // SIZE (1..MAX)
  const seen = new Set<string>();
  return items.map((e) => {
    const r = Reader.of(e);
    const oid = readOid(r.next());
    const c = r.optional(Tag.BOOLEAN);
    const critical = c === undefined ? false : readBoolean(c);
    if (c !== undefined && !critical) throw bad('extension: explicit critical FALSE is not DER');
    const value = readOctetString(r.next());
    r.end();
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(oid)) throw bad(`duplicate extension ${oid}`);
    seen.add(oid);
    return { oid, critical, value };
  });
}

export function decodeExtensions(list: readonly Extension[]): ParsedExtensions {
  const known: { -readonly [K in keyof KnownExtensions]: KnownExtensions[K] } = {};
  const unhandledCritical: string[] = [];
  for (const { oid, critical, value } of list) {
    const wrap = <T>(f: (v: Uint8Array) => T): Decoded<T> => {
      try {
        return { critical, value: f(value) };
      } catch (e) {
        throw e instanceof X509Error ? new X509Error('INVALID_EXTENSION', `${oid}: ${e.message}`) : e;
      }
    };
    switch (oid) {
      case OID.basicConstraints:
        known.basicConstraints = wrap(basicConstraints);
        break;
      case OID.keyUsage:
        known.keyUsage = wrap(keyUsage);
        break;
      case OID.extKeyUsage:
        known.extKeyUsage = wrap(extKeyUsage);
        break;
      case OID.subjectAltName:
        known.subjectAltName = wrap(parseGeneralNames);
        break;
      case OID.nameConstraints:
        known.nameConstraints = wrap(nameConstraints);
        break;
      case OID.authorityKeyIdentifier:
        known.authorityKeyIdentifier = wrap(aki);
        break;
      case OID.subjectKeyIdentifier:
        known.subjectKeyIdentifier = wrap((v) => readOctetString(decodeDer(v)));
        break;
      case OID.authorityInfoAccess:
        known.authorityInfoAccess = wrap(aia);
        break;
      case OID.certificatePolicies:
        known.certificatePolicies = wrap(certificatePolicies);
        break;
      case OID.policyMappings:
        known.policyMappings = wrap(policyMappings);
        break;
      case OID.policyConstraints:
        known.policyConstraints = wrap(policyConstraints);
        break;
      case OID.inhibitAnyPolicy:
        known.inhibitAnyPolicy = wrap(inhibitAnyPolicy);
        break;
      default: {
        const check = STRUCTURE_ONLY[oid];
        if (check) wrap(check);
        else if (critical) unhandledCritical.push(oid);
      }
    }
  }
  return { list, known, unhandledCritical };
}
