// The few Deno APIs this package uses, typed here so that it builds under Node's TypeScript without the
// Deno type packages. They are module-scoped (no `declare global`): a Deno user's own lib.deno.d.ts is
// never merged with or contradicted by ours, and nothing named Deno leaks into the monorepo's Node code.
// The runtime object is reached through globalThis by denoApi().

/** An IP address and port (Deno.NetAddr). */
export interface NetAddr {
  readonly transport: 'tcp' | 'udp';
  readonly hostname: string;
  readonly port: number;
}

/** The part of Deno.Conn / Deno.TcpConn a TLS connection runs over. */
export interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  closeWrite(): Promise<void>;
  ref(): void;
  unref(): void;
  readonly localAddr: NetAddr;
  readonly remoteAddr: NetAddr;
}

/** The part of Deno.TcpListener used by listen(). */
export interface DenoListener {
  accept(): Promise<DenoConn>;
  close(): void;
  ref(): void;
  unref(): void;
  readonly addr: NetAddr;
}

/** Deno.errors: the classes whose instances mean "this resource is gone". */
interface DenoErrors {
  readonly BadResource: new (message?: string) => Error;
  readonly Interrupted: new (message?: string) => Error;
}

/** The Deno namespace, reduced to what this package calls. */
export interface DenoApi {
  connect(options: { hostname?: string; port: number; transport?: 'tcp'; signal?: AbortSignal }): Promise<DenoConn>;
  listen(options: { hostname?: string; port?: number; transport?: 'tcp' }): DenoListener;
  readonly errors: DenoErrors;
}

/** The running Deno, or an error saying this is not Deno. */
export function denoApi(): DenoApi {
  const d = (globalThis as { readonly Deno?: DenoApi }).Deno;
  if (d === undefined) throw new Error('@sanstls/deno needs the Deno runtime (globalThis.Deno is missing)');
  return d;
}

/** True for the errors Deno raises when a resource was closed under a pending operation. */
export function isClosedResourceError(e: unknown): boolean {
  const d = (globalThis as { readonly Deno?: DenoApi }).Deno;
  if (d === undefined) return false;
  return e instanceof d.errors.BadResource || e instanceof d.errors.Interrupted;
}
