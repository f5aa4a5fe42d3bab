// node --expose-gc dist/scripts/idle-connections.js [--n N]: opens N idle ESTABLISHED connections
// between two TcpLayers in memory (both ends live) and reports heap bytes per connection.
import { Pair } from '../src/tcp/pair.js';
import type { TcpConnection } from '../src/tcp/connection.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const n = arg('--n', 100_000);
// A fractional delay, so that times are fractional milliseconds as with a real clock (they cost more
// than whole numbers would: see src/tcp/tcb.ts).
const pair = new Pair({ seed: 1, delayMs: 0.75, trace: false, config: { maxBacklog: 200_000, synBacklog: 200_000 } });
const ports = Math.ceil(n / 16_000);
const listeners = [];
for (let p = 0; p < ports; p++) {
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 + p }, 200_000, 0);
  if (!l.ok) throw new Error(l.message);
  listeners.push(l.value);
}
const held: TcpConnection[] = [];
const before = heap();
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 + (i % ports) }, {}, pair.now);
  if (!c.ok) throw new Error(`connect ${i}: ${c.message}`);
  held.push(c.value);
  if (i % 1000 === 999) pair.drive();
}
pair.drive();
for (const l of listeners) for (let c = l.accept(); c !== undefined; c = l.accept()) held.push(c);
pair.a.pollEvents();
pair.b.pollEvents();
const established = held.filter((c) => c.state === 'ESTABLISHED').length;
const after = heap();
const perConn = (after - before) / n;
console.log(
  JSON.stringify({
    connections: n,
    endpointsEstablished: established,
    heapBytesBefore: before,
    heapBytesAfter: after,
    bytesPerConnection: Math.round(perConn),
    bytesPerEndpoint: Math.round(perConn / 2),
    setupSeconds: Math.round((performance.now() - t0) / 100) / 10,
  }),
);
if (established !== 2 * n) process.exit(1);
