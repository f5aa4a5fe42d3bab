// Stack benchmarks: UDP datagrams per second host → host through two Stacks in memory (64 B and
// 1400 B payloads, plus 8 KiB datagrams that go fragmented and are reassembled), and packets per
// second through one stack's receive path (IPv4 and IPv6 UDP to a bound socket).
//   node dist/bench/stack.js         prints a table
//   npm run bench -- stack           through bench/index.ts
import { pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions } from './index.js';
import { xorshift32 } from './stacks.js';
import { Stack } from '../src/stack/stack.js';
import { parseIp } from '../src/wire/address.js';
import { emitUdp } from '../src/wire/udp.js';
import { buildPackets } from '../src/stack/ip-output.js';

function twoHosts(): { a: Stack; b: Stack } {
  const a = new Stack({ rng: xorshift32(1), udp: { recvBufferBytes: 1 << 26 } });
  const b = new Stack({ rng: xorshift32(2), udp: { recvBufferBytes: 1 << 26 } });
  a.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  b.addInterface({ mtu: 1500, addresses: ['10.0.0.2/24', '2001:db8::2/64'] });
  return { a, b };
}

/** Runs `round()` (which returns work units done) until ~budgetMs passed; median rate over rounds. */
let BUDGET_MS = 300;
let ROUNDS = 5;

function rate(round: () => number, budgetMs = BUDGET_MS, rounds = ROUNDS): number {
  // warm-up
  const w0 = performance.now();
  while (performance.now() - w0 < budgetMs / 3) round();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let units = 0;
    const t0 = performance.now();
    let dt = 0;
    while ((dt = performance.now() - t0) < budgetMs) units += round();
    rates.push((units * 1000) / dt);
  }
  rates.sort((x, y) => x - y);
  return rates[Math.floor(rates.length / 2)]!;
}

/** Datagrams/s from a socket on `a` to a socket on `b`: send a batch, move packets, drain. */
function hostToHost(size: number, family: 4 | 6, batch = 64): number {
  const { a, b } = twoHosts();
  const srv = b.udp.open({ family, ipv6Only: true });
  srv.bind(family === 4 ? '0.0.0.0' : '::', 9000);
  const cli = a.udp.open({ family });
  const dst = family === 4 ? '10.0.0.2' : '2001:db8::2';
  const payload = new Uint8Array(size).fill(0x61);
  let now = 0;
  let lost = 0;
  const result = rate(() => {
    now += 1;
    for (let i = 0; i < batch; i++) cli.send(payload, dst, 9000, now);
    for (const o of a.poll(now)) b.receive(o.packet, now, 1);
    b.poll(now);
    b.pollEvents();
    let got = 0;
    while (srv.recv()) got++;
    lost += batch - got;
    return got;
  });
  if (lost > 0) throw new Error(`bench lost ${lost} datagrams`);
  return result;
}

/** Packets/s through b.receive() for prebuilt UDP packets to a bound socket. */
function receivePath(family: 4 | 6, size: number): number {
  const { b } = twoHosts();
  const srv = b.udp.open({ family, ipv6Only: true });
  srv.bind(family === 4 ? '0.0.0.0' : '::', 9000);
  const src = family === 4 ? '10.0.0.1' : '2001:db8::1';
  const dst = family === 4 ? '10.0.0.2' : '2001:db8::2';
  const udp = new Uint8Array(8 + size);
  emitUdp({ srcPort: 1234, dstPort: 9000, payload: new Uint8Array(size).fill(7) }, udp, 0, parseIp(src)!, parseIp(dst)!);
  const built = buildPackets({ family, src, dst, protocol: 17, payload: udp, ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, 1500, 1);
  if (!built.ok) throw new Error('bench packet');
  const pkt = built.packets[0]!;
  return rate(() => {
    for (let i = 0; i < 256; i++) b.receive(pkt, 0, 1);
    while (srv.recv());
    return 256;
  });
}

export async function benchStack(opts: BenchOptions = {}): Promise<BenchFigure[]> {
  BUDGET_MS = opts.quick === true ? 15 : 300;
  ROUNDS = opts.quick === true ? 1 : 5;
  const out: BenchFigure[] = [];
  out.push({ name: 'UDP host→host, 64 B, IPv4', value: hostToHost(64, 4), unit: 'datagrams/s' });
  out.push({ name: 'UDP host→host, 1400 B, IPv4', value: hostToHost(1400, 4), unit: 'datagrams/s' });
  out.push({ name: 'UDP host→host, 64 B, IPv6', value: hostToHost(64, 6), unit: 'datagrams/s' });
  out.push({ name: 'UDP host→host, 1400 B, IPv6', value: hostToHost(1400, 6), unit: 'datagrams/s' });
  out.push({ name: 'UDP host→host, 8 KiB fragmented, IPv4', value: hostToHost(8192, 4, 16), unit: 'datagrams/s' });
  out.push({ name: 'receive path, UDP 64 B, IPv4', value: receivePath(4, 64), unit: 'packets/s' });
  out.push({ name: 'receive path, UDP 64 B, IPv6', value: receivePath(6, 64), unit: 'packets/s' });
  out.push({ name: 'receive path, UDP 1400 B, IPv4', value: receivePath(4, 1400), unit: 'packets/s' });
  return out;
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figs = await benchStack();
  const w = Math.max(...figs.map((f) => f.name.length));
  for (const f of figs) console.log(`${f.name.padEnd(w)}  ${fmt(f.value).padStart(10)} ${f.unit}`);
}
