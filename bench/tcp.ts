// TCP core benchmarks: bulk transfer between two src/stack Stacks wired back to back in memory
// (no delay, no loss: IP + TCP emit, parse and checksum are all on the path), at MTU 1500 and
// 65535, in Gbit/s of wall time, beside node:net over the kernel's loopback measured in the same
// run; and connections opened + closed per second (handshake, FIN both ways, TIME-WAIT reaped).
// Figures only — nothing asserts on speed.
//   node /tmp/<out>/bench/tcp.js            prints the figures
//   node --cpu-prof /tmp/<out>/bench/tcp.js bulk   profiles only the MTU 1500 bulk transfer
//   npm run bench -- tcp                    through bench/index.ts
//   node /tmp/<out>/bench/tcp.js runs 3 256 three rounds of every bulk row with load, ratios, per CPU-second
import * as nodeNet from 'node:net';
import { pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions } from './index.js';
import { exchange, twoStacks } from './stacks.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpListener } from '../src/tcp/listener.js';

/** Send and receive buffer of the bulk transfers. */
export const BULK_BUFFER = 1 << 20;

export interface BulkResult {
  gbps: number;
  /** Goodput in virtual time (Mbit/s), for reference: the window/RTT bound of the in-memory path. */
  packets: number;
  wallMs: number;
}

/**
 * Sends `bytes` from a to b through the two stacks; wall-clock Gbit/s. The receiver reads with
 * recvInto (default) or recv. With `pool` (default; L4_BENCH_NOPOOL=1 turns it off) each stack
 * writes its TCP packets into a PacketPool and the exchange releases them once the peer's
 * receiveBatch() returned, as a NIC driver recycles its ring's buffers.
 */
export function bulkStacks(mtu: number, bytes: number, tcp: Partial<TcpConfig> = {}, offload = false, read: 'into' | 'recv' = 'into', pool = process.env['L4_BENCH_NOPOOL'] !== '1'): BulkResult {
  // 1 MiB buffers: the in-memory path has no RTT, so a step's window is all it needs, and a ring
  // that stays in cache costs far less per byte than 4 MiB ones cycling through memory (measured:
  // about twice the Gbit/s per CPU-second at MTU 65535). Send-buffer auto-tuning may still grow it.
  const h = twoStacks({ mtu, prefixLength: 24, tcp: { sendBufferSize: BULK_BUFFER, recvBufferSize: BULK_BUFFER, ...tcp }, offload, pool });
  const l = h.tb.listen({ address: '10.0.0.2', port: 9 }, 16, 0);
  if (!l.ok) throw new Error('listen');
  const cr = h.ta.connect({ address: '10.0.0.2', port: 9 }, {}, 0);
  if (!cr.ok) throw new Error('connect');
  const c = cr.value;
  let srv: TcpConnection | undefined;
  const chunk = new Uint8Array(256 * 1024).fill(0x42);
  // The reader reuses one buffer (recvInto), as a C program reuses its recv() buffer; 'recv' takes
  // a fresh buffer per read instead.
  const into = read === 'into' ? new Uint8Array(256 * 1024) : undefined;
  let sent = 0;
  let received = 0;
  let packets = 0;
  const t0 = performance.now();
  let guard = 0;
  while (received < bytes) {
    if (++guard > 50_000_000) throw new Error(`bulk stalled at ${received} of ${bytes}`);
    while (sent < bytes && c.state === 'ESTABLISHED') {
      const n = c.send(bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent), h.now);
      if (typeof n !== 'number' || n === 0) break;
      sent += n;
    }
    packets += exchange(h, 0.001);
    h.ta.pollEvents();
    if (srv === undefined) {
      h.tb.pollEvents();
      srv = (l.value as TcpListener).accept();
    } else h.tb.pollEvents().length = 0;
    if (srv !== undefined) {
      if (into !== undefined) for (let n = srv.recvInto(into); n > 0; n = srv.recvInto(into)) received += n;
      else for (let d = srv.recv(); d !== undefined; d = srv.recv()) received += d.length;
    }
  }
  const wallMs = performance.now() - t0;
  c.close(h.now);
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
  const h = twoStacks({ mtu: 1500, prefixLength: 24, tcp: { msl: 0 } });
  const l = h.tb.listen({ address: '10.0.0.2', port: 80 }, 1024, 0);
  if (!l.ok) throw new Error('listen');
  const listener = l.value;
  const batch = 64;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const conns: TcpConnection[] = [];
    for (let i = 0; i < batch; i++) {
      const r = h.ta.connect({ address: '10.0.0.2', port: 80 }, {}, h.now);
      if (r.ok) conns.push(r.value);
    }
    for (let k = 0; k < 4; k++) exchange(h, 0.01);
    h.ta.pollEvents();
    h.tb.pollEvents();
    for (let s = listener.accept(); s !== undefined; s = listener.accept()) s.close(h.now);
    for (const c of conns) c.close(h.now);
    for (let k = 0; k < 6; k++) exchange(h, 0.01);
    // TIME-WAIT is 2·MSL = 0 here: let it expire so ports are reused.
    h.now += 1;
    exchange(h, 0.01);
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
  if (!quick) {
    bulkStacks(1500, 16 << 20, {}, true); // warm-up
    bulkStacks(1500, 16 << 20);
  }
  const kernel = await bulkKernel(bytes);
  // Headline: MTU 1500 with GSO + GRO, as Linux's loopback and veth run (the kernel baseline
  // itself runs over a 64 KiB-MTU loopback with both on). TCP sends up to 64 KiB per segment, the
  // stack writes it as MTU 1500 wire segments straight from the send buffer (software GSO: each
  // with its own IP header and complete TCP checksum), the receiver verifies every wire segment's
  // checksum and coalesces a step's in-order segments before TCP input; the reader uses recvInto.
  const g = bulkStacks(1500, bytes, {}, true);
  out.push({ name: `bulk ${bytes >> 20} MiB, two Stacks in memory, MTU 1500, GSO + GRO`, value: g.gbps, unit: 'Gbit/s', baseline: 'node:net on kernel loopback', ratio: g.gbps / kernel });
  for (const mtu of [1500, 65535]) {
    const r = bulkStacks(mtu, bytes);
    out.push({ name: `bulk ${bytes >> 20} MiB, two Stacks in memory, MTU ${mtu}${mtu === 1500 ? ', no offloads' : ''}`, value: r.gbps, unit: 'Gbit/s', baseline: 'node:net on kernel loopback', ratio: r.gbps / kernel });
  }
  // The same headline transfer with a reader that takes a fresh buffer per read (recv()).
  const gr = bulkStacks(1500, bytes, {}, true, 'recv');
  out.push({ name: `bulk ${bytes >> 20} MiB, MTU 1500, GSO + GRO, reader uses recv()`, value: gr.gbps, unit: 'Gbit/s', baseline: 'node:net on kernel loopback', ratio: gr.gbps / kernel });
  out.push({ name: 'bulk via node:net on kernel loopback', value: kernel, unit: 'Gbit/s' });
  out.push({ name: 'connections opened + closed (two Stacks in memory)', value: connectionsPerSecond(quick ? 100 : 1000), unit: 'conn/s' });
  return out;
}

