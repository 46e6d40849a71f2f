// status_request (RFC 6066 §8).
//   struct { CertificateStatusType status_type; select (status_type) { case ocsp: OCSPStatusRequest; } request; }
//   struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; } OCSPStatusRequest;
//   opaque ResponderID<1..2^16-1>;  opaque Extensions<0..2^16-1>;
// The server's acknowledgement is empty; the response itself travels in CertificateStatus.

import { CertificateStatusType } from '../constants.js';
import { Reader } from '../reader.js';
import { encode } from '../writer.js';

export interface StatusRequest {
  readonly statusType: number;
  /** DER ResponderIDs (ocsp only). */
  readonly responderIds: readonly Uint8Array[];
  /** DER-encoded OCSP request extensions (ocsp only), possibly empty. */
  readonly requestExtensions: Uint8Array;
  /** For a status_type other than ocsp: the undecoded request (servers ignore it). */
  readonly unknownRequest?: Uint8Array;
}

/** Client form. Defaults to a plain OCSP request (no responder IDs, no extensions), as browsers send. */
export function encodeStatusRequest(
  req: Pick<StatusRequest, 'responderIds' | 'requestExtensions'> = { responderIds: [], requestExtensions: new Uint8Array(0) },
): Uint8Array {
  return encode((w) => {
    w.u8(CertificateStatusType.ocsp);
    w.vec16((l) => { for (const id of req.responderIds) l.opaque(2, id, 1, 0xffff, 'ResponderID'); });
    w.opaque(2, req.requestExtensions, 0, 0xffff, 'request_extensions');
  });
}

export function decodeStatusRequest(data: Uint8Array): StatusRequest {
  const r = new Reader(data, 'status_request');
  const statusType = r.u8('status_type');
  if (statusType !== CertificateStatusType.ocsp) {
    // RFC 6066 §8 leaves other types to future documents: keep them raw for the server to ignore.
    return { statusType, responderIds: [], requestExtensions: new Uint8Array(0), unknownRequest: r.rest() };
  }
  const ids = r.sub(2, 'responder_id_list');
  const responderIds: Uint8Array[] = [];
  while (ids.remaining > 0) responderIds.push(ids.vec16('ResponderID', 1));
  const requestExtensions = r.vec16('request_extensions');
  r.end();
  return { statusType, responderIds, requestExtensions };
}
