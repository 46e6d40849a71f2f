// Certificate policy processing: RFC 5280 §6.1.2 (a), (d)-(f), §6.1.3 (d)-(f), §6.1.4 (a)-(b),
// (h)-(j) and §6.1.5 (a)-(b), (g), over the valid_policy_tree. The inputs default to what browsers
// use: user-initial-policy-set = {anyPolicy} and initial-explicit-policy,
// initial-policy-mapping-inhibit and initial-any-policy-inhibit all false. A path then fails only
// where a CA demands an explicit policy (requireExplicitPolicy) and no policy survives to the
// leaf; inhibitPolicyMapping and inhibitAnyPolicy decide what survives. Qualifier sets are not
// tracked: they only feed the output, and nothing here reports them.
//
// The tree can grow exponentially with hostile mappings (CVE-2023-0464), so it is bounded, and so is
// the sum of its expected_policy_set sizes (the work of each step is linear in both).

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';
import { OID } from '../oids.js';
import type { PolicyInformation, PolicyMapping } from '../policy-extensions.js';

/** Most nodes the valid_policy_tree may hold at once. */
export const MAX_POLICY_NODES = 1000;
/** Most expected_policy_set entries, summed over the nodes: mappings can make each set large. */
export const MAX_EXPECTED_POLICIES = 8 * MAX_POLICY_NODES;

/** RFC 5280 §6.1.1 (e)-(g); all false when omitted. user-initial-policy-set is always {anyPolicy}. */
export interface PolicyInputs {
  readonly initialPolicyMappingInhibit?: boolean;
  readonly initialExplicitPolicy?: boolean;
  readonly initialAnyPolicyInhibit?: boolean;
}

const ANY = OID.anyPolicy;

/** The value under `key`, created by `make` when absent. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

interface PolicyNode {
  readonly policy: string; // valid_policy
  expected: ReadonlySet<string>; // expected_policy_set
  readonly parent: PolicyNode | undefined;
  children: number;
}

class PolicyTree {
  /** levels[d] holds the nodes of depth d; the root, anyPolicy, is depth 0 (§6.1.2 (a)). */
  private readonly levels: PolicyNode[][] = [[{ policy: ANY, expected: new Set([ANY]), parent: undefined, children: 0 }]];
  private size = 1;
  private expectedEntries = 1;

  /** No root left: the tree is NULL. */
  get isNull(): boolean {
    return this.levels[0]!.length === 0;
  }

  at(depth: number): readonly PolicyNode[] {
    return this.levels[depth] ?? [];
  }

  private account(nodes: number, entries: number): void {
    this.size += nodes;
    this.expectedEntries += entries;
    if (this.size > MAX_POLICY_NODES || this.expectedEntries > MAX_EXPECTED_POLICIES) {
      throw new X509Error(
        'PATH_BUILDING_LIMIT_EXCEEDED',
        `valid_policy_tree over ${MAX_POLICY_NODES} nodes or ${MAX_EXPECTED_POLICIES} expected policies`,
      );
    }
  }

  add(parent: PolicyNode, depth: number, policy: string, expected: ReadonlySet<string>): void {
    this.account(1, expected.size);
    (this.levels[depth] ??= []).push({ policy, expected, parent, children: 0 });
    parent.children++;
  }

  setExpected(node: PolicyNode, expected: ReadonlySet<string>): void {
    this.account(0, expected.size - node.expected.size);
    node.expected = expected;
  }

  /** Deletes the nodes of one depth that `drop` selects. */
  remove(depth: number, drop: (n: PolicyNode) => boolean): void {
    this.levels[depth] = this.at(depth).filter((n) => {
      if (!drop(n)) return true;
      if (n.parent) n.parent.children--;
      this.account(-1, -n.expected.size);
      return false;
    });
  }

  /** Deletes childless nodes of depth `depth` or less until there are none (§6.1.3 (d)(3), §6.1.4 (b)(2)). */
  prune(depth: number): void {
    for (let d = depth; d >= 0; d--) this.remove(d, (n) => n.children === 0);
  }
}

/** §6.1.3 (d): certificate i asserts `policies`. Returns the tree, or undefined once it is NULL. */
function processPolicies(tree: PolicyTree, i: number, policies: readonly PolicyInformation[], anyAllowed: boolean): PolicyTree | undefined {
  const parents = tree.at(i - 1);
  const byExpected = new Map<string, PolicyNode[]>();
  for (const p of parents) for (const e of p.expected) entry(byExpected, e, () => []).push(p);
  const anyParent = parents.find((p) => p.policy === ANY);
  const made = new Map<PolicyNode, Set<string>>();
  const add = (parent: PolicyNode, policy: string) => {
    tree.add(parent, i, policy, new Set([policy]));
    entry(made, parent, () => new Set<string>()).add(policy);
  };
  for (const { policy } of policies) {
    if (policy === ANY) continue;
    const matches = byExpected.get(policy);
    if (matches) for (const m of matches) add(m, policy); // (d)(1)(i)
    else if (anyParent) add(anyParent, policy); // (d)(1)(ii)
  }
  // (d)(2): anyPolicy stands for every expected policy not matched yet.
  if (anyAllowed && policies.some((p) => p.policy === ANY)) {
    for (const p of parents) for (const e of p.expected) if (!made.get(p)?.has(e)) add(p, e);
  }
  tree.prune(i - 1); // (d)(3)
  return tree.isNull ? undefined : tree;
}

