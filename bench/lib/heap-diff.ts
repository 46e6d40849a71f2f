// What a set of connections holds in the V8 heap: two heap snapshots (V8's .heapsnapshot JSON, as
// v8.writeHeapSnapshot writes it) taken before and after opening them, grouped by constructor name (or by
// V8's kind for strings, arrays, closures and internal objects), the difference divided by the number of
// connections. Compiled code is left out: it is the JIT's work during the run, not memory per connection.
import { readFileSync } from 'node:fs';

export interface HeapGroup {
  readonly name: string;
  /** Objects per connection. */
  readonly count: number;
  /** Shallow (self) bytes per connection. */
  readonly bytes: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** The group a heap node counts in: its constructor for objects, its kind otherwise. */
function groupOf(type: string, name: string): string | undefined {
  switch (type) {
    case 'code':
      return undefined;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(strings)';
    case 'number':
      return '(heap numbers)';
    case 'closure':
      return '(closures)';
    case 'array':
      return '(arrays: elements and hash tables)';
    case 'native':
      // ArrayBuffer backing stores (the WASM module's memory among them): external memory, not V8 heap.
      return name === 'system / JSArrayBufferData' ? '(ArrayBuffer backing stores, external)' : `(native: ${name})`;
    case 'hidden':
    case 'object shape':
      return `(V8 internal: ${name.replace(/^system \/ /, '')})`;
    default:
      return name || `(${type})`;
  }
}

function tally(file: string): Map<string, [number, number]> {
  const h = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = h.snapshot.meta.node_fields;
  const kinds = h.snapshot.meta.node_types[0];
  const width = fields.length;
  const ti = fields.indexOf('type');
  const ni = fields.indexOf('name');
  const si = fields.indexOf('self_size');
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < h.nodes.length; i += width) {
    const g = groupOf(kinds[h.nodes[i + ti]!]!, h.strings[h.nodes[i + ni]!]!);
    if (g === undefined) continue;
    const a = out.get(g) ?? [0, 0];
    a[0]++;
    a[1] += h.nodes[i + si]!;
    out.set(g, a);
  }
  return out;
}

/** Per-connection growth between the two snapshots, largest first; groups under `minBytes` are merged. */
export function heapGrowth(before: string, after: string, connections: number, minBytes = 48): { groups: HeapGroup[]; totalBytes: number } {
  const a = tally(before);
  const b = tally(after);
  const groups: HeapGroup[] = [];
  let total = 0;
  let rest = 0;
  let restCount = 0;
  for (const [name, [c, s]] of b) {
    const [c0, s0] = a.get(name) ?? [0, 0];
    const bytes = (s - s0) / connections;
    const count = (c - c0) / connections;
    total += bytes;
    if (bytes >= minBytes) groups.push({ name, count, bytes });
    else {
      rest += bytes;
      restCount += count;
    }
  }
  groups.sort((x, y) => y.bytes - x.bytes);
  groups.push({ name: '(everything else)', count: restCount, bytes: rest });
  return { groups, totalBytes: total };
}
