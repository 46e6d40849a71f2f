// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4). Its shape depends on the negotiated key
// exchange, so the decoder takes it:
//   ECDHE_*: ServerECDHParams { ECParameters { ECCurveType curve_type = named_curve; NamedCurve }, ECPoint public<1..2^8-1> }
//   DHE_RSA: ServerDHParams { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; }
// each followed by DigitallySigned over client_random + server_random + params.
// RSA key exchange has no ServerKeyExchange (RFC 5246 §7.4.3: "not legal"): unexpected_message.
// curve_type other than named_curve is illegal_parameter (RFC 8422 §5.4 deprecates explicit
// curves; OpenSSL sends the same). Whether the group is acceptable is the handshake's call.

import { illegalParameter, unexpectedMessage } from '../../errors.js';
import { ECCurveType, type KeyExchange } from '../constants.js';
import { Reader } from '../reader.js';
import { encode, Writer } from '../writer.js';
import { readDigitallySigned, writeDigitallySigned, type DigitallySigned } from './digitally-signed.js';

export interface EcdheServerParams {
  readonly kind: 'ecdhe';
  /** NamedGroup. */
  readonly group: number;
  /** The encoded point (uncompressed SEC1 for NIST curves, 32 bytes for x25519). */
  readonly publicKey: Uint8Array;
}

export interface DheServerParams {
  readonly kind: 'dhe';
  /** Big-endian unsigned integers. */
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly publicKey: Uint8Array;
}

export type ServerKeyExchangeParams = EcdheServerParams | DheServerParams;

export interface ServerKeyExchange {
  readonly params: ServerKeyExchangeParams;
  /** The exact params bytes, as signed (RFC 5246 §7.4.3: the signature covers them verbatim). */
  readonly paramsBytes: Uint8Array;
  readonly signed: DigitallySigned;
}

function writeParams(w: Writer, p: ServerKeyExchangeParams): void {
  if (p.kind === 'ecdhe') {
    w.u8(ECCurveType.named_curve).u16(p.group).opaque(1, p.publicKey, 1, 0xff, 'ECPoint');
  } else {
    w.opaque(2, p.p, 1, 0xffff, 'dh_p').opaque(2, p.g, 1, 0xffff, 'dh_g').opaque(2, p.publicKey, 1, 0xffff, 'dh_Ys');
  }
}

/** The params bytes to sign (and to put in the message). */
export function encodeServerKeyExchangeParams(p: ServerKeyExchangeParams): Uint8Array {
  return encode((w) => writeParams(w, p));
}

export function encodeServerKeyExchange(ske: Pick<ServerKeyExchange, 'params' | 'signed'>): Uint8Array {
  return encode((w) => {
    writeParams(w, ske.params);
    writeDigitallySigned(w, ske.signed);
  }, 1024);
}

function readParams(r: Reader, kx: KeyExchange): ServerKeyExchangeParams {
  switch (kx) {
    case 'ECDHE_ECDSA':
    case 'ECDHE_RSA': {
      const curveType = r.u8('curve_type');
      if (curveType !== ECCurveType.named_curve) throw illegalParameter(`server_key_exchange: curve_type ${curveType} is not named_curve`);
      const group = r.u16('named_curve');
      const publicKey = r.vec8('ECPoint', 1);
      return { kind: 'ecdhe', group, publicKey };
    }
    case 'DHE_RSA': {
      const p = r.vec16('dh_p', 1);
      const g = r.vec16('dh_g', 1);
      const publicKey = r.vec16('dh_Ys', 1);
      return { kind: 'dhe', p, g, publicKey };
    }
    case 'RSA':
      throw unexpectedMessage('server_key_exchange is not sent with RSA key exchange (RFC 5246 §7.4.3)');
  }
}

export function decodeServerKeyExchange(body: Uint8Array, kx: KeyExchange): ServerKeyExchange {
  const r = new Reader(body, 'server_key_exchange');
  const params = readParams(r, kx);
  const paramsBytes = body.subarray(0, r.offset);
  const signed = readDigitallySigned(r);
  r.end();
  return { params, paramsBytes, signed };
}
