// @sanstls/cli as a library: the pieces of the `sanstls` command, for embedding and for the demo.
export { parseCommandLine, parseCiphers, parseGroups, parseAlpn, parseHostPort, UsageError, USAGE } from './args.js';
export type { ClientArgs, ServerArgs, CertgenArgs, Command } from './args.js';
export { generateSelfSigned, toPem, type CertgenOptions, type GeneratedCertificate } from './certgen.js';
export { Link, type SansIoConnection, type PumpOptions, type LinkEnd } from './pump.js';
export { WireObserver, type Direction, type WireItem, type WireListener } from './wire.js';
export { createTracer, formatItem, describeMessage, describeCertificate, suiteLabel, groupLabel, schemeLabel } from './trace.js';
export { describeError, handshakeSummary, clientCertificateLines, isCertificateError, EXIT } from './report.js';
export { statusPage, statusText, RequestReader } from './www.js';
export { runClient, clientOptions, type CliIo } from './s-client.js';
export { startServer, serverOptions, type ServerHandle } from './s-server.js';
export { CommandLines, type StdinItem } from './commands.js';
export { credentialFromFiles, readSessionFile, writeSessionFile } from './files.js';
