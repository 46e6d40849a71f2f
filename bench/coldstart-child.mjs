// Cold start, in a fresh `node` process (plain JavaScript, no loader, so nothing but the stack under test
// is loaded): import the stack, instantiate the WASM (sanstls), complete the first handshake against the
// parent's node:tls server. Times are ms since this process started (performance.now()).
//   node bench/coldstart-child.mjs <node:tls|sanstls-wasm|sanstls-native> <port> <ca.pem>
import { readFileSync } from 'node:fs';

const [stack, port, caFile] = process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');
const t = { start: performance.now() };
let connect;
if (stack === 'node:tls') {
  const tls = await import('node:tls');
  t.imported = performance.now();
  t.instantiated = t.imported;
  connect = () => tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
} else {
  const sans = await import('@sanstls/node');
  const { initCrypto } = await import('@sanstls/crypto');
  t.imported = performance.now();
  await initCrypto(); // compile and instantiate the inlined module (else the first use does it, synchronously)
  t.instantiated = performance.now();
  connect = () => sans.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca, crypto: stack === 'sanstls-native' ? 'native' : 'wasm' });
}
await new Promise((resolve, reject) => {
  const s = connect();
  s.once('error', reject);
  s.once('secureConnect', () => { t.handshake = performance.now(); s.destroy(); resolve(); });
});
process.send({ ...t, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
process.disconnect();
