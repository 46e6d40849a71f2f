// -trace: the handshake messages with their key fields, in the order of RFC 5246 §7.3, on both sides.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, makePki, opensslWwwServer, orderOf, sanstls, sanstlsServer, start, type Child, type Pki } from './helpers.js';

describe('-trace', () => {
  let pki: Pki;
  const servers: Child[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterEach(() => {
    for (const s of servers.splice(0)) s.kill();
  });
  afterAll(() => pki.cleanup());

  it('s_client prints the full handshake in order, with its key fields', async () => {
    const { child, port } = await opensslWwwServer(pki, [], 'rsa');
    servers.push(child);
    const r = await finish(
      sanstls(['s_client', '-connect', `localhost:${port}`, '-CAfile', pki.path('ca.pem'), '-trace', '-groups', 'X25519:P-256', '-alpn', 'http/1.1',
        '-no_ticket'], {
        input: 'GET / HTTP/1.0\r\n\r\n',
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    const t = r.stderr;
    const order = orderOf(t, [
      '>>> ClientHello',
      /random {8}[0-9a-f]{64}\n/,
      'server_name              localhost',
      'extended_master_secret   (offered, RFC 7627)',
      'supported_groups         x25519 (29), secp256r1 (23)\n',
      'application_layer_protocol_negotiation http/1.1',
      '<<< ServerHello',
      /random {8}[0-9a-f]{64}\n/,
      /cipher_suite {2}ECDHE-RSA-\S+ \(TLS_ECDHE_RSA_WITH_/,
      'renegotiation_info       (empty: initial handshake, RFC 5746)',
      'extended_master_secret   (accepted, RFC 7627)',
      '<<< Certificate',
      '[0] subject   O=sanstls rsa leaf,CN=localhost',
      'issuer    CN=sanstls ca test',
      /validity {2}\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT to /,
      'key       RSA 2048 bits',
      '<<< ServerKeyExchange',
      'group         x25519 (29)',
      'public        32 bytes',
      /signature {5}rsa_pss_rsae_sha256 \(0x0804\), 256 bytes/,
      '<<< ServerHelloDone',
      '>>> ClientKeyExchange',
      'public        32 bytes',
      '>>> ChangeCipherSpec',
      '>>> Finished (encrypted, 40 bytes)',
      '<<< ChangeCipherSpec',
      '<<< Finished (encrypted, 40 bytes)',
      'New, TLSv1.2, Cipher is',
      '>>> ApplicationData (encrypted',
      '<<< ApplicationData (encrypted',
    ]);
    expect(order, t).not.toContain(-1);
    // The session id the trace decoded from ServerHello is the one openssl reports on its page. (With a
    // session ticket offered OpenSSL sends an empty one: -no_ticket below keeps it to session IDs.)
    const traced = /<<< ServerHello[\s\S]*?session_id {4}([0-9a-f]{64})/.exec(t)?.[1];
    const page = /Session-ID: ([0-9A-F]{64})/.exec(r.stdout)?.[1];
    expect(traced).toBeDefined();
    expect(traced!.toUpperCase()).toBe(page);
  });

  it('s_server prints the same handshake seen from the other side', async () => {
    const { child, port } = await sanstlsServer(['-www', '-trace', '-quiet', '-cert', pki.path('ec.pem'), '-key', pki.path('ec.key'), '-naccept', '1']);
    servers.push(child);
    const c = await finish(
      start('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', pki.path('ca.pem'), '-ign_eof'], {
        input: 'GET / HTTP/1.0\r\n\r\n',
      }),
    );
    expect(c.code, c.stderr).toBe(0);
    const r = await finish(child);
    const order = orderOf(r.stderr, [
      '[#1] <<< ClientHello',
      'server_name              localhost',
      '[#1] >>> ServerHello',
      /cipher_suite {2}ECDHE-ECDSA-/,
      '[#1] >>> Certificate',
      '[0] subject   O=sanstls ec leaf,CN=localhost',
      '[#1] >>> ServerKeyExchange',
      /signature {5}ecdsa_secp256r1_sha256 \(0x0403\)/,
      '[#1] >>> ServerHelloDone',
      '[#1] <<< ClientKeyExchange',
      '[#1] <<< ChangeCipherSpec',
      '[#1] <<< Finished (encrypted, 40 bytes)',
      '[#1] >>> ChangeCipherSpec',
      '[#1] >>> Finished (encrypted, 40 bytes)',
      '[#1] <<< ApplicationData',
      '[#1] >>> ApplicationData',
    ]);
    expect(order, r.stderr).not.toContain(-1);
    // The group in the trace is the one openssl reports as the server's temp key.
    const group = /\[#1\] >>> ServerKeyExchange[\s\S]*?group {9}(\w+) \(/.exec(r.stderr)?.[1];
    expect(c.stdout).toContain(`Server Temp Key: ${group === 'x25519' ? 'X25519' : group}`);
  });
});
