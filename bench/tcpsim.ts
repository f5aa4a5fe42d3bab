// TCP figures measured in VIRTUAL time on the in-memory network, so they do not move with the load
// on the machine (only the per-segment CPU cost, section 3, is wall time — and it is reported as a
// ratio of two runs made one after the other):
//   1. 100 Mbit/s, 10 ms RTT, 1 % random loss: goodput of CUBIC and NewReno (SACK on, the default),
//      beside the Mathis et al. bound for Reno, MSS/RTT · 1.22/√p.
//   2. 1 Gbit/s, 50 ms RTT, no loss: link utilisation after slow start (goodput from 50 % to 90 %
//      of the bytes, as % of the link rate), fixed 256 KiB buffers and auto-tuned ones (the default).
//   3. Wall ns per data segment through two Stacks with 1 flow and with many concurrent flows
//      (10,000: all established, then rounds of small transfers on every one of them).
// Figures only — nothing asserts on speed.
//   node /tmp/<out>/bench/tcpsim.js [--quick]     prints the figures
//   npm run bench -- tcpsim                       through bench/index.ts
import { pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions } from './index.js';
import { exchange, twoStacks, xorshift32, type StackPair } from './stacks.js';
import type { TcpConfig } from '../src/tcp/config.js';
import { Stack } from '../src/stack/stack.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpListener } from '../src/tcp/listener.js';

interface PathOptions {
  bytes: number;
  rateMbps: number;
  /** One-way delay, ms (RTT = 2 × delayMs plus serialisation). */
  delayMs: number;
  /** Random loss in each direction. */
  loss: number;
  seed: number;
  tcp: Partial<TcpConfig>;
}

interface InFlight {
  t: number;
  pkt: Uint8Array;
}

/** One direction of a link: FIFO at `rateMbps`, then `delayMs`, dropping at random with `loss`. */
class Wire {
  q: InFlight[] = [];
  head = 0;
  free = 0;
  constructor(
    private readonly o: PathOptions,
    private readonly rand: () => number,
  ) {}
  send(pkt: Uint8Array, now: number): void {
    if (this.o.loss > 0 && this.rand() / 2 ** 32 < this.o.loss) return;
    const leave = Math.max(now, this.free) + (pkt.length * 8) / (this.o.rateMbps * 1000);
    this.free = leave;
    this.q.push({ t: leave + this.o.delayMs, pkt });
  }
  next(): number {
    return this.head < this.q.length ? this.q[this.head]!.t : Infinity;
  }
  deliver(now: number, to: Stack): number {
    let n = 0;
    while (this.head < this.q.length && this.q[this.head]!.t <= now) {
      to.receive(this.q[this.head++]!.pkt, now, 1);
      n++;
    }
    if (this.head > 4096 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return n;
  }
}

/**
 * A bulk transfer a → b over an emulated path, all in virtual time (two Stacks, two Wires).
 * Returns the goodput (Mbit/s) over the whole transfer and over the part after `fromFraction` of
 * the bytes had arrived (until `toFraction` of them had: below 1 it leaves out the last RTT's tail).
 */
export function pathTransfer(o: PathOptions, fromFraction = 0, toFraction = 1): { goodputMbps: number; tailMbps: number; mss: number } {
  const a = new Stack({ rng: xorshift32(o.seed * 2 + 1), tcp: o.tcp });
  const b = new Stack({ rng: xorshift32(o.seed * 2 + 2), tcp: o.tcp });
  a.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  b.addInterface({ mtu: 1500, addresses: ['10.0.0.2/24'] });
  const ta = a.tcp as TcpLayer;
  const tb = b.tcp as TcpLayer;
  const lossRng = xorshift32(o.seed * 7919 + 13);
  const ab = new Wire(o, lossRng);
  const ba = new Wire(o, lossRng);
  let now = 0;
  const l = tb.listen({ address: '10.0.0.2', port: 9 }, 4, 0);
  if (!l.ok) throw new Error('listen');
  const listener = l.value as TcpListener;
  const cr = ta.connect({ address: '10.0.0.2', port: 9 }, {}, 0);
  if (!cr.ok) throw new Error('connect');
  const c = cr.value;
  const chunk = new Uint8Array(64 * 1024).fill(0x42);
  let sent = 0;
  let received = 0;
  let mark: { bytes: number; t: number } | undefined;
  let end: { bytes: number; t: number } | undefined;
  let lastT = 0;
  for (let guard = 0; received < o.bytes; guard++) {
    if (guard > 100_000_000) throw new Error(`transfer stalled at ${received} of ${o.bytes}`);
    for (const p of a.poll(now)) ab.send(p.packet, now);
    for (const p of b.poll(now)) ba.send(p.packet, now);
    ta.pollEvents().length = 0;
    while (sent < o.bytes && c.state === 'ESTABLISHED') {
      const n = c.send(o.bytes - sent >= chunk.length ? chunk : chunk.subarray(0, o.bytes - sent), now);
      if (typeof n !== 'number' || n === 0) break;
      sent += n;
    }
    for (const ev of tb.pollEvents()) {
      if (ev.type === 'accept-ready') listener.accept();
      if (ev.type !== 'readable') continue;
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) received += d.length;
      lastT = now;
      if (mark === undefined && received >= o.bytes * fromFraction) mark = { bytes: received, t: now };
      if (end === undefined && toFraction < 1 && received >= o.bytes * toFraction) end = { bytes: received, t: now };
    }
    const next = Math.min(ab.next(), ba.next(), a.pollAt() ?? Infinity, b.pollAt() ?? Infinity);
    if (!Number.isFinite(next)) {
      if (received < o.bytes) throw new Error(`transfer stuck at ${received} of ${o.bytes}`);
      break;
    }
    if (next > now) now = next;
    ab.deliver(now, b);
    ba.deliver(now, a);
  }
  const m = mark ?? { bytes: 0, t: 0 };
  const e = end ?? { bytes: received, t: lastT };
  return {
    goodputMbps: lastT > 0 ? (received * 8) / lastT / 1000 : 0,
    tailMbps: e.t > m.t ? ((e.bytes - m.bytes) * 8) / (e.t - m.t) / 1000 : 0,
    mss: c.info.sndMss,
  };
}

