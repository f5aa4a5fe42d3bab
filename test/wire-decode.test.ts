import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIpPacket, decodePacket, formatDecoded, fromHex, type DecodedLayer, type DecodedPacket } from '../src/wire/index.js';

function layer<K extends DecodedLayer['layer']>(d: DecodedPacket, k: K): Extract<DecodedLayer, { layer: K }> | undefined {
  return d.layers.find((l): l is Extract<DecodedLayer, { layer: K }> => l.layer === k);
}

const syn = buildIpPacket({
  src: '10.0.0.1', dst: '10.0.0.2', dontFragment: true, id: 0x1c46,
  tcp: { srcPort: 40000, dstPort: 80, seq: 100, flags: 0x002, options: [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] },
});

test('decodePacket: IPv4 + TCP, every field, checksums valid, JSON-clean', () => {
  const d = decodePacket(syn);
  assert.equal(d.error, undefined);
  assert.deepEqual(d.layers.map((l) => l.layer), ['ipv4', 'tcp']);
  const ip = layer(d, 'ipv4')!;
  assert.equal(ip.checksum.status, 'valid');
  assert.equal(ip.id, 0x1c46);
  assert.ok(ip.dontFragment);
  const tcp = layer(d, 'tcp')!;
  assert.equal(tcp.checksum.status, 'valid');
  assert.deepEqual(tcp.flagNames, ['SYN']);
  assert.deepEqual(tcp.options, [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }]);
  assert.equal(d.summary, '10.0.0.1:40000 → 10.0.0.2:80 TCP [SYN] seq=100 win=65535 len=0 <MSS 1460,SACK_PERM,NOP,WS 7 (×128)>');
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  const text = formatDecoded(d);
  assert.match(text, /Header Checksum: 0x[0-9a-f]{4} \[valid\]/);
  assert.match(text, /Options: MSS 1460, SACK_PERM, NOP, WS 7/);
});

test('decodePacket: bad checksums are reported with the expected value, decoding continues', () => {
  const b = syn.slice();
  b[8] = 1; // TTL: breaks the IPv4 header checksum only
  b[b.length - 1] = b[b.length - 1]! ^ 0xff; // breaks the TCP checksum
  const d = decodePacket(b);
  assert.equal(d.error, undefined);
  const ip = layer(d, 'ipv4')!;
  assert.equal(ip.checksum.status, 'invalid');
  const fixed = b.slice();
  fixed[10] = ip.checksum.expected! >>> 8;
  fixed[11] = ip.checksum.expected! & 0xff;
  assert.equal(layer(decodePacket(fixed), 'ipv4')!.checksum.status, 'valid');
  const tcp = layer(d, 'tcp')!;
  assert.equal(tcp.checksum.status, 'invalid');
  fixed[20 + 16] = tcp.checksum.expected! >>> 8;
  fixed[20 + 17] = tcp.checksum.expected! & 0xff;
  assert.equal(layer(decodePacket(fixed), 'tcp')!.checksum.status, 'valid');
  assert.deepEqual(d.notes, ['IPv4 header checksum invalid', 'TCP checksum invalid']);
  assert.match(formatDecoded(d), /\[invalid, expected 0x[0-9a-f]{4}\]/);
});

test('decodePacket: a capture cut short still shows the TCP header, checksum unverified', () => {
  const withData = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { srcPort: 1, dstPort: 2, flags: 0x18, payload: new Uint8Array(100) } });
  const d = decodePacket(withData.subarray(0, 54));
  assert.equal(d.error, undefined);
  assert.ok(layer(d, 'ipv4')!.truncated);
  assert.equal(layer(d, 'tcp')!.checksum.status, 'unverified');
  assert.equal(layer(d, 'tcp')!.payloadLength, 14);
  const cut = decodePacket(withData.subarray(0, 30));
  assert.deepEqual(cut.layers.map((l) => l.layer), ['ipv4']);
  assert.equal(cut.error?.code, 'TRUNCATED');
});

test('decodePacket: malformed TCP option -> what decoded + BAD_OPTION naming it', () => {
  const b = syn.slice();
  b[20 + 20 + 1] = 3; // MSS length 3
  const d = decodePacket(b);
  assert.equal(d.error?.code, 'BAD_OPTION');
  assert.equal(d.error?.field, 'options.mss');
  assert.equal(d.error?.offset, 41);
  assert.ok(layer(d, 'tcp'));
  assert.match(formatDecoded(d), /Error: BAD_OPTION at options\.mss \(offset 41\)/);
});

