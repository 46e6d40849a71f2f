// pathLenConstraint processing (RFC 5280 §6.1.4 (l), (m)): walking from the anchor towards the leaf,
// each non-self-issued intermediate uses up one level; a CA's pathLenConstraint caps the levels
// left below it. The leaf is not counted, and the leaf's own pathLenConstraint is irrelevant.

import type { Certificate } from '../certificate.js';
import { X509Error } from '../errors.js';

/** `path[0]` is the leaf, `path[path.length - 1]` the trust anchor. */
export function checkPathLength(path: readonly Certificate[]): void {
  let remaining = Number.POSITIVE_INFINITY;
  for (let i = path.length - 1; i >= 1; i--) {
    const cert = path[i]!;
    const isAnchor = i === path.length - 1;
    if (!isAnchor && !cert.selfIssued) {
      if (remaining <= 0) {
        throw new X509Error('PATH_LENGTH_EXCEEDED', 'pathLenConstraint exceeded', { depth: i });
      }
      remaining--;
    }
    const pathLen = cert.ext.basicConstraints?.value.pathLen;
    if (pathLen !== undefined) remaining = Math.min(remaining, pathLen);
  }
}

/** Number of intermediates that count towards a depth limit (self-issued ones do not, as for pathLen). */
export function countedIntermediates(path: readonly Certificate[]): number {
  let n = 0;
  for (let i = 1; i < path.length - 1; i++) if (!path[i]!.selfIssued) n++;
  return n;
}
