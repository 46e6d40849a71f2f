// Trust anchors (RFC 5280 §6.1.1 (d)): certificates the caller trusts, parsed once and indexed by
// subject so path building can look up candidate issuers quickly. A store can be reused across
// handshakes.

import { type Certificate, parseCertificate } from './certificate.js';
import { toDerList } from './pem.js';

export class TrustStore {
  readonly anchors: readonly Certificate[];
  /** Inputs that could not be parsed as certificates, with the reason. */
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
  private readonly bySubject = new Map<string, Certificate[]>();
  private readonly ids = new Set<string>();

  constructor(input: string | Uint8Array | readonly (string | Uint8Array)[]) {
    const anchors: Certificate[] = [];
    const rejected: { index: number; reason: string }[] = [];
    toDerList(input).forEach((der, index) => {
      try {
        const cert = parseCertificate(der);
        if (this.ids.has(cert.id)) return;
        this.ids.add(cert.id);
        anchors.push(cert);
        const list = this.bySubject.get(cert.subject.key);
        if (list) list.push(cert);
        else this.bySubject.set(cert.subject.key, [cert]);
      } catch (e) {
        rejected.push({ index, reason: (e as Error).message });
      }
    });
    this.anchors = anchors;
    this.rejected = rejected;
  }

  /** Anchors whose subject is `nameKey` (see Name.key). */
  bySubjectKey(nameKey: string): readonly Certificate[] {
    return this.bySubject.get(nameKey) ?? [];
  }

  has(cert: Certificate): boolean {
    return this.ids.has(cert.id);
  }
}

export type AnchorsInput = TrustStore | string | Uint8Array | readonly (string | Uint8Array)[];

export function toTrustStore(input: AnchorsInput): TrustStore {
  return input instanceof TrustStore ? input : new TrustStore(input);
}
