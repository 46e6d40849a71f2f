// Command-line flags → typed options. openssl-style single-dash long flags (`-connect host:port`), parsed
// by yargs-parser with short-option groups off. Every value is checked here, so the commands themselves
// only see well-formed options; mistakes are a UsageError (exit status 2) naming the flag.
import { isIP } from 'node:net';
import { cipherSuiteByName, refusedCipherReason, type EcdheGroup, type FfdheGroup } from '@sanstls/core';
import parser from 'yargs-parser';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface CommonArgs {
  /** Cipher suites as IANA names, in preference order; undefined for the defaults. */
  readonly cipherSuites: readonly string[] | undefined;
  /** -groups: the ECDHE groups, and the RFC 7919 groups for DHE suites (only those named are offered). */
  readonly groups: readonly EcdheGroup[] | undefined;
  readonly dheGroups: readonly FfdheGroup[] | undefined;
  readonly alpn: readonly string[] | undefined;
  /** No connection summaries, only data (and errors). */
  readonly quiet: boolean;
  /** Print every handshake message as it crosses the wire. */
  readonly trace: boolean;
}

export interface ClientArgs extends CommonArgs {
  readonly host: string;
  readonly port: number;
  /** SNI and the name the certificate must match (default: the host of -connect). */
  readonly serverName: string;
  /** Trust anchors file (PEM); undefined means Node's bundled Mozilla roots. */
  readonly caFile: string | undefined;
  /** Stdin end of file does not close the connection. */
  readonly ignEof: boolean;
  /** Send LF from stdin as CRLF. */
  readonly crlf: boolean;
  /** Print the server's chain as PEM. */
  readonly showCerts: boolean;
  /** Client certificate chain (PEM, leaf first), sent when the server asks for one. */
  readonly certFile: string | undefined;
  /** Its private key (PEM); defaults to the -cert file. */
  readonly keyFile: string | undefined;
  /** After the first connection, reconnect five times offering its session (openssl -reconnect). */
  readonly reconnect: boolean;
  /** A session file (-sess_out's SANSTLS SESSION PEM) to offer. */
  readonly sessIn: string | undefined;
  /** Where to write each new session the server hands out. */
  readonly sessOut: string | undefined;
  /** Do not offer RFC 5077 session tickets (resumption by session ID only). */
  readonly noTicket: boolean;
  /** Stdin command letters (a line "R" renegotiates); false with -nocommands. */
  readonly commands: boolean;
}

export interface ServerArgs extends CommonArgs {
  /** Listen address; undefined listens on every interface. */
  readonly host: string | undefined;
  readonly port: number;
  /** Certificate chain file (PEM, leaf first); undefined generates a self-signed one for localhost. */
  readonly certFile: string | undefined;
  /** Private key file (PEM); defaults to the certificate file. */
  readonly keyFile: string | undefined;
  /** A second certificate and key (say RSA next to ECDSA); the suite decides which is used. */
  readonly dcertFile: string | undefined;
  readonly dkeyFile: string | undefined;
  /** Answer an HTTP GET with a status page, then close. */
  readonly www: boolean;
  /** Echo each line received back reversed. */
  readonly rev: boolean;
  /** Exit after this many connections. */
  readonly naccept: number | undefined;
  /**
   * -verify N / -Verify N: ask for a client certificate (one that is sent must verify); `require` also
   * refuses a client that sends none. `depth` is accepted for compatibility and not enforced.
   */
  readonly verifyClient: { readonly require: boolean; readonly depth: number } | undefined;
  /** Trust anchors for client certificates (PEM); undefined means Node's bundled Mozilla roots. */
  readonly caFile: string | undefined;
  /** Issue no RFC 5077 session tickets. */
  readonly noTicket: boolean;
  /** Keep no session cache (no resumption by session ID). */
  readonly noCache: boolean;
  /** Accept client-initiated renegotiation (otherwise declined with a no_renegotiation warning). */
  readonly allowClientRenegotiation: boolean;
}

export interface CertgenArgs {
  readonly certFile: string;
  readonly keyFile: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly days: number;
}

export type Command =
  | { readonly command: 'help'; readonly topic: string | undefined }
  | { readonly command: 'version' }
  | { readonly command: 's_client'; readonly args: ClientArgs }
  | { readonly command: 's_server'; readonly args: ServerArgs }
  | { readonly command: 'certgen'; readonly args: CertgenArgs };

