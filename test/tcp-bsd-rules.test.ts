// BSD behaviours the freebsd profile switches on, each a TcpConfig field with the RFC behaviour as
// default: rtoSlop (rexmit_slop), timeWaitRule 'bsd' (tcp_twcheck), dropSynFin (drop_synfin),
// icmpHardErrors (icmp_may_rst), ackEverySecondSegment (DELAY_ACK).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RttEstimator } from '../src/tcp/rtt.js';
import { classifyIcmpError } from '../src/tcp/icmp-errors.js';
import type { TcpIcmpError } from '../src/stack/types.js';
import { ACK, FIN, LOCAL, REMOTE, SYN, dg, mkLayer, passiveEstablished, view } from './tcp-helpers.js';

test('rtoSlop (BSD rexmit_slop): the initial RTO stays, every backed-off or measured RTO gets the slop added', () => {
  const r = new RttEstimator({ initial: 1000, min: 30, max: 64_000, granularity: 1, slop: 200 });
  assert.equal(r.rto, 1000);
  r.backoff();
  assert.equal(r.rto, 2200, 'FreeBSD retransmits a SYN after 1 s, then 2.2 s later');
  r.backoff();
  assert.equal(r.rto, 4200);
  r.sample(10);
  assert.equal(r.rto, 230, 'max(min, srtt + 4·rttvar) + slop');
  const plain = new RttEstimator({ initial: 1000, min: 200, max: 60_000, granularity: 1 });
  plain.backoff();
  assert.equal(plain.rto, 2000, 'RFC 6298 §5.5 doubling without slop');
});

test("profile 'freebsd': the SYN is retransmitted after 1 s and again 2.2 s later", () => {
  const layer = mkLayer('10.0.0.1', { profile: 'freebsd', isn: () => 1000 });
  const r = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 4000 } }, 0);
  assert.ok(r.ok);
  layer.poll(0);
  assert.equal(layer.pollAt(), 1000);
  layer.poll(1000);
  assert.equal(layer.pollAt(), 3200);
});

function timeWait(config: Parameters<typeof passiveEstablished>[0]): ReturnType<typeof passiveEstablished> {
  const p = passiveEstablished(config);
  p.conn.shutdown(2);
  p.layer.poll(2);
  p.layer.receive(dg({ seq: 1001, ack: 5002, flags: FIN | ACK }), 3);
  p.layer.poll(3);
  assert.equal(p.conn.state, 'TIME-WAIT');
  return p;
}

test("timeWaitRule 'bsd': in TIME-WAIT a segment without ACK is dropped silently, a SYN too (no RST, no challenge ACK)", () => {
  const { layer, conn } = timeWait({ timeWaitRule: 'bsd', rfc5961Syn: false });
  layer.receive(dg({ seq: 1002 + 70_000, flags: FIN }), 4);
  layer.receive(dg({ seq: 1002, flags: SYN }), 4);
  assert.deepEqual(layer.poll(4), []);
  assert.equal(conn.state, 'TIME-WAIT');
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 5);
  const a = view(layer.poll(5)[0]!);
  assert.deepEqual([a.seq, a.ack, a.flags], [5002, 1002, 'ACK']);
  layer.receive(dg({ seq: 1002, ack: 5002, flags: ACK }), 6);
  assert.deepEqual(layer.poll(6), [], 'an exact duplicate of the last ACK is not answered');
  const rfc = timeWait({});
  rfc.layer.receive(dg({ seq: 1002 + 70_000, flags: FIN }), 4);
  assert.equal(rfc.layer.poll(4).length, 1, 'RFC 9293 §3.10.7.4: an unacceptable segment gets an ACK');
});

test("timeWaitRule 'bsd': a retransmitted FIN restarts the 2·MSL timer and is acknowledged", () => {
  const { layer, conn } = timeWait({ timeWaitRule: 'bsd' });
  layer.receive(dg({ seq: 1001, ack: 5002, flags: FIN | ACK }), 1000);
  assert.equal(view(layer.poll(1000)[0]!).ack, 1002);
  assert.equal(conn.timers.timewait, 1000 + 2 * 30_000);
});

