import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStack, threeHosts } from './stack-harness.js';
import { whyNotAnswer } from '../src/icmp/error-policy.js';
import { InterfaceTable } from '../src/stack/interfaces.js';
import type { Stack } from '../src/stack/stack.js';
import type { TcpDatagram, TcpHandler, TcpIcmpError } from '../src/stack/types.js';
import { parseIp } from '../src/wire/address.js';
import { emitIcmp } from '../src/wire/icmp.js';
import { emitIcmpv6 } from '../src/wire/icmpv6.js';
import { emitIpv4Header, parseIpv4 } from '../src/wire/ipv4.js';
import { emitIpv6Header, parseIpv6, type Ipv6ExtHeader } from '../src/wire/ipv6.js';
import { emitUdp } from '../src/wire/udp.js';
import { TcpFlag, type TcpRepr } from '../src/wire/tcp-types.js';

const NO_OPTS = new Uint8Array(0);

function ipv4(src: string, dst: string, protocol: number, payload: Uint8Array, extra: { mf?: boolean; offset?: number; df?: boolean } = {}): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  emitIpv4Header({ src, dst, protocol, ttl: 64, dscp: 0, ecn: 0, id: 99, dontFragment: extra.df ?? false, moreFragments: extra.mf ?? false, fragmentOffset: extra.offset ?? 0, options: NO_OPTS }, payload.length, p, 0);
  p.set(payload, 20);
  return p;
}

function ipv6(src: string, dst: string, protocol: number, payload: Uint8Array, extHeaders: Ipv6ExtHeader[] = []): Uint8Array {
  const h = { src, dst, dscp: 0, ecn: 0, flowLabel: 0, hopLimit: 64, extHeaders, protocol };
  let hl = 40;
  for (const e of extHeaders) hl += e.kind === 'fragment' ? 8 : e.data.length + 2;
  const p = new Uint8Array(hl + payload.length);
  emitIpv6Header(h, payload.length, p, 0);
  p.set(payload, hl);
  return p;
}

function udp(src: string, dst: string, dport: number, size: number): Uint8Array {
  const u = new Uint8Array(8 + size);
  emitUdp({ srcPort: 5555, dstPort: dport, payload: new Uint8Array(size) }, u, 0, parseIp(src)!, parseIp(dst)!);
  return u;
}

function host(extra = {}): Stack {
  const s = makeStack(extra);
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  return s;
}

test('RFC 1122 §3.2.2: no ICMP error about broadcasts, multicasts, odd sources or non-first fragments', () => {
  const s = host();
  const cases: Array<[string, Uint8Array]> = [
    ['directed broadcast destination', ipv4('10.0.0.7', '10.0.0.255', 17, udp('10.0.0.7', '10.0.0.255', 9, 4))],
    ['limited broadcast destination', ipv4('10.0.0.7', '255.255.255.255', 17, udp('10.0.0.7', '255.255.255.255', 9, 4))],
    ['all-hosts multicast destination', ipv4('10.0.0.7', '224.0.0.1', 17, udp('10.0.0.7', '224.0.0.1', 9, 4))],
    ['unspecified source', ipv4('0.0.0.0', '10.0.0.1', 17, udp('0.0.0.0', '10.0.0.1', 9, 4))],
    ['IPv6 all-nodes destination', ipv6('2001:db8::7', 'ff02::1', 17, udp('2001:db8::7', 'ff02::1', 9, 4))],
    ['IPv6 unspecified source', ipv6('::', '2001:db8::1', 17, udp('::', '2001:db8::1', 9, 4))],
  ];
  for (const [why, p] of cases) {
    s.receive(p, 0, 1);
    assert.equal(s.poll(0).length, 0, why);
  }
  assert.equal(s.stats.udp.noPorts, cases.length, 'each one reached UDP and found no socket');
  assert.equal(s.stats.icmp.suppressed, cases.length);
  // the same datagram to our unicast address is answered
  s.receive(ipv4('10.0.0.7', '10.0.0.1', 17, udp('10.0.0.7', '10.0.0.1', 9, 4)), 0, 1);
  assert.equal(s.poll(0).length, 1);
});

