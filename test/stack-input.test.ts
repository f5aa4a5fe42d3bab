import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeStack, seededRng } from './stack-harness.js';
import type { Stack } from '../src/stack/stack.js';
import type { TcpDatagram, TcpHandler, TcpIcmpError } from '../src/stack/types.js';
import { parseIp } from '../src/wire/address.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitIpv6Header } from '../src/wire/ipv6.js';
import { emitTcp, parseTcp } from '../src/wire/tcp.js';
import { emitUdp } from '../src/wire/udp.js';
import { emitIcmp } from '../src/wire/icmp.js';
import { TcpFlag, type TcpRepr } from '../src/wire/tcp-types.js';
import { buildPackets } from '../src/stack/ip-output.js';

function udpPacket(size = 4): Uint8Array {
  const u = new Uint8Array(8 + size);
  emitUdp({ srcPort: 1, dstPort: 53, payload: new Uint8Array(size).fill(7) }, u, 0, parseIp('10.0.0.9')!, parseIp('10.0.0.1')!);
  const p = new Uint8Array(20 + u.length);
  emitIpv4Header({ src: '10.0.0.9', dst: '10.0.0.1', protocol: 17, ttl: 64, dscp: 0, ecn: 0, id: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, u.length, p, 0);
  p.set(u, 20);
  return p;
}

function listener(): { s: Stack; got: () => number } {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  const u = s.udp.open({ family: 4 });
  assert.ok(u.bind('0.0.0.0', 53).ok);
  return {
    s,
    got: () => {
      let n = 0;
      while (u.recv()) n++;
      return n;
    },
  };
}

test('RFC 1122 §3.2.1.2: a bad IPv4 header checksum is silently discarded', () => {
  const { s, got } = listener();
  const p = udpPacket();
  p[10]! ^= 1;
  s.receive(p, 0, 1);
  assert.equal(got(), 0);
  assert.equal(s.stats.drops['bad-header'], 1);
  assert.equal(s.poll(0).length, 0);
});

test('RFC 791 header checks: IHL < 5, Total Length beyond the buffer or below the header, version', () => {
  const { s, got } = listener();
  const bad: Array<[string, (p: Uint8Array) => Uint8Array]> = [
    ['IHL 4', (p) => ((p[0] = 0x44), p)],
    ['Total Length past the end', (p) => p.subarray(0, p.length - 1)],
    ['Total Length below IHL', (p) => ((p[2] = 0), (p[3] = 10), p)],
    ['version 5', (p) => ((p[0] = 0x55), p)],
    ['empty', () => new Uint8Array(0)],
  ];
  for (const [, f] of bad) s.receive(f(udpPacket()), 0, 1);
  assert.equal(got(), 0);
  assert.equal((s.stats.drops['bad-header'] ?? 0) + (s.stats.drops['bad-version'] ?? 0), bad.length);
  // trailing link-layer padding past Total Length is ignored
  const padded = new Uint8Array(udpPacket().length + 6);
  padded.set(udpPacket());
  s.receive(padded, 0, 1);
  assert.equal(got(), 1);
});

test('a packet that is a view into a larger buffer (after a link header) is read in place', () => {
  const { s, got } = listener();
  const p = udpPacket(33);
  const frame = new Uint8Array(p.length + 17);
  frame.set(p, 14);
  s.receive(frame.subarray(14, 14 + p.length), 0);
  assert.equal(got(), 1);
});

test('RFC 8200 §3: IPv6 Payload Length past the buffer is dropped; trailing bytes are ignored', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['2001:db8::1/64'] });
  const u = s.udp.open({ family: 6 });
  assert.ok(u.bind('::', 53).ok);
  const d = new Uint8Array(12);
  emitUdp({ srcPort: 1, dstPort: 53, payload: new Uint8Array(4) }, d, 0, parseIp('2001:db8::9')!, parseIp('2001:db8::1')!);
  const p = new Uint8Array(40 + d.length + 3);
  emitIpv6Header({ src: '2001:db8::9', dst: '2001:db8::1', dscp: 0, ecn: 0, flowLabel: 0, hopLimit: 0, extHeaders: [], protocol: 17 }, d.length, p, 0);
  p.set(d, 40);
  s.receive(p, 0, 1);
  assert.ok(u.recv(), 'hop limit 0 is fine for a host (RFC 1122 §3.2.1.7 spirit), padding ignored');
  s.receive(p.subarray(0, 45), 0, 1);
  assert.equal(s.stats.drops['bad-header'], 1);
});