/** Group names as OpenSSL, NIST and SEC spell them. */
const GROUP_ALIASES: Record<string, EcdheGroup> = {
  x25519: 'x25519',
  'p-256': 'secp256r1',
  prime256v1: 'secp256r1',
  secp256r1: 'secp256r1',
  'p-384': 'secp384r1',
  secp384r1: 'secp384r1',
};

const FFDHE: readonly FfdheGroup[] = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096'];

/** Parses an -groups list (colon-separated, as OpenSSL) into ECDHE groups and RFC 7919 DHE groups. */
export function parseGroups(list: string): { ec: EcdheGroup[]; dhe: FfdheGroup[] } {
  const ec: EcdheGroup[] = [];
  const dhe: FfdheGroup[] = [];
  for (const raw of splitList(list, /[:,]/)) {
    const name = raw.toLowerCase();
    const f = FFDHE.find((x) => x === name);
    if (f) {
      if (!dhe.includes(f)) dhe.push(f);
      continue;
    }
    const g = GROUP_ALIASES[name];
    if (!g) throw new UsageError(`-groups: unsupported group "${raw}" (sanstls has X25519, P-256, P-384, ffdhe2048/3072/4096)`);
    if (!ec.includes(g)) ec.push(g);
  }
  if (ec.length === 0 && dhe.length === 0) throw new UsageError('-groups: empty list');
  return { ec, dhe };
}

/** Parses a -cipher list: OpenSSL or IANA suite names separated by colons (commas and spaces also work). */
export function parseCiphers(list: string): string[] {
  const out: string[] = [];
  for (const raw of splitList(list, /[:,\s]/)) {
    if (/^[!+\-@]/.test(raw) || /^(ALL|DEFAULT|HIGH|MEDIUM|LOW|COMPLEMENTOFDEFAULT|aRSA|aECDSA|kEECDH|EECDH|ECDHE|AESGCM|CHACHA20)$/i.test(raw)) {
      throw new UsageError(`-cipher: "${raw}": cipher-string keywords and operators are not supported, list suites by name`);
    }
    const refused = refusedCipherReason(raw);
    if (refused) throw new UsageError(`-cipher: ${refused}`);
    const suite = cipherSuiteByName(raw);
    if (!suite) {
      const tls13 = /^TLS_(AES|CHACHA20)_/i.test(raw) ? ' (a TLS 1.3 suite: sanstls speaks TLS 1.2)' : '';
      throw new UsageError(`-cipher: unknown cipher suite "${raw}"${tls13}`);
    }
    if (!out.includes(suite.iana)) out.push(suite.iana);
  }
  if (out.length === 0) throw new UsageError('-cipher: empty list');
  return out;
}

/** Parses an -alpn list (comma-separated, as OpenSSL). */
export function parseAlpn(list: string): string[] {
  const out = splitList(list, /,/);
  for (const p of out) {
    if (Buffer.byteLength(p) > 255) throw new UsageError(`-alpn: protocol name longer than 255 bytes: ${p.slice(0, 20)}...`);
  }
  if (out.length === 0) throw new UsageError('-alpn: empty list');
  return out;
}

function splitList(list: string, sep: RegExp): string[] {
  return list
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parsePort(s: string, flag: string, allowZero: boolean): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`${flag}: bad port "${s}"`);
  const n = Number(s);
  if (n > 65535 || (n === 0 && !allowZero)) throw new UsageError(`${flag}: port ${n} out of range`);
  return n;
}

/** "host:port", "[v6]:port", "host" or ":port"; a bare IPv6 literal has no port. */
export function parseHostPort(s: string, flag: string, defaultPort: number, allowZero = false): { host: string | undefined; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(s);
  if (v6) {
    if (isIP(v6[1]!) !== 6) throw new UsageError(`${flag}: bad IPv6 address "${v6[1]}"`);
    return { host: v6[1]!, port: v6[2] ? parsePort(v6[2], flag, allowZero) : defaultPort };
  }
  if (isIP(s) === 6) return { host: s, port: defaultPort };
  const i = s.lastIndexOf(':');
  if (i < 0) return { host: s.length > 0 ? s : undefined, port: defaultPort };
  const host = s.slice(0, i);
  return { host: host.length > 0 ? host : undefined, port: parsePort(s.slice(i + 1), flag, allowZero) };
}

