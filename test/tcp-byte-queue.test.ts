// The byte queue behind the send buffer and the in-order receive buffer (DESIGN: memory bounds —
// a buffer never allocates more than it may hold, and growth stays cheap when auto-tuning raises
// the limit a little per ACK).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from '../src/tcp/byte-queue.js';

test('ByteQueue: FIFO contents survive growth, wrap-around and partial consumption (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20_000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 40 }), (limit, ops) => {
      const q = new ByteQueue(limit);
      const model: number[] = [];
      let next = 0;
      for (const [push, take] of ops) {
        const data = Uint8Array.from({ length: push }, () => next++ & 0xff);
        const n = q.push(data);
        assert.equal(n, Math.min(push, limit - model.length));
        model.push(...data.subarray(0, n));
        const out = q.shift(take);
        assert.deepEqual([...out], model.splice(0, out.length));
        assert.equal(q.length, model.length);
        assert.ok(q.allocated <= Math.max(limit, 2048), `allocated ${q.allocated} within the limit ${limit} (or the 2 KiB minimum)`);
      }
    }),
    { numRuns: 300 },
  );
});

test('ByteQueue: without a ceiling the allocation never exceeds the limit, even when the limit rises', () => {
  const q = new ByteQueue(5000);
  q.push(new Uint8Array(4000));
  for (let limit = 5000; limit < 20_000; limit += 100) {
    q.limit = limit;
    q.push(new Uint8Array(100));
    assert.ok(q.allocated <= limit, `allocated ${q.allocated} > limit ${limit}`);
  }
});

test('ByteQueue: a limit raised a little per ACK under a ceiling grows geometrically (few reallocations), never past the ceiling', () => {
  const q = new ByteQueue(4096);
  q.ceiling = 1 << 20;
  q.push(new Uint8Array(4096));
  let reallocations = 0;
  let last = q.allocated;
  for (let limit = 4096 + 1448; limit <= 1 << 20; limit += 1448) {
    q.limit = limit;
    q.push(new Uint8Array(1448));
    if (q.allocated !== last) reallocations++;
    last = q.allocated;
    assert.ok(q.allocated <= q.ceiling);
  }
  assert.ok(reallocations < 30, `${reallocations} reallocations for a 4 KiB → 1 MiB climb`);
});

test('ByteQueue: trim releases an empty queue above the floor, clear releases everything', () => {
  const q = new ByteQueue(100_000);
  q.push(new Uint8Array(50_000));
  q.trim(4096);
  assert.ok(q.allocated >= 50_000, 'not trimmed while holding data');
  q.consume(50_000);
  q.trim(4096);
  assert.equal(q.allocated, 0);
  q.push(new Uint8Array(10));
  q.clear();
  assert.equal(q.allocated, 0);
  assert.equal(q.length, 0);
});
