// Recycled packet memory (stack/packet-pool.ts): a packet's bytes are never handed out again while
// the packet is live, and two stacks writing into recycled memory put exactly the bytes on the
// wire that they put there with fresh memory, and deliver the byte stream intact under loss and
// reordering (RFC 9293 §3.10.7.4 text in order, checksums per RFC 9293 §3.1 / RFC 1071).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PacketPool } from '../src/stack/packet-pool.js';
import { runGsoTransfer, type GsoRunOptions } from './gso-helpers.js';

interface Live {
  view: Uint8Array;
  mark: number;
}

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

test('PacketPool: a live packet is never handed out again nor overwritten, whatever is released (property)', () => {
  type Op = { kind: 'take'; size: number } | { kind: 'cut'; pick: number; parts: number } | { kind: 'release'; pick: number } | { kind: 'again'; pick: number } | { kind: 'foreign'; pick: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('take' as const), size: fc.integer({ min: 1, max: 9000 }) }),
    fc.record({ kind: fc.constant('cut' as const), pick: fc.nat(), parts: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('again' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('foreign' as const), pick: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), fc.boolean(), (ops, poison) => {
      const pool = new PacketPool({ slabSize: 16 * 1024, maxFree: 2, poison });
      const live: Live[] = [];
      const released: Uint8Array[] = [];
      let mark = 1;
      const fill = (v: Uint8Array): Live => {
        const l = { view: v, mark: mark++ & 0xff || 1 };
        v.fill(l.mark);
        return l;
      };
      const add = (v: Uint8Array): void => {
        for (const l of live) assert.ok(!overlaps(v, l.view), 'handed out bytes of a live packet');
        live.push(fill(v));
      };
      for (const o of ops) {
        if (o.kind === 'take') add(pool.take(o.size));
        else if (o.kind === 'cut' && live.length > 0) {
          // Cut pieces out of takeParts() memory and release it (what segmentTcp does).
          const all = pool.takeParts(o.parts * 100);
          for (const l of live) assert.ok(!overlaps(all, l.view));
          const pieces: Uint8Array[] = [];
          for (let i = 0; i < o.parts; i++) pieces.push(pool.cut(all, i * 100, i * 100 + 100));
          assert.equal(pool.release(all), true);
          for (const p of pieces) live.push(fill(p));
        } else if (o.kind === 'release' && live.length > 0) {
          const [l] = live.splice(o.pick % live.length, 1);
          assert.equal(pool.release(l!.view), true);
          released.push(l!.view);
        } else if (o.kind === 'again' && released.length > 0) {
          assert.equal(pool.release(released[o.pick % released.length]!), false, 'a second release is ignored');
        } else if (o.kind === 'foreign' && live.length > 0) {
          const l = live[o.pick % live.length]!;
          assert.equal(pool.release(l.view.subarray(0, Math.max(0, l.view.length - 1))), false, 'a subarray is not a packet');
          assert.equal(pool.release(new Uint8Array(8)), false, 'a foreign buffer');
        }
        for (const l of live) assert.ok(l.view.every((b) => b === l.mark), 'a live packet was overwritten');
      }
      assert.equal(pool.outstanding, live.length);
    }),
    { numRuns: 150 },
  );
});

test('PacketPool: released memory is cut again instead of allocated; oversized packets are not pooled', () => {
  const pool = new PacketPool({ slabSize: 8192 });
  for (let round = 0; round < 50; round++) {
    const ps = [pool.take(1500), pool.take(1500), pool.take(1500), pool.take(1500), pool.take(1500), pool.take(1500)];
    for (const p of ps) assert.equal(pool.release(p), true);
  }
  assert.ok(pool.counters.slabsAllocated <= 2, `slabs allocated: ${pool.counters.slabsAllocated}`);
  assert.equal(pool.outstanding, 0);
  const big = pool.take(9000);
  assert.equal(big.length, 9000);
  assert.equal(pool.release(big), false, 'larger than a slab: plain memory, not recycled');
  // A packet never released (lost) only keeps its slab out of reuse.
  const lost = pool.take(4000);
  const next = pool.take(4000);
  assert.ok(!overlaps(lost, next));
  assert.equal(pool.release(next), true);
  assert.ok(!overlaps(lost, pool.take(4000)));
});

const cases: Array<[string, Partial<GsoRunOptions>]> = [
  ['MTU 1500, no offloads', { offload: false }],
  ['MTU 1500, software GSO + GRO', { offload: true, gsoSoftware: true }],
  ['MTU 1500, GSO split by the link + GRO', { offload: true }],
  ['MTU 9000, IPv6, software GSO + GRO', { offload: true, gsoSoftware: true, mtu: 9000, v6: true }],
  ['MTU 65535, no offloads', { offload: false, mtu: 65535 }],
];

for (const [name, o] of cases) {
  test(`recycled packet memory: ${name} — same wire bytes as fresh memory, stream intact (RFC 9293 §3.1 checksums)`, () => {
    const base: GsoRunOptions = { bytes: 600_000, seed: 5, offload: false, ...o, readInto: 70_000 };
    const fresh = runGsoTransfer(base);
    const pooled = runGsoTransfer({ ...base, pool: { slabSize: 96 * 1024, maxFree: 4, poison: true } });
    assert.ok(fresh.completed && pooled.completed);
    assert.deepEqual(pooled.received, pooled.sent);
    assert.equal(pooled.wire.length, fresh.wire.length);
    for (let i = 0; i < fresh.wire.length; i++) assert.deepEqual(pooled.wire[i]!.packet, fresh.wire[i]!.packet, `wire packet ${i}`);
    const c = pooled.poolA!.counters;
    assert.ok(c.slabsReused + c.packets > 0 && c.released > 0, 'packets came from the pool and went back');
    assert.ok(c.slabsAllocated < 64, `slabs allocated ${c.slabsAllocated}: memory is reused`);
  });
}

test('recycled packet memory: loss and reordering with poisoned slabs still deliver the stream (property)', () => {
  fc.assert(
    fc.property(
      fc.record({ seed: fc.nat(1000), soft: fc.boolean(), loss: fc.constantFrom(0, 0.01, 0.05), reorder: fc.constantFrom(0, 0.05), v6: fc.boolean() }),
      (p) => {
        const r = runGsoTransfer({
          bytes: 200_000, seed: p.seed, offload: p.soft, gsoSoftware: p.soft, loss: p.loss, reorder: p.reorder, v6: p.v6,
          pool: { slabSize: 32 * 1024, maxFree: 2, poison: true }, tcp: { sendBufferSize: 64 << 10, recvBufferSize: 64 << 10 },
        });
        assert.ok(r.completed, 'transfer completed');
        assert.deepEqual(r.received, r.sent);
      },
    ),
    { numRuns: 12 },
  );
});