// ---- TCP plumbing -------------------------------------------------------------------------

class FakeTcp implements TcpHandler {
  out: TcpDatagram[] = [];
  received: TcpDatagram[] = [];
  errors: TcpIcmpError[] = [];
  deadline: number | undefined;
  receive(d: TcpDatagram): void {
    this.received.push(d);
  }
  poll(): TcpDatagram[] {
    const o = this.out;
    this.out = [];
    return o;
  }
  pollAt(): number | undefined {
    return this.deadline;
  }
  icmpError(e: TcpIcmpError): void {
    this.errors.push(e);
  }
}

function syn(): TcpRepr {
  return { srcPort: 40000, dstPort: 80, seq: 123, ack: 0, flags: TcpFlag.SYN, window: 65535, urgent: 0, options: [{ kind: 'mss', mss: 1460 }], payload: new Uint8Array(0) };
}

function tcpPacket(family: 4 | 6, seg: TcpRepr, corrupt = false): Uint8Array {
  const src = family === 4 ? '10.0.0.9' : '2001:db8::9';
  const dst = family === 4 ? '10.0.0.1' : '2001:db8::1';
  const t = new Uint8Array(24 + seg.payload.length);
  emitTcp(seg, t, 0, parseIp(src)!, parseIp(dst)!);
  if (corrupt) t[4]! ^= 0x80;
  const r = buildPackets({ family, src, dst, protocol: 6, payload: t, ttl: 64, ecn: 2, dscp: 0, dontFragment: true }, 1500, 1);
  assert.ok(r.ok);
  return r.packets[0]!;
}

for (const family of [4, 6] as const) {
  test(`TCP segments are checksum-verified, parsed and handed over with addresses and ECN (IPv${family})`, () => {
    const tcp = new FakeTcp();
    const s = makeStack({ tcpFactory: () => tcp });
    s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
    s.receive(tcpPacket(family, syn()), 0, 1);
    s.receive(tcpPacket(family, syn(), true), 0, 1);
    assert.equal(tcp.received.length, 1);
    const d = tcp.received[0]!;
    assert.equal(d.src, family === 4 ? '10.0.0.9' : '2001:db8::9');
    assert.equal(d.dst, family === 4 ? '10.0.0.1' : '2001:db8::1');
    assert.equal(d.ecn, 2);
    assert.equal(d.seg.seq, 123);
    assert.deepEqual(d.seg.options, [{ kind: 'mss', mss: 1460 }]);
    assert.equal(s.stats.drops['tcp-checksum'], 1);
  });
}

test('TCP output is wrapped in IP with DF set, a valid checksum, and pollAt includes the TCP deadline', () => {
  const tcp = new FakeTcp();
  const s = makeStack({ tcpFactory: () => tcp });
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  assert.equal(s.pollAt(), undefined);
  void s.tcp;
  tcp.deadline = 250;
  assert.equal(s.pollAt(), 250);
  tcp.out.push({ src: '10.0.0.1', dst: '10.0.0.9', seg: syn(), ecn: 1 });
  const [o] = s.poll(0);
  assert.ok(o);
  assert.equal(o.nextHop, '10.0.0.9');
  assert.equal(o.packet[6]! & 0x40, 0x40, 'DF');
  assert.equal(o.packet[1]! & 3, 1, 'ECT(1)');
  const seg = parseTcp(o.packet, 20);
  assert.ok(seg.ok);
  assert.equal(seg.value.seq, 123);
  // TCP to ourselves goes through loopback within the same poll
  tcp.out.push({ src: '10.0.0.1', dst: '10.0.0.1', seg: syn() });
  assert.equal(s.poll(1).length, 0);
  assert.equal(tcp.received.length, 1);
});

