// GSO/GRO through two Stacks (stack/stack.ts, stack/gro.ts, tcp/gso.ts): TCP sends super-segments
// that the link splits, the receiver coalesces in-order wire segments of a batch before TCP input.
// The wire must carry what it would without offloads, the data must arrive intact under loss and
// reordering, and what TCP acknowledges must not change (RFC 1122 §4.2.3.2, RFC 5681 §4.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tcpChecksumValid, parseTcp } from '../src/wire/tcp.js';
import { tcpOffsets } from '../src/wire/tcp-gso.js';
import { Gro } from '../src/stack/gro.js';
import { emitTcp } from '../src/wire/tcp.js';
import type { TcpRepr } from '../src/wire/tcp-types.js';
import { runGsoTransfer, type WireRecord } from './gso-helpers.js';

function summary(w: WireRecord): string {
  const o = tcpOffsets(w.packet)!;
  const t = parseTcp(w.packet, o.l4, o.end - o.l4);
  assert.ok(t.ok);
  const s = t.value;
  return `${w.dir} seq=${s.seq} ack=${s.ack} len=${s.payload.length} flags=${s.flags} win=${s.window}`;
}

test('GSO + GRO: the wire carries the same segments, in the same order, as without offloads (RFC 9293 §3.8.6, RFC 896, RFC 1122 §4.2.3.2)', () => {
  for (const v6 of [false, true]) {
    for (const seed of [1, 2, 3]) {
      const opts = { bytes: 600_000 + seed * 1234, seed, v6, maxWrite: 40_000 };
      const off = runGsoTransfer({ ...opts, offload: false });
      const on = runGsoTransfer({ ...opts, offload: true });
      assert.ok(off.completed && on.completed);
      assert.deepEqual(on.received, on.sent);
      assert.ok(on.superSegments > 0, 'super-segments were sent');
      assert.ok(on.b.gro.counters.merges > 0, 'the receiver coalesced');
      assert.equal(on.wire.length, off.wire.length);
      assert.deepEqual(on.wire.map(summary), off.wire.map(summary), `wire differs (v6=${v6}, seed ${seed})`);
    }
  }
});

test('GSO: every wire segment fits the MTU and carries correct checksums', () => {
  for (const mtu of [576, 1500, 9000]) {
    const r = runGsoTransfer({ bytes: 300_000, seed: mtu, mtu, offload: true });
    assert.ok(r.completed);
    assert.ok(r.superSegments > 0);
    for (const w of r.wire) {
      assert.ok(w.packet.length <= mtu, `${w.packet.length} > MTU ${mtu}`);
      const o = tcpOffsets(w.packet)!;
      assert.ok(tcpChecksumValid(w.packet, o.l4, o.end - o.l4, w.packet.subarray(12, 16), w.packet.subarray(16, 20)));
    }
  }
});

test('property: with GSO + GRO on, bytes delivered == bytes sent under loss, reordering, any write sizes and MSS', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 0x7fffffff }),
        bytes: fc.integer({ min: 0, max: 200_000 }),
        loss: fc.double({ min: 0, max: 0.1, noNaN: true }),
        reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
        mtu: fc.constantFrom(576, 1500, 4000),
        v6: fc.boolean(),
        groAcks: fc.boolean(),
        maxWrite: fc.constantFrom(100, 5000, 70_000),
      }),
      (p) => {
        const r = runGsoTransfer({ ...p, mtu: p.v6 ? Math.max(1280, p.mtu) : p.mtu, offload: true, tcp: { dataRetries: 40 } });
        assert.ok(r.completed, 'transfer completed');
        assert.deepEqual(r.received, r.sent);
      },
    ),
    { numRuns: 25 },
  );
});

// ---- GRO unit rules -------------------------------------------------------------------------

function seg(seq: number, len: number, flags = 0x10, ack = 1000, window = 100): Uint8Array {
  const s: TcpRepr = { srcPort: 5, dstPort: 6, seq, ack, flags, window, urgent: 0, options: [], payload: new Uint8Array(len).fill(seq & 0xff) };
  const b = new Uint8Array(20 + len);
  emitTcp(s, b, 0);
  return b;
}

function gro(collapseAcks = false): { g: Gro; got: TcpRepr[] } {
  const got: TcpRepr[] = [];
  const g = new Gro((_s, _d, r) => got.push(r));
  g.active = true;
  g.collapseAcks = collapseAcks;
  return { g, got };
}

test('GRO: in-order full-sized segments of one flow merge; a gap, a PSH, another flow or a CE mark ends the merge', () => {
  const { g, got } = gro();
  assert.ok(g.offer('a', 'b', seg(0, 100), 0));
  assert.ok(g.offer('a', 'b', seg(100, 100), 0));
  assert.ok(g.offer('a', 'b', seg(200, 100, 0x18), 0)); // PSH: joins, then ends the run
  assert.equal(got.length, 1);
  assert.equal(got[0]!.payload.length, 300);
  assert.equal(got[0]!.flags, 0x18);
  assert.ok(g.offer('a', 'b', seg(300, 100), 0));
  assert.ok(g.offer('a', 'b', seg(500, 100), 0)); // gap: the held one goes first
  assert.equal(got.length, 2);
  assert.ok(g.offer('a', 'b', seg(600, 100), 3)); // CE: on its own
  assert.ok(g.offer('x', 'b', seg(700, 100), 0)); // another flow
  g.flush();
  assert.deepEqual(got.map((s) => [s.seq, s.payload.length]), [[0, 300], [300, 100], [500, 100], [600, 100], [700, 100]]);
});

test('GRO: a short segment ends a run, a longer one after a short one does not join, payload bytes keep their order', () => {
  const { g, got } = gro();
  g.offer('a', 'b', seg(0, 100), 0);
  g.offer('a', 'b', seg(100, 50), 0);
  g.offer('a', 'b', seg(150, 100), 0);
  g.flush();
  assert.deepEqual(got.map((s) => [s.seq, s.payload.length]), [[0, 150], [150, 100]]);
  assert.equal(got[0]!.payload[0], 0);
  assert.equal(got[0]!.payload[100], 100);
});

test('GRO: a different SEG.ACK or window is not merged; SYN/RST/FIN-only segments pass through untouched', () => {
  const { g, got } = gro();
  g.offer('a', 'b', seg(0, 100), 0);
  g.offer('a', 'b', seg(100, 100, 0x10, 2000), 0);
  g.offer('a', 'b', seg(200, 100, 0x10, 2000, 7), 0);
  assert.equal(g.offer('a', 'b', seg(300, 0, 0x11, 2000, 7), 0), false, 'a FIN without data is the caller’s');
  g.flush();
  assert.deepEqual(got.map((s) => s.seq), [0, 100, 200]);
});

test('RFC 5681 §3.2: GRO never collapses duplicate ACKs; advancing pure ACKs collapse only when asked', () => {
  const plain = gro(false);
  for (const ack of [1000, 2000, 3000]) assert.equal(plain.g.offer('a', 'b', seg(0, 0, 0x10, ack), 0), false);
  const c = gro(true);
  c.g.offer('a', 'b', seg(0, 0, 0x10, 1000), 0);
  c.g.offer('a', 'b', seg(0, 0, 0x10, 2000), 0);
  c.g.offer('a', 'b', seg(0, 0, 0x10, 2000), 0); // duplicate: not collapsed into the previous
  c.g.offer('a', 'b', seg(0, 0, 0x10, 2000), 0);
  c.g.flush();
  assert.deepEqual(c.got.map((s) => s.ack), [2000, 2000, 2000]);
  assert.equal(c.g.counters.acksCollapsed, 1);
});
