// TCP core benchmarks: bulk transfer between two src/stack Stacks wired back to back in memory
// (no delay, no loss: IP + TCP emit, parse and checksum are all on the path), at MTU 1500 and
// 65535, in Gbit/s of wall time, beside node:net over the kernel's loopback measured in the same
// run; and connections opened + closed per second (handshake, FIN both ways, TIME-WAIT reaped).
// Figures only — nothing asserts on speed.
//   node /tmp/<out>/bench/tcp.js            prints the figures
//   node --cpu-prof /tmp/<out>/bench/tcp.js bulk   profiles only the MTU 1500 bulk transfer
//   npm run bench -- tcp                    through bench/index.ts
import * as nodeNet from 'node:net';
import { pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions } from './index.js';
import { Stack } from '../src/stack/stack.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpListener } from '../src/tcp/listener.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

interface Hosts {
  a: Stack;
  b: Stack;
  ta: TcpLayer;
  tb: TcpLayer;
}

function twoStacks(mtu: number, tcp: Partial<TcpConfig>): Hosts {
  const a = new Stack({ rng: rng(1), tcp });
  const b = new Stack({ rng: rng(2), tcp });
  a.addInterface({ mtu, addresses: ['10.0.0.1/24'] });
  b.addInterface({ mtu, addresses: ['10.0.0.2/24'] });
  return { a, b, ta: a.tcp as TcpLayer, tb: b.tcp as TcpLayer };
}

/**
 * Moves packets both ways until neither stack has anything to send; the virtual clock advances by
 * `step` ms per exchange, or jumps to the next deadline when both are quiet. Returns packets moved.
 */
function exchange(h: Hosts, clock: { now: number }, step: number): number {
  let moved = 0;
  const out1 = h.a.poll(clock.now);
  for (const o of out1) h.b.receive(o.packet, clock.now, 1);
  const out2 = h.b.poll(clock.now);
  for (const o of out2) h.a.receive(o.packet, clock.now, 1);
  moved = out1.length + out2.length;
  if (moved === 0) {
    const t = Math.min(h.a.pollAt() ?? Infinity, h.b.pollAt() ?? Infinity);
    if (Number.isFinite(t) && t > clock.now) clock.now = t;
  } else clock.now += step;
  return moved;
}

export interface BulkResult {
  gbps: number;
  /** Goodput in virtual time (Mbit/s), for reference: the window/RTT bound of the in-memory path. */
  packets: number;
  wallMs: number;
}

/** Sends `bytes` from a to b through the two stacks; wall-clock Gbit/s. */
export function bulkStacks(mtu: number, bytes: number, tcp: Partial<TcpConfig> = {}): BulkResult {
  const h = twoStacks(mtu, { sendBufferSize: 4 << 20, recvBufferSize: 4 << 20, ...tcp });
  const clock = { now: 0 };
  const l = h.tb.listen({ address: '10.0.0.2', port: 9 }, 16, 0);
  if (!l.ok) throw new Error('listen');
  const cr = h.ta.connect({ address: '10.0.0.2', port: 9 }, {}, 0);
  if (!cr.ok) throw new Error('connect');
  const c = cr.value;
  let srv: TcpConnection | undefined;
  const chunk = new Uint8Array(256 * 1024).fill(0x42);
  let sent = 0;
  let received = 0;
  let packets = 0;
  const t0 = performance.now();
  let guard = 0;
  while (received < bytes) {
    if (++guard > 50_000_000) throw new Error(`bulk stalled at ${received} of ${bytes}`);
    while (sent < bytes && c.state === 'ESTABLISHED') {
      const n = c.send(bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent), clock.now);
      if (typeof n !== 'number' || n === 0) break;
      sent += n;
    }
    packets += exchange(h, clock, 0.001);
    h.ta.pollEvents();
    if (srv === undefined) {
      h.tb.pollEvents();
      srv = (l.value as TcpListener).accept();
    } else h.tb.pollEvents().length = 0;
    if (srv !== undefined) for (let d = srv.recv(); d !== undefined; d = srv.recv()) received += d.length;
  }
  const wallMs = performance.now() - t0;
  c.close(clock.now);
  return { gbps: (bytes * 8) / 1e9 / (wallMs / 1000), packets, wallMs };
}