test('TCP to a broadcast address is dropped (RFC 1122 §4.2.3.10)', () => {
  const tcp = new FakeTcp();
  const s = makeStack({ tcpFactory: () => tcp });
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const t = new Uint8Array(24);
  emitTcp(syn(), t, 0, parseIp('10.0.0.9')!, parseIp('10.0.0.255')!);
  const p = new Uint8Array(44);
  emitIpv4Header({ src: '10.0.0.9', dst: '10.0.0.255', protocol: 6, ttl: 64, dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, 24, p, 0);
  p.set(t, 20);
  s.receive(p, 0, 1);
  assert.equal(tcp.received.length, 0);
  assert.equal(s.stats.drops['tcp-not-unicast'], 1);
});

// ---- hostile input ------------------------------------------------------------------------

function mutate(base: Uint8Array, rng: () => number): Uint8Array {
  const p = base.slice(0, Math.max(0, base.length - (rng() % 4 === 0 ? rng() % 16 : 0)));
  const flips = rng() % 6;
  for (let i = 0; i < flips && p.length > 0; i++) p[rng() % p.length] = rng() & 0xff;
  return p;
}

test('hostile packets: random bytes and mutated valid packets never throw, and counters add up', () => {
  const tcp = new FakeTcp();
  const s = makeStack({ tcpFactory: () => tcp });
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  const u = s.udp.open({ family: 6 });
  assert.ok(u.bind('::', 53).ok);
  const seeds: Uint8Array[] = [udpPacket(), tcpPacket(4, syn()), tcpPacket(6, syn())];
  const big = buildPackets({ family: 6, src: '2001:db8::9', dst: '2001:db8::1', protocol: 17, payload: new Uint8Array(3000), ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, 1280, 77);
  assert.ok(big.ok);
  seeds.push(...big.packets);
  const big4 = buildPackets({ family: 4, src: '10.0.0.9', dst: '10.0.0.1', protocol: 1, payload: new Uint8Array(3000), ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, 576, 78);
  assert.ok(big4.ok);
  seeds.push(...big4.packets);
  const echo = new Uint8Array(16);
  emitIcmp({ kind: 'echoRequest', id: 1, seq: 2, data: new Uint8Array(8) }, echo, 0);
  const ping = buildPackets({ family: 4, src: '10.0.0.9', dst: '10.0.0.1', protocol: 1, payload: echo, ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, 1500, 79);
  assert.ok(ping.ok);
  seeds.push(ping.packets[0]!);
  const rng = seededRng(2024);
  let now = 0;
  for (let i = 0; i < 20_000; i++) {
    const base = seeds[rng() % seeds.length]!;
    const p = i % 5 === 0 ? new Uint8Array(rng() % 80).map(() => rng() & 0xff) : mutate(base, rng);
    if (p.length > 0 && i % 3 === 0) p[0] = (p[0]! & 0x0f) | (i % 2 ? 0x40 : 0x60);
    s.receive(p, now, 1 + (i % 2 === 0 ? 0 : -1));
    if (i % 100 === 0) {
      now += 1000;
      s.poll(now);
      s.pollEvents();
    }
  }
  assert.equal(s.stats.ip.inReceives, 20_000 + s.stats.ip.loopbackPackets);
  // the mutations reached every layer, not only the IP header checks
  assert.ok(s.stats.ip.reasmReqds > 100);
  assert.ok(s.stats.udp.inErrors + s.stats.udp.inDatagrams > 100);
  assert.ok(s.stats.tcp.inSegs > 100);
  assert.ok(s.stats.icmp.inMsgs > 10);
  assert.ok(s.frags.budget.used <= s.frags.budget.limit);
  s.poll(now + 120_000);
  assert.equal(s.stats.reassembly.bytesInUse, 0);
  assert.equal(s.stats.reassembly.datagrams, 0);
});

test('fast-check: Stack.receive never throws on arbitrary bytes', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0x45, 0x46, 0x4f, 0x60, 0x61), (bytes, first) => {
      if (bytes.length > 0) bytes[0] = first;
      s.receive(bytes, 0, 1);
      s.poll(0);
    }),
    { numRuns: 3000 },
  );
  assert.ok(s.stats.ip.inReceives >= 3000);
});
