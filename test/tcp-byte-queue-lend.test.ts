// ByteQueue.shift() lends views instead of copying: the bytes a reader takes from a contiguous part
// of the ring are returned as a view of the ring's memory, and the queue never writes that memory
// again (a push that would wrap into it, or the queue running empty, moves the queue to new memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from '../src/tcp/byte-queue.js';

test('ByteQueue: a partial shift of contiguous bytes is a view (no copy), and later pushes leave it unchanged', () => {
  const q = new ByteQueue(128 * 1024);
  const data = new Uint8Array(40_000).map((_, i) => i & 0xff);
  q.push(data);
  const a = q.shift(10_000);
  assert.ok(a.buffer.byteLength > a.length, 'a view into the queue memory, not a copy of its own');
  const keep = a.slice();
  // Fill the ring so far that a push would wrap into the lent bytes.
  q.push(new Uint8Array(30_000).fill(0xee));
  q.push(new Uint8Array(20_000).fill(0xdd));
  assert.deepEqual(a, keep, 'lent bytes were not overwritten');
  assert.equal(q.length, 30_000 + 30_000 + 20_000);
  const rest = q.shift(1 << 20);
  assert.deepEqual(rest.subarray(0, 30_000), data.subarray(10_000));
});

test('ByteQueue: any sequence of push/shift/trim hands out the stream in order, and every chunk keeps its bytes', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), n: fc.integer({ min: 1, max: 9000 }) }),
    fc.record({ kind: fc.constant('shift' as const), n: fc.integer({ min: 1, max: 12000 }) }),
    fc.record({ kind: fc.constant('trim' as const), n: fc.constantFrom(0, 4096) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40_000 }), fc.array(op, { maxLength: 80 }), (limit, ops) => {
      const q = new ByteQueue(limit);
      let next = 0; // next byte value of the stream pushed
      let expect = 0; // next byte value the reader should see
      const chunks: Array<{ view: Uint8Array; copy: Uint8Array }> = [];
      for (const o of ops) {
        if (o.kind === 'push') {
          const d = new Uint8Array(o.n).map((_, i) => (next + i) % 251);
          next += q.push(d);
        } else if (o.kind === 'shift') {
          const c = q.shift(o.n);
          for (let i = 0; i < c.length; i++) assert.equal(c[i], (expect + i) % 251);
          expect += c.length;
          chunks.push({ view: c, copy: c.slice() });
        } else q.trim(o.n);
      }
      assert.equal(q.length, next - expect);
      for (const c of chunks) assert.deepEqual(c.view, c.copy, 'a chunk changed after it was handed out');
    }),
    { numRuns: 300, seed: 9 },
  );
});
