// The handshake transcript (RFC 5246 §7.4.9 handshake_messages, RFC 7627 §3 session_hash): a running
// hash of every handshake message sent and received, HelloRequest excepted (RFC 5246 §7.4.1.1).
// The PRF hash is known only once the suite is chosen, so messages are buffered until then; the hash is
// cloned at each point a value is needed (EMS session_hash, Finished of either side).
// CertificateVerify (RFC 5246 §7.4.8) signs the messages themselves with the scheme's own hash (Ed25519
// signs them unhashed), so a transcript that may need one also keeps the raw messages until released.
import type { CryptoProvider, Hash } from '@sanstls/crypto';
import type { PrfHash } from '../codec/constants.js';

export class Transcript {
  private pending: Uint8Array[] | null = [];
  private hash: Hash | null = null;
  private kept: Uint8Array[] | null;

  constructor(private readonly provider: CryptoProvider, keepMessages = false) {
    this.kept = keepMessages ? [] : null;
  }

  /** Adds one whole handshake message (header included), exactly as sent or received. */
  add(message: Uint8Array): void {
    if (this.kept) this.kept.push(message.slice());
    if (this.hash) this.hash.update(message);
    else this.pending!.push(message.slice());
  }

  /** Every message added so far, concatenated (only when constructed with keepMessages). */
  messages(): Uint8Array {
    if (!this.kept) throw new Error('transcript does not keep messages');
    let n = 0;
    for (const m of this.kept) n += m.length;
    const out = new Uint8Array(n);
    n = 0;
    for (const m of this.kept) {
      out.set(m, n);
      n += m.length;
    }
    return out;
  }

  /** Stops keeping the raw messages (no CertificateVerify can follow). */
  releaseMessages(): void {
    this.kept = null;
  }

  /** Fixes the hash once the suite is negotiated and replays the buffered messages into it. */
  start(alg: PrfHash): void {
    if (this.hash) throw new Error('transcript hash already started');
    this.hash = this.provider.hash(alg);
    for (const m of this.pending!) this.hash.update(m);
    this.pending = null;
  }

  get started(): boolean {
    return this.hash !== null;
  }

  /** Hash of everything added so far; the running hash is left untouched. */
  current(): Uint8Array {
    if (!this.hash) throw new Error('transcript hash not started');
    const c = this.hash.clone();
    const d = c.digest();
    c.dispose();
    return d;
  }

  dispose(): void {
    this.hash?.dispose();
    this.hash = null;
    this.pending = [];
    this.kept = null;
  }
}
