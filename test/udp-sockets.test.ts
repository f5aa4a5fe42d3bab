import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, makeStack, pair, text, threeHosts } from './stack-harness.js';
import type { StackEvent } from '../src/stack/events.js';
import type { Stack } from '../src/stack/stack.js';
import type { UdpSocket } from '../src/udp/socket.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitIpv6Header } from '../src/wire/ipv6.js';
import { emitUdp } from '../src/wire/udp.js';
import { parseIp } from '../src/wire/address.js';

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function eventsFor(evs: StackEvent[], s: UdpSocket): StackEvent[] {
  return evs.filter((e) => 'socket' in e && e.socket === s);
}

for (const family of [4, 6] as const) {
  test(`RFC 768 UDP request/response across a router, IPv${family}`, () => {
    const { net, a, b, c } = threeHosts();
    const server = b.udp.open({ family });
    ok(server.bind(family === 4 ? '0.0.0.0' : '::', 5353));
    const client = a.udp.open({ family });
    const serverAddr = family === 4 ? '10.0.2.2' : '2001:db8:2::2';
    ok(client.send(text('ping?'), serverAddr, 5353, net.now));
    net.settle();
    const evs = b.pollEvents();
    assert.ok(evs.some((e) => e.type === 'udp-readable' && e.socket === server));
    const req = server.recv();
    assert.ok(req);
    assert.equal(decode(req.data), 'ping?');
    assert.equal(req.address, family === 4 ? '10.0.1.2' : '2001:db8:1::2');
    assert.equal(req.family, family);
    ok(server.send(text('pong!'), req.address, req.port, net.now));
    net.settle();
    const res = client.recv();
    assert.ok(res);
    assert.equal(decode(res.data), 'pong!');
    assert.equal(res.port, 5353);
    assert.equal(res.address, serverAddr);
    // c saw nothing and its counters stayed at zero
    assert.equal(c.stats.udp.inDatagrams, 0);
    assert.equal(b.stats.udp.inDatagrams, 1);
    assert.equal(a.stats.udp.outDatagrams, 1);
  });

  test(`UDP second bind of the same port is EADDRINUSE, IPv${family}`, () => {
    const s = makeStack();
    s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
    const wild = family === 4 ? '0.0.0.0' : '::';
    const one = s.udp.open({ family });
    ok(one.bind(wild, 4000));
    const two = s.udp.open({ family });
    const r = two.bind(wild, 4000);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'EADDRINUSE');
    // a specific address under the wildcard is taken too (no reuseAddr)
    const three = s.udp.open({ family });
    const r3 = three.bind(family === 4 ? '10.0.0.1' : '2001:db8::1', 4000);
    assert.equal(!r3.ok && r3.error.code, 'EADDRINUSE');
    // one owner may hold many ports
    const four = s.udp.open({ family });
    ok(four.bind(wild, 4001));
    // after close the port is free again
    one.close();
    ok(two.bind(wild, 4000));
  });

  test(`ICMP port unreachable reaches a connected socket as ECONNREFUSED, IPv${family}`, () => {
    const { net, a, b } = pair();
    const sock = a.udp.open({ family });
    const peer = family === 4 ? '10.0.0.2' : '2001:db8::2';
    ok(sock.connect(peer, 9999));
    a.pollEvents();
    ok(sock.send(text('anyone?'), net.now));
    net.settle();
    assert.equal(b.stats.udp.noPorts, 1);
    assert.equal(b.stats.icmp.outErrors, 1);
    const errs = eventsFor(a.pollEvents(), sock).filter((e) => e.type === 'udp-error');
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.type === 'udp-error' && errs[0]!.error.code, 'ECONNREFUSED');
  });
}

test('an unconnected socket does not hear ICMP port unreachable (as on Linux)', () => {
  const { net, a } = pair();
  const sock = a.udp.open({ family: 4 });
  ok(sock.send(text('x'), '10.0.0.2', 9999, net.now));
  net.settle();
  const evs = a.pollEvents();
  assert.equal(evs.filter((e) => e.type === 'udp-error').length, 0);
  assert.ok(evs.some((e) => e.type === 'udp-listening' && e.socket === sock), 'implicit bind on first send');
  assert.equal(a.stats.icmp.inMsgs, 1);
});

