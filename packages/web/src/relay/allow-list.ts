// The relay's allow-list: the exact host:port targets it will open TCP connections to. A relay that
// reaches anything it is asked for is an open proxy into the network it runs in, so the list is required
// and matching is exact: the host as written (no resolution, no wildcards) and the port.
import { formatTarget, parseTarget, type Target } from '../target.js';

export class AllowList {
  private readonly entries: ReadonlySet<string>;

  constructor(targets: readonly string[]) {
    if (!Array.isArray(targets) || targets.length === 0) {
      throw new RangeError('the relay needs an allow-list of host:port targets');
    }
    const set = new Set<string>();
    for (const spec of targets) {
      const t = parseTarget(spec);
      if (!t) throw new RangeError(`allow-list entry is not host:port: ${JSON.stringify(spec)}`);
      set.add(formatTarget(t));
    }
    this.entries = set;
  }

  allows(target: Target): boolean {
    return this.entries.has(formatTarget(target));
  }

  /** The entries in canonical form. */
  list(): string[] {
    return [...this.entries];
  }
}
