// Software GSO (InterfaceConfig.gsoSoftware, wire/tcp-gso.ts segmentTcp): the stack writes a large
// TCP segment as its wire segments straight from the send buffer. The wire must carry exactly the
// bytes a TSO device would have cut from the super-segment (RFC 9293 §3.1 headers and checksums,
// RFC 791 Identification and header checksum, RFC 8200 lengths), and the byte stream must survive
// loss and reordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runGsoTransfer } from './gso-helpers.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitIpv6Header } from '../src/wire/ipv6.js';
import { emitTcp, tcpSegmentLength } from '../src/wire/tcp.js';
import { segmentTcp, splitTcpSegments } from '../src/wire/tcp-gso.js';
import type { TcpRepr } from '../src/wire/tcp-types.js';

function packet(v6: boolean, seg: TcpRepr, id: number): Uint8Array {
  const tl = tcpSegmentLength(seg);
  const hl = v6 ? 40 : 20;
  const buf = new Uint8Array(hl + tl);
  if (v6) emitIpv6Header({ src: '2001:db8::1', dst: '2001:db8::2', dscp: 0, ecn: 1, flowLabel: 9, hopLimit: 64, extHeaders: [], protocol: 6 }, tl, buf, 0);
  else emitIpv4Header({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, ttl: 64, dscp: 0, ecn: 2, id, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, tl, buf, 0);
  emitTcp(seg, buf, hl);
  return buf;
}

test('segmentTcp: headers + payload give byte-identical wire segments to splitting the whole super-segment (RFC 9293 §3.1, RFC 791, RFC 8200)', () => {
  fc.assert(
    fc.property(
      fc.record({
        v6: fc.boolean(),
        mss: fc.integer({ min: 1, max: 9000 }),
        size: fc.integer({ min: 2, max: 65_000 }),
        seq: fc.nat({ max: 0xffffffff }),
        id: fc.nat({ max: 0xffff }),
        flags: fc.constantFrom(0x10, 0x18, 0x19, 0x90, 0x58),
        ts: fc.boolean(),
        shift: fc.nat(7),
      }),
      (p) => {
        // The payload at an arbitrary alignment inside a larger buffer, as a send-buffer view is.
        const backing = new Uint8Array(p.size + 8);
        const payload = backing.subarray(p.shift, p.shift + p.size);
        for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + p.seq) & 0xff;
        const options: TcpRepr['options'] = p.ts ? [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: p.seq ^ 5, ecr: 77 }] : [];
        const seg: TcpRepr = { srcPort: 4000, dstPort: 80, seq: p.seq, ack: 99, flags: p.flags, window: 1000, urgent: 0, options, payload };
        const whole = packet(p.v6, seg, p.id);
        const headers = packet(p.v6, { ...seg, payload: new Uint8Array(0) }, p.id);
        const want = p.size > p.mss ? splitTcpSegments(whole, p.mss) : undefined;
        const got = segmentTcp(headers, payload, p.mss);
        assert.ok(got !== undefined);
        if (want === undefined) return; // splitTcpSegments passes a fitting packet on untouched (its checksum is the sender's)
        assert.equal(got.length, want.length);
        for (let i = 0; i < got.length; i++) assert.deepEqual(got[i], want[i], `piece ${i}`);
      },
    ),
    { numRuns: 60 },
  );
  assert.equal(segmentTcp(new Uint8Array(10), new Uint8Array(5), 2), undefined, 'too short for headers');
});

test('software GSO: the wire carries the same packets, byte for byte, as a TSO split of the super-segments', () => {
  for (const v6 of [false, true]) {
    const opts = { bytes: 400_000, seed: 5, v6, maxWrite: 40_000, offload: true };
    const tso = runGsoTransfer(opts);
    const soft = runGsoTransfer({ ...opts, gsoSoftware: true });
    assert.ok(tso.completed && soft.completed);
    assert.ok(tso.superSegments > 0, 'TSO run sent super-segments');
    assert.equal(soft.superSegments, 0, 'the driver never sees a super-segment');
    assert.deepEqual(soft.received, soft.sent);
    assert.equal(soft.wire.length, tso.wire.length);
    for (let i = 0; i < soft.wire.length; i++) assert.deepEqual(soft.wire[i]!.packet, tso.wire[i]!.packet, `wire packet ${i} (v6=${v6})`);
  }
});

test('property: software GSO + GRO deliver bytes sent == bytes received under loss and reordering', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 0x7fffffff }),
        bytes: fc.integer({ min: 0, max: 150_000 }),
        loss: fc.double({ min: 0, max: 0.08, noNaN: true }),
        reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
        mtu: fc.constantFrom(576, 1500, 4000),
        maxWrite: fc.constantFrom(100, 5000, 70_000),
        readInto: fc.constantFrom(undefined, 1000, 70_000),
      }),
      (p) => {
        const { readInto, ...rest } = p;
        const r = runGsoTransfer({ ...rest, ...(readInto !== undefined ? { readInto } : {}), offload: true, gsoSoftware: true, tcp: { dataRetries: 40 } });
        assert.ok(r.completed, 'transfer completed');
        assert.deepEqual(r.received, r.sent);
      },
    ),
    { numRuns: 20 },
  );
});
