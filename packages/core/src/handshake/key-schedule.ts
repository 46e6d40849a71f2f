// The TLS 1.2 key schedule (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4), over the provider's PRF.
import type { CryptoProvider } from '@sanstls/crypto';
import { VERIFY_DATA_LENGTH, type CipherSuite } from '../codec/constants.js';

const MASTER_SECRET_LENGTH = 48;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random).
 * RFC 7627 §4 (when extended_master_secret was negotiated): PRF(pms, "extended master secret", session_hash),
 * session_hash being the transcript hash up to and including ClientKeyExchange.
 */
export function masterSecret(
  provider: CryptoProvider,
  suite: CipherSuite,
  preMasterSecret: Uint8Array,
  p: { ems: true; sessionHash: Uint8Array } | { ems: false; clientRandom: Uint8Array; serverRandom: Uint8Array },
): Uint8Array {
  return p.ems
    ? provider.prf(suite.prf, preMasterSecret, 'extended master secret', p.sessionHash, MASTER_SECRET_LENGTH)
    : provider.prf(suite.prf, preMasterSecret, 'master secret', concat(p.clientRandom, p.serverRandom), MASTER_SECRET_LENGTH);
}

/** One direction's traffic keys. */
export interface DirectionKeys {
  readonly macKey: Uint8Array;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export interface KeyBlock {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
 * client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV,
 * server_write_IV (IV lengths per RFC 5288 §3 / RFC 7905 §2 for AEAD suites).
 */
export function keyBlock(
  provider: CryptoProvider,
  suite: CipherSuite,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock {
  const m = suite.macLength;
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  const block = provider.prf(suite.prf, master, 'key expansion', concat(serverRandom, clientRandom), 2 * (m + k + iv));
  let off = 0;
  const take = (n: number) => block.slice(off, (off += n));
  const cMac = take(m);
  const sMac = take(m);
  const cKey = take(k);
  const sKey = take(k);
  const cIv = take(iv);
  const sIv = take(iv);
  block.fill(0);
  return { client: { macKey: cMac, key: cKey, iv: cIv }, server: { macKey: sMac, key: sKey, iv: sIv } };
}

/** RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(
  provider: CryptoProvider,
  suite: CipherSuite,
  master: Uint8Array,
  sender: 'client' | 'server',
  transcriptHash: Uint8Array,
): Uint8Array {
  return provider.prf(suite.prf, master, `${sender} finished`, transcriptHash, VERIFY_DATA_LENGTH);
}

export function wipeKeyBlock(kb: KeyBlock): void {
  for (const d of [kb.client, kb.server]) {
    d.macKey.fill(0);
    d.key.fill(0);
    d.iv.fill(0);
  }
}