test('dropSynFin (FreeBSD drop_synfin): a segment with SYN and FIN is dropped unseen, at a listener too', () => {
  const layer = mkLayer(LOCAL.address, { dropSynFin: true });
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 17, flags: SYN | FIN, options: [{ kind: 'mss', mss: 1460 }] }), 1);
  assert.deepEqual(layer.poll(1), []);
  const open = mkLayer(LOCAL.address, {});
  assert.ok(open.listen(LOCAL, 8, 0).ok);
  open.receive(dg({ seq: 17, flags: SYN | FIN, options: [{ kind: 'mss', mss: 1460 }] }), 1);
  assert.equal(view(open.poll(1)[0]!).flags, 'SYN,ACK', 'default: processed as a SYN');
});

const err = (kind: TcpIcmpError['kind'], code: number, family: 4 | 6 = 4): TcpIcmpError => ({ kind, code, family, local: LOCAL, remote: REMOTE, seq: 0 });

test('icmpHardErrors: RFC 1122 §4.2.3.9 protocol/port unreachable by default; BSD adds prohibited and time exceeded; none', () => {
  assert.deepEqual(classifyIcmpError(err('unreachable', 3), 'rfc1122'), { hard: true, error: 'ECONNREFUSED' });
  assert.deepEqual(classifyIcmpError(err('parameter-problem', 1, 6), 'rfc1122'), { hard: true, error: 'ECONNREFUSED' }, 'RFC 4443 §3.4 unrecognized next header');
  assert.deepEqual(classifyIcmpError(err('unreachable', 13), 'rfc1122'), { hard: false, error: 'EHOSTUNREACH' });
  assert.deepEqual(classifyIcmpError(err('unreachable', 13), 'bsd'), { hard: true, error: 'ECONNREFUSED' });
  assert.deepEqual(classifyIcmpError(err('unreachable', 1, 6), 'bsd'), { hard: true, error: 'ECONNREFUSED' });
  assert.deepEqual(classifyIcmpError(err('time-exceeded', 0), 'bsd'), { hard: true, error: 'EHOSTUNREACH' });
  assert.deepEqual(classifyIcmpError(err('time-exceeded', 1), 'bsd'), { hard: false, error: 'EHOSTUNREACH' }, 'reassembly time exceeded stays soft');
  assert.deepEqual(classifyIcmpError(err('unreachable', 3), 'none'), { hard: false, error: 'EHOSTUNREACH' });
});

test("icmpHardErrors 'bsd': communication administratively prohibited ends a connection attempt with ECONNREFUSED", () => {
  for (const [rule, state] of [['bsd', 'CLOSED'], ['rfc1122', 'SYN-SENT']] as const) {
    const layer = mkLayer(LOCAL.address, { icmpHardErrors: rule, isn: () => 1000 });
    const r = layer.connect(REMOTE, { local: { port: 80 } }, 0);
    assert.ok(r.ok);
    layer.poll(0);
    layer.icmpError({ ...err('unreachable', 13), seq: 1000 }, 1);
    assert.equal(r.value.state, state, rule);
    if (rule === 'bsd') assert.equal(r.value.error, 'ECONNREFUSED');
  }
});

test('ackEverySecondSegment (BSD DELAY_ACK): the second in-order segment of any size is acknowledged at once', () => {
  const { layer } = passiveEstablished({ ackEverySecondSegment: true, quickAckSegments: 0 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1 }), 2);
  assert.deepEqual(layer.poll(2), [], 'the first is delayed');
  layer.receive(dg({ seq: 1002, ack: 5001, flags: ACK, payload: 2 }), 3);
  assert.equal(view(layer.poll(3)[0]!).ack, 1004);
  const rfc = passiveEstablished({ quickAckSegments: 0 });
  rfc.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1 }), 2);
  rfc.layer.receive(dg({ seq: 1002, ack: 5001, flags: ACK, payload: 2 }), 3);
  assert.deepEqual(rfc.layer.poll(3), [], 'RFC 1122 §4.2.3.2: two small segments may wait for the delayed ACK');
});

