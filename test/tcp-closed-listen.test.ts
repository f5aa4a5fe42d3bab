// RFC 9293 §3.10.7.1 (no connection) and §3.10.7.2 (LISTEN), plus listen/connect errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, LOCAL, REMOTE, RST, SYN, dg, mkLayer, view } from './tcp-helpers.js';

test('RFC 9293 §3.10.7.1 CLOSED: an incoming RST is discarded', () => {
  const layer = mkLayer();
  layer.receive(dg({ seq: 5, flags: RST }), 0);
  assert.deepEqual(layer.poll(0), []);
});

test('RFC 9293 §3.10.7.1 CLOSED: an ACK gets <SEQ=SEG.ACK><CTL=RST>', () => {
  const layer = mkLayer();
  layer.receive(dg({ seq: 5, ack: 777, flags: ACK, payload: 10 }), 0);
  const out = layer.poll(0);
  assert.equal(out.length, 1);
  assert.deepEqual(view(out[0]!), { seq: 777, ack: 0, flags: 'RST', len: 0, window: 0 });
  assert.equal(out[0]!.dst, REMOTE.address);
  assert.equal(out[0]!.seg.dstPort, REMOTE.port);
  assert.equal(out[0]!.seg.srcPort, LOCAL.port);
});

test('RFC 9293 §3.10.7.1 CLOSED: no ACK gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (SYN and FIN count)', () => {
  const layer = mkLayer();
  layer.receive(dg({ seq: 100, flags: SYN }), 0);
  assert.deepEqual(view(layer.poll(0)[0]!), { seq: 0, ack: 101, flags: 'RST,ACK', len: 0, window: 0 });
  layer.receive(dg({ seq: 100, flags: FIN, payload: 10 }), 0);
  assert.deepEqual(view(layer.poll(0)[0]!), { seq: 0, ack: 111, flags: 'RST,ACK', len: 0, window: 0 });
  layer.receive(dg({ seq: 0xffffffff, flags: SYN | FIN, payload: 3 }), 0);
  assert.equal(layer.poll(0)[0]!.seg.ack, 4, 'SEG.SEQ+SEG.LEN wraps modulo 2^32');
});

test('RFC 9293 §3.10.7.2 LISTEN: RST is ignored', () => {
  const layer = mkLayer();
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  layer.receive(dg({ seq: 1, flags: RST }), 0);
  assert.deepEqual(layer.poll(0), []);
});

test('RFC 9293 §3.10.7.2 LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>', () => {
  const layer = mkLayer();
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  layer.receive(dg({ seq: 1, ack: 4242, flags: ACK }), 0);
  assert.deepEqual(view(layer.poll(0)[0]!), { seq: 4242, ack: 0, flags: 'RST', len: 0, window: 0 });
});

test('RFC 9293 §3.10.7.2 LISTEN: a SYN creates SYN-RECEIVED and gets <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> with MSS', () => {
  const layer = mkLayer(LOCAL.address, { isn: () => 9000 });
  const l = layer.listen(LOCAL, 4, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 300, flags: SYN, options: [{ kind: 'mss', mss: 1000 }] }), 0);
  const out = layer.poll(0);
  assert.equal(out.length, 1);
  assert.deepEqual(view(out[0]!), { seq: 9000, ack: 301, flags: 'SYN,ACK', len: 0, window: 65535 });
  assert.deepEqual(out[0]!.seg.options, [{ kind: 'mss', mss: 1460 }]);
  const c = layer.find(LOCAL, REMOTE);
  assert.equal(c?.state, 'SYN-RECEIVED');
  assert.equal(c?.sndMss, 1000, 'effective send MSS from the peer option (RFC 9293 §3.7.1)');
  assert.equal(l.value.halfOpen, 1);
  const ev = layer.pollEvents().filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? `${e.from}>${e.to}:${e.cause}` : ''));
  assert.deepEqual(ev, ['CLOSED>LISTEN:passive-open', 'LISTEN>SYN-RECEIVED:rcv-syn']);
});

test('RFC 9293 §3.10.7.2 LISTEN: a segment without SYN, ACK or RST is dropped', () => {
  const layer = mkLayer();
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  layer.receive(dg({ seq: 1, flags: FIN, payload: 5 }), 0);
  assert.deepEqual(layer.poll(0), []);
  assert.equal(layer.connectionCount, 0);
});

test('RFC 9293 §3.7.1 / RFC 6691: default send MSS is 536 (IPv4) without the option, 1220 (IPv6)', () => {
  const layer = mkLayer();
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  layer.receive(dg({ seq: 1, flags: SYN }), 0);
  assert.equal(layer.find(LOCAL, REMOTE)?.sndMss, 536);
  const v6 = mkLayer('fd00::1');
  assert.ok(v6.listen({ address: '::', port: 80 }, 4, 0).ok);
  v6.receive(dg({ seq: 1, flags: SYN }, 'fd00::2', 'fd00::1'), 0);
  const c6 = v6.find({ address: 'fd00::1', port: 80 }, { address: 'fd00::2', port: REMOTE.port });
  assert.equal(c6?.sndMss, 1220);
  assert.equal(c6?.advMss, 1440, 'our MSS is MTU − 40 − 20 on IPv6');
});

