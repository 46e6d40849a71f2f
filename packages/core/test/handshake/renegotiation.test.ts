// Renegotiation policy against real peers (issue 6; the full flows are in test/interop/flows-openssl.test.ts
// and test/handshake/flows.test.ts). A server declines a client's renegotiation by default with a
// no_renegotiation warning (RFC 5746 §4.4, RFC 5246 §7.2.2): OpenSSL's client (behind node:tls) treats that
// refusal as fatal for its renegotiation, reports "no renegotiation" and sends handshake_failure. A client
// accepts a server's HelloRequest by default (RFC 5746 secure renegotiation, rate-limited).
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential, ServerConnection } from '../../src/index.js';
import { listenOnce } from '../interop/peers.js';
import { cleanupPkis, makePki, type Pki } from '../interop/pki.js';
import { pump } from '../interop/pump.js';

let pki: Pki;
afterAll(cleanupPkis);
beforeAll(() => {
  pki = makePki();
});

describe('renegotiation', () => {
  it('server declines node:tls renegotiate() with no_renegotiation', async () => {
    const l = await listenOnce();
    const client = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', ca: pki.caPem, maxVersion: 'TLSv1.2' });
    const clientError = new Promise<string>((resolve) => client.on('error', (e) => resolve(e.message)));
    client.on('secureConnect', () => {
      client.write('before');
      client.once('data', () => client.renegotiate({}, () => {}));
    });
    const conn = new ServerConnection({ credentials: [loadCredential(pki.leaves.p256.certPem, pki.leaves.p256.keyPem)] });
    const res = await pump(conn, await l.accepted, { onData: (s, d) => s.write(d) });
    expect(new TextDecoder().decode(res.received)).toBe('before');
    expect(await clientError).toMatch(/no renegotiation/);
    expect(res.error).toMatchObject({ code: 'PEER_ALERT', alert: 'handshake_failure', remote: true });
  });
});

describe('renegotiation requested by a server', () => {
  it('client answers an openssl s_server HelloRequest (stdin "r") with a renegotiation (RFC 5746) and carries on', async () => {
    const { startOpensslServer, connect } = await import('../interop/peers.js');
    const { ClientConnection } = await import('../../src/index.js');
    const leaf = pki.leaves.p256;
    const srv = await startOpensslServer(['-tls1_2', '-cert', leaf.certFile, '-key', leaf.keyFile]);
    try {
      const conn = new ClientConnection({ serverName: 'localhost', ca: pki.caPem });
      const alerts: unknown[] = [];
      const resP = pump(conn, await connect(srv.port), {
        onHandshake: () => {
          srv.proc.stdin.write('r\n');
          setTimeout(() => {
            conn.write(new TextEncoder().encode('after renegotiation request\n'));
            srv.proc.stdin.write('ping\n');
          }, 300);
        },
        onData: (c, d) => {
          alerts.push(new TextDecoder().decode(d));
          if (new TextDecoder().decode(d).includes('ping')) c.close();
        },
      });
      const res = await resP;
      expect(res.error).toBeUndefined();
      expect(alerts.join('')).toContain('ping');
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.output()).toContain('after renegotiation request');
      expect(srv.output()).toMatch(/SSL_do_handshake -> 1/); // the HelloRequest went out
      expect(res.events).toContain('renegotiated');
    } finally {
      srv.stop();
    }
  });
});
