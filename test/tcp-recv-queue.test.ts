// The receive queue as chunks (tcp/recv-queue.ts): given buffers adopted without a copy, copied
// data packed into slabs sized to what arrives, views handed to a chunk reader never rewritten,
// a copying reader (recvInto) allocating nothing once warm, and memory within its bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecvQueue, RECV_SLAB } from '../src/tcp/recv-queue.js';
import { giveBuffer } from '../src/tcp/byte-queue.js';
import { MemoryPool } from '../src/tcp/memory.js';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('RFC 9293 §3.10.7.4 receive queue: a given buffer becomes a chunk as it is, even behind queued data; others are copied', () => {
  const q = new RecvQueue(1 << 20);
  const a = bytes(1000, 1);
  assert.equal(q.push(a), 1000);
  const g = giveBuffer(bytes(5000, 2));
  assert.equal(q.push(g), 5000);
  a.fill(0); // the copied data does not depend on the caller's buffer
  assert.deepEqual(q.shift(4096), bytes(1000, 1), 'one chunk at most per shift');
  const v = q.shift(4096);
  assert.equal(v.buffer, g.buffer, 'the given buffer itself, no copy');
  assert.deepEqual(v, g.subarray(0, 4096));
  assert.equal(q.length, 904);
});

test('receive queue: copies fill the last slab before a new one is taken; a slab is sized to the data, not the window', () => {
  const sizes: number[] = [];
  const q = new RecvQueue(16 << 20, (n) => (sizes.push(n), new Uint8Array(n)));
  for (let i = 0; i < 100; i++) q.push(bytes(1448, i));
  // 144,800 bytes in slabs of RECV_SLAB, each filled before the next: a 16 MiB window is never allocated.
  const slabs = Math.ceil(144_800 / RECV_SLAB);
  assert.deepEqual(sizes, Array(slabs).fill(RECV_SLAB));
  assert.equal(q.allocated, slabs * RECV_SLAB);
  // More than a slab in one push: the last slab's room, then a slab of the rest's size.
  const room = slabs * RECV_SLAB - 144_800;
  q.push(bytes(RECV_SLAB * 3, 7));
  assert.equal(sizes.at(-1), RECV_SLAB * 3 - room);
});

test('receive queue: views handed out by shift() never change while data keeps arriving and being read', () => {
  const q = new RecvQueue(1 << 20);
  const lent: Array<[Uint8Array, Uint8Array]> = [];
  let pos = 0;
  const stream = bytes(3 * RECV_SLAB, 9);
  while (pos < stream.length) {
    const n = Math.min(3000, stream.length - pos);
    q.push(stream.subarray(pos, pos + n));
    pos += n;
    const v = q.shift(2000);
    lent.push([v, v.slice()]);
  }
  for (const [view, copy] of lent) assert.deepEqual(view, copy);
});

test('receive queue: a copying reader (readInto) reuses the slab it drained: no allocation once warm', () => {
  let allocations = 0;
  const q = new RecvQueue(4 << 20, (n) => (allocations++, new Uint8Array(n)));
  const dst = new Uint8Array(64 * 1024);
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 40; i++) q.push(bytes(1448, round + i));
    while (q.readInto(dst) > 0);
  }
  assert.ok(allocations <= 2, `${allocations} allocations`);
  assert.equal(q.length, 0);
});

test('receive queue: memory is charged to the pool byte for byte, and trim()/clear() release it', () => {
  const pool = new MemoryPool({ low: 1e9, pressure: 2e9, high: 3e9 });
  const q = new RecvQueue(1 << 20);
  q.pool = pool;
  const before = pool.used;
  q.push(bytes(10_000, 1));
  q.push(giveBuffer(bytes(3000, 2)));
  assert.equal(pool.used - before, 13_000);
  q.shift(4000);
  assert.equal(pool.used - before, 9000);
  q.clear();
  assert.equal(pool.used, before);
  assert.equal(q.allocated, 0);
  q.push(bytes(100, 3));
  q.readInto(new Uint8Array(100));
  q.trim();
  assert.equal(q.allocated, 0);
});

test('receive queue property: any mix of given and copied pushes and reads of any size yields the stream in order, within its memory bound', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ n: fc.integer({ min: 1, max: 70_000 }), give: fc.boolean(), read: fc.integer({ min: 0, max: 100_000 }), into: fc.boolean() }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 300_000 }),
      (ops, limit) => {
        const q = new RecvQueue(limit);
        const sent: number[] = [];
        const got: number[] = [];
        let seq = 0;
        for (const op of ops) {
          const data = Uint8Array.from({ length: op.n }, () => seq++ & 0xff);
          const taken = q.push(op.give ? giveBuffer(data) : data);
          assert.equal(taken, Math.min(op.n, Math.max(0, limit - (sent.length - got.length))));
          for (let i = 0; i < taken; i++) sent.push(data[i]!);
          seq -= op.n - taken;
          assert.ok(q.allocated <= q.allocationBound, `allocated ${q.allocated}, bound ${q.allocationBound}, limit ${limit}`);
          if (op.into) {
            const dst = new Uint8Array(op.read);
            const k = q.readInto(dst);
            for (let i = 0; i < k; i++) got.push(dst[i]!);
          } else {
            const v = q.shift(op.read);
            for (const b of v) got.push(b);
          }
          assert.equal(q.length, sent.length - got.length);
        }
        const rest = new Uint8Array(q.length);
        q.readInto(rest);
        for (const b of rest) got.push(b);
        assert.deepEqual(got, sent);
      },
    ),
    { numRuns: 400 },
  );
});
