#!/usr/bin/env node
// sanstls-relay: the WebSocket-to-TCP relay from the command line.
//   sanstls-relay --allow example.com:443 [--allow db.internal:5432 ...] [--listen 127.0.0.1:8080]
//                 [--origin https://app.example ...] [--quiet]
import { runRelayCli } from './cli.js';

runRelayCli(process.argv.slice(2)).catch((e: Error) => {
  console.error(`sanstls-relay: ${e.message}`);
  process.exitCode = 1;
});
