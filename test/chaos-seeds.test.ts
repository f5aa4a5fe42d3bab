// Chaos seeds (src/chaos): random networks of 2–8 hosts with loss, burst loss, reordering,
// duplication, corruption, rate limits, tiny windows, cut links and crashing hosts, running bulk,
// request/response, duplex and abort workloads. Every stream is SHA-256 checked and every
// connection must end within the bound. Seeds whose failure has a known cause (KNOWN_FAILURES,
// reproduced in chaos-regressions.test.ts) are grouped by the last test, which fails while any seed
// matches one: a fixed bug must leave the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure, runSeed } from '../src/chaos/run-seed.js';
import { makeScenario } from '../src/chaos/scenario.js';

const SEEDS = 400;
const LIMITS = { maxBytes: 16 * 1024, maxFlows: 5 };
const known: string[] = [];

test('makeScenario is a pure function of the seed', () => {
  const a = makeScenario(42, LIMITS);
  const b = makeScenario(42, LIMITS);
  assert.deepEqual(a.flows, b.flows);
  assert.deepEqual([...a.paths], [...b.paths]);
  assert.ok(a.hosts.length >= 2 && a.hosts.length <= 8);
});

test(`RFC 9293 §3.8 reliable delivery and orderly end under chaos: seeds 1..${SEEDS}`, () => {
  const unknown: string[] = [];
  let bytes = 0;
  for (let s = 1; s <= SEEDS; s++) {
    const r = runSeed(s, LIMITS);
    bytes += r.bytes;
    if (r.ok) continue;
    const cls = classifyFailure(r.failures);
    if (cls !== undefined) known.push(`seed ${s} [${cls}]`);
    else unknown.push(`seed ${s}: ${r.failures.slice(0, 2).join(' ; ')}`);
  }
  assert.ok(bytes > 0, 'some bytes were delivered');
  assert.deepEqual(unknown, [], `reproduce with: npm run chaos -- --start <seed> --seeds 1 --verbose`);
});

test('chaos seeds: no seed fails with a known cause either (KNOWN_FAILURES only groups reports)', () => {
  assert.deepEqual(known, []);
});