test('UDP over loopback: 127.0.0.1, ::1 and our own address', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  for (const [family, addr] of [[4, '127.0.0.1'], [6, '::1'], [4, '10.0.0.1'], [6, '2001:db8::1']] as const) {
    const srv = s.udp.open({ family });
    const port = ok(srv.bind(addr, 0)).port;
    const cli = s.udp.open({ family });
    ok(cli.send(text(`hi ${addr}`), addr, port, 0));
    const out = s.poll(0);
    assert.equal(out.length, 0, 'nothing leaves through a driver');
    const m = srv.recv();
    assert.ok(m);
    assert.equal(decode(m.data), `hi ${addr}`);
    assert.equal(m.address, addr);
    srv.close();
    cli.close();
  }
  assert.equal(s.stats.ip.outPackets, 0);
  assert.equal(s.stats.ip.loopbackPackets, 4);
});

test('loopback: sending to a closed port on 127.0.0.1 is refused', () => {
  const s = makeStack();
  const sock = s.udp.open({ family: 4 });
  ok(sock.connect('127.0.0.1', 7777));
  ok(sock.send(text('x'), 0));
  s.poll(0);
  const errs = s.pollEvents().filter((e) => e.type === 'udp-error');
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.type === 'udp-error' && errs[0]!.error.code, 'ECONNREFUSED');
});

test('EMSGSIZE above 65507 bytes (IPv4) and 65527 (IPv6); the maximum itself is sent fragmented', () => {
  const { net, a, b } = pair();
  const srv4 = b.udp.open({ family: 4 });
  ok(srv4.bind('0.0.0.0', 1000));
  const srv6 = b.udp.open({ family: 6, ipv6Only: true });
  ok(srv6.bind('::', 1000));
  const s4 = a.udp.open({ family: 4 });
  const r = s4.send(new Uint8Array(65508), '10.0.0.2', 1000, 0);
  assert.equal(!r.ok && r.error.code, 'EMSGSIZE');
  const big = new Uint8Array(65507).map((_, i) => i * 7);
  ok(s4.send(big, '10.0.0.2', 1000, 0));
  const s6 = a.udp.open({ family: 6 });
  const r6 = s6.send(new Uint8Array(65528), '2001:db8::2', 1000, 0);
  assert.equal(!r6.ok && r6.error.code, 'EMSGSIZE');
  const big6 = new Uint8Array(65527).map((_, i) => i * 13);
  ok(s6.send(big6, '2001:db8::2', 1000, 0));
  net.settle();
  assert.deepEqual(srv4.recv()?.data, big);
  assert.deepEqual(srv6.recv()?.data, big6);
  assert.ok(a.stats.ip.fragCreates >= 2 * 45);
  assert.equal(b.stats.ip.reasmOks, 2);
  assert.equal(b.stats.reassembly.bytesInUse, 0);
});

test('send errors: EDESTADDRREQ, EISCONN, EINVAL, ENETUNREACH, EADDRNOTAVAIL, EACCES for broadcast', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const u = s.udp.open({ family: 4 });
  const code = (r: { ok: boolean } & ({ ok: true } | { ok: false; error: { code: string } })): string | undefined => (r.ok ? undefined : (r as { error: { code: string } }).error.code);
  assert.equal(code(u.send(text('x'), 0)), 'EDESTADDRREQ');
  assert.equal(code(u.send(text('x'), '2001:db8::9', 1, 0)), 'EINVAL');
  assert.equal(code(u.send(text('x'), '10.0.0.9', 0, 0)), 'EINVAL');
  assert.equal(code(u.send(text('x'), '192.168.1.1', 53, 0)), 'ENETUNREACH');
  assert.equal(code(u.send(text('x'), '10.0.0.255', 53, 0)), 'EACCES');
  u.setBroadcast(true);
  assert.equal(code(u.send(text('x'), '10.0.0.255', 53, 0)), undefined);
  const v = s.udp.open({ family: 4 });
  assert.equal(code(v.bind('10.9.9.9', 53)), 'EADDRNOTAVAIL');
  assert.equal(code(v.connect('192.168.1.1', 53)), 'ENETUNREACH');
  ok(v.connect('10.0.0.7', 53));
  assert.equal(code(v.send(text('x'), '10.0.0.8', 53, 0)), 'EISCONN');
  v.close();
  assert.equal(code(v.send(text('x'), 0)), 'EBADF');
});