/** Mathis, Semke, Mahdavi, Ott (1997): Reno's steady-state throughput under random loss p, Mbit/s. */
export function mathisMbps(mss: number, rttMs: number, p: number): number {
  return ((mss * 8) / (rttMs * 1000)) * (1.22 / Math.sqrt(p));
}

async function lossyPath(quick: boolean): Promise<BenchFigure[]> {
  const bytes = quick ? 4 << 20 : 32 << 20;
  const out: BenchFigure[] = [];
  for (const cc of ['cubic', 'newreno', 'bbr']) {
    // Average over a few seeds: one loss pattern alone swings the figure by ±20 %.
    const seeds = quick ? [1] : [1, 2, 3];
    let sum = 0;
    let mss = 1460;
    for (const seed of seeds) {
      const r = pathTransfer({ bytes, seed, delayMs: 5, rateMbps: 100, loss: 0.01, tcp: { congestionControl: cc } });
      sum += r.goodputMbps;
      mss = r.mss;
    }
    const v = sum / seeds.length;
    const bound = mathisMbps(mss, 10, 0.01);
    out.push({
      name: `${cc}+SACK, 100 Mbit/s, RTT 10 ms, 1 % loss, ${bytes >> 20} MiB × ${seeds.length} seed${seeds.length > 1 ? 's' : ''}`,
      value: v,
      unit: 'Mbit/s',
      baseline: `Mathis Reno bound ${bound.toFixed(1)} Mbit/s`,
      ratio: v / bound,
    });
  }
  return out;
}

async function longFatPath(quick: boolean): Promise<BenchFigure[]> {
  const out: BenchFigure[] = [];
  const cases: Array<[string, Partial<TcpConfig>, number]> = [
    ['fixed 256 KiB buffers', { recvBufferAutoTune: false, sendBufferAutoTune: false }, quick ? 8 << 20 : 64 << 20],
    ['auto-tuned buffers (the default)', {}, quick ? 8 << 20 : 128 << 20],
  ];
  for (const [label, tcp, bytes] of cases) {
    // From half the bytes (slow start is over) to 90 % of them: the last RTT, where the sender has
    // nothing left to send and a held sub-MSS tail waits for an ACK, is no utilisation figure.
    const r = pathTransfer({ bytes, delayMs: 25, rateMbps: 1000, loss: 0, seed: 1, tcp }, 0.5, 0.9);
    out.push({ name: `utilisation after slow start, 1 Gbit/s, RTT 50 ms, ${label} (50–90 % of ${bytes >> 20} MiB)`, value: r.tailMbps / 10, unit: '% of link' });
  }
  return out;
}

function pair(): StackPair {
  // Small buffers: 10,000 connections × the 256 KiB default would only measure the allocator.
  return twoStacks({ mtu: 1500, prefixLength: 16, tcp: { sendBufferSize: 64 << 10, recvBufferSize: 64 << 10 } });
}

/**
 * Packets each stack sends per exchange step in the per-segment figures, as a driver's budget per
 * wake-up bounds it (a TUN read batch is 64, a NIC's NAPI budget 64): without it one step would
 * carry every flow's writes at once (40,000 segments for 10,000 flows), and what is measured would
 * be the garbage collector moving that batch, not the per-flow cost.
 */
