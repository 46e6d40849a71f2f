// Renegotiation (RFC 5746): the binding of each handshake to the previous one, and the rate limit both
// sides put on it. Insecure (legacy) renegotiation does not exist here: a connection without the
// renegotiation_info extension is never renegotiated (RFC 5746 §4.2, §4.4).
import { TlsError } from '../errors.js';
import type { ResolvedClientAuth } from './options.js';

/** How many renegotiations a peer may start within a time window. */
export interface RenegotiationPolicy {
  readonly max: number;
  readonly windowSeconds: number;
}

/** Node's tls defaults (CLIENT_RENEG_LIMIT 3 per CLIENT_RENEG_WINDOW 600 s). */
export const DEFAULT_RENEGOTIATION_POLICY: RenegotiationPolicy = { max: 3, windowSeconds: 600 };

export function resolveRenegotiationPolicy(p: boolean | RenegotiationPolicy): RenegotiationPolicy | undefined {
  if (p === false) return undefined;
  if (p === true) return DEFAULT_RENEGOTIATION_POLICY;
  if (!(p.max >= 0) || !(p.windowSeconds > 0)) throw new RangeError('bad renegotiation policy');
  return p;
}

/**
 * What one connection carries from handshake to handshake: the verify_data of the last Finished messages
 * (RFC 5746 §3.1, the renegotiated_connection binding) and the times of recent renegotiations.
 */
export class ConnectionBinding {
  clientVerifyData: Uint8Array | undefined;
  serverVerifyData: Uint8Array | undefined;
  /** The first handshake negotiated RFC 5746: renegotiation is possible at all. */
  secure = false;
  /** The last handshake put encrypt-then-MAC in force (RFC 7366 §3.1: never dropped by a renegotiation). */
  encryptThenMac = false;
  /** Server side: we sent HelloRequest, so the next ClientHello is welcome whatever the policy. */
  requested = false;
  /** Server side: client authentication for the next handshake (a renegotiation asking for a certificate). */
  nextClientAuth: ResolvedClientAuth | undefined;
  private readonly times: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A handshake completed: what the next one is bound to (RFC 5746 §3.1) and must keep (RFC 7366 §3.1). */
  completed(c: { readonly secureRenegotiation: boolean; readonly encryptThenMac: boolean }, clientVerifyData: Uint8Array, serverVerifyData: Uint8Array): void {
    if (!this.established) this.secure = c.secureRenegotiation;
    this.encryptThenMac = c.encryptThenMac;
    this.clientVerifyData = clientVerifyData;
    this.serverVerifyData = serverVerifyData;
  }

  /** RFC 7366 §3.1: once in force, encrypt-then-MAC is not given up by a renegotiation to a CBC suite. */
  checkEncryptThenMac(c: { readonly suite: { readonly mac: string }; readonly encryptThenMac: boolean }): void {
    if (this.established && this.encryptThenMac && c.suite.mac !== 'AEAD' && !c.encryptThenMac) {
      throw new TlsError('ETM_DOWNGRADE', 'handshake_failure', 'renegotiation would drop encrypt-then-MAC');
    }
  }

  /** True when this is a renegotiation (a handshake has completed on the connection). */
  get established(): boolean {
    return this.clientVerifyData !== undefined;
  }

  /** Counts one renegotiation against `policy`; false when it is over the limit. */
  admit(policy: RenegotiationPolicy | undefined): boolean {
    if (!policy || !this.secure) return false;
    const t = this.now();
    while (this.times.length > 0 && this.times[0]! <= t - policy.windowSeconds * 1000) this.times.shift();
    if (this.times.length >= policy.max) return false;
    this.times.push(t);
    return true;
  }
}
