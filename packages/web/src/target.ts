// Relay targets: "host:port" as written in a relay URL and in the relay's allow-list. Shared by the relay
// (which parses what the browser asks for) and connectWebSocket (which takes the server name from it).

export interface Target {
  /** Lower-case DNS name, IPv4 literal, or IPv6 literal without brackets. */
  readonly host: string;
  readonly port: number;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;
const IPV6 = /^[0-9a-f:.]+$/;

/** Parses "host:port" or "[v6]:port"; undefined when it is not exactly that. */
export function parseTarget(spec: string): Target | undefined {
  let host: string;
  let port: string;
  if (spec.startsWith('[')) {
    const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(spec);
    if (!m) return undefined;
    host = m[1]!.toLowerCase();
    port = m[2]!;
    if (!IPV6.test(host) || !host.includes(':')) return undefined;
  } else {
    const m = /^([^:]+):(\d{1,5})$/.exec(spec);
    if (!m) return undefined;
    host = m[1]!.toLowerCase();
    port = m[2]!;
    if (!DNS_NAME.test(host)) return undefined;
    if (host.endsWith('.')) host = host.slice(0, -1);
  }
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return undefined;
  return { host, port: n };
}

/** The canonical "host:port" form (brackets around IPv6). */
export function formatTarget(t: Target): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

/**
 * The target a relay URL names: the `target` query parameter, else the last path segment
 * (ws://relay.example/db.internal:5432 or ws://relay.example/tcp?target=db.internal:5432).
 */
export function targetFromUrl(url: string | URL): Target | undefined {
  const u = typeof url === 'string' ? new URL(url, 'ws://relay.invalid/') : url;
  const q = u.searchParams.get('target');
  if (q !== null) return parseTarget(q);
  const last = u.pathname.split('/').pop() ?? '';
  let spec: string;
  try {
    spec = decodeURIComponent(last);
  } catch {
    return undefined;
  }
  return parseTarget(spec);
}

/** A relay URL for `target`: `relay` with the target as its `target` query parameter. */
export function relayUrl(relay: string | URL, target: Target | string): string {
  const t = typeof target === 'string' ? parseTarget(target) : target;
  if (!t) throw new RangeError(`not a host:port target: ${String(target)}`);
  const u = new URL(relay);
  u.searchParams.set('target', formatTarget(t));
  return u.toString();
}