const CLIENT_STRINGS = ['connect', 'servername', 'CAfile', 'cipher', 'groups', 'curves', 'alpn', 'cert', 'key', 'sess_in', 'sess_out'] as const;
const CLIENT_BOOLEANS = ['quiet', 'trace', 'ign_eof', 'crlf', 'showcerts', 'verify_return_error', 'tls1_2', 'help', 'reconnect', 'no_ticket', 'nocommands'] as const;
const SERVER_STRINGS = ['accept', 'port', 'cert', 'key', 'dcert', 'dkey', 'cipher', 'groups', 'curves', 'alpn', 'naccept', 'verify', 'Verify', 'CAfile'] as const;
const SERVER_BOOLEANS = ['quiet', 'trace', 'www', 'rev', 'tls1_2', 'help', 'no_ticket', 'no_cache', 'allow_client_renegotiation', 'client_renegotiation',
  'verify_return_error'] as const;
const CERTGEN_STRINGS = ['out', 'keyout', 'subj', 'dns', 'ip', 'days'] as const;
const CERTGEN_BOOLEANS = ['help'] as const;

type Parsed = Record<string, unknown> & { _: (string | number)[] };

function parseFlags(argv: readonly string[], strings: readonly string[], booleans: readonly string[]): Parsed {
  const parsed = parser([...argv], {
    string: [...strings],
    boolean: [...booleans],
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'duplicate-arguments-array': false,
      'unknown-options-as-args': false,
    },
  }) as Parsed;
  const known = new Set([...strings, ...booleans, '_', '--']);
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new UsageError(`unknown option -${key}`);
  }
  for (const key of strings) {
    const v = parsed[key];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new UsageError(`-${key} needs a value`);
  }
  return parsed;
}

const str = (p: Parsed, k: string): string | undefined => p[k] as string | undefined;
const bool = (p: Parsed, k: string): boolean => p[k] === true;

function commonArgs(p: Parsed): CommonArgs {
  const groups = str(p, 'groups') ?? str(p, 'curves');
  const cipher = str(p, 'cipher');
  const alpn = str(p, 'alpn');
  return {
    cipherSuites: cipher === undefined ? undefined : parseCiphers(cipher),
    ...(groups === undefined ? { groups: undefined, dheGroups: undefined } : (({ ec, dhe }) => ({ groups: ec, dheGroups: dhe }))(parseGroups(groups))),
    alpn: alpn === undefined ? undefined : parseAlpn(alpn),
    quiet: bool(p, 'quiet'),
    trace: bool(p, 'trace'),
  };
}

function clientArgs(argv: readonly string[]): ClientArgs {
  const p = parseFlags(argv, CLIENT_STRINGS, CLIENT_BOOLEANS);
  if (p._.length > 1) throw new UsageError(`unexpected argument ${String(p._[1])}`);
  const cert = str(p, 'cert');
  if (str(p, 'key') !== undefined && cert === undefined) throw new UsageError('-key needs -cert');
  const target = str(p, 'connect') ?? (p._[0] !== undefined ? String(p._[0]) : 'localhost:4433');
  const { host = 'localhost', port } = parseHostPort(target, '-connect', 4433);
  return {
    ...commonArgs(p),
    host,
    port,
    serverName: str(p, 'servername') ?? host,
    caFile: str(p, 'CAfile'),
    ignEof: bool(p, 'ign_eof'),
    crlf: bool(p, 'crlf'),
    showCerts: bool(p, 'showcerts'),
    certFile: cert,
    keyFile: str(p, 'key'),
    reconnect: bool(p, 'reconnect'),
    sessIn: str(p, 'sess_in'),
    sessOut: str(p, 'sess_out'),
    noTicket: bool(p, 'no_ticket'),
    commands: !bool(p, 'nocommands'),
  };
}

/** -verify N / -Verify N: N is the chain depth OpenSSL would allow (a number, not enforced here). */
function verifyArg(p: Parsed): ServerArgs['verifyClient'] {
  const request = str(p, 'verify');
  const require = str(p, 'Verify');
  if (request !== undefined && require !== undefined) throw new UsageError('-verify and -Verify exclude each other');
  const depth = require ?? request;
  if (depth === undefined) return undefined;
  const flag = require !== undefined ? '-Verify' : '-verify';
  if (!/^\d{1,3}$/.test(depth)) throw new UsageError(`${flag}: bad depth "${depth}" (a number, such as 1)`);
  return { require: require !== undefined, depth: Number(depth) };
}

