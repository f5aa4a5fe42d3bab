// CONVENTIONS.md habit 4: hostile bytes never make a parser throw. 20k random and mutated
// packets here; scripts/fuzz-wire.ts runs a million.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzWire } from './wire-fuzz-harness.js';

test('wire parsers and decodePacket survive 20,000 random and mutated packets', () => {
  const r = fuzzWire(20_000, 0x1234);
  assert.equal(r.iterations, 20_000);
  assert.deepEqual(r.failures.map((f) => `#${f.iteration} ${f.hex}: ${f.what.split('\n')[0]}`), []);
});