test('ephemeral ports come from the dynamic range (RFC 6335, RFC 6056) and differ per socket', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const ports = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const u = s.udp.open({ family: 4 });
    const p = ok(u.bind()).port;
    assert.ok(p >= 49152 && p <= 65535);
    ports.add(p);
  }
  assert.equal(ports.size, 50);
});

test('a connected socket only receives from its peer; others get port unreachable', () => {
  const { net, a, b } = threeHosts();
  const sb = b.udp.open({ family: 4 });
  ok(sb.bind('0.0.0.0', 7000));
  ok(sb.connect('10.0.1.2', 7001));
  const sa = a.udp.open({ family: 4 });
  ok(sa.bind('0.0.0.0', 7001));
  ok(sa.send(text('from the peer'), '10.0.2.2', 7000, 0));
  const sa2 = a.udp.open({ family: 4 });
  ok(sa2.send(text('from a stranger'), '10.0.2.2', 7000, 0));
  net.settle();
  assert.equal(decode(sb.recv()!.data), 'from the peer');
  assert.equal(sb.recv(), undefined);
  assert.equal(b.stats.udp.noPorts, 1);
});

function rawUdp(family: 4 | 6, src: string, dst: string, sport: number, dport: number, data: Uint8Array, checksum: boolean): Uint8Array {
  const udp = new Uint8Array(8 + data.length);
  if (checksum) emitUdp({ srcPort: sport, dstPort: dport, payload: data }, udp, 0, parseIp(src)!, parseIp(dst)!);
  else emitUdp({ srcPort: sport, dstPort: dport, payload: data }, udp, 0);
  const hl = family === 4 ? 20 : 40;
  const pkt = new Uint8Array(hl + udp.length);
  if (family === 4) emitIpv4Header({ src, dst, protocol: 17, ttl: 64, dscp: 0, ecn: 0, id: 5, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, udp.length, pkt, 0);
  else emitIpv6Header({ src, dst, dscp: 0, ecn: 0, flowLabel: 0, hopLimit: 64, extHeaders: [], protocol: 17 }, udp.length, pkt, 0);
  pkt.set(udp, hl);
  return pkt;
}

function receiver(): { s: Stack; v4: UdpSocket; v6: UdpSocket } {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  const v4 = s.udp.open({ family: 4 });
  ok(v4.bind('0.0.0.0', 53));
  const v6 = s.udp.open({ family: 6, ipv6Only: true });
  ok(v6.bind('::', 53));
  return { s, v4, v6 };
}

test('RFC 768: a zero UDP checksum is accepted over IPv4; RFC 8200 §8.1: rejected over IPv6', () => {
  const { s, v4, v6 } = receiver();
  s.receive(rawUdp(4, '10.0.0.9', '10.0.0.1', 1, 53, text('no sum'), false), 0, 1);
  assert.equal(decode(v4.recv()!.data), 'no sum');
  s.receive(rawUdp(6, '2001:db8::9', '2001:db8::1', 1, 53, text('no sum'), false), 0, 1);
  assert.equal(v6.recv(), undefined);
  assert.equal(s.stats.drops['udp-checksum'], 1);
  s.receive(rawUdp(6, '2001:db8::9', '2001:db8::1', 1, 53, text('with sum'), true), 0, 1);
  assert.equal(decode(v6.recv()!.data), 'with sum');
});

test('a corrupted UDP checksum is dropped and counted', () => {
  const { s, v4 } = receiver();
  const p = rawUdp(4, '10.0.0.9', '10.0.0.1', 1, 53, text('data'), true);
  p[p.length - 1]! ^= 0x55;
  s.receive(p, 0, 1);
  assert.equal(v4.recv(), undefined);
  assert.equal(s.stats.udp.inErrors, 1);
  assert.equal(s.stats.drops['udp-checksum'], 1);
});

test('bounded receive queue: datagrams beyond the buffer are dropped and counted', () => {
  const s = makeStack({ udp: { recvBufferBytes: 1000 } });
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const u = s.udp.open({ family: 4 });
  ok(u.bind('0.0.0.0', 53));
  for (let i = 0; i < 10; i++) s.receive(rawUdp(4, '10.0.0.9', '10.0.0.1', 1, 53, new Uint8Array(300), true), 0, 1);
  assert.equal(u.pending, 3);
  assert.equal(u.drops, 7);
  assert.equal(s.stats.udp.rcvbufErrors, 7);
  const readable = s.pollEvents().filter((e) => e.type === 'udp-readable');
  assert.equal(readable.length, 1, 'readable fires once, when the queue becomes non-empty');
  while (u.recv());
  s.receive(rawUdp(4, '10.0.0.9', '10.0.0.1', 1, 53, new Uint8Array(300), true), 0, 1);
  assert.equal(s.pollEvents().filter((e) => e.type === 'udp-readable').length, 1);
});

test('dual-stack IPv6 socket receives IPv4 as ::ffff:a.b.c.d and answers through it (RFC 4291 §2.5.5.2)', () => {
  const { net, a, b } = pair();
  const srv = b.udp.open({ family: 6 });
  ok(srv.bind('::', 4242));
  const cli = a.udp.open({ family: 4 });
  ok(cli.send(text('v4 in'), '10.0.0.2', 4242, 0));
  net.settle();
  const m = srv.recv()!;
  assert.equal(m.address, '::ffff:10.0.0.1');
  ok(srv.send(text('v4 out'), m.address, m.port, 0));
  net.settle();
  assert.equal(decode(cli.recv()!.data), 'v4 out');
  // the dual-stack '::' binding covers 0.0.0.0 on that port
  const other = b.udp.open({ family: 4 });
  const r = other.bind('0.0.0.0', 4242);
  assert.equal(!r.ok && r.error.code, 'EADDRINUSE');
});

test('UDP through a narrower link: IPv4 fragments are refragmented by the router; IPv6 learns the path MTU (RFC 8201) and the source fragments', () => {
  const { net, a, b, router } = threeHosts({}, 1280);
  const payload = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
  const srv4 = b.udp.open({ family: 4 });
  ok(srv4.bind('0.0.0.0', 8080));
  const cli4 = a.udp.open({ family: 4 });
  ok(cli4.send(payload, '10.0.2.2', 8080, net.now));
  net.settle();
  assert.deepEqual(srv4.recv()?.data, payload, 'IPv4 datagram arrived in one go');
  assert.ok(router.forwarded >= 4);

  const srv6 = b.udp.open({ family: 6, ipv6Only: true });
  ok(srv6.bind('::', 8080));
  const cli6 = a.udp.open({ family: 6 });
  assert.equal(a.mtuFor('2001:db8:2::2'), 1500);
  ok(cli6.send(payload, '2001:db8:2::2', 8080, net.now));
  net.settle();
  assert.equal(srv6.recv(), undefined, 'first try: 1500-byte fragments do not pass the 1280 link');
  assert.equal(a.mtuFor('2001:db8:2::2'), 1280, 'packet too big recorded');
  assert.equal(a.stats.icmp.pmtuUpdates, 1);
  ok(cli6.send(payload, '2001:db8:2::2', 8080, net.now));
  net.settle();
  assert.deepEqual(srv6.recv()?.data, payload);
});