function serverArgs(argv: readonly string[]): ServerArgs {
  const p = parseFlags(argv, SERVER_STRINGS, SERVER_BOOLEANS);
  if (p._.length > 0) throw new UsageError(`unexpected argument ${String(p._[0])}`);
  const accept = str(p, 'accept') ?? str(p, 'port') ?? '4433';
  const { host, port } = parseHostPort(/^\d+$/.test(accept) ? `:${accept}` : accept, '-accept', 4433, true);
  const naccept = str(p, 'naccept');
  if (naccept !== undefined && !/^[1-9]\d*$/.test(naccept)) throw new UsageError(`-naccept: bad count "${naccept}"`);
  if (bool(p, 'www') && bool(p, 'rev')) throw new UsageError('-www and -rev exclude each other');
  const cert = str(p, 'cert');
  if (str(p, 'key') !== undefined && cert === undefined) throw new UsageError('-key needs -cert');
  const dcert = str(p, 'dcert');
  if (str(p, 'dkey') !== undefined && dcert === undefined) throw new UsageError('-dkey needs -dcert');
  return {
    ...commonArgs(p),
    host,
    port,
    certFile: cert,
    keyFile: str(p, 'key'),
    dcertFile: dcert,
    dkeyFile: str(p, 'dkey'),
    www: bool(p, 'www'),
    rev: bool(p, 'rev'),
    naccept: naccept === undefined ? undefined : Number(naccept),
    verifyClient: verifyArg(p),
    caFile: str(p, 'CAfile'),
    noTicket: bool(p, 'no_ticket'),
    noCache: bool(p, 'no_cache'),
    allowClientRenegotiation: bool(p, 'allow_client_renegotiation') || bool(p, 'client_renegotiation'),
  };
}

function certgenArgs(argv: readonly string[]): CertgenArgs {
  const p = parseFlags(argv, CERTGEN_STRINGS, CERTGEN_BOOLEANS);
  if (p._.length > 0) throw new UsageError(`unexpected argument ${String(p._[0])}`);
  const subj = str(p, 'subj') ?? 'localhost';
  const cn = /^\/?CN=([^/]+)$/i.exec(subj)?.[1] ?? subj;
  const ips = str(p, 'ip') === undefined ? ['127.0.0.1'] : splitList(str(p, 'ip')!, /,/);
  for (const ip of ips) if (isIP(ip) === 0) throw new UsageError(`-ip: not an IP address: ${ip}`);
  const days = str(p, 'days') ?? '30';
  if (!/^[1-9]\d{0,4}$/.test(days)) throw new UsageError(`-days: bad number "${days}"`);
  return {
    certFile: str(p, 'out') ?? 'cert.pem',
    keyFile: str(p, 'keyout') ?? 'key.pem',
    commonName: cn,
    dnsNames: str(p, 'dns') === undefined ? [cn] : splitList(str(p, 'dns')!, /,/),
    ipAddresses: ips,
    days: Number(days),
  };
}