const DRIVER_BUDGET = 256;

/**
 * Opens `flows` connections (from several source addresses' worth of ports: 5 listening ports, so
 * no 4-tuple space runs out), then runs `rounds` rounds in which every flow writes `segs` full
 * segments and the receiver reads them. Returns wall ns per data segment over the rounds.
 */
export function perSegment(flows: number, rounds: number, segs: number): { ns: number; cpuNs: number; segments: number } {
  const p = pair();
  const mss = 1460;
  const ports = [80, 81, 82, 83, 84];
  const listeners: TcpListener[] = [];
  for (const port of ports) {
    const l = p.tb.listen({ address: '10.0.0.2', port }, flows, 0);
    if (!l.ok) throw new Error('listen');
    listeners.push(l.value as TcpListener);
  }
  const clients: TcpConnection[] = [];
  const servers: TcpConnection[] = [];
  for (let i = 0; i < flows; i++) {
    const r = p.ta.connect({ address: '10.0.0.2', port: ports[i % ports.length]! }, {}, p.now);
    if (!r.ok) throw new Error(`connect ${i}: ${r.message}`);
    clients.push(r.value);
    if (i % 256 === 255) for (let k = 0; k < 3; k++) exchange(p, 0.01);
  }
  for (let guard = 0; servers.length < flows; guard++) {
    if (guard > 10_000) throw new Error(`only ${servers.length} of ${flows} connections established`);
    exchange(p, 0.01);
    p.ta.pollEvents();
    p.tb.pollEvents();
    for (const l of listeners) for (let s = l.accept(); s !== undefined; s = l.accept()) servers.push(s);
  }
  const chunk = new Uint8Array(segs * mss).fill(0x5a);
  const perRound = flows * chunk.length;
  let received = 0;
  const readAll = (): void => {
    for (const ev of p.tb.pollEvents()) {
      if (ev.type !== 'readable') continue;
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) received += d.length;
    }
  };
  const round = (): void => {
    const target = received + perRound;
    for (const c of clients) {
      const n = c.send(chunk, p.now);
      if (n !== chunk.length) throw new Error(`send wrote ${String(typeof n === 'number' ? n : n.code)} of ${chunk.length}`);
    }
    for (let guard = 0; received < target; guard++) {
      if (guard > 1_000_000) throw new Error('round stalled');
      exchange(p, 0.01, DRIVER_BUDGET);
      p.ta.pollEvents().length = 0;
      readAll();
    }
    // Let the last ACKs (delayed ones included) reach the senders before the next round.
    while (exchange(p, 0.01, DRIVER_BUDGET) > 0);
  };
  round(); // warm-up (first data on every connection, quick-ACK phase)
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) round();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const segments = rounds * flows * segs;
  // CPU time (user + system, GC helper threads included) is what the row is about and what other
  // processes on a shared machine disturb least; wall time is kept beside it.
  return { ns: (ms * 1e6) / segments, cpuNs: ((cpu.user + cpu.system) * 1e3) / segments, segments };
}

function cpuPerSegment(quick: boolean): BenchFigure[] {
  const many = quick ? 1000 : 10_000;
  const segs = 4;
  const target = quick ? 16_000 : 400_000; // data segments measured in each case
  perSegment(1, 200, segs); // warm-up for the JIT
  const one = perSegment(1, Math.ceil(target / segs), segs);
  const lots = perSegment(many, Math.max(1, Math.ceil(target / segs / many)), segs);
  return [
    { name: `CPU ns per data segment through two Stacks, 1 flow (${segs}-segment writes)`, value: one.cpuNs, unit: 'ns/segment' },
    {
      name: `CPU ns per data segment, ${many.toLocaleString('en-US')} concurrent flows (round-robin ${segs}-segment writes)`,
      value: lots.cpuNs,
      unit: 'ns/segment',
      baseline: '1 flow (target ≤ 1.5×)',
      ratio: lots.cpuNs / one.cpuNs,
    },
  ];
}

export async function benchTcpsim(opts: BenchOptions = {}): Promise<BenchFigure[]> {
  const quick = opts.quick === true;
  return [...(await lossyPath(quick)), ...(await longFatPath(quick)), ...cpuPerSegment(quick)];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  for (const f of await benchTcpsim({ quick: process.argv.includes('--quick') })) {
    const ratio = f.ratio !== undefined ? `  (${f.ratio.toFixed(3)} × ${f.baseline ?? ''})` : '';
    console.log(`${f.name}: ${f.value.toFixed(2)} ${f.unit}${ratio}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
