// Types of the Deno APIs the test scripts use beyond what the package itself needs. Imported with
// `import type` only, so Deno (which strips types without checking them) never loads this file, while
// the monorepo's Node TypeScript checks the scripts against it.
import type { DenoApi, DenoConn, DenoListener, NetAddr } from '../../src/deno-types.js';

export interface RustlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

export interface RustlsListener extends Omit<DenoListener, 'accept'>, AsyncIterable<RustlsConn> {
  accept(): Promise<RustlsConn>;
}

export interface HttpClient {
  close(): void;
}

export interface DenoTest extends DenoApi {
  readonly args: readonly string[];
  readTextFile(path: string): Promise<string>;
  exit(code?: number): never;
  listenTls(options: { hostname?: string; port: number; cert: string; key: string; alpnProtocols?: string[] }): RustlsListener;
  connectTls(options: { hostname?: string; port: number; caCerts?: string[]; alpnProtocols?: string[] }): Promise<RustlsConn>;
  createHttpClient(options: { caCerts?: string[]; http2?: boolean; http1?: boolean }): HttpClient;
  readonly errors: DenoApi['errors'] & Record<string, new (message?: string) => Error>;
}

export type { NetAddr };
