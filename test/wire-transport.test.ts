import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildIpPacket, emitIcmp, emitIcmpv6, emitTcp, emitUdp, fold, fromHex, icmpChecksumValid, icmpv6ChecksumValid, IpProto, parseIcmp, parseIcmpv6,
  parseIp, parseQuotedPacket, parseTcp, parseTcpOptions, parseUdp, pseudoHeaderSumV4, sumWords, tcpChecksumValid, TcpFlag, tcpFlagNames,
  tcpHeaderLength, tcpView, toHex, udpChecksumStatus, type TcpRepr,
} from '../src/wire/index.js';

const S4 = parseIp('10.0.0.1')!;
const D4 = parseIp('10.0.0.2')!;
const S6 = parseIp('2001:db8::1')!;
const D6 = parseIp('2001:db8::2')!;

// A SYN as Linux sends it: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7 (40-byte header).
const SYN_HEX = 'c35000500000006400000000a002faf00000000002040 5b40402080a0001e24000000000 01030307'.replace(/ /g, '');

test('RFC 9293 §3.1 / RFC 7323 / RFC 2018: a Linux-style SYN parses field by field', () => {
  const b = fromHex(SYN_HEX)!;
  const r = parseTcp(b);
  assert.ok(r.ok, !r.ok ? r.error.message : '');
  assert.equal(r.value.srcPort, 50000);
  assert.equal(r.value.dstPort, 80);
  assert.equal(r.value.seq, 100);
  assert.equal(r.value.flags, TcpFlag.SYN);
  assert.equal(r.value.window, 64240);
  assert.deepEqual(r.value.options, [
    { kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamp', val: 123456, ecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 },
  ]);
  const v = tcpView(b);
  assert.ok(v.ok);
  assert.equal(v.value.dataOffset, 10);
  assert.equal(v.value.payloadLength, 0);
  assert.equal(tcpHeaderLength(r.value.options), 40);
});

function withOptions(opts: number[]): Uint8Array {
  const hl = 20 + ((opts.length + 3) & ~3);
  const b = new Uint8Array(hl);
  b[12] = (hl / 4) << 4;
  b.set(opts, 20);
  return b;
}

test('RFC 9293 §3.2: MSS with length 3 is BAD_OPTION naming options.mss and the offset; lenient keeps the rest', () => {
  const b = withOptions([1, 2, 3, 5, 4, 2, 1, 1]);
  const r = parseTcp(b);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['BAD_OPTION', 'options.mss', 22]);
  const lenient = parseTcp(b, 0, b.length, 'lenient');
  assert.ok(lenient.ok);
  assert.deepEqual(lenient.value.options, [{ kind: 'nop' }, { kind: 'unknown', code: 2, data: Uint8Array.from([5]) }, { kind: 'sackPermitted' }, { kind: 'nop' }, { kind: 'nop' }]);
  const opts = parseTcpOptions(b, 20, 8);
  assert.equal(opts.error?.field, 'options.mss');
  assert.equal(opts.options.length, 5);
});

test('RFC 9293 §3.2: option length below 2 or past the options area is BAD_OPTION, earlier options kept', () => {
  for (const [bytes, field, offset] of [
    [[2, 4, 5, 180, 8, 1, 0, 0], 'options.timestamp', 25],
    [[2, 4, 5, 180, 8, 0, 0, 0], 'options.timestamp', 25],
    [[3, 3, 7, 99, 20, 0, 0, 0], 'options.kind99', 24],
    [[1, 1, 1, 4], 'options.sackPermitted', 23],
  ] as Array<[number[], string, number]>) {
    const b = withOptions(bytes);
    const r = parseTcp(b);
    assert.ok(!r.ok, JSON.stringify(bytes));
    assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['BAD_OPTION', field, offset]);
    const p = parseTcpOptions(b, 20, bytes.length);
    assert.ok(p.options.length >= 1);
  }
});

test('RFC 2018 §3: SACK with 1..4 blocks; a length that is not 2 + 8n is malformed', () => {
  const b = withOptions([1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 3]);
  const r = parseTcp(b);
  assert.ok(r.ok);
  assert.deepEqual(r.value.options[2], { kind: 'sack', blocks: [[1, 2], [0xffffffff, 3]] });
  const bad = withOptions([5, 6, 0, 0, 0, 1]);
  assert.equal(parseTcp(bad).ok, false);
});

test('RFC 9293 §3.1 EOL: padding inside the last word is not reported; an EOL starting a word is', () => {
  assert.deepEqual(parseTcpOptions(Uint8Array.from([3, 3, 7, 0]), 0, 4).options, [{ kind: 'wscale', shift: 7 }]);
  assert.deepEqual(parseTcpOptions(Uint8Array.from([2, 4, 5, 180, 0, 0, 0, 0]), 0, 8).options, [{ kind: 'mss', mss: 1460 }, { kind: 'eol' }]);
  // anything after EOL is ignored
  assert.deepEqual(parseTcpOptions(Uint8Array.from([0, 2, 4, 5]), 0, 4).options, [{ kind: 'eol' }]);
});