test('error policy unit: ICMP errors, non-first fragments, loopback from outside, class E', () => {
  const ifs = new InterfaceTable();
  ifs.add({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  const icmpErr = new Uint8Array(36);
  emitIcmp({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, quote: new Uint8Array(28) }, icmpErr, 0);
  assert.equal(whyNotAnswer(ipv4('10.0.0.7', '10.0.0.1', 1, icmpErr), 1, ifs), 'icmp-error');
  const echo = new Uint8Array(8);
  emitIcmp({ kind: 'echoRequest', id: 1, seq: 1, data: NO_OPTS }, echo, 0);
  assert.equal(whyNotAnswer(ipv4('10.0.0.7', '10.0.0.1', 1, echo), 1, ifs), undefined, 'an ICMP query may be answered');
  assert.equal(whyNotAnswer(ipv4('10.0.0.7', '10.0.0.1', 17, new Uint8Array(16), { offset: 8 }), 1, ifs), 'non-first-fragment');
  assert.equal(whyNotAnswer(ipv4('10.0.0.7', '10.0.0.1', 17, new Uint8Array(16), { mf: true }), 1, ifs), undefined, 'a first fragment may be');
  assert.equal(whyNotAnswer(ipv4('127.0.0.1', '10.0.0.1', 17, new Uint8Array(8)), 1, ifs), 'src-loopback');
  assert.equal(whyNotAnswer(ipv4('127.0.0.1', '127.0.0.1', 17, new Uint8Array(8)), 0, ifs), undefined, 'loopback from the loopback interface');
  assert.equal(whyNotAnswer(ipv4('240.0.0.1', '10.0.0.1', 17, new Uint8Array(8)), 1, ifs), 'src-not-unicast');
  assert.equal(whyNotAnswer(ipv4('10.0.0.255', '10.0.0.1', 17, new Uint8Array(8)), 1, ifs), 'src-not-unicast');
  const v6err = new Uint8Array(48);
  emitIcmpv6({ kind: 'destUnreachable', code: 4, quote: new Uint8Array(40) }, v6err, 0, parseIp('2001:db8::7'), parseIp('2001:db8::1'));
  assert.equal(whyNotAnswer(ipv6('2001:db8::7', '2001:db8::1', 58, v6err), 1, ifs), 'icmp-error');
  assert.equal(whyNotAnswer(ipv6('ff02::5', '2001:db8::1', 17, new Uint8Array(8)), 1, ifs), 'src-not-unicast');
  assert.equal(whyNotAnswer(ipv6('::1', '2001:db8::1', 17, new Uint8Array(8)), 1, ifs), 'src-loopback');
  assert.equal(whyNotAnswer(ipv6('2001:db8::7', 'ff02::1', 17, new Uint8Array(8)), 1, ifs), 'dst-multicast');
  assert.equal(whyNotAnswer(ipv6('2001:db8::7', 'ff02::1', 17, new Uint8Array(8)), 1, ifs, true), undefined, 'RFC 4443 §2.4(e.3) exception');
  assert.equal(whyNotAnswer(new Uint8Array([0x45, 0]), 1, ifs), 'malformed');
  assert.equal(whyNotAnswer(new Uint8Array(0), 1, ifs), 'malformed');
});

test('an ICMP error that arrives in fragments and times out is not answered with time exceeded', () => {
  const s = host();
  const icmpErr = new Uint8Array(8 + 1000);
  emitIcmp({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, quote: new Uint8Array(1000) }, icmpErr, 0);
  s.receive(ipv4('10.0.0.7', '10.0.0.1', 1, icmpErr.subarray(0, 512), { mf: true }), 0, 1);
  assert.equal(s.poll(30_000).length, 0);
  assert.equal(s.stats.ip.reasmTimeouts, 1);
  assert.equal(s.stats.icmp.suppressed, 1);
});

test('RFC 1812 §4.3.2.8 rate limit: the token bucket caps errors (burst, then rate from now)', () => {
  const s = host({ icmpErrorRate: { ratePerSec: 100, burst: 10 } });
  const send = (n: number, now: number): number => {
    for (let i = 0; i < n; i++) s.receive(ipv4('10.0.0.7', '10.0.0.1', 17, udp('10.0.0.7', '10.0.0.1', 9, 4)), now, 1);
    return s.poll(now).length;
  };
  assert.equal(send(50, 0), 10, 'burst');
  assert.equal(send(50, 0), 0, 'empty bucket');
  assert.equal(send(50, 100), 10, '100 ms at 100/s refills 10');
  assert.equal(send(50, 10_000), 10, 'never more than the burst');
  assert.equal(s.stats.icmp.rateLimited, 170);
  assert.equal(s.stats.udp.noPorts, 200);
});

test('quote size: as much as fits in 576 bytes (IPv4, RFC 1812 §4.3.2.3) or 1280 (IPv6, RFC 4443 §2.4(c))', () => {
  const s = host();
  s.receive(ipv4('10.0.0.7', '10.0.0.1', 17, udp('10.0.0.7', '10.0.0.1', 9, 1400)), 0, 1);
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, udp('2001:db8::7', '2001:db8::1', 9, 1400)), 0, 1);
  const small4 = ipv4('10.0.0.7', '10.0.0.1', 17, udp('10.0.0.7', '10.0.0.1', 9, 10));
  s.receive(small4, 0, 1);
  const out = s.poll(0).map((o) => o.packet);
  assert.equal(out[0]!.length, 576);
  assert.equal(out[1]!.length, 1280);
  assert.equal(out[2]!.length, 20 + 8 + small4.length, 'a small packet is quoted whole');
  const ip = parseIpv4(out[0]!);
  assert.ok(ip.ok);
  assert.equal(ip.value.payload[0], 3);
  assert.equal(ip.value.payload[1], 3, 'port unreachable');
  const ip6 = parseIpv6(out[1]!);
  assert.ok(ip6.ok);
  assert.equal(ip6.value.payload[0], 1);
  assert.equal(ip6.value.payload[1], 4, 'port unreachable');
});

