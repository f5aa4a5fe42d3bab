// Long fuzz run over every wire parser: `node dist/scripts/fuzz-wire.js [COUNT] [SEED]`
// (default 1,000,000 cases, seed 1). Prints the count and any failures (hex + reason); exit 1 on failure.
import { fuzzWire } from '../test/wire-fuzz-harness.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(seed)) {
  console.error('usage: fuzz-wire [COUNT] [SEED]');
  process.exit(2);
}
const chunk = 50_000;
const started = Date.now();
let done = 0;
const failures: ReturnType<typeof fuzzWire>['failures'] = [];
while (done < count && failures.length < 10) {
  const n = Math.min(chunk, count - done);
  const r = fuzzWire(n, seed + done, 10 - failures.length);
  for (const f of r.failures) failures.push({ ...f, iteration: f.iteration + done });
  done += r.iterations;
  if (process.stderr.isTTY) process.stderr.write(`\r${done.toLocaleString('en')} / ${count.toLocaleString('en')}`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`fuzz-wire: ${done} cases, seed ${seed}, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const f of failures) console.log(`case ${f.iteration}: ${f.hex}\n  ${f.what.split('\n').slice(0, 3).join('\n  ')}`);
process.exit(failures.length ? 1 : 0);
