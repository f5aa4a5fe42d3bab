// GSO at the link (wire/tcp-gso.ts): a TCP super-segment split into wire segments must carry the
// same byte stream, and every wire segment must be a correct segment on its own: RFC 9293 §3.1
// header and checksum, RFC 791 / RFC 8200 lengths, IPv4 header checksum and Identification, flags
// as a TSO device sets them (PSH and FIN on the last piece only, CWR on the first only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { internetChecksum } from '../src/wire/checksum.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitIpv6Header } from '../src/wire/ipv6.js';
import { emitTcp, parseTcp, tcpChecksumValid, tcpSegmentLength } from '../src/wire/tcp.js';
import { partialPseudoChecksum, splitTcpSegments, tcpOffsets } from '../src/wire/tcp-gso.js';
import type { TcpOption, TcpRepr } from '../src/wire/tcp-types.js';
import { put16, u16, u32 } from '../src/wire/bytes.js';

const FIN = 0x01;
const PSH = 0x08;
const ACK = 0x10;
const ECE = 0x40;
const CWR = 0x80;

function superSegment(v6: boolean, seg: TcpRepr, id: number): Uint8Array {
  const tl = tcpSegmentLength(seg);
  const hl = v6 ? 40 : 20;
  const buf = new Uint8Array(hl + tl);
  if (v6) emitIpv6Header({ src: '2001:db8::1', dst: '2001:db8::2', dscp: 0, ecn: 0, flowLabel: 7, hopLimit: 64, extHeaders: [], protocol: 6 }, tl, buf, 0);
  else emitIpv4Header({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, ttl: 64, dscp: 0, ecn: 2, id, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, tl, buf, 0);
  emitTcp(seg, buf, hl);
  // What the stack leaves for the device: the partial pseudo-header checksum.
  put16(buf, hl + 16, partialPseudoChecksum(buf, tl));
  return buf;
}

const optionsArb: fc.Arbitrary<TcpOption[]> = fc.oneof(
  fc.constant([] as TcpOption[]),
  fc.record({ val: fc.nat({ max: 0xffffffff }), ecr: fc.nat({ max: 0xffffffff }) }).map(({ val, ecr }) => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val, ecr }] as TcpOption[]),
);

test('GSO split: wire segments carry the super-segment byte for byte, each with correct headers and checksums (RFC 9293 §3.1, RFC 791, RFC 8200)', () => {
  fc.assert(
    fc.property(
      fc.record({
        v6: fc.boolean(),
        mss: fc.integer({ min: 1, max: 9000 }),
        size: fc.integer({ min: 1, max: 65_000 }),
        seq: fc.nat({ max: 0xffffffff }),
        id: fc.nat({ max: 0xffff }),
        extra: fc.constantFrom(0, PSH, FIN, PSH | FIN, CWR, ECE | CWR | PSH),
        options: optionsArb,
      }),
      (p) => {
        const payload = new Uint8Array(p.size);
        for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + p.seq) & 0xff;
        const seg: TcpRepr = { srcPort: 40000, dstPort: 80, seq: p.seq, ack: 12345, flags: ACK | p.extra, window: 512, urgent: 0, options: p.options, payload };
        const pkt = superSegment(p.v6, seg, p.id);
        const pieces = splitTcpSegments(pkt, p.mss);
        if (p.size <= p.mss) {
          assert.equal(pieces.length, 1);
          assert.equal(pieces[0], pkt, 'a packet that fits is passed on as it is');
          return;
        }
        assert.equal(pieces.length, Math.ceil(p.size / p.mss));
        const joined: number[] = [];
        pieces.forEach((w, i) => {
          const o = tcpOffsets(w);
          assert.ok(o !== undefined, 'each piece is an IP/TCP packet');
          assert.equal(o.end, w.length, 'IP length field covers exactly the piece');
          const src = p.v6 ? w.subarray(8, 24) : w.subarray(12, 16);
          const dst = p.v6 ? w.subarray(24, 40) : w.subarray(16, 20);
          if (!p.v6) {
            assert.equal(internetChecksum(w, 0, 20), 0, 'IPv4 header checksum');
            assert.equal(u16(w, 4), (p.id + i) & 0xffff, 'IPv4 Identification counts up');
          } else assert.equal(u16(w, 4), w.length - 40);
          assert.ok(tcpChecksumValid(w, o.l4, w.length - o.l4, src, dst), `TCP checksum of piece ${i}`);
          const r = parseTcp(w, o.l4);
          assert.ok(r.ok);
          const t = r.value;
          assert.equal(t.seq, (p.seq + i * p.mss) >>> 0);
          assert.equal(t.ack, 12345);
          assert.deepEqual(t.options, p.options);
          assert.ok(t.payload.length <= p.mss && t.payload.length > 0);
          const last = i === pieces.length - 1;
          let want = seg.flags;
          if (!last) want &= ~(PSH | FIN);
          if (i > 0) want &= ~CWR;
          assert.equal(t.flags, want, `flags of piece ${i}`);
          for (const b of t.payload) joined.push(b);
        });
        assert.deepEqual(new Uint8Array(joined), payload);
      },
    ),
    { numRuns: 80 },
  );
});

test('GSO split: what it cannot split (not TCP, truncated) is passed on unchanged, never read out of bounds', () => {
  const udp = new Uint8Array(60);
  emitIpv4Header({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, ttl: 64, dscp: 0, ecn: 0, id: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, 40, udp, 0);
  assert.deepEqual(splitTcpSegments(udp, 10), [udp]);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 100 }), (b, mss) => {
      const out = splitTcpSegments(b, mss);
      assert.ok(out.length >= 1);
    }),
  );
  const seg: TcpRepr = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: ACK, window: 1, urgent: 0, options: [], payload: new Uint8Array(3000) };
  const pkt = superSegment(false, seg, 1);
  assert.equal(u32(pkt, 24), 0);
  assert.deepEqual(splitTcpSegments(pkt.subarray(0, 100), 1000), [pkt.subarray(0, 100)], 'IP length beyond the bytes: unchanged');
});
