// @sanstls/core codec: TLS 1.2 wire formats. Pure and synchronous: no crypto, no I/O.

export * from './constants.js';
export * from './reader.js';
export * from './writer.js';
export * from './extensions/index.js';
export * from './messages/index.js';
