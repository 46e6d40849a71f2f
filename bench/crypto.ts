// npm run bench:crypto — record-crypto throughput of sanstls (WASM) against the libraries people would
// otherwise pick, all measured in this one process and run. Writes bench/results/crypto.json and
// docs/crypto-bench.svg (under DIR and DIR/docs with --out=DIR or SANSTLS_BENCH_OUT, see lib/stats.ts), and
// prints the ratios the foundation issue sets as targets.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 as nSha256, sha384 as nSha384, sha512 as nSha512 } from '@noble/hashes/sha2.js';
import { sha1 as nSha1 } from '@noble/hashes/legacy.js';
import { hmac as nHmac } from '@noble/hashes/hmac.js';
import * as hw from 'hash-wasm';
import forge from 'node-forge';
import * as S from '@sanstls/crypto';
import { compare, type Op } from './lib/measure.js';
import { barChart } from './lib/svg.js';
import { DOCS, RESULTS } from './lib/stats.js';

const quick = process.argv.includes('--quick');
const opts = quick ? { rounds: 3, ms: 30, warmupMs: 50 } : { rounds: 7, ms: 60, warmupMs: 150 };
const SIZES = [16384, 1024];

interface Row { primitive: string; op: string; bytes: number; impl: string; mbps: number; min: number; max: number }
const rows: Row[] = [];

function record(primitive: string, op: string, bytes: number, impls: Record<string, Op>) {
  const res = compare(impls, bytes, opts);
  for (const [impl, s] of Object.entries(res)) {
    rows.push({ primitive, op, bytes, impl, mbps: +s.median.toFixed(1), min: +s.min.toFixed(1), max: +s.max.toFixed(1) });
  }
  const line = Object.entries(res).map(([k, s]) => `${k} ${s.median.toFixed(0)}`).join('  ');
  console.log(`${primitive.padEnd(18)} ${op.padEnd(5)} ${String(bytes).padStart(5)} B  ${line}`);
}

const bin = (s: string) => forge.util.createBuffer(s, 'raw');

// Cold start: compiling and instantiating the inlined module (the first use does this lazily).
const t0 = performance.now();
await S.initCrypto();
const initMs = performance.now() - t0;
console.log(`sanstls WASM instantiate: ${initMs.toFixed(2)} ms`);

// --- AEADs ---------------------------------------------------------------------------------------
for (const [name, keyLen] of [['AES-128-GCM', 16], ['AES-256-GCM', 32], ['ChaCha20-Poly1305', 32]] as const) {
  const key = new Uint8Array(randomBytes(keyLen));
  const nonce = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(13)); // a TLS 1.2 record's additional data
  const isGcm = name !== 'ChaCha20-Poly1305';
  const nodeAlg = isGcm ? `aes-${keyLen * 8}-gcm` : 'chacha20-poly1305';
  const ours = isGcm ? new S.AesGcm(key) : new S.ChaCha20Poly1305(key);
  for (const bytes of SIZES) {
    const pt = new Uint8Array(randomBytes(bytes));
    const sealed = ours.seal(nonce, pt, aad);
    const ct = sealed.subarray(0, bytes);
    const tag = sealed.subarray(bytes);
    const nobleAead = () => (isGcm ? gcm : chacha20poly1305)(key, nonce, aad);
    const nodeSeal = () => {
      const c = createCipheriv(nodeAlg as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: bytes });
      const out = c.update(pt);
      c.final();
      return [out, c.getAuthTag()];
    };
    const nodeOpen = () => {
      const d = createDecipheriv(nodeAlg as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      d.setAAD(aad, { plaintextLength: bytes });
      d.setAuthTag(tag);
      const out = d.update(ct);
      d.final();
      return out;
    };
    const sealImpls: Record<string, Op> = {
      sanstls: () => ours.seal(nonce, pt, aad),
      noble: () => nobleAead().encrypt(pt),
      'node:crypto': nodeSeal,
    };
    const openImpls: Record<string, Op> = {
      sanstls: () => ours.open(nonce, sealed, aad),
      noble: () => nobleAead().decrypt(sealed),
      'node:crypto': nodeOpen,
    };
    if (isGcm) {
      const fk = forge.util.binary.raw.encode(key); // a binary string: forge consumes buffers
      const fiv = forge.util.binary.raw.encode(nonce);
      const fdata = forge.util.binary.raw.encode(pt);
      const faad = forge.util.binary.raw.encode(aad);
      sealImpls['node-forge'] = () => {
        const c = forge.cipher.createCipher('AES-GCM', fk);
        c.start({ iv: fiv, additionalData: faad, tagLength: 128 });
        c.update(bin(fdata));
        c.finish();
        return c.mode.tag;
      };
    }
    record(name, 'seal', bytes, sealImpls);
    record(name, 'open', bytes, openImpls);
    // The record layer's path: in place in a reusable buffer, no allocation per record.
    const buf = new Uint8Array(bytes + 16);
    const work = new Uint8Array(bytes + 16);
    record(name, 'seal-in-place', bytes, {
      sanstls: () => { buf.set(pt); ours.sealInPlace(buf, 0, bytes, nonce, aad); },
    });
    record(name, 'open-in-place', bytes, {
      sanstls: () => { work.set(sealed); return ours.openInPlace(work, 0, bytes + 16, nonce, aad); },
    });
  }
  ours.dispose();
}