test('unknown protocol: IPv4 protocol unreachable (RFC 1122 §3.2.2.1); IPv6 parameter problem code 1 at the Next Header (RFC 8200 §4)', () => {
  const s = host();
  s.receive(ipv4('10.0.0.7', '10.0.0.1', 200, new Uint8Array(8)), 0, 1);
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 200, new Uint8Array(8)), 0, 1);
  // behind a destination options header the pointer moves to that header's Next Header field
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 200, new Uint8Array(8), [{ kind: 'raw', type: 60, data: new Uint8Array(6) }]), 0, 1);
  const out = s.poll(0).map((o) => o.packet);
  assert.equal(out.length, 3);
  const a = parseIpv4(out[0]!);
  assert.ok(a.ok);
  assert.deepEqual([a.value.payload[0], a.value.payload[1]], [3, 2]);
  const b = parseIpv6(out[1]!);
  assert.ok(b.ok);
  assert.deepEqual([b.value.payload[0], b.value.payload[1], b.value.payload[7]], [4, 1, 6]);
  const c = parseIpv6(out[2]!);
  assert.ok(c.ok);
  assert.deepEqual([c.value.payload[0], c.value.payload[1], c.value.payload[7]], [4, 1, 40]);
  assert.equal(s.stats.drops['unknown-protocol'], 1);
});

test('RFC 8200 §4.2 option action bits: 00 skip, 01 discard, 10 parameter problem even to multicast, 11 not to multicast', () => {
  const s = host();
  const u = s.udp.open({ family: 6, ipv6Only: true });
  assert.ok(u.bind('::', 53).ok);
  const opt = (type: number): Ipv6ExtHeader => ({ kind: 'raw', type: 60, data: Uint8Array.from([type, 4, 0, 0, 0, 0]) });
  const dgram = (dst: string) => udp('2001:db8::7', dst, 53, 4);
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, dgram('2001:db8::1'), [opt(0x3e)]), 0, 1);
  assert.ok(u.recv(), '00xxxxxx: skipped');
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, dgram('2001:db8::1'), [opt(0x7e)]), 0, 1);
  assert.equal(u.recv(), undefined, '01: discarded');
  assert.equal(s.poll(0).length, 0, '01: silently');
  s.receive(ipv6('2001:db8::7', 'ff02::1', 17, dgram('ff02::1'), [opt(0xbe)]), 0, 1);
  const pp = s.poll(0);
  assert.equal(pp.length, 1, '10: parameter problem even for a multicast destination');
  const ip = parseIpv6(pp[0]!.packet);
  assert.ok(ip.ok);
  assert.deepEqual([ip.value.payload[0], ip.value.payload[1], ip.value.payload[7]], [4, 2, 42]);
  s.receive(ipv6('2001:db8::7', 'ff02::1', 17, dgram('ff02::1'), [opt(0xfe)]), 0, 1);
  assert.equal(s.poll(0).length, 0, '11: not for multicast');
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, dgram('2001:db8::1'), [opt(0xfe)]), 0, 1);
  assert.equal(s.poll(0).length, 1, '11: unicast gets one');
});

