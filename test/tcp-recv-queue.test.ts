// The receive queue as chunks (tcp/recv-queue.ts): given buffers adopted without a copy, transient
// data copied into chunks sized to what arrives, reads handed out as views that later pushes never
// change, readInto keeping the memory, and the accounting (pool, allocation) exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecvQueue, MAX_CHUNK, MAX_SHIFT_CHUNK, MIN_CHUNK } from '../src/tcp/recv-queue.js';
import { giveBuffer } from '../src/tcp/given.js';
import { MemoryPool } from '../src/tcp/memory.js';

function stream(from: number, n: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (from + i) % 251);
}

/** An allocator that counts what it hands out. */
function counting(): { allocate: (n: number) => Uint8Array; sizes: number[] } {
  const sizes: number[] = [];
  return { sizes, allocate: (n) => (sizes.push(n), new Uint8Array(n)) };
}

test('RecvQueue: a given buffer becomes a chunk without a copy, even behind queued bytes', () => {
  const q = new RecvQueue(1 << 20);
  q.push(stream(0, 1000));
  const given = giveBuffer(stream(1000, 50_000));
  assert.equal(q.push(given), 50_000);
  assert.equal(q.chunkCount, 2);
  const first = q.read(Infinity);
  assert.deepEqual(first, stream(0, 1000));
  const second = q.read(Infinity);
  assert.equal(second.buffer, given.buffer, 'the given memory itself');
  assert.equal(second.byteOffset, 0);
  assert.equal(second.length, 50_000);
  assert.equal(q.length, 0);
});

test('RecvQueue: a given buffer taken only in part is copied, as is a transient view', () => {
  const q = new RecvQueue(100);
  const given = giveBuffer(stream(0, 300));
  assert.equal(q.push(given), 100);
  given.fill(0);
  assert.deepEqual(q.shift(100), stream(0, 100), 'the queue kept a copy, not the caller memory');
  const src = stream(5, 60);
  q.push(src);
  src.fill(9);
  assert.deepEqual(q.shift(60), stream(5, 60));
});

test('RecvQueue: transient data goes into chunks sized to what arrives (doubling from MIN_CHUNK), never to the window', () => {
  const a = counting();
  const q = new RecvQueue(16 << 20);
  q.allocate = a.allocate;
  q.push(stream(0, 100));
  assert.deepEqual(a.sizes, [MIN_CHUNK], 'a small first push takes a small chunk');
  for (let i = 0; i < 400; i++) q.push(stream(0, 1448));
  q.push(stream(0, 4 << 20)); // one large push is split into chunks of at most MAX_CHUNK
  assert.ok(a.sizes.every((s) => s <= MAX_CHUNK), `sizes ${a.sizes.join(',')}`);
  for (let i = 1; i < a.sizes.length; i++) assert.ok(a.sizes[i]! <= Math.max(2 * a.sizes[i - 1]!, MIN_CHUNK));
  assert.ok(q.allocated <= Math.max(q.maxAllocation, q.length));
  assert.equal(q.length, 100 + 400 * 1448 + (4 << 20));
});

test('RecvQueue: read() hands out one chunk (or a prefix) as a view; shift(n) returns exactly n bytes across chunks', () => {
  const q = new RecvQueue(1 << 20);
  q.push(giveBuffer(stream(0, 3000)));
  q.push(giveBuffer(stream(3000, 3000)));
  const a = q.read(1000);
  assert.equal(a.length, 1000);
  const b = q.read(1 << 20);
  assert.equal(b.length, 2000, 'no more than the rest of the head chunk');
  assert.deepEqual(b, stream(1000, 2000));
  q.push(giveBuffer(stream(6000, 3000)));
  const c = q.shift(4000); // spans two chunks: a copy of exactly 4000
  assert.deepEqual(c, stream(3000, 4000));
  assert.equal(q.length, 2000);
});

test('RecvQueue: readInto keeps the memory — a reader that drains into its own buffer makes the queue allocate nothing more', () => {
  const a = counting();
  const q = new RecvQueue(1 << 20);
  q.allocate = a.allocate;
  const dst = new Uint8Array(200_000);
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 3; i++) next += q.push(stream(next, 65_000));
    while (q.length > 0) {
      const n = q.readInto(dst, 7);
      assert.deepEqual(dst.subarray(7, 7 + n), stream(expect, n));
      expect += n;
    }
    if (round === 5) a.sizes.length = 0;
  }
  assert.deepEqual(a.sizes, [], 'steady state: chunks are rewound or recycled');
  assert.ok(q.allocated <= q.maxAllocation);
});

