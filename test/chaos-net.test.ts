// Chaos scenarios through the whole library (src/chaos/net-run.ts): createNetwork() links with loss,
// Gilbert–Elliott bursts, reordering, duplication, corruption (checksums), rate limits and cuts, and
// host.net sockets. Every stream SHA-256 checked, every socket must close. Failures with a known
// cause (KNOWN_FAILURES in src/chaos/run-seed.ts) are grouped by the second test, which fails while
// any seed matches one: a fixed bug must leave the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNetSeed } from '../src/chaos/net-run.js';
import { classifyFailure } from '../src/chaos/run-seed.js';

const SEEDS = 120;
const known: string[] = [];

test(`RFC 9293 §3.8 host.net sockets under chaos: seeds 1..${SEEDS} deliver intact streams and close`, async () => {
  const unknown: string[] = [];
  let bytes = 0;
  for (let s = 1; s <= SEEDS; s++) {
    const r = await runNetSeed(s, { maxBytes: 24 * 1024, maxFlows: 5 });
    bytes += r.bytes;
    if (r.ok) continue;
    const cls = classifyFailure(r.failures);
    if (cls !== undefined) known.push(`seed ${s} [${cls}]`);
    else unknown.push(`seed ${s}: ${r.failures.slice(0, 2).join(' ; ')}`);
  }
  assert.ok(bytes > 100_000, `only ${bytes} B moved`);
  assert.deepEqual(unknown, [], 'reproduce with: npm run chaos -- --net --start <seed> --seeds 1 --verbose');
});

test('host.net chaos seeds: no seed fails with a known cause either (KNOWN_FAILURES only groups reports)', () => {
  assert.deepEqual(known, []);
});
