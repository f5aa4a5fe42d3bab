// Wire benchmarks: Internet checksum throughput (32-bit words, against a plain 16-bit loop
// measured in the same run) and per-segment cost of TCP parse / emit with options.
//   node dist/bench/wire.js          prints a table
//   npm run bench -- wire            through bench/index.ts
import { pathToFileURL } from 'node:url';
import type { BenchFigure, BenchOptions } from './index.js';
import {
  decodePacket, emitTcp, internetChecksum, naiveChecksum16, parseIp, parseTcp, tcpChecksumValid, tcpSegmentLength, TcpView, type TcpRepr,
} from '../src/wire/index.js';

/** Median over `rounds` of the ns per call of `fn`, each round running for about `budgetMs`. */
let BUDGET_MS = 150;
let ROUNDS = 5;

function measure(fn: () => number, budgetMs = BUDGET_MS, rounds = ROUNDS): number {
  let sink = 0;
  let calls = 1;
  // calibrate (and warm up) to the budget
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += fn();
    const dt = performance.now() - t0;
    if (dt > budgetMs / 4) {
      calls = Math.max(1, Math.round((calls * budgetMs) / dt));
      break;
    }
    calls *= 4;
  }
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += fn();
    per.push(((performance.now() - t0) * 1e6) / calls);
  }
  if (sink === 0.5) console.log(''); // keep `sink` alive
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}

export async function benchWire(opts: BenchOptions = {}): Promise<BenchFigure[]> {
  BUDGET_MS = opts.quick === true ? 8 : 150;
  ROUNDS = opts.quick === true ? 1 : 5;
  const out: BenchFigure[] = [];
  for (const size of [1500, 65536]) {
    const buf = new Uint8Array(size).map((_, i) => (i * 131 + 7) & 0xff);
    const fast = measure(() => internetChecksum(buf, 0, size));
    const naive = measure(() => naiveChecksum16(buf, 0, size));
    const label = size === 1500 ? '1500 B' : '64 KiB';
    out.push({ name: `checksum 16-bit loop, ${label}`, value: size / naive, unit: 'GB/s' });
    out.push({ name: `checksum 32-bit words, ${label}`, value: size / fast, unit: 'GB/s', baseline: '16-bit loop', ratio: naive / fast });
  }

  const src = parseIp('10.0.0.1')!;
  const dst = parseIp('10.0.0.2')!;
  const seg: TcpRepr = {
    srcPort: 40000, dstPort: 443, seq: 123456789, ack: 987654321, flags: 0x10, window: 1024, urgent: 0,
    options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 111, ecr: 222 }, { kind: 'sack', blocks: [[1000, 2000], [3000, 4000]] }],
    payload: new Uint8Array(1380).fill(0x61),
  };
  const len = tcpSegmentLength(seg);
  const wire = new Uint8Array(len);
  emitTcp(seg, wire, 0, src, dst);
  const empty: TcpRepr = { ...seg, payload: new Uint8Array(0) };
  const hdr = new Uint8Array(tcpSegmentLength(empty));
  const view = new TcpView();

  out.push({ name: 'TcpView set + ports/seq/ack/flags/window', value: measure(() => { view.set(wire, 0, len); return view.srcPort + view.dstPort + view.seq + view.ack + view.flags + view.window; }), unit: 'ns/segment' });
  out.push({ name: 'parseTcp (TS + SACK options, 1380 B data)', value: measure(() => { const r = parseTcp(wire, 0, len); return r.ok ? r.value.options.length : 0; }), unit: 'ns/segment' });
  out.push({ name: 'emitTcp header only, no checksum', value: measure(() => emitTcp(empty, hdr, 0)), unit: 'ns/segment' });
  out.push({ name: 'emitTcp + checksum (1380 B data in place)', value: measure(() => emitTcp({ ...seg, payload: wire.subarray(len - 1380) }, wire, 0, src, dst)), unit: 'ns/segment' });
  out.push({ name: 'parseTcp + emitTcp + checksum (1380 B)', value: measure(() => { const r = parseTcp(wire, 0, len); return r.ok ? emitTcp(r.value, wire, 0, src, dst) : 0; }), unit: 'ns/segment' });
  out.push({ name: 'tcpChecksumValid (1380 B data)', value: measure(() => (tcpChecksumValid(wire, 0, len, src, dst) ? 1 : 0)), unit: 'ns/segment' });
  const packet = new Uint8Array(20 + len);
  packet.set([0x45, 0, (20 + len) >> 8, (20 + len) & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0, ...src, ...dst]);
  packet.set(wire, 20);
  out.push({ name: 'decodePacket (IPv4 + TCP, 1380 B data)', value: measure(() => decodePacket(packet).layers.length) / 1000, unit: 'µs/packet' });
  return out;
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figs = await benchWire();
  const w = Math.max(...figs.map((f) => f.name.length));
  for (const f of figs) {
    const ratio = f.ratio === undefined ? '' : `  (${f.ratio.toFixed(2)}× the ${f.baseline})`;
    console.log(`${f.name.padEnd(w)}  ${fmt(f.value).padStart(8)} ${f.unit}${ratio}`);
  }
}
