// npm run chaos -- --seeds N [--start S] [--verbose]
// Runs chaos seeds S..S+N-1; a failing seed prints a one-line reproduction and writes chaos-<seed>.pcap.
import { writeFileSync } from 'node:fs';
import { classifyFailure, runSeed } from '../src/chaos/run-seed.js';
import { runNetSeed } from '../src/chaos/net-run.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v)) {
    console.error(`${name} needs an integer`);
    process.exit(2);
  }
  return v;
}

const seeds = arg('--seeds', 100);
const start = arg('--start', 1);
const verbose = process.argv.includes('--verbose');
// --net: the same scenarios through createNetwork() and host.net sockets (net.crash()/net.restart() for host crashes).
const overNet = process.argv.includes('--net');
const pcapDir = process.env.CHAOS_PCAP_DIR ?? '.';
function netResult(n: Awaited<ReturnType<typeof runNetSeed>>): ReturnType<typeof runSeed> {
  return { ...n, segments: 0, pcap: () => n.pcap ?? new Uint8Array(0) };
}
let failed = 0;
/** --net: how sockets ended over the run (clean, error codes, lost with a crashed host). */
const ends: Record<string, number> = {};
let crashSeeds = 0;
const byClass = new Map<string, number[]>();
let bytes = 0;
let segments = 0;
const t0 = performance.now();
for (let s = start; s < start + seeds; s++) {
  const n = overNet ? await runNetSeed(s, undefined, { capture: true }) : undefined;
  const r = n !== undefined ? netResult(n) : runSeed(s);
  bytes += r.bytes;
  segments += r.segments;
  if (n !== undefined) {
    for (const [k, v] of Object.entries(n.ends)) ends[k] = (ends[k] ?? 0) + v;
    if (n.crashes > 0) crashSeeds++;
  }
  if (verbose) console.log(`seed ${s}: ${r.ok ? 'ok' : 'FAIL'} hosts=${r.hosts} flows=${r.flows} bytes=${r.bytes} ${n !== undefined ? `crashes=${n.crashes} ends=${JSON.stringify(n.ends)}` : `segments=${r.segments}`} t=${(r.endedAt / 1000).toFixed(1)}s`);
  if (!r.ok) {
    failed++;
    const cls = classifyFailure(r.failures) ?? 'new';
    byClass.set(cls, [...(byClass.get(cls) ?? []), s]);
    const file = overNet ? `${pcapDir}/chaos-net-${s}.pcap` : `${pcapDir}/chaos-${s}.pcap`;
    writeFileSync(file, r.pcap());
    console.log(`FAIL seed ${s} [${cls}]: ${r.failures.slice(0, 3).join(' ; ')}`);
    console.log(`  reproduce: npm run chaos -- --start ${s} --seeds 1 --verbose${overNet ? ' --net' : ''}   (pcap: ${file})`);
  }
  if (!verbose && (s - start + 1) % 500 === 0) console.log(`${s - start + 1} seeds, ${failed} failed`);
}
console.log(`${seeds} seeds from ${start}: ${failed} failed; ${bytes} bytes verified, ${segments} segments, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (overNet) console.log(`  ${crashSeeds} seeds crashed hosts; sockets ended: ${Object.entries(ends).map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const [cls, list] of byClass) console.log(`  ${cls}: ${list.length} seed(s): ${list.slice(0, 20).join(' ')}${list.length > 20 ? ' …' : ''}`);
process.exit(failed > 0 ? 1 : 0);
