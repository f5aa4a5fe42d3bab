import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Scheduler } from '../src/sim/scheduler.js';
import { RandomRoot, Sfc32, deriveSeed } from '../src/sim/rng.js';

test('scheduler: events run in time order, ties in insertion order', () => {
  const s = new Scheduler();
  const log: string[] = [];
  const push = (x: string): void => void log.push(x);
  s.at(5, push, 'b1');
  s.at(1, push, 'a');
  s.at(5, push, 'b2');
  s.at(3, push, 'c');
  s.at(5, push, 'b3');
  s.runUntil(Infinity);
  assert.deepEqual(log, ['a', 'c', 'b1', 'b2', 'b3']);
  assert.equal(s.now, 5);
});

test('scheduler: property — any mix of schedules and cancels pops sorted by (time, seq), cancelled never run', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }), (ops) => {
      const s = new Scheduler();
      const ran: Array<[number, number]> = [];
      const evs = ops.map(([t], i) => s.at(t, (i: number, now: number) => void ran.push([now, i]), i));
      ops.forEach(([, cancel], i) => {
        if (cancel) s.cancel(evs[i]!);
      });
      s.runUntil(Infinity);
      const expected = ops
        .map(([t, c], i) => ({ t, c, i }))
        .filter((x) => !x.c)
        .sort((x, y) => x.t - y.t || x.i - y.i)
        .map((x) => [x.t, x.i]);
      assert.deepEqual(ran, expected);
      assert.equal(s.pending, 0);
    }),
  );
});

test('scheduler: events scheduled in the past run at now; now never decreases; runUntil respects its limit', () => {
  const s = new Scheduler();
  const times: number[] = [];
  s.at(10, (_: null, now: number) => {
    times.push(now);
    s.at(2, (_2: null, n2: number) => void times.push(n2), null);
  }, null);
  s.at(20, (_: null, now: number) => void times.push(now), null);
  assert.equal(s.runUntil(15), 2);
  assert.deepEqual(times, [10, 10]);
  assert.equal(s.peekTime(), 20);
  s.runUntil(Infinity);
  assert.deepEqual(times, [10, 10, 20]);
});

test('scheduler: heavy cancel churn keeps the heap compact', () => {
  const s = new Scheduler();
  let last = s.at(1e6, () => {}, null);
  for (let i = 0; i < 10_000; i++) {
    s.cancel(last);
    last = s.at(1e6 - i, () => {}, null);
  }
  assert.equal(s.pending, 1);
  assert.ok((s as unknown as { heap: unknown[] }).heap.length < 200);
});

test('rng: SFC32 is deterministic per seed, floats lie in [0, 1), streams differ by label', () => {
  const a = new Sfc32(42);
  const b = new Sfc32(42);
  const c = new Sfc32(43);
  const xa = Array.from({ length: 100 }, () => a.u32());
  assert.deepEqual(xa, Array.from({ length: 100 }, () => b.u32()));
  assert.notDeepEqual(xa, Array.from({ length: 100 }, () => c.u32()));
  for (const x of xa) assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
  const r = new RandomRoot(1);
  assert.notEqual(r.stream('link:0').u32(), r.stream('link:1').u32());
  assert.equal(new RandomRoot(1).stream('x').u32(), new RandomRoot(1).stream('x').u32());
  assert.notEqual(deriveSeed(1, 'x'), deriveSeed(2, 'x'));
  const f = new Sfc32(9);
  for (let i = 0; i < 10_000; i++) {
    const v = f.float();
    assert.ok(v >= 0 && v < 1);
  }
});

test('rng: 16-bucket chi-square of 160k floats is below the 99.99th percentile (df 15: 44.3)', () => {
  const f = new Sfc32(123);
  const buckets = new Array<number>(16).fill(0);
  const n = 160_000;
  for (let i = 0; i < n; i++) buckets[Math.floor(f.float() * 16)]!++;
  const e = n / 16;
  const chi = buckets.reduce((acc, o) => acc + ((o - e) * (o - e)) / e, 0);
  assert.ok(chi < 44.3, `chi-square ${chi}`);
});