test('RFC 8200 §4.4: a routing header with segments left is refused with parameter problem code 0', () => {
  const s = host();
  const rh = (left: number): Ipv6ExtHeader => ({ kind: 'raw', type: 43, data: Uint8Array.from([253, left, 0, 0, 0, 0]) });
  const u = s.udp.open({ family: 6, ipv6Only: true });
  assert.ok(u.bind('::', 53).ok);
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, udp('2001:db8::7', '2001:db8::1', 53, 4), [rh(0)]), 0, 1);
  assert.ok(u.recv(), 'segments left 0: ignored');
  s.receive(ipv6('2001:db8::7', '2001:db8::1', 17, udp('2001:db8::7', '2001:db8::1', 53, 4), [rh(2)]), 0, 1);
  const out = s.poll(0);
  assert.equal(out.length, 1);
  const ip = parseIpv6(out[0]!.packet);
  assert.ok(ip.ok);
  assert.deepEqual([ip.value.payload[0], ip.value.payload[1], ip.value.payload[7]], [4, 0, 42]);
});

// ---- errors about packets we sent: path MTU, TCP ----------------------------------------------

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

function seg(size: number, seq = 1000): TcpRepr {
  return { srcPort: 40000, dstPort: 80, seq, ack: 0, flags: TcpFlag.ACK, window: 1000, urgent: 0, options: [], payload: new Uint8Array(size) };
}

for (const family of [4, 6] as const) {
  test(`path MTU from ${family === 4 ? 'fragmentation needed (RFC 1191)' : 'packet too big (RFC 8201)'}: recorded, forwarded to TCP with the quoted 4-tuple`, () => {
    const tcp = new FakeTcp();
    const { net, a } = threeHosts({ tcpFactory: () => tcp }, 1280);
    const src = family === 4 ? '10.0.1.2' : '2001:db8:1::2';
    const dst = family === 4 ? '10.0.2.2' : '2001:db8:2::2';
    void a.tcp; // build the layer
    assert.equal(a.mtuFor(dst), 1500);
    tcp.out.push({ src, dst, seg: seg(1400) });
    net.settle();
    assert.equal(a.mtuFor(dst), 1280);
    assert.equal(tcp.errors.length, 1);
    const e = tcp.errors[0]!;
    assert.equal(e.kind, 'packet-too-big');
    assert.equal(e.mtu, 1280);
    assert.equal(e.family, family);
    assert.deepEqual(e.local, { address: src, port: 40000 });
    assert.deepEqual(e.remote, { address: dst, port: 80 });
    assert.equal(e.seq, 1000);
    // a segment that fits now goes through; one that does not is refused locally
    tcp.out.push({ src, dst, seg: seg(1200) });
    tcp.out.push({ src, dst, seg: seg(1300, 5000) });
    net.settle();
    assert.equal(tcp.errors.length, 2);
    assert.equal(tcp.errors[1]!.seq, 5000);
    assert.equal(tcp.errors[1]!.mtu, 1280);
    // RFC 1191 §6.3 / RFC 8201 §5.3: the estimate ages out (10 minutes by default)
    net.now += 10 * 60_000;
    assert.equal(a.pollAt(), undefined);
    a.poll(net.now);
    assert.equal(a.mtuFor(dst), 1500);
  });
}

test('path MTU floors: 68 for IPv4 (RFC 1191 §3), 1280 for IPv6 (RFC 8201 §4); increases are ignored', () => {
  const tcp = new FakeTcp();
  const { net, a, router } = threeHosts({ tcpFactory: () => tcp }, 1280);
  void a.tcp;
  router.advertiseMtu = 40;
  tcp.out.push({ src: '10.0.1.2', dst: '10.0.2.2', seg: seg(1400) });
  router.advertiseMtu = 40;
  net.settle();
  assert.equal(a.mtuFor('10.0.2.2'), 68);
  router.advertiseMtu = 1000;
  tcp.out.push({ src: '2001:db8:1::2', dst: '2001:db8:2::2', seg: seg(1400) });
  net.settle();
  assert.equal(a.mtuFor('2001:db8:2::2'), 1280);
  // a later report of a larger MTU does not raise the estimate
  const before = a.stats.icmp.pmtuUpdates;
  const quoted = ipv4('10.0.1.2', '10.0.2.2', 6, new Uint8Array(40), { df: true });
  const icmp = new Uint8Array(8 + quoted.length);
  emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 1400, quote: quoted }, icmp, 0);
  a.receive(ipv4('10.0.1.1', '10.0.1.2', 1, icmp), net.now, 1);
  assert.equal(a.mtuFor('10.0.2.2'), 68);
  assert.equal(a.stats.icmp.pmtuUpdates, before);
});

