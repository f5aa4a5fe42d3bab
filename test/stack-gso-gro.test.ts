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
import { pseudoHeaderSum } from '../src/wire/checksum.js';
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

// ---- GRO verifying checksums while merging (offer with a pseudo-header sum) -----------------

const SRC = new Uint8Array([10, 0, 0, 1]);
const DST = new Uint8Array([10, 0, 0, 2]);

/** A segment with a correct checksum for SRC → DST (RFC 9293 §3.1), and its pseudo-header sum. */
function signed(seqNo: number, len: number, flags = 0x10): [Uint8Array, number] {
  const s: TcpRepr = { srcPort: 5, dstPort: 6, seq: seqNo, ack: 1000, flags, window: 100, urgent: 0, options: [], payload: new Uint8Array(len).map((_, i) => (seqNo + i) & 0xff) };
  const b = new Uint8Array(20 + len);
  emitTcp(s, b, 0, SRC, DST);
  return [b, pseudoHeaderSum(SRC, DST, 6, b.length)];
}

function verifying(): { g: Gro; got: TcpRepr[]; bad: { n: number } } {
  const got: TcpRepr[] = [];
  const bad = { n: 0 };
  const g = new Gro((_s, _d, r) => got.push({ ...r, payload: r.payload.slice() }), () => bad.n++);
  g.active = true;
  return { g, got, bad };
}

test('RFC 9293 §3.1: GRO verifies unverified pieces while merging them — a good run arrives merged with its bytes', () => {
  const { g, got, bad } = verifying();
  for (let i = 0; i < 4; i++) assert.ok(g.offer('a', 'b', ...signedArgs(i * 100, 100)));
  g.flush();
  assert.equal(bad.n, 0);
  assert.deepEqual(got.map((s) => [s.seq, s.payload.length]), [[0, 400]]);
  assert.deepEqual([...got[0]!.payload.subarray(95, 105)], [95, 96, 97, 98, 99, 100, 101, 102, 103, 104]);
  assert.equal(g.counters.merges, 1);
});

function signedArgs(seqNo: number, len: number, corruptAt?: number): [Uint8Array, number, number] {
  const [b, pseudo] = signed(seqNo, len);
  if (corruptAt !== undefined) b[corruptAt]! ^= 0x40;
  return [b, 0, pseudo];
}

test('RFC 1122 §4.2.2.7: a corrupt piece in a run is dropped; the good ones before it arrive merged, those after it one by one', () => {
  const { g, got, bad } = verifying();
  g.offer('a', 'b', ...signedArgs(0, 100));
  g.offer('a', 'b', ...signedArgs(100, 100));
  g.offer('a', 'b', ...signedArgs(200, 100, 20 + 57)); // payload byte flipped
  g.offer('a', 'b', ...signedArgs(300, 100));
  g.offer('a', 'b', ...signedArgs(400, 100));
  g.flush();
  assert.equal(bad.n, 1);
  assert.deepEqual(got.map((s) => [s.seq, s.payload.length]), [[0, 200], [300, 100], [400, 100]]);
  for (const s of got) assert.equal(s.payload[7], (s.seq + 7) & 0xff, 'bytes of the segment at its sequence number');
});

test('RFC 1122 §4.2.2.7: a corrupt first piece, or a corrupt segment alone, never reaches TCP', () => {
  const a = verifying();
  a.g.offer('a', 'b', ...signedArgs(0, 100, 25));
  a.g.offer('a', 'b', ...signedArgs(100, 100));
  a.g.flush();
  assert.equal(a.bad.n, 1);
  assert.deepEqual(a.got.map((s) => s.seq), [100]);
  const b = verifying();
  b.g.offer('a', 'b', ...signedArgs(0, 100, 4)); // sequence number field flipped
  b.g.flush();
  assert.equal(b.bad.n, 1);
  assert.equal(b.got.length, 0);
});

test('RFC 9293 §3.1: with GRO verifying during merges, corrupted wire segments are dropped and counted, the stream arrives intact (property)', () => {
  let drops = 0;
  fc.assert(
    fc.property(fc.record({ seed: fc.nat(1000), soft: fc.boolean(), v6: fc.boolean() }), (p) => {
      const r = runGsoTransfer({ bytes: 150_000, seed: p.seed, offload: true, gsoSoftware: p.soft, v6: p.v6, corrupt: 0.03, tcp: { dataRetries: 40 } });
      assert.ok(r.completed, 'transfer completed');
      assert.deepEqual(r.received, r.sent);
      drops += (r.a.stats.drops['tcp-checksum'] ?? 0) + (r.b.stats.drops['tcp-checksum'] ?? 0);
    }),
    { numRuns: 10 },
  );
  assert.ok(drops > 0, 'corrupted segments were caught by the checksum and counted');
});
