// Simulator benchmarks: raw scheduler events/s (a deep heap of random deadlines, and a chain of
// one-at-a-time events), and UDP datagrams/s host → host through createNetwork + host.dgram (64 B
// and 1400 B; driven synchronously with net.advance(), through net.idle() with its event-loop
// yields, and across an impaired link), with node:dgram on the kernel's loopback measured in the
// same run as the baseline. Figures only.
//   node dist/bench/sim.js         prints the figures
//   npm run bench -- sim           through bench/index.ts
import { pathToFileURL } from 'node:url';
import * as dgram from 'node:dgram';
import { Buffer } from 'node:buffer';
import type { BenchFigure, BenchOptions } from './index.js';
import { Scheduler } from '../src/sim/scheduler.js';
import { Sfc32 } from '../src/sim/rng.js';
import { createNetwork } from '../src/sim/index.js';
import type { LinkOptions } from '../src/link/memory.js';

let BUDGET_MS = 400;
let RUNS = 5;

/** Median of five runs after one warm-up run (the machine is shared and noisy). */
function median(run: () => number): number {
  if (RUNS > 1) run();
  const r = Array.from({ length: RUNS }, run).sort((x, y) => x - y);
  return r[Math.floor(RUNS / 2)]!;
}

/** Schedule `pending` events at random deadlines, run them all; repeat to 200k events in total. */
function schedulerRandom(pending: number): number {
  const s = new Scheduler();
  const rng = new Sfc32(1);
  const total = 200_000;
  const noop = (): void => {};
  const t0 = performance.now();
  for (let done = 0; done < total; done += pending) {
    for (let i = 0; i < pending; i++) s.at(s.now + rng.float() * 1e6, noop, null);
    s.runUntil(Infinity);
  }
  return (total * 1000) / (performance.now() - t0);
}

/** Each event schedules the next: the shape of a quiet network (heap of one). */
function schedulerChain(): number {
  const s = new Scheduler();
  const n = 1_000_000;
  let left = n;
  const step = (_: null, now: number): void => {
    if (--left > 0) s.at(now + 0.001, step, null);
  };
  const t0 = performance.now();
  s.at(0, step, null);
  s.runUntil(Infinity);
  return (n * 1000) / (performance.now() - t0);
}

/** Datagrams/s a→b through the simulated network; `drive` runs the network after each batch. */
async function simUdp(size: number, mode: 'advance' | 'idle', link: LinkOptions = {}): Promise<number> {
  const net = createNetwork({ seed: 1 });
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, link);
  const srv = b.dgram.createSocket('udp4');
  let received = 0;
  srv.on('message', () => received++);
  srv.bind(9000);
  srv.setRecvBufferSize(1 << 26);
  const cli = a.dgram.createSocket('udp4');
  const payload = Buffer.alloc(size, 0x61);
  const batch = 64;
  const round = async (): Promise<void> => {
    for (let i = 0; i < batch; i++) cli.send(payload, 9000, '10.0.0.2');
    if (mode === 'advance') net.advance(10);
    else await net.idle();
  };
  for (let i = 0; i < 50; i++) await round(); // warm-up
  received = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < BUDGET_MS) await round();
  const r = (received * 1000) / (performance.now() - t0);
  net.close();
  return r;
}

/** Baseline: node:dgram over the kernel loopback, same batch shape (send 64, wait for all). */
async function kernelUdp(size: number): Promise<number> {
  const srv = dgram.createSocket('udp4');
  const cli = dgram.createSocket('udp4');
  await new Promise<void>((r) => srv.bind(0, '127.0.0.1', () => r()));
  srv.setRecvBufferSize(1 << 22);
  const port = srv.address().port;
  const payload = Buffer.alloc(size, 0x61);
  let received = 0;
  let waiter: (() => void) | undefined;
  let target = 0;
  srv.on('message', () => {
    received++;
    if (waiter && received >= target) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  });
  const batch = 64;
  const round = async (): Promise<void> => {
    target = received + batch;
    const done = new Promise<void>((r) => (waiter = r));
    for (let i = 0; i < batch; i++) cli.send(payload, port, '127.0.0.1');
    // Loopback may drop under pressure; do not wait forever for a lost datagram.
    const timer = setTimeout(() => waiter?.(), 50);
    await done;
    clearTimeout(timer);
  };
  for (let i = 0; i < 20; i++) await round();
  received = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < BUDGET_MS) await round();
  const r = (received * 1000) / (performance.now() - t0);
  cli.close();
  srv.close();
  return r;
}

export async function benchSim(opts: BenchOptions = {}): Promise<BenchFigure[]> {
  BUDGET_MS = opts.quick === true ? 40 : 400;
  RUNS = opts.quick === true ? 1 : 5;
  const figs: BenchFigure[] = [
    { name: 'scheduler events/s (10k pending, random deadlines)', value: median(() => schedulerRandom(10_000)), unit: 'events/s' },
    { name: 'scheduler events/s (200k pending, random deadlines)', value: median(() => schedulerRandom(200_000)), unit: 'events/s' },
    { name: 'scheduler events/s (chained, heap of 1)', value: median(schedulerChain), unit: 'events/s' },
  ];
  for (const size of [64, 1400]) {
    const kernel = await kernelUdp(size);
    const adv = await simUdp(size, 'advance');
    const idle = await simUdp(size, 'idle');
    const impaired = await simUdp(size, 'advance', { delayMs: 1, jitterMs: 0.5, rateMbps: 10_000, loss: 0.01 });
    figs.push(
      { name: `node:dgram kernel loopback ${size} B`, value: kernel, unit: 'dgrams/s' },
      { name: `sim UDP ${size} B host→host (advance)`, value: adv, unit: 'dgrams/s', baseline: 'kernel loopback', ratio: adv / kernel },
      { name: `sim UDP ${size} B host→host (idle, yields)`, value: idle, unit: 'dgrams/s', baseline: 'kernel loopback', ratio: idle / kernel },
      { name: `sim UDP ${size} B over impaired link`, value: impaired, unit: 'dgrams/s', baseline: 'kernel loopback', ratio: impaired / kernel },
    );
  }
  return figs;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchSim()) {
    const ratio = f.ratio === undefined ? '' : `  (${f.ratio.toFixed(2)}× ${f.baseline})`;
    console.log(`${f.name.padEnd(52)} ${f.value.toFixed(0).padStart(12)} ${f.unit}${ratio}`);
  }
}