test('RFC 9293 §3.7.1: the send MSS never exceeds what our MTU allows', () => {
  const layer = mkLayer(LOCAL.address, {}, 1280);
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  layer.receive(dg({ seq: 1, flags: SYN, options: [{ kind: 'mss', mss: 9000 }] }), 0);
  assert.equal(layer.find(LOCAL, REMOTE)?.sndMss, 1280 - 40);
});

test('listen backlog: a SYN beyond the accept queue is dropped silently, the peer retries later', () => {
  const layer = mkLayer(LOCAL.address, { isn: () => 1 });
  const l = layer.listen(LOCAL, 1, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 10, flags: SYN, srcPort: 1000 }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: 11, ack: 2, flags: ACK, srcPort: 1000 }), 0);
  assert.equal(l.value.pending, 1);
  layer.receive(dg({ seq: 20, flags: SYN, srcPort: 1001 }), 0);
  assert.deepEqual(layer.poll(0), [], 'no SYN-ACK, no RST');
  assert.equal(l.value.droppedSyns, 1);
  assert.ok(l.value.accept());
  layer.receive(dg({ seq: 20, flags: SYN, srcPort: 1001 }), 1);
  assert.equal(layer.poll(1).length, 1, 'room again: SYN-ACK');
});

test('listen: bounded SYN queue (synBacklog)', () => {
  const layer = mkLayer(LOCAL.address, { synBacklog: 2, synCookies: false });
  const l = layer.listen(LOCAL, 100, 0);
  assert.ok(l.ok);
  for (let p = 1000; p < 1005; p++) layer.receive(dg({ seq: p, flags: SYN, srcPort: p }), 0);
  assert.equal(layer.poll(0).length, 2);
  assert.equal(l.value.halfOpen, 2);
  assert.equal(l.value.droppedSyns, 3);
});

test('listen errors: EADDRINUSE, EADDRNOTAVAIL, EINVAL; port 0 picks an ephemeral port', () => {
  const layer = mkLayer();
  assert.ok(layer.listen(LOCAL, 4, 0).ok);
  const dup = layer.listen(LOCAL, 4, 0);
  assert.equal(dup.ok ? undefined : dup.code, 'EADDRINUSE');
  const bad = layer.listen({ address: '10.9.9.9', port: 81 }, 4, 0);
  assert.equal(bad.ok ? undefined : bad.code, 'EADDRNOTAVAIL');
  const inval = layer.listen({ address: '10.0.0.1', port: 70000 }, 4, 0);
  assert.equal(inval.ok ? undefined : inval.code, 'EINVAL');
  const any = layer.listen({ address: '0.0.0.0', port: 0 }, 4, 0);
  assert.ok(any.ok && any.value.local.port >= 49152);
});

test('a wildcard listener takes SYNs for any local address; closing it frees the port', () => {
  const layer = mkLayer();
  const l = layer.listen({ address: '0.0.0.0', port: 80 }, 4, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1, flags: SYN }), 0);
  assert.equal(view(layer.poll(0)[0]!).flags, 'SYN,ACK');
  l.value.close(1);
  assert.equal(l.value.state, 'CLOSED');
  const out = layer.poll(1);
  assert.deepEqual(out.map((d) => view(d).flags), ['RST,ACK'], 'the half-open connection is reset');
  assert.ok(layer.listen({ address: '0.0.0.0', port: 80 }, 4, 2).ok);
});

test('connect errors: ENETUNREACH without a route, EADDRNOTAVAIL for a foreign local address, EINVAL for port 0', () => {
  const noRoute = mkLayer();
  (noRoute.services as { sourceFor: (d: string) => string | undefined }).sourceFor = () => undefined;
  const r1 = noRoute.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.equal(r1.ok ? undefined : r1.code, 'ENETUNREACH');
  const layer = mkLayer();
  const r2 = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { address: '10.9.9.9' } }, 0);
  assert.equal(r2.ok ? undefined : r2.code, 'EADDRNOTAVAIL');
  const r3 = layer.connect({ address: '10.0.0.2', port: 0 }, {}, 0);
  assert.equal(r3.ok ? undefined : r3.code, 'EINVAL');
});

test('connect: explicit local port in use by a live 4-tuple is EADDRINUSE; ephemeral ports differ per connection', () => {
  const layer = mkLayer();
  const a = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5000 } }, 0);
  assert.ok(a.ok);
  const b = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5000 } }, 0);
  assert.equal(b.ok ? undefined : b.code, 'EADDRINUSE');
  const ports = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const c = layer.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
    assert.ok(c.ok);
    ports.add(c.value.local.port);
  }
  assert.equal(ports.size, 50);
});

test('RFC 6528: ISNs differ per 4-tuple and advance with a 4 µs clock', () => {
  const layer = mkLayer();
  const a = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5000 } }, 0);
  const b = layer.connect({ address: '10.0.0.2', port: 81 }, { local: { port: 5000 } }, 0);
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.value.iss, b.value.iss);
  // Same 4-tuple 1 ms later (after the first one is gone): the ISN moved by 250 ticks.
  a.value.abort(0);
  const c = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5000 } }, 1);
  assert.ok(c.ok);
  assert.equal((c.value.iss - a.value.iss) >>> 0, 250);
});
