// The client side: connect() dials TCP with Deno.connect and runs TLS over it; startTls() does the same
// over a connection the caller already has (STARTTLS in SMTP, IMAP, PostgreSQL, ...).
import { ClientConnection } from '@sanstls/core';
import { SansTlsConn, type TlsConn } from './conn.js';
import { denoApi, type DenoConn } from './deno-types.js';
import { clientOptions, type ConnectOptions, type StartTlsOptions } from './options.js';
import { Session } from './session.js';

/**
 * Connects to `hostname:port` (default 127.0.0.1) over TCP and starts the TLS handshake. Resolves once
 * TCP is connected; the handshake runs in the background (await conn.handshake() to see it complete or
 * fail). Needs --allow-net for the host.
 */
export async function connect(options: ConnectOptions): Promise<TlsConn> {
  // Options are checked before any socket is opened.
  const opts = clientOptions(options);
  const transport = await denoApi().connect({
    hostname: options.hostname ?? '127.0.0.1',
    port: options.port,
    transport: 'tcp',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    return clientOver(transport, opts);
  } catch (e) {
    transport.close();
    throw e;
  }
}

/** Runs a TLS client over `conn`, which from now on belongs to the returned connection. */
export function startTls(conn: DenoConn, options: StartTlsOptions = {}): TlsConn {
  return clientOver(conn, clientOptions(options));
}

function clientOver(transport: DenoConn, opts: ConstructorParameters<typeof ClientConnection>[0]): TlsConn {
  const session = new Session(transport, new ClientConnection(opts));
  session.start();
  return new SansTlsConn(session);
}
