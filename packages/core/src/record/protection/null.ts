// TLS_NULL_WITH_NULL_NULL (RFC 5246 §6.1): the state before the first ChangeCipherSpec; identity transform.
import type { RecordProtector } from './types.js';

export class NullProtector implements RecordProtector {
  readonly kind = 'null' as const;
  readonly prefixLength = 0;
  readonly maxSuffixLength = 0;

  sealInPlace(_buf: Uint8Array, _offset: number, length: number): number {
    return length;
  }

  unprotect(fragment: Uint8Array): Uint8Array {
    return fragment.slice(); // the caller owns the result; the fragment may be a view of a reused buffer
  }

  dispose(): void {}
}

export const nullProtector = (): RecordProtector => new NullProtector();