// --- Hashes --------------------------------------------------------------------------------------
const hwHashers = {
  sha1: await hw.createSHA1(),
  sha256: await hw.createSHA256(),
  sha384: await hw.createSHA384(),
  sha512: await hw.createSHA512(),
};
const nobleHash = { sha1: nSha1, sha256: nSha256, sha384: nSha384, sha512: nSha512 };
const forgeMd = { sha1: forge.md.sha1, sha256: forge.md.sha256, sha384: forge.md.sha384, sha512: forge.md.sha512 };
for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
  const h = S.createHash(alg);
  for (const bytes of SIZES) {
    const data = new Uint8Array(randomBytes(bytes));
    const fdata = forge.util.binary.raw.encode(data);
    const hasher = hwHashers[alg];
    record(alg.toUpperCase().replace('SHA', 'SHA-'), 'hash', bytes, {
      sanstls: () => h.update(data).digest(),
      'hash-wasm': () => { hasher.init(); hasher.update(data); return hasher.digest('binary'); },
      noble: () => nobleHash[alg](data),
      'node-forge': () => { const m = forgeMd[alg].create(); m.update(fdata); return m.digest(); },
      'node:crypto': () => createHash(alg).update(data).digest(),
    });
  }
  h.dispose();
}

// --- HMAC (the record MAC of CBC suites: one key, many records) ------------------------------------
for (const alg of ['sha1', 'sha256', 'sha384'] as const) {
  const key = new Uint8Array(randomBytes(alg === 'sha384' ? 48 : alg === 'sha256' ? 32 : 20));
  const ours = new S.Hmac(alg, key);
  const hwMac = await hw.createHMAC(
    alg === 'sha1' ? hw.createSHA1() : alg === 'sha256' ? hw.createSHA256() : hw.createSHA384(),
    key,
  );
  for (const bytes of SIZES) {
    const data = new Uint8Array(randomBytes(bytes));
    record(`HMAC-${alg.toUpperCase().replace('SHA', 'SHA-')}`, 'mac', bytes, {
      sanstls: () => ours.update(data).digest(),
      'hash-wasm': () => { hwMac.init(); hwMac.update(data); return hwMac.digest('binary'); },
      noble: () => nHmac(nobleHash[alg], key, data),
      'node:crypto': () => createHmac(alg, key).update(data).digest(),
    });
  }
  ours.dispose();
}