test('RecvQueue: the pool is charged exactly the bytes queued; clear releases them and the memory', () => {
  const pool = new MemoryPool({ low: 1 << 30, pressure: 1 << 30, high: 1 << 30 });
  const q = new RecvQueue(50_000);
  q.pool = pool;
  q.push(stream(0, 30_000));
  q.push(giveBuffer(stream(0, 10_000)));
  assert.equal(q.push(stream(0, 30_000)), 10_000, 'no more than the limit');
  assert.equal(pool.used, 50_000);
  q.read(1234);
  q.readInto(new Uint8Array(4321));
  q.shift(10_000);
  assert.equal(pool.used, q.length);
  q.clear();
  assert.equal(pool.used, 0);
  assert.equal(q.allocated, 0);
  assert.equal(q.chunkCount, 0);
});

test('RecvQueue: trim releases a drained queue above the floor; a lent chunk keeps filling only after its lent bytes', () => {
  const q = new RecvQueue(1 << 20);
  q.push(stream(0, 100));
  const lent = q.read(100);
  q.push(stream(100, 100)); // into the room after the lent bytes, same memory
  assert.deepEqual(lent, stream(0, 100));
  assert.deepEqual(q.read(100), stream(100, 100));
  q.trim(4096);
  assert.equal(q.chunkCount, 1, 'a 2 KiB chunk is below the floor: kept');
  q.push(stream(0, 100_000));
  q.readInto(new Uint8Array(100_000));
  q.trim(4096);
  assert.equal(q.chunkCount, 0);
  assert.equal(q.allocated, 0);
});

test('RecvQueue: a reader that shifts more than a chunk at once gets chunks sized to what it takes, then views instead of copies', () => {
  const q = new RecvQueue(4 << 20);
  const piece = new Uint8Array(1448);
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 200; i++) next += q.push(piece.map((_, j) => (next + j) % 251));
    const out = q.shift(Infinity); // recv() without a limit
    assert.deepEqual(out, stream(expect, 200 * 1448));
    expect += out.length;
    q.trim(4096); // what TcpConnection.recv() does after a drain
    if (round >= 2) assert.ok(out.buffer.byteLength > out.length && out.buffer.byteLength <= MAX_SHIFT_CHUNK, `round ${round}: a view of one large chunk, not a copy (${out.buffer.byteLength})`);
  }
});

type Op =
  | { kind: 'push'; n: number; given: boolean }
  | { kind: 'read' | 'shift' | 'into'; n: number }
  | { kind: 'trim'; n: number };

test('RecvQueue: any interleaving of given/transient pushes and reads of any size yields the pushed stream; lent views never change (property)', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), n: fc.integer({ min: 1, max: 70_000 }), given: fc.boolean() }),
    fc.record({ kind: fc.constantFrom('read' as const, 'shift' as const, 'into' as const), n: fc.integer({ min: 1, max: 90_000 }) }),
    fc.record({ kind: fc.constant('trim' as const), n: fc.constantFrom(0, 4096) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300_000 }), fc.array(op, { maxLength: 60 }), (limit, ops) => {
      const pool = new MemoryPool({ low: 1 << 30, pressure: 1 << 30, high: 1 << 30 });
      const q = new RecvQueue(limit);
      q.pool = pool;
      // Unzeroed-looking memory: any byte the queue handed out without writing it would show as 0xee.
      q.allocate = (n) => new Uint8Array(n).fill(0xee);
      let next = 0;
      let expect = 0;
      const lent: Array<{ view: Uint8Array; copy: Uint8Array }> = [];
      const check = (c: Uint8Array): void => {
        assert.deepEqual(c, stream(expect, c.length));
        expect += c.length;
      };
      for (const o of ops) {
        if (o.kind === 'push') {
          const d = stream(next, o.n);
          const took = q.push(o.given ? giveBuffer(d) : d);
          assert.equal(took, Math.min(o.n, Math.max(0, limit - (next - expect))));
          if (!o.given) d.fill(0); // the caller reuses transient memory at once
          next += took;
        } else if (o.kind === 'read' || o.kind === 'shift') {
          const before = q.length;
          const c = o.kind === 'read' ? q.read(o.n) : q.shift(o.n);
          if (o.kind === 'shift') assert.equal(c.length, Math.min(o.n, before));
          else assert.ok(c.length <= Math.min(o.n, before) && (before === 0 || c.length > 0));
          check(c);
          lent.push({ view: c, copy: c.slice() });
        } else if (o.kind === 'into') {
          const dst = new Uint8Array(o.n + 3);
          const n = q.readInto(dst, 3);
          assert.equal(n, Math.min(o.n, next - expect));
          check(dst.subarray(3, 3 + n));
        } else q.trim(o.n);
        assert.equal(q.length, next - expect);
        assert.equal(pool.used, q.length);
        assert.ok(q.allocated <= Math.max(q.maxAllocation, q.length), `allocated ${q.allocated} limit ${q.maxAllocation} length ${q.length}`);
      }
      const rest = new Uint8Array(q.length);
      q.readInto(rest);
      check(rest);
      for (const l of lent) assert.deepEqual(l.view, l.copy, 'a view changed after it was handed out');
    }),
    { numRuns: 300, seed: 11 },
  );
});
