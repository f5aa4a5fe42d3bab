// TCP fuzzing (src/chaos/fuzz-*): segments relative to the connection's real state — sequence and
// acknowledgment numbers at and around the window edges, every flag combination, option soup,
// payloads — and byte-level mutations of emitted segments, against connections in LISTEN,
// SYN-RECEIVED, ESTABLISHED and the closing states. After every segment: no exception, RFC 9293
// §3.3.1 invariants (SND.UNA ≤ SND.NXT ≤ SND.MAX, buffers within their caps, window field in range),
// bounded tables. About 100k segments in all; scripts/fuzz-tcp.ts runs millions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyCounts, fuzzSpecs, fuzzState, FUZZ_STATES } from '../src/chaos/fuzz-run.js';
import { EDGE_DELTAS, type SegmentSpec } from '../src/chaos/fuzz-segment.js';
import { makeTarget } from '../src/chaos/fuzz-target.js';
import { connectionViolations } from '../src/chaos/invariants.js';
import type { TcpOption } from '../src/wire/tcp-types.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const delta = fc.oneof(fc.constantFrom(...EDGE_DELTAS), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const option: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: 'nop' }),
  fc.constant<TcpOption>({ kind: 'eol' }),
  fc.integer({ min: 0, max: 65535 }).map((mss): TcpOption => ({ kind: 'mss', mss })),
  fc.integer({ min: 0, max: 255 }).map((shift): TcpOption => ({ kind: 'wscale', shift })),
  fc.constant<TcpOption>({ kind: 'sackPermitted' }),
  fc.tuple(u32, u32).map(([l, r]): TcpOption => ({ kind: 'sack', blocks: [[l, r]] })),
  fc.tuple(u32, u32).map(([val, ecr]): TcpOption => ({ kind: 'timestamp', val, ecr })),
  fc.tuple(fc.integer({ min: 9, max: 254 }), fc.uint8Array({ maxLength: 6 })).map(([code, data]): TcpOption => ({ kind: 'unknown', code, data })),
);
const spec: fc.Arbitrary<SegmentSpec> = fc.record({
  seqBase: fc.constantFrom('rcvNxt', 'rcvEdge', 'irs', 'abs'),
  seqDelta: delta,
  ackBase: fc.constantFrom('sndUna', 'sndNxt', 'sndMax', 'iss', 'abs'),
  ackDelta: delta,
  flags: fc.oneof(fc.constantFrom(0x10, 0x11, 0x14, 0x04, 0x02, 0x12, 0x18, 0x01), fc.integer({ min: 0, max: 0x1ff })),
  window: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
  urgent: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
  options: fc.array(option, { maxLength: 4 }),
  payloadLen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1460 }), fc.integer({ min: 1461, max: 4096 })),
  strayPort: fc.boolean(),
  advanceMs: fc.oneof(fc.constant(0), fc.constantFrom(1, 40, 200, 1000, 60_000)),
});

test('RFC 9293 §3.3.1 invariant checks notice a broken TCB (SND.UNA > SND.NXT, buffer over its cap)', () => {
  const t = makeTarget('ESTABLISHED', 3);
  const c = t.conn!;
  assert.deepEqual(connectionViolations(c), []);
  const una = c.sndUna;
  c.sndUna = (c.sndNxt + 10) >>> 0;
  assert.ok(connectionViolations(c).some((v) => v.includes('SND.UNA')));
  c.sndUna = una;
  assert.deepEqual(connectionViolations(c), []);
  const limit = c.sendBuf.limit;
  c.sendBuf.push(new Uint8Array(64));
  c.sendBuf.limit = 0;
  assert.ok(connectionViolations(c).some((v) => v.includes('send buffer')));
  c.sendBuf.limit = limit;
});

for (const state of FUZZ_STATES) {
  test(`RFC 9293 §3.10.7 / RFC 5961 fast-check segment sequences in ${state}: no exception, invariants hold`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(spec, { minLength: 1, maxLength: 40 }), (seed, specs) => {
        const f = fuzzSpecs(state, seed, specs);
        assert.equal(f, undefined, f);
      }),
      { numRuns: 60, seed: 11 },
    );
  });
}

test('random structure-aware and mutated segments in every state (~100k segments)', () => {
  const counts = emptyCounts();
  for (const [i, state] of FUZZ_STATES.entries()) {
    fuzzState(state, 100 + i, 5500, counts);
    fuzzState(state, 200 + i, 5500, counts, { mutate: true });
  }
  assert.deepEqual(counts.failures, []);
  assert.ok(counts.packets + counts.parseRejected >= 99_000, `ran ${counts.packets + counts.parseRejected}`);
  for (const s of FUZZ_STATES) assert.ok((counts.byState[s] ?? 0) > 1000, `${s} got ${counts.byState[s] ?? 0} segments`);
});