test('noOptions (BSD TCP_NOOPT): the SYN carries no options and the peer\'s are not used (RFC 9293 §3.7.1 default MSS 536)', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000 });
  const r = layer.connect(REMOTE, { local: { port: 80 }, noOptions: true }, 0);
  assert.ok(r.ok);
  assert.deepEqual(layer.poll(0)[0]!.seg.options, []);
  layer.receive(dg({ seq: 0, ack: 1001, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }, { kind: 'timestamp', val: 5, ecr: 0 }] }, REMOTE.address, LOCAL.address), 1);
  const c = r.value;
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.tsOk, false);
  assert.equal(c.sndMss, 536);
});

test('connectTimeout (BSD keepinit / TCP_KEEPINIT): an attempt not established in time fails with ETIMEDOUT at that time', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000, connectTimeout: 5000, rtoSlop: 200, rtoMin: 30 });
  const r = layer.connect(REMOTE, { local: { port: 80 } }, 1000);
  assert.ok(r.ok);
  layer.poll(1000);
  let t = layer.pollAt()!;
  while (r.value.state === 'SYN-SENT' && t < 100_000) {
    layer.poll(t);
    t = layer.pollAt() ?? Infinity;
  }
  assert.equal(r.value.state, 'CLOSED');
  assert.equal(r.value.error, 'ETIMEDOUT');
  assert.ok(layer.pollAt() === undefined || layer.pollAt()! >= 6000);
});

test('synDropOptionsAfter (BSD rexmit_drop_options): from the 3rd SYN retransmission on the SYN offers only the MSS', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000, synDropOptionsAfter: 3 });
  const r = layer.connect(REMOTE, { local: { port: 80 } }, 0);
  assert.ok(r.ok);
  const kinds: string[][] = [layer.poll(0)[0]!.seg.options.map((o) => o.kind)];
  for (let i = 0; i < 3; i++) {
    const t = layer.pollAt()!;
    kinds.push(layer.poll(t)[0]!.seg.options.map((o) => o.kind));
  }
  assert.ok(kinds[2]!.includes('wscale'), 'the 2nd retransmission still offers window scaling');
  assert.deepEqual(kinds[3], ['mss']);
});

test('duplicateFinAck (BSD, Linux): in CLOSING the peer\'s repeated FIN acknowledging ours ends the closing handshake', () => {
  for (const duplicateFinAck of [true, false]) {
    const { layer, conn } = passiveEstablished({ duplicateFinAck });
    conn.shutdown(2);
    layer.poll(2);
    layer.receive(dg({ seq: 1001, ack: 5001, flags: FIN | ACK }), 3);
    layer.poll(3);
    assert.equal(conn.state, 'CLOSING');
    layer.receive(dg({ seq: 1001, ack: 5002, flags: FIN | ACK }), 4);
    assert.equal(conn.state, duplicateFinAck ? 'TIME-WAIT' : 'CLOSING', `duplicateFinAck=${duplicateFinAck}`);
    assert.equal(view(layer.poll(4)[0]!).ack, 1002, 'acknowledged either way');
  }
});

test('listenerSynAckRst: RFC 9293 §3.10.7.2 answers a SYN-ACK at a listener with RST; FreeBSD drops it', () => {
  for (const listenerSynAckRst of [true, false]) {
    const layer = mkLayer(LOCAL.address, { listenerSynAckRst });
    assert.ok(layer.listen(LOCAL, 8, 0).ok);
    layer.receive(dg({ seq: 17, ack: 34, flags: SYN | ACK }), 1);
    const out = layer.poll(1);
    if (listenerSynAckRst) assert.deepEqual(view(out[0]!), { seq: 34, ack: 0, flags: 'RST', len: 0, window: 0 });
    else assert.deepEqual(out, []);
    layer.receive(dg({ seq: 17, ack: 34, flags: ACK }), 2);
    assert.equal(view(layer.poll(2)[0]!).flags, 'RST', 'a plain ACK still gets its RST');
  }
});