// ==== Issue 4: CBC + HMAC records, RSA-2048 key exchange, DHE-2048 ===================================
// A separate section (issue 4): the record protection of the CBC suites as the TLS core runs it
// (packages/core's cbcProtector over the WASM AesCbc and Hmac; MAC-then-encrypt with the constant-time
// Lucky 13 check on open, and encrypt-then-MAC), against the same record construction on node:crypto and
// on noble. Then the server's RSA-2048 premaster decryption and the DHE-2048 exponentiations, against
// node:crypto. Rows keep the format above (MB/s; the RSA and DHE rows count 256-byte values, and their
// operations per second are printed).
{
  const { cbcProtector } = await import('../packages/core/src/record/protection/cbc.js');
  const nc = await import('node:crypto');
  const { cbc: nobleCbc } = await import('@noble/ciphers/aes.js');
  const header = (seq: number, len: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, seq & 0xff, 23, 3, 3, len >> 8, len & 0xff);
  const seq = new Uint8Array(8);
  const suites = [
    { name: 'AES-128-CBC-SHA1', keyLen: 16, alg: 'sha1' as const, macLen: 20 },
    { name: 'AES-128-CBC-SHA256', keyLen: 16, alg: 'sha256' as const, macLen: 32 },
    { name: 'AES-256-CBC-SHA384', keyLen: 32, alg: 'sha384' as const, macLen: 48 },
  ];
  for (const st of suites) {
    const key = new Uint8Array(randomBytes(st.keyLen));
    const macKey = new Uint8Array(randomBytes(st.macLen));
    const nodeAlg = `aes-${st.keyLen * 8}-cbc`;
    const nobleHashFn = nobleHash[st.alg];
    for (const bytes of SIZES) {
      const pt = new Uint8Array(randomBytes(bytes));
      const padLen = 15 - ((bytes + st.macLen) % 16);
      const pad = new Uint8Array(padLen + 1).fill(padLen);
      const sanstls = (etm: boolean) => {
        const p = cbcProtector({ cipher: new S.AesCbc(key), mac: new S.Hmac(st.alg, macKey), encryptThenMac: etm });
        const buf = new Uint8Array(p.prefixLength + bytes + p.maxSuffixLength);
        buf.set(pt, p.prefixLength);
        const n = p.sealInPlace(buf, 0, bytes, 23, 0x0303, seq);
        const fragment = buf.slice(0, n);
        const work = new Uint8Array(buf.length);
        return { p, fragment, seal: () => { work.set(pt, p.prefixLength); return p.sealInPlace(work, 0, bytes, 23, 0x0303, seq); }, open: () => p.unprotect(fragment, 23, 0x0303, seq) };
      };
      const mte = sanstls(false);
      const etm = sanstls(true);
      // The same MAC-then-encrypt record on node:crypto: HMAC, pad, AES-CBC with a fresh IV; open checks
      // padding and MAC (without a Lucky 13 countermeasure: the straightforward construction).
      const nodeSeal = () => {
        const iv = nc.randomBytes(16);
        const mac = nc.createHmac(st.alg, macKey).update(header(0, bytes)).update(pt).digest();
        const c = nc.createCipheriv(nodeAlg, key, iv).setAutoPadding(false);
        return [iv, c.update(pt), c.update(mac), c.update(pad), c.final()];
      };
      const nodeRecord = Buffer.concat(nodeSeal() as Buffer[]);
      const nodeOpen = () => {
        const d = nc.createDecipheriv(nodeAlg, key, nodeRecord.subarray(0, 16)).setAutoPadding(false);
        const p = Buffer.concat([d.update(nodeRecord.subarray(16)), d.final()]);
        const pl = p[p.length - 1]!;
        const len = p.length - 1 - pl - st.macLen;
        const mac = nc.createHmac(st.alg, macKey).update(header(0, len)).update(p.subarray(0, len)).digest();
        if (!nc.timingSafeEqual(mac, p.subarray(len, len + st.macLen))) throw new Error('bad MAC');
        return p.subarray(0, len);
      };
      const nobleSeal = () => {
        const iv = new Uint8Array(nc.randomBytes(16));
        const mac = nHmac.create(nobleHashFn, macKey).update(header(0, bytes)).update(pt).digest();
        const body = new Uint8Array(bytes + st.macLen + pad.length);
        body.set(pt);
        body.set(mac, bytes);
        body.set(pad, bytes + st.macLen);
        return nobleCbc(key, iv, { disablePadding: true }).encrypt(body);
      };
      const nobleIv = new Uint8Array(nodeRecord.subarray(0, 16));
      const nobleBody = new Uint8Array(nodeRecord.subarray(16));
      const nobleOpen = () => {
        const p = nobleCbc(key, nobleIv, { disablePadding: true }).decrypt(nobleBody);
        const pl = p[p.length - 1]!;
        const len = p.length - 1 - pl - st.macLen;
        const mac = nHmac.create(nobleHashFn, macKey).update(header(0, len)).update(p.subarray(0, len)).digest();
        let d = 0;
        for (let i = 0; i < st.macLen; i++) d |= mac[i]! ^ p[len + i]!;
        if (d !== 0) throw new Error('bad MAC');
        return p.subarray(0, len);
      };
      // The three open the same record format: check each against the others once.
      const check = [mte.open(), nodeOpen(), nobleOpen()].map((x) => Buffer.from(x).equals(Buffer.from(pt)));
      if (check.includes(false)) throw new Error(`${st.name}: an implementation does not round-trip`);
      record(st.name, 'seal', bytes, { sanstls: mte.seal, noble: nobleSeal, 'node:crypto': nodeSeal });
      record(st.name, 'open', bytes, { sanstls: mte.open, noble: nobleOpen, 'node:crypto': nodeOpen });
      record(st.name, 'seal-etm', bytes, { sanstls: etm.seal });
      record(st.name, 'open-etm', bytes, { sanstls: etm.open });
      mte.p.dispose();
      etm.p.dispose();
    }
  }

  /** Operations per second (compare() with 10^6 "bytes" per call reports calls per second), kept as rows of 256-byte values. */
  const perSecond: { what: string; ops: Record<string, number> }[] = [];
  const recordOps = (primitive: string, op: string, impls: Record<string, Op>) => {
    const res = compare(impls, 1e6, opts);
    const ops: Record<string, number> = {};
    for (const [impl, x] of Object.entries(res)) {
      ops[impl] = x.median;
      const mb = (v: number) => +((v * 256) / 1e6).toFixed(4);
      rows.push({ primitive, op, bytes: 256, impl, mbps: mb(x.median), min: mb(x.min), max: mb(x.max) });
    }
    perSecond.push({ what: `${primitive} ${op}`, ops });
    console.log(`${primitive.padEnd(18)} ${op.padEnd(7)} ${Object.entries(ops).map(([k, v]) => `${k} ${v.toFixed(0)}/s`).join('  ')}`);
  };

  // RSA-2048: the TLS server's premaster decryption. Node refuses PKCS#1 v1.5 decryption since the Marvin
  // fix (CVE-2023-46809), so its raw private operation (RSA_NO_PADDING: the same CRT exponentiation,
  // without the padding check) stands in for it.
  {
    const { privateKey, publicKey } = nc.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ours = S.RsaPrivateKey.fromPkcs8(new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })));
    const pms = new Uint8Array(48).fill(7);
    pms[0] = 3;
    pms[1] = 3;
    const ct = new Uint8Array(nc.publicEncrypt({ key: publicKey, padding: nc.constants.RSA_PKCS1_PADDING }, pms));
    if (!Buffer.from(S.decryptPkcs1v15Tls(ours, ct, 48, 0x0303)).equals(Buffer.from(pms))) throw new Error('RSA: decryption mismatch');
    recordOps('RSA-2048', 'decrypt', {
      sanstls: () => S.decryptPkcs1v15Tls(ours, ct, 48, 0x0303),
      'node:crypto': () => nc.privateDecrypt({ key: privateKey, padding: nc.constants.RSA_NO_PADDING }, ct),
    });
    ours.dispose();
  }

  // DHE-2048 (the RFC 3526 2048-bit group; ffdhe2048 costs the same): the key share g^x and the shared
  // secret Y^x, both with a 256-bit x as the TLS core uses.
  {
    const p = new Uint8Array(nc.getDiffieHellman('modp14').getPrime());
    const x = new Uint8Array(nc.randomBytes(32));
    x[0]! |= 0x80;
    const dh = nc.createDiffieHellman(p, 2);
    dh.setPrivateKey(x);
    const peer = S.modPow(Uint8Array.of(2), new Uint8Array(nc.randomBytes(32)), p);
    const ours = S.modPow(Uint8Array.of(2), x, p);
    if (!Buffer.from(ours).equals(dh.generateKeys()) || !Buffer.from(S.modPow(peer, x, p)).equals(dh.computeSecret(peer))) {
      throw new Error('DHE: sanstls and node:crypto disagree');
    }
    recordOps('DHE-2048', 'keygen', { sanstls: () => S.modPow(Uint8Array.of(2), x, p), 'node:crypto': () => dh.generateKeys() });
    recordOps('DHE-2048', 'derive', { sanstls: () => S.modPow(peer, x, p), 'node:crypto': () => dh.computeSecret(peer) });
  }
  for (const { what, ops } of perSecond) {
    const a = ops['sanstls']!;
    const b = ops['node:crypto']!;
    console.log(`${what}: sanstls ${a.toFixed(0)} ops/s, node:crypto ${b.toFixed(0)} ops/s (${(a / b).toFixed(2)}x)`);
  }
}
// ==== end of issue 4 section ======================================================================