/** Same transfer through node:net on 127.0.0.1 (a discard server), wall-clock Gbit/s. */
export async function bulkKernel(bytes: number): Promise<number> {
  let received = 0;
  let t0 = 0;
  const done = new Promise<void>((resolve, reject) => {
    const srv = nodeNet.createServer((s) => {
      s.on('data', (d: Buffer) => (received += d.length));
      s.on('end', () => {
        srv.close();
        resolve();
      });
    });
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as nodeNet.AddressInfo).port;
      const c = nodeNet.connect(port, '127.0.0.1');
      const chunk = Buffer.alloc(256 * 1024, 0x42);
      let left = Math.ceil(bytes / chunk.length);
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!c.write(chunk)) {
            c.once('drain', pump);
            return;
          }
        }
        c.end();
      };
      c.once('connect', () => {
        t0 = performance.now();
        pump();
      });
    });
  });
  await done;
  const ms = performance.now() - t0;
  return (received * 8) / 1e9 / (ms / 1000);
}

/** Connections opened (handshake) and closed (FIN both ways) per wall-clock second. */
export function connectionsPerSecond(budgetMs = 1000): number {
  const h = twoStacks(1500, { msl: 0 });
  const clock = { now: 0 };
  const l = h.tb.listen({ address: '10.0.0.2', port: 80 }, 1024, 0);
  if (!l.ok) throw new Error('listen');
  const listener = l.value;
  const batch = 64;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const conns: TcpConnection[] = [];
    for (let i = 0; i < batch; i++) {
      const r = h.ta.connect({ address: '10.0.0.2', port: 80 }, {}, clock.now);
      if (r.ok) conns.push(r.value);
    }
    for (let k = 0; k < 4; k++) exchange(h, clock, 0.01);
    h.ta.pollEvents();
    h.tb.pollEvents();
    for (let s = listener.accept(); s !== undefined; s = listener.accept()) s.close(clock.now);
    for (const c of conns) c.close(clock.now);
    for (let k = 0; k < 6; k++) exchange(h, clock, 0.01);
    // TIME-WAIT is 2·MSL = 0 here: let it expire so ports are reused.
    clock.now += 1;
    exchange(h, clock, 0.01);
    h.ta.pollEvents();
    h.tb.pollEvents();
    for (const c of conns) if (c.state === 'CLOSED' || c.state === 'TIME-WAIT') n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const BULK_BYTES = 256 * 1024 * 1024;

export async function benchTcp(opts: BenchOptions = {}): Promise<BenchFigure[]> {
  const quick = opts.quick === true;
  const bytes = quick ? 8 << 20 : BULK_BYTES;
  const out: BenchFigure[] = [];
  if (!quick) bulkStacks(1500, 16 << 20); // warm-up
  const kernel = await bulkKernel(bytes);
  for (const mtu of [1500, 65535]) {
    const r = bulkStacks(mtu, bytes);
    out.push({ name: `bulk ${bytes >> 20} MiB, two Stacks in memory, MTU ${mtu}`, value: r.gbps, unit: 'Gbit/s', baseline: 'node:net on kernel loopback', ratio: r.gbps / kernel });
  }
  out.push({ name: 'bulk via node:net on kernel loopback', value: kernel, unit: 'Gbit/s' });
  out.push({ name: 'connections opened + closed (two Stacks in memory)', value: connectionsPerSecond(quick ? 100 : 1000), unit: 'conn/s' });
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = process.argv[2];
  if (only === 'bulk' || only === 'bulk64k') {
    const r = bulkStacks(only === 'bulk' ? 1500 : 65535, BULK_BYTES);
    console.log(`bulk MTU ${only === 'bulk' ? 1500 : 65535}: ${r.gbps.toFixed(2)} Gbit/s, ${r.packets} packets, ${r.wallMs.toFixed(0)} ms`);
  } else {
    for (const f of await benchTcp()) {
      const ratio = f.ratio !== undefined ? `  (${f.ratio.toFixed(3)} × ${f.baseline})` : '';
      console.log(`${f.name.padEnd(56)} ${f.value.toFixed(2).padStart(10)} ${f.unit}${ratio}`);
    }
  }
}
