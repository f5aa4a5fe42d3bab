// npm run fuzz:tcp -- [--packets N] [--seed S]: structure-aware and mutation fuzzing of the TCP core
// in LISTEN, SYN-RECEIVED, ESTABLISHED and the closing states; prints counts and any failure.
import { emptyCounts, fuzzState, FUZZ_STATES } from '../src/chaos/fuzz-run.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
}

const total = arg('--packets', 10_000_000);
const seed = arg('--seed', 1);
const counts = emptyCounts();
const t0 = performance.now();
const chunk = 20_000;
let round = 0;
while (counts.packets + counts.parseRejected < total && counts.failures.length < 50) {
  for (const st of FUZZ_STATES) {
    fuzzState(st, seed * 1_000_003 + round, chunk / 2, counts);
    fuzzState(st, seed * 1_000_003 + round + 0x10000, chunk / 2, counts, { mutate: true });
  }
  round++;
  const done = counts.packets + counts.parseRejected;
  console.log(`${done} segments (${counts.mutated} mutated, ${counts.parseRejected} rejected by the parser), ${counts.targets} targets, ${counts.failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
for (const f of counts.failures.slice(0, 20)) console.log(`FAIL ${f}`);
console.log(JSON.stringify({ segments: counts.packets + counts.parseRejected, fed: counts.packets, mutated: counts.mutated, parseRejected: counts.parseRejected, replies: counts.replies, byState: counts.byState, failures: counts.failures.length }));
process.exit(counts.failures.length > 0 ? 1 : 0);
