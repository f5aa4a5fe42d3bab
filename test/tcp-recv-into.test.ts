// RFC 9293 §3.10.3 RECEIVE into the caller's memory (TcpConnection.recvInto): the same byte stream
// as recv(), in order, whatever the reader's buffer size, with GSO + GRO on or off, under loss
// and reordering; the receive buffer keeps its memory between reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runGsoTransfer } from './gso-helpers.js';
import { ByteQueue } from '../src/tcp/byte-queue.js';

test('RFC 9293 §3.10.3: recvInto delivers bytes sent == bytes received, any reader buffer size, offloads on or off, loss and reordering', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 0x7fffffff }),
        bytes: fc.integer({ min: 0, max: 150_000 }),
        loss: fc.double({ min: 0, max: 0.08, noNaN: true }),
        reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
        offload: fc.boolean(),
        readInto: fc.constantFrom(1, 7, 1448, 4096, 70_000, 1 << 20),
        maxWrite: fc.constantFrom(100, 5000, 70_000),
      }),
      (p) => {
        const r = runGsoTransfer({ ...p, tcp: { dataRetries: 40 } });
        assert.ok(r.completed, 'transfer completed');
        assert.deepEqual(r.received, r.sent);
      },
    ),
    { numRuns: 20 },
  );
});

test('ByteQueue.readInto copies across the ring wrap, honours the offset and the room left, and keeps the memory', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2500 }), fc.nat(16)), { minLength: 1, maxLength: 40 }), (ops) => {
      const q = new ByteQueue(4096);
      const model: number[] = [];
      let next = 0;
      for (const [push, read, off] of ops) {
        const data = new Uint8Array(push);
        for (let i = 0; i < push; i++) data[i] = (next + i) & 0xff;
        const took = q.push(data);
        for (let i = 0; i < took; i++) model.push(data[i]!);
        next += took;
        const dst = new Uint8Array(read + off).fill(0xee);
        const allocated = q.allocated;
        const n = q.readInto(dst, Math.min(off, dst.length));
        const o = Math.min(off, dst.length);
        assert.equal(n, Math.min(model.length, dst.length - o));
        assert.deepEqual([...dst.subarray(o, o + n)], model.splice(0, n));
        assert.ok(dst.subarray(0, o).every((b) => b === 0xee), 'bytes before the offset untouched');
        assert.equal(q.length, model.length);
        assert.equal(q.allocated, allocated, 'reading releases no memory');
      }
    }),
    { numRuns: 200 },
  );
});