// --- Report --------------------------------------------------------------------------------------
const get = (p: string, op: string, bytes: number, impl: string) =>
  rows.find((r) => r.primitive === p && r.op === op && r.bytes === bytes && r.impl === impl)?.mbps ?? NaN;
interface Target { what: string; value: number; goal: number }
const targets: Target[] = [];
for (const op of ['seal', 'open']) {
  targets.push({ what: `AES-128-GCM ${op} vs noble`, value: get('AES-128-GCM', op, 16384, 'sanstls') / get('AES-128-GCM', op, 16384, 'noble'), goal: 4 });
  targets.push({ what: `ChaCha20-Poly1305 ${op} vs noble`, value: get('ChaCha20-Poly1305', op, 16384, 'sanstls') / get('ChaCha20-Poly1305', op, 16384, 'noble'), goal: 6 });
  targets.push({ what: `ChaCha20-Poly1305 ${op} vs node:crypto`, value: get('ChaCha20-Poly1305', op, 16384, 'sanstls') / get('ChaCha20-Poly1305', op, 16384, 'node:crypto'), goal: 0.5 });
}
targets.push({ what: 'SHA-256 vs hash-wasm', value: get('SHA-256', 'hash', 16384, 'sanstls') / get('SHA-256', 'hash', 16384, 'hash-wasm'), goal: 1.2 });
targets.push({ what: 'HMAC-SHA-256 vs hash-wasm', value: get('HMAC-SHA-256', 'mac', 16384, 'sanstls') / get('HMAC-SHA-256', 'mac', 16384, 'hash-wasm'), goal: 1.2 });
targets.push({ what: 'SHA-384 vs hash-wasm', value: get('SHA-384', 'hash', 16384, 'sanstls') / get('SHA-384', 'hash', 16384, 'hash-wasm'), goal: 1 });
for (const [p, op] of [['AES-128-GCM', 'seal'], ['AES-128-GCM', 'open'], ['AES-128-GCM', 'seal-in-place'], ['AES-128-GCM', 'open-in-place'], ['ChaCha20-Poly1305', 'seal'], ['ChaCha20-Poly1305', 'open'], ['ChaCha20-Poly1305', 'seal-in-place'], ['ChaCha20-Poly1305', 'open-in-place'], ['SHA-256', 'hash'], ['SHA-384', 'hash'], ['HMAC-SHA-256', 'mac']] as const) {
  targets.push({ what: `${p} ${op} 1 KiB / 16 KiB`, value: get(p, op, 1024, 'sanstls') / get(p, op, 16384, 'sanstls'), goal: 0.5 });
}
console.log('\nTargets (ratios in this run, 16 KiB unless said):');
for (const t of targets) {
  console.log(`  ${t.value >= t.goal ? 'met ' : 'MISS'}  ${t.what.padEnd(40)} ${t.value.toFixed(2)}x  (goal ${t.goal}x)`);
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'crypto.json'), JSON.stringify(rows.map(({ primitive, op, bytes, impl, mbps }) => ({ primitive, op, bytes, impl, mbps })), null, 1) + '\n');
writeFileSync(join(RESULTS, 'crypto-run.json'), JSON.stringify({ machine, date: new Date().toISOString(), quick, instantiateMs: +initMs.toFixed(2), opts, rows, targets }, null, 1) + '\n');
mkdirSync(DOCS, { recursive: true });
const chart = barChart(
  `Record crypto throughput, 16 KiB, MB/s (log scale) — ${machine}`,
  'MB/s',
  rows.filter((r) => r.bytes === 16384 && !r.op.endsWith('in-place')).map((r) => ({ group: `${r.primitive} ${r.op}`, impl: r.impl, value: r.mbps })),
);
writeFileSync(join(DOCS, 'crypto-bench.svg'), chart);
console.log(`\nwrote ${join(RESULTS, 'crypto.json')}, ${join(RESULTS, 'crypto-run.json')}, ${join(DOCS, 'crypto-bench.svg')}`);