/** §6.1.4 (b): the policy mappings of certificate i. */
function applyMappings(tree: PolicyTree, i: number, mappings: readonly PolicyMapping[], mappingAllowed: boolean): PolicyTree | undefined {
  const to = new Map<string, Set<string>>();
  for (const m of mappings) entry(to, m.issuerDomainPolicy, () => new Set<string>()).add(m.subjectDomainPolicy);
  if (!mappingAllowed) {
    // (b)(2): mapping is inhibited, so the mapped policies end here.
    tree.remove(i, (n) => to.has(n.policy));
    tree.prune(i - 1);
    return tree.isNull ? undefined : tree;
  }
  const byPolicy = new Map<string, PolicyNode[]>();
  for (const n of tree.at(i)) entry(byPolicy, n.policy, () => []).push(n);
  const anyNode = byPolicy.get(ANY)?.[0];
  for (const [issuerPolicy, subjectPolicies] of to) {
    const nodes = byPolicy.get(issuerPolicy);
    // (b)(1): the nodes for ID-P now expect its subject domain policies...
    if (nodes) for (const n of nodes) tree.setExpected(n, subjectPolicies);
    // ...or, if none, a sibling of the anyPolicy node does (its parent is the anyPolicy node of depth i-1).
    else if (anyNode) tree.add(anyNode.parent!, i, issuerPolicy, subjectPolicies);
  }
  return tree;
}

const dec = (x: number) => (x > 0 ? x - 1 : 0);

/**
 * Runs policy processing over `path` (leaf first, trust anchor last; the anchor's extensions are
 * not processed, §6.1.1 (d)). Throws NO_EXPLICIT_POLICY when an explicit policy is required and
 * none is valid, INVALID_POLICY_EXTENSION for a mapping to or from anyPolicy. Returns the
 * valid_policy of each node at the leaf's depth (empty when the tree is NULL).
 */
export function checkPolicies(path: readonly Certificate[], inputs: PolicyInputs = {}): string[] {
  const n = path.length - 1;
  let tree: PolicyTree | undefined = new PolicyTree();
  // §6.1.2 (d)-(f).
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAny = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
  const noPolicy = (depth: number) =>
    new X509Error('NO_EXPLICIT_POLICY', 'no valid certificate policy, and the path requires an explicit one', { depth });

  for (let i = 1; i <= n; i++) {
    const depth = n - i; // index in `path`
    const cert = path[depth]!;
    const ext = cert.ext;
    // §4.2.1.5 / §6.1.4 (a): policies MUST NOT be mapped to or from anyPolicy (checked in the leaf too).
    for (const m of ext.policyMappings?.value ?? []) {
      if (m.issuerDomainPolicy === ANY || m.subjectDomainPolicy === ANY) {
        throw new X509Error('INVALID_POLICY_EXTENSION', 'policyMappings maps to or from anyPolicy', { depth });
      }
    }
    // §6.1.3 (d), (e).
    const policies = ext.certificatePolicies?.value;
    if (!policies) tree = undefined;
    else if (tree) tree = processPolicies(tree, i, policies, inhibitAny > 0 || (i < n && cert.selfIssued));
    // §6.1.3 (f).
    if (explicitPolicy === 0 && !tree) throw noPolicy(depth);
    if (i === n) break;
    // §6.1.4 (b).
    const mappings = ext.policyMappings?.value;
    if (mappings && tree) tree = applyMappings(tree, i, mappings, policyMapping > 0);
    // §6.1.4 (h).
    if (!cert.selfIssued) {
      explicitPolicy = dec(explicitPolicy);
      policyMapping = dec(policyMapping);
      inhibitAny = dec(inhibitAny);
    }
    // §6.1.4 (i), (j).
    const pc = ext.policyConstraints?.value;
    if (pc?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, pc.requireExplicitPolicy);
    if (pc?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, pc.inhibitPolicyMapping);
    const iap = ext.inhibitAnyPolicy?.value;
    if (iap !== undefined) inhibitAny = Math.min(inhibitAny, iap);
  }

  // §6.1.5 (a), (b).
  explicitPolicy = dec(explicitPolicy);
  if (n > 0 && path[0]!.ext.policyConstraints?.value.requireExplicitPolicy === 0) explicitPolicy = 0;
  // §6.1.5 (g)(ii): with user-initial-policy-set = {anyPolicy} the intersection is the tree itself.
  if (explicitPolicy === 0 && !tree) throw noPolicy(0);
  return tree ? tree.at(n).map((x) => x.policy) : [];
}
