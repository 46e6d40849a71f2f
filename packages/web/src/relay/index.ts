// @sanstls/web/relay: the WebSocket-to-TCP relay for Node.
export { startRelay, type Relay, type RelayOptions, type TunnelInfo } from './server.js';
export { AllowList } from './allow-list.js';
export { formatTarget, parseTarget, relayUrl, targetFromUrl, type Target } from '../target.js';
export { runRelayCli } from './cli.js';