test('RFC 9293 §3.1: data offset below 5 or beyond the segment', () => {
  const b = new Uint8Array(24);
  b[12] = 4 << 4;
  let r = parseTcp(b);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['BAD_DATA_OFFSET', 'dataOffset', 12]);
  b[12] = 6 << 4;
  r = parseTcp(b.subarray(0, 23));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TRUNCATED');
  assert.equal(parseTcp(b.subarray(0, 19)).ok, false);
});

const seg: TcpRepr = { srcPort: 1, dstPort: 2, seq: 0xfffffffe, ack: 7, flags: TcpFlag.ACK | TcpFlag.AE | 0x800, window: 100, urgent: 0, options: [], payload: Uint8Array.from([1, 2, 3]) };

test('RFC 9768 AE and the reserved bits survive a round trip; names list low bit first', () => {
  const b = new Uint8Array(23);
  emitTcp(seg, b, 0, S4, D4);
  assert.equal(b[12], (5 << 4) | 0x09);
  const v = tcpView(b);
  assert.ok(v.ok);
  assert.equal(v.value.flags, seg.flags);
  assert.equal(v.value.reserved, 4);
  assert.deepEqual(tcpFlagNames(TcpFlag.SYN | TcpFlag.ACK), ['SYN', 'ACK']);
  assert.deepEqual(tcpFlagNames(seg.flags), ['ACK', 'AE', 'RES11']);
});

test('RFC 9293 §3.1 checksum covers the pseudo-header: wrong address or flipped bit fails (IPv4 and IPv6)', () => {
  for (const [s, d] of [[S4, D4], [S6, D6]] as const) {
    const b = new Uint8Array(23);
    emitTcp(seg, b, 0, s, d);
    assert.ok(tcpChecksumValid(b, 0, 23, s, d));
    assert.ok(!tcpChecksumValid(b, 0, 23, d, d));
    b[22] = b[22]! ^ 0x10;
    assert.ok(!tcpChecksumValid(b, 0, 23, s, d));
  }
  // the IPv4 value equals a hand-rolled sum over the pseudo-header and segment
  const b = new Uint8Array(23);
  emitTcp(seg, b, 0, S4, D4);
  const c = (b[16]! << 8) | b[17]!;
  b[16] = 0;
  b[17] = 0;
  assert.equal(c, ~fold(sumWords(b, 0, 23, pseudoHeaderSumV4(S4, D4, 6, 23))) & 0xffff);
});

test('emitTcp: more than 40 option bytes is a RangeError; without addresses the checksum stays 0', () => {
  const many = Array(5).fill({ kind: 'timestamp', val: 1, ecr: 2 });
  assert.throws(() => emitTcp({ ...seg, options: many }, new Uint8Array(100), 0), RangeError);
  const b = new Uint8Array(23);
  emitTcp(seg, b, 0);
  assert.equal(b[16]! | b[17]!, 0);
});

test('RFC 768: Length bounds the payload; < 8 or beyond the IP payload is BAD_LENGTH', () => {
  const b = new Uint8Array(20);
  emitUdp({ srcPort: 53, dstPort: 1000, payload: Uint8Array.from([1, 2, 3, 4]) }, b, 0, S4, D4);
  const r = parseUdp(b);
  assert.ok(r.ok);
  assert.deepEqual(r.value.payload, Uint8Array.from([1, 2, 3, 4]));
  b[5] = 7;
  let bad = parseUdp(b);
  assert.ok(!bad.ok);
  assert.deepEqual([bad.error.code, bad.error.field, bad.error.offset], ['BAD_LENGTH', 'length', 4]);
  b[5] = 21;
  bad = parseUdp(b);
  assert.ok(!bad.ok && bad.error.code === 'BAD_LENGTH');
  assert.equal(parseUdp(b.subarray(0, 7)).ok, false);
});

test('RFC 768 / RFC 8200 §8.1: zero checksum is "none" over IPv4 and invalid over IPv6; a computed 0 is sent as 0xffff', () => {
  const b = new Uint8Array(12);
  emitUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(4) }, b, 0);
  assert.equal(udpChecksumStatus(b, 0, 12, S4, D4), 'none');
  assert.equal(udpChecksumStatus(b, 0, 12, S6, D6), 'invalid');
  // choose payload so that the sum is 0xffff, making the computed checksum 0
  const sum = fold(sumWords(b, 0, 12, pseudoHeaderSumV4(S4, D4, IpProto.UDP, 12)));
  const w = ~sum & 0xffff;
  const payload = Uint8Array.from([w >>> 8, w & 0xff, 0, 0]);
  emitUdp({ srcPort: 1, dstPort: 2, payload }, b, 0, S4, D4);
  assert.equal((b[6]! << 8) | b[7]!, 0xffff);
  assert.equal(udpChecksumStatus(b, 0, 12, S4, D4), 'valid');
  b[9] = b[9]! ^ 1;
  assert.equal(udpChecksumStatus(b, 0, 12, S4, D4), 'invalid');
});