test('decodePacket: RFC 791 fragments — first fragment decodes the header (unverified), later ones are data', () => {
  const first = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', moreFragments: true, udp: { srcPort: 5, dstPort: 6, payload: new Uint8Array(16) } });
  // pretend the UDP datagram is longer than this fragment (RFC 768 length is for the whole datagram)
  first[20 + 5] = 200;
  const d = decodePacket(first);
  assert.equal(d.error, undefined);
  assert.equal(layer(d, 'udp')!.checksum.status, 'unverified');
  const later = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', fragmentOffset: 1480, protocol: 17, payload: new Uint8Array(20) });
  const l = decodePacket(later);
  assert.deepEqual(l.layers.map((x) => x.layer), ['ipv4', 'data']);
  assert.equal(l.error, undefined);
});

test('decodePacket: IPv6 extension headers, UDP, and RFC 8200 §4.1 violations', () => {
  const p = buildIpPacket({ src: '2001:db8::1', dst: '2001:db8::2', extHeaders: [{ kind: 'raw', type: 0, data: new Uint8Array(6) }, { kind: 'raw', type: 60, data: new Uint8Array(6) }], udp: { srcPort: 53, dstPort: 4000, payload: new Uint8Array(3) } });
  const d = decodePacket(p);
  assert.equal(d.error, undefined);
  const ip = layer(d, 'ipv6')!;
  assert.deepEqual(ip.extHeaders.map((e) => e.name), ['Hop-by-Hop Options', 'Destination Options']);
  assert.equal(ip.protocolName, 'UDP');
  assert.equal(layer(d, 'udp')!.checksum.status, 'valid');
  const bad = buildIpPacket({ src: '2001:db8::1', dst: '2001:db8::2', extHeaders: [{ kind: 'raw', type: 60, data: new Uint8Array(6) }, { kind: 'raw', type: 0, data: new Uint8Array(6) }], udp: {} });
  const e = decodePacket(bad);
  assert.equal(e.error?.code, 'BAD_EXT_HEADER');
  assert.ok(layer(e, 'ipv6'));
});

test('decodePacket: RFC 8200 §8.1 a zero UDP checksum over IPv6 is invalid; over IPv4 it is none', () => {
  const v4 = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', udp: { srcPort: 1, dstPort: 2, checksum: false } });
  assert.equal(layer(decodePacket(v4), 'udp')!.checksum.status, 'none');
  const v6 = buildIpPacket({ src: '::1', dst: '::1', udp: { srcPort: 1, dstPort: 2 } });
  v6[46] = 0;
  v6[47] = 0;
  assert.equal(layer(decodePacket(v6), 'udp')!.checksum.status, 'invalid');
});

test('decodePacket: ICMP errors show the invoking packet; ICMPv6 echo', () => {
  const inner = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', udp: { srcPort: 3333, dstPort: 53 } });
  const err = buildIpPacket({ src: '10.0.0.2', dst: '10.0.0.1', icmp: { kind: 'destUnreachable', code: 3, nextHopMtu: 0, quote: inner } });
  const d = decodePacket(err);
  const icmp = layer(d, 'icmp')!;
  assert.equal(icmp.codeName, 'Port unreachable');
  assert.equal(icmp.checksum.status, 'valid');
  assert.deepEqual([icmp.quote?.srcPort, icmp.quote?.dstPort, icmp.quote?.protocol], [3333, 53, 17]);
  assert.match(d.summary, /ICMP Destination Unreachable \(Port unreachable\)/);
  const echo = buildIpPacket({ src: 'fe80::1', dst: 'fe80::2', icmpv6: { kind: 'echoRequest', id: 77, seq: 1, data: new Uint8Array(4) } });
  const e = layer(decodePacket(echo), 'icmpv6')!;
  assert.deepEqual([e.typeName, e.id, e.seq, e.checksum.status], ['Echo Request', 77, 1, 'valid']);
});

test('decodePacket never throws on garbage and explains why it stopped', () => {
  for (const hex of ['', '00', '45', '4f00', '60', '6000000000ff3b40', 'ff'.repeat(60), '45000014000000004006']) {
    const d = decodePacket(fromHex(hex)!);
    assert.ok(d.error, hex);
    assert.equal(typeof d.error.message, 'string');
    assert.match(formatDecoded(d), /Error: /);
  }
});

test('buildIpPacket rejects mixed families and two upper layers', () => {
  assert.throws(() => buildIpPacket({ src: '10.0.0.1', dst: '::1' }), RangeError);
  assert.throws(() => buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', udp: {}, tcp: {} }), RangeError);
  assert.throws(() => buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', icmpv6: { kind: 'echoRequest', id: 1, seq: 1, data: new Uint8Array(0) } }), RangeError);
});