/**
 * `node dist/bench/tcp.js runs [N] [MiB]`: N rounds of node:net then the three bulk rows, each
 * with the 1-minute load average, Gbit/s of wall time, the ratio to the round's node:net figure and
 * Gbit/s per CPU-second (process.cpuUsage: user + system, GC threads included), which other
 * processes on a shared machine disturb less than wall time.
 */
async function runs(n: number, mib: number): Promise<void> {
  const bytes = mib << 20;
  bulkStacks(1500, 16 << 20, {}, true);
  bulkStacks(1500, 16 << 20);
  bulkStacks(65535, 16 << 20);
  const perCpu = (c: NodeJS.CpuUsage): string => ((bytes * 8) / 1e9 / ((c.user + c.system) / 1e6)).toFixed(2);
  for (let i = 0; i < n; i++) {
    const load = (await import('node:os')).loadavg()[0]!.toFixed(2);
    let c0 = process.cpuUsage();
    const k = await bulkKernel(bytes);
    let line = `load ${load} | node:net ${k.toFixed(2)} (${perCpu(process.cpuUsage(c0))}/cpu-s)`;
    for (const [name, mtu, off] of [['gso+gro', 1500, true], ['mtu1500', 1500, false], ['mtu65535', 65535, false]] as const) {
      c0 = process.cpuUsage();
      const r = bulkStacks(mtu, bytes, {}, off);
      line += ` | ${name} ${r.gbps.toFixed(2)} (${(r.gbps / k).toFixed(2)}x, ${perCpu(process.cpuUsage(c0))}/cpu-s)`;
    }
    console.log(line);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = process.argv[2];
  if (only === 'runs') {
    await runs(Number(process.argv[3] ?? 3), Number(process.argv[4] ?? 256));
    process.exit(0);
  }
  if (only === 'bulk' || only === 'bulk64k' || only === 'bulkgso') {
    const r = bulkStacks(only === 'bulk64k' ? 65535 : 1500, BULK_BYTES, {}, only === 'bulkgso');
    console.log(`${only} MTU ${only === 'bulk64k' ? 65535 : 1500}: ${r.gbps.toFixed(2)} Gbit/s, ${r.packets} packets, ${r.wallMs.toFixed(0)} ms`);
  } else {
    for (const f of await benchTcp()) {
      const ratio = f.ratio !== undefined ? `  (${f.ratio.toFixed(3)} × ${f.baseline})` : '';
      console.log(`${f.name.padEnd(56)} ${f.value.toFixed(2).padStart(10)} ${f.unit}${ratio}`);
    }
  }
}