test('RFC 1191 §5: a fragmentation-needed without next-hop MTU uses the plateau below the quoted length', () => {
  const s = host();
  s.addRoute({ prefix: '0.0.0.0/0', via: '10.0.0.254', ifIndex: 1 });
  const quoted = ipv4('10.0.0.1', '192.0.2.9', 17, new Uint8Array(1480), { df: true });
  const icmp = new Uint8Array(8 + 28);
  emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 0, quote: quoted.subarray(0, 28) }, icmp, 0);
  s.receive(ipv4('10.0.0.254', '10.0.0.1', 1, icmp), 0, 1);
  assert.equal(s.mtuFor('192.0.2.9'), 1492);
});

test('ICMP errors whose quote is not one of our packets are ignored', () => {
  const tcp = new FakeTcp();
  const s = host({ tcpFactory: () => tcp });
  const quoted = ipv4('10.0.0.99', '10.0.0.7', 6, new Uint8Array(20), { df: true });
  const icmp = new Uint8Array(8 + quoted.length);
  emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 576, quote: quoted }, icmp, 0);
  s.receive(ipv4('10.0.0.7', '10.0.0.1', 1, icmp), 0, 1);
  assert.equal(tcp.errors.length, 0);
  assert.equal(s.mtuFor('10.0.0.7'), 1500);
  assert.equal(s.stats.icmp.inErrors, 1);
});

test('unreachable and time exceeded about TCP segments go to TCP by quoted 4-tuple', () => {
  const tcp = new FakeTcp();
  const s = host({ tcpFactory: () => tcp });
  const t = new Uint8Array(20);
  t.set([0x9c, 0x40, 0, 80, 0, 0, 0x12, 0x34]); // ports 40000 → 80, seq 0x1234
  const quoted = ipv4('10.0.0.1', '10.0.0.7', 6, t, { df: true });
  for (const [type, code] of [[3, 1], [11, 0], [12, 0]] as const) {
    const icmp = new Uint8Array(8 + quoted.length);
    if (type === 3) emitIcmp({ kind: 'destUnreachable', code, nextHopMtu: 0, quote: quoted }, icmp, 0);
    else if (type === 11) emitIcmp({ kind: 'timeExceeded', code, quote: quoted }, icmp, 0);
    else emitIcmp({ kind: 'parameterProblem', code, pointer: 0, quote: quoted }, icmp, 0);
    s.receive(ipv4('10.0.0.254', '10.0.0.1', 1, icmp), 0, 1);
  }
  assert.deepEqual(tcp.errors.map((e) => [e.kind, e.code, e.seq, e.local.port, e.remote.address]), [
    ['unreachable', 1, 0x1234, 40000, '10.0.0.7'],
    ['time-exceeded', 0, 0x1234, 40000, '10.0.0.7'],
    ['parameter-problem', 0, 0x1234, 40000, '10.0.0.7'],
  ]);
});

test('an ICMP error about our echo request becomes an echo-error event', () => {
  const s = host();
  s.addRoute({ prefix: '0.0.0.0/0', via: '10.0.0.254', ifIndex: 1 });
  assert.ok(s.ping('192.0.2.1', { id: 5, seq: 6 }, 0).ok);
  const [req] = s.poll(0);
  assert.ok(req);
  const icmp = new Uint8Array(8 + 28);
  emitIcmp({ kind: 'destUnreachable', code: 1, nextHopMtu: 0, quote: req.packet.subarray(0, 28) }, icmp, 0);
  s.receive(ipv4('10.0.0.254', '10.0.0.1', 1, icmp), 1, 1);
  const ev = s.pollEvents().find((e) => e.type === 'echo-error');
  assert.ok(ev && ev.type === 'echo-error');
  assert.deepEqual([ev.dst, ev.id, ev.seq, ev.kind, ev.code, ev.from], ['192.0.2.1', 5, 6, 'unreachable', 1, '10.0.0.254']);
});