test('RFC 792 echo request: id, sequence, data and checksum', () => {
  const b = new Uint8Array(12);
  emitIcmp({ kind: 'echoRequest', id: 0x1234, seq: 7, data: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) }, b, 0);
  assert.equal(toHex(b.subarray(0, 2)), '0800');
  assert.ok(icmpChecksumValid(b, 0, 12));
  const r = parseIcmp(b);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { kind: 'echoRequest', id: 0x1234, seq: 7, data: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) });
  b[11] = b[11]! ^ 1;
  assert.ok(!icmpChecksumValid(b, 0, 12));
});

test('RFC 1191 §4 fragmentation needed carries the next-hop MTU; RFC 792 quote gives ports and TCP seq', () => {
  const inner = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { srcPort: 40000, dstPort: 443, seq: 0xcafebabe } });
  const quote = inner.subarray(0, 28); // IP header + 64 bits
  const b = new Uint8Array(36);
  emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 1400, quote }, b, 0);
  const r = parseIcmp(b);
  assert.ok(r.ok && r.value.kind === 'destUnreachable');
  assert.equal(r.value.nextHopMtu, 1400);
  const q = parseQuotedPacket(r.value.quote, 0, r.value.quote.length);
  assert.ok(q.ok);
  assert.deepEqual(
    [q.value.family, q.value.src, q.value.dst, q.value.protocol, q.value.srcPort, q.value.dstPort, q.value.tcpSeq],
    [4, '10.0.0.1', '10.0.0.2', 6, 40000, 443, 0xcafebabe],
  );
  // 4 bytes of transport: ports but no sequence number
  const short = parseQuotedPacket(inner, 0, 24);
  assert.ok(short.ok && short.value.srcPort === 40000 && short.value.tcpSeq === undefined);
  assert.equal(parseQuotedPacket(inner, 0, 12).ok, false);
});

test('RFC 792 parameter problem pointer, time exceeded; unknown types kept raw', () => {
  const b = new Uint8Array(8 + 20);
  emitIcmp({ kind: 'parameterProblem', code: 0, pointer: 9, quote: new Uint8Array(20) }, b, 0);
  const r = parseIcmp(b);
  assert.ok(r.ok && r.value.kind === 'parameterProblem' && r.value.pointer === 9);
  const ts = Uint8Array.from([13, 0, 0, 0, 0, 1, 0, 2, 1, 2, 3, 4]);
  const u = parseIcmp(ts);
  assert.ok(u.ok);
  assert.deepEqual(u.value, { kind: 'unknown', type: 13, code: 0, body: ts.subarray(4) });
  assert.equal(parseIcmp(ts.subarray(0, 7)).ok, false);
});

test('RFC 4443 §3.2 packet too big: MTU; §2.3 checksum includes the IPv6 pseudo-header', () => {
  const inner = buildIpPacket({ src: '2001:db8::1', dst: '2001:db8::2', extHeaders: [{ kind: 'raw', type: 60, data: new Uint8Array(6) }], udp: { srcPort: 5000, dstPort: 53 } });
  const b = new Uint8Array(8 + inner.length);
  emitIcmpv6({ kind: 'packetTooBig', mtu: 1280, quote: inner }, b, 0, D6, S6);
  assert.ok(icmpv6ChecksumValid(b, 0, b.length, D6, S6));
  assert.ok(!icmpv6ChecksumValid(b, 0, b.length, D6, parseIp('2001:db8::3')!)); // (swapping src/dst would not show: addition commutes)
  const r = parseIcmpv6(b);
  assert.ok(r.ok && r.value.kind === 'packetTooBig' && r.value.mtu === 1280);
  const q = parseQuotedPacket(b, 8, b.length - 8);
  assert.ok(q.ok);
  assert.deepEqual([q.value.family, q.value.protocol, q.value.srcPort, q.value.dstPort], [6, 17, 5000, 53]);
});

test('RFC 4443 echo and Neighbor Discovery (kept raw)', () => {
  const b = new Uint8Array(10);
  emitIcmpv6({ kind: 'echoReply', id: 9, seq: 10, data: Uint8Array.from([1, 2]) }, b, 0, S6, D6);
  assert.equal(b[0], 129);
  const r = parseIcmpv6(b);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { kind: 'echoReply', id: 9, seq: 10, data: Uint8Array.from([1, 2]) });
  const ns = new Uint8Array(24);
  ns[0] = 135;
  const n = parseIcmpv6(ns);
  assert.ok(n.ok && n.value.kind === 'unknown' && n.value.type === 135 && n.value.body.length === 20);
});