/** argv without the node executable and script path. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '-help' || command === '--help' || command === '-h') {
    return { command: 'help', topic: rest[0] };
  }
  if (command === 'version' || command === '-version' || command === '--version') return { command: 'version' };
  if (rest.includes('-help') || rest.includes('--help')) return { command: 'help', topic: command };
  switch (command) {
    case 's_client':
      return { command, args: clientArgs(rest) };
    case 's_server':
      return { command, args: serverArgs(rest) };
    case 'certgen':
      return { command, args: certgenArgs(rest) };
    default:
      throw new UsageError(`unknown command "${command}" (try: s_client, s_server, certgen, help)`);
  }
}

export const USAGE: Record<'main' | 's_client' | 's_server' | 'certgen', string> = {
  main: `Usage: sanstls <command> [options]

Commands:
  s_client   connect to a TLS 1.2 server, send stdin, print what comes back
  s_server   accept TLS 1.2 connections (-www for a status page)
  certgen    write a fresh self-signed ECDSA P-256 certificate and key
  relay      a WebSocket-to-TCP relay for browsers: --allow HOST:PORT [--listen [HOST:]PORT]
  help       this text; "sanstls help s_client" for a command's options

Exit status: 0 handshake succeeded (and the connection ended cleanly), 1 the handshake (or the
connection attempt) failed, 2 bad usage, 3 the handshake succeeded but the connection later failed.`,
  s_client: `Usage: sanstls s_client [-connect host:port] [options]

  -connect host:port   server to connect to (default localhost:4433; [v6addr]:port for IPv6)
  -servername name     SNI and the name the certificate must match (default: the -connect host)
  -CAfile file         trust anchors, PEM (default: Node's bundled Mozilla CA list)
  -cipher list         suites, colon-separated, OpenSSL or IANA names
                       (ECDHE-RSA-AES128-GCM-SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
  -groups list         key exchange groups, colon-separated: X25519, P-256, P-384
  -alpn list           ALPN protocols, comma-separated (h2,http/1.1)
  -quiet               print no connection summary, only data and errors
  -trace               print each handshake message as it crosses the wire
  -showcerts           print the server's certificate chain as PEM
  -crlf                send LF from stdin as CRLF
  -ign_eof             keep the connection open at end of stdin
  -verify_return_error accepted for compatibility: an unverified server is always refused
  -cert file           client certificate chain, PEM, leaf first: sent when the server asks
                       for a certificate (and the key fits its request)
  -key file            the client certificate's private key, PEM (default: the -cert file)
  -reconnect           after the first handshake, drop the connection and reconnect five
                       times with its session; each prints "Reused, ..." (resumed) or "New, ..."
  -sess_out file       write each session the server hands out (a SANSTLS SESSION PEM block;
                       it holds the master secret, so the file is made owner-only)
  -sess_in file        offer the session in this file (from -sess_out) to resume it
  -no_ticket           do not offer RFC 5077 session tickets (resume by session ID only)
  -nocommands          no command letters on stdin: a line "R" is sent as data

Stdin is sent once the handshake is done; what the server sends is written to stdout, everything
else to stderr. At end of stdin, close_notify is sent and s_client waits for the server to close.
A line holding only "R" renegotiates (RFC 5746) instead of being sent: "RENEGOTIATING" is
printed, then the new parameters once the handshake is done; data keeps flowing meanwhile. A server
that declines (a no_renegotiation warning) leaves the connection as it was.
A renegotiation the server asks for (HelloRequest) is accepted too, 3 per 10 minutes at most.`,
  s_server: `Usage: sanstls s_server [-accept [host:]port] [options]

  -accept [host:]port  where to listen (default 4433 on every interface; 0 picks a free port)
  -port port           the same as -accept port
  -cert file           certificate chain, PEM, leaf first (default: a fresh self-signed
                       certificate for localhost / 127.0.0.1)
  -key file            private key, PEM (default: the -cert file)
  -dcert file, -dkey file  a second certificate and key (e.g. RSA beside ECDSA)
  -cipher list         suites, colon-separated, OpenSSL or IANA names
  -groups list         key exchange groups, colon-separated: X25519, P-256, P-384
  -alpn list           ALPN protocols to accept, comma-separated, in preference order
  -www                 answer an HTTP GET with a status page, then close
  -rev                 send each line received back reversed
  -naccept n           exit after n connections
  -quiet               print no connection summaries
  -trace               print each handshake message as it crosses the wire
  -verify depth        ask clients for a certificate; one that is sent must verify against
                       -CAfile (a client may send none). The depth is accepted for
                       compatibility with OpenSSL; chains are not limited by it
  -Verify depth        the same, and refuse a client that sends no certificate
  -CAfile file         trust anchors for client certificates, PEM; their subjects are the
                       CA names sent in CertificateRequest (default: Node's bundled Mozilla
                       CA list, and no CA names)
  -verify_return_error accepted for compatibility: an unverified client certificate is always
                       refused
  -no_ticket           issue no RFC 5077 session tickets
  -no_cache            keep no session cache (no resumption by session ID)
  -allow_client_renegotiation  accept renegotiations the client starts (at most 3 per 10
                       minutes); without it they are declined with a no_renegotiation warning.
                       -client_renegotiation (OpenSSL's name) is the same

Without -www or -rev, data received is written to stdout and stdin is sent to every open connection,
except for these command lines (a line holding only the letter):
  r                    renegotiate: send HelloRequest to every connection
  R                    the same, asking for a client certificate in that handshake (checked
                       against -CAfile)
The address actually bound is printed as "ACCEPT host:port" on stderr. Sessions are cached (and
tickets sealed) for 2 hours; resumed connections print "Reused, ..." instead of "New, ...".`,
  certgen: `Usage: sanstls certgen [-out cert.pem] [-keyout key.pem] [-subj CN] [-dns a,b] [-ip a,b] [-days n]

Writes a self-signed ECDSA P-256 server certificate (serverAuth, CA:FALSE) and its PKCS#8 key.
Defaults: CN and DNS name localhost, IP 127.0.0.1, 30 days.`,
};
