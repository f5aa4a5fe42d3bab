// Retransmission timer (RFC 6298), retry limits and user timeout (RFC 9293 §3.8.3), delayed ACK
// (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2), keep-alive (RFC 1122 §4.2.3.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished, view } from './tcp-helpers.js';
import { RttEstimator } from '../src/tcp/rtt.js';

test('RFC 6298 §2.1–§2.3: RTO from SRTT and RTTVAR', () => {
  const r = new RttEstimator({ initial: 1000, min: 1, max: 60_000, granularity: 1 });
  assert.equal(r.rto, 1000);
  r.sample(300);
  assert.equal(r.srtt, 300);
  assert.equal(r.rttvar, 150);
  assert.equal(r.rto, 900);
  r.sample(500);
  assert.equal(r.rttvar, 162.5);
  assert.equal(r.srtt, 325);
  assert.equal(r.rto, 975);
});

test('RFC 6298 §2.4/§2.5: RTO is clamped to [min, max]; G bounds the variance term', () => {
  const r = new RttEstimator({ initial: 1000, min: 200, max: 60_000, granularity: 10 });
  r.sample(1);
  assert.equal(r.rto, 200);
  for (let i = 0; i < 20; i++) r.backoff();
  assert.equal(r.rto, 60_000);
  const g = new RttEstimator({ initial: 1000, min: 1, max: 60_000, granularity: 50 });
  for (let i = 0; i < 50; i++) g.sample(100);
  assert.ok(Math.abs(g.rto - 150) < 1, `RTO ${g.rto} ≈ SRTT + G when RTTVAR → 0`);
});

test('RFC 6298 §5.5 backoff doubles RTO on each expiry; §5.4 the earliest segment is retransmitted', () => {
  // RFC 6298 alone: without RFC 4821 black-hole detection (tcp-plpmtud.test.ts), which would shrink the segment at the 2nd expiry.
  const { layer, conn } = passiveEstablished({ rtoMin: 200, mtuProbing: 'off' });
  const base = conn.rtt.rto; // SYN-ACK RTT was 1 ms → RTO clamped to 200
  assert.equal(base, 200);
  conn.send(new Uint8Array(3000), 10);
  const first = layer.poll(10);
  assert.equal(first.length, 3);
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const at = layer.pollAt()!;
    const out = layer.poll(at);
    assert.equal(out.length, 1, 'one segment (cwnd = 1 MSS after an RTO)');
    assert.equal(view(out[0]!).seq, 5001);
    assert.equal(view(out[0]!).len, 1460);
    times.push(at);
  }
  assert.deepEqual(times, [210, 610, 1410, 3010]);
  assert.equal(conn.cc.cwnd, 1460, 'RFC 5681 §3.1: loss window of one segment');
  assert.equal(conn.stats.rtoExpirations, 4);
});

test('RFC 6298 §5.2: the timer stops when all data is acknowledged; §5.3 restarts on new ACKs', () => {
  const { layer, conn } = passiveEstablished();
  conn.send(new Uint8Array(3000), 10);
  layer.poll(10);
  assert.equal(layer.pollAt(), 10 + conn.rtt.rto);
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 50);
  layer.poll(50);
  assert.equal(layer.pollAt(), 50 + conn.rtt.rto);
  layer.receive(dg({ seq: 1001, ack: 5001 + 3000, flags: ACK }), 60);
  layer.poll(60);
  assert.equal(conn.timers.rto, Infinity);
  assert.equal(layer.pollAt(), undefined);
});

test("RFC 6298 §3 Karn's rule: no RTT sample from a retransmitted segment", () => {
  const { layer, conn } = passiveEstablished();
  const srtt = conn.rtt.srtt;
  conn.send(new Uint8Array(100), 10);
  layer.poll(10);
  layer.poll(layer.pollAt()!); // retransmission
  layer.receive(dg({ seq: 1001, ack: 5101, flags: ACK }), 900);
  assert.equal(conn.rtt.srtt, srtt, 'the ambiguous ACK is not timed');
  conn.send(new Uint8Array(100), 1000);
  layer.poll(1000);
  layer.receive(dg({ seq: 1001, ack: 5201, flags: ACK }), 1040);
  assert.notEqual(conn.rtt.srtt, srtt, 'a fresh segment is timed again');
  assert.equal(conn.rtt.latest, 40);
});

test('RFC 9293 §3.8.3 R2: after dataRetries expiries the connection fails with ETIMEDOUT and sends RST', () => {
  const { layer, conn } = passiveEstablished({ dataRetries: 3 });
  conn.send(new Uint8Array(10), 10);
  layer.poll(10);
  let last: ReturnType<typeof layer.poll> = [];
  while (conn.state === 'ESTABLISHED') last = layer.poll(layer.pollAt()!);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(conn.error, 'ETIMEDOUT');
  assert.equal(view(last[last.length - 1]!).flags, 'RST');
  assert.equal(conn.stats.retransmittedSegments, 3);
  const ev = layer.pollEvents().find((e) => e.type === 'closed');
  assert.ok(ev && ev.type === 'closed' && ev.error === 'ETIMEDOUT');
});

test('RFC 9293 §3.8.3 / RFC 5482 user timeout: ETIMEDOUT when data stays unacknowledged that long', () => {
  const { layer, conn } = passiveEstablished();
  conn.setUserTimeout(1500);
  conn.send(new Uint8Array(10), 10);
  layer.poll(10);
  let now = 10;
  while (conn.state === 'ESTABLISHED') {
    now = layer.pollAt()!;
    layer.poll(now);
  }
  assert.equal(conn.error, 'ETIMEDOUT');
  assert.ok(now >= 1510 && now < 1700, `failed at ${now}`);
});

test('RFC 9293 §3.8.6.3 delayed ACK: a lone segment is acknowledged after the delay, not at once', () => {
  const { layer } = passiveEstablished({ quickAckSegments: 0, delayedAckTimeout: 40 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 100 }), 10);
  assert.deepEqual(layer.poll(10), []);
  assert.equal(layer.pollAt(), 50);
  assert.deepEqual(view(layer.poll(50)[0]!), { seq: 5001, ack: 1101, flags: 'ACK', len: 0, window: 65435 });
});

test('RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: an ACK for at least every second full-sized segment', () => {
  const { layer } = passiveEstablished({ quickAckSegments: 0 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1460 }), 10);
  assert.deepEqual(layer.poll(10), []);
  layer.receive(dg({ seq: 2461, ack: 5001, flags: ACK, payload: 1460 }), 11);
  assert.equal(view(layer.poll(11)[0]!).ack, 3921);
});

test('quick ACK at connection start: the first segments are acknowledged at once', () => {
  const { layer } = passiveEstablished({ quickAckSegments: 2 });
  for (let i = 0; i < 2; i++) {
    layer.receive(dg({ seq: 1001 + i * 10, ack: 5001, flags: ACK, payload: 10 }), 10 + i);
    assert.equal(layer.poll(10 + i).length, 1);
  }
  layer.receive(dg({ seq: 1021, ack: 5001, flags: ACK, payload: 10 }), 20);
  assert.deepEqual(layer.poll(20), [], 'then delayed');
});

test('an ACK that rides on data cancels the delayed ACK', () => {
  const { layer, conn } = passiveEstablished({ quickAckSegments: 0 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 100 }), 10);
  layer.poll(10);
  conn.send(new Uint8Array(5), 20);
  const out = layer.poll(20);
  assert.equal(out.length, 1);
  assert.equal(view(out[0]!).ack, 1101);
  assert.equal(conn.timers.delack, Infinity);
});

test('RFC 1122 §4.2.3.6: keep-alive is off by default — an idle connection has no timer', () => {
  const { layer } = passiveEstablished();
  assert.equal(layer.pollAt(), undefined);
});

test('RFC 1122 §4.2.3.6 keep-alive: probes after the idle time, every interval, ETIMEDOUT after the count', () => {
  const { layer, conn } = passiveEstablished({ keepAliveInterval: 1000, keepAliveCount: 3 });
  conn.setKeepAlive(true, 10_000);
  layer.poll(1);
  assert.equal(layer.pollAt(), 1 + 10_000);
  const probes: number[] = [];
  while (conn.state === 'ESTABLISHED') {
    const at = layer.pollAt()!;
    for (const d of layer.poll(at)) {
      if (view(d).flags === 'ACK') {
        assert.deepEqual(view(d), { seq: 5000, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
        probes.push(at);
      }
    }
  }
  assert.deepEqual(probes, [10_001, 11_001, 12_001]);
  assert.equal(conn.error, 'ETIMEDOUT');
});

test('RFC 1122 §4.2.3.6 keep-alive: an answered probe keeps the connection and restarts the idle time', () => {
  const { layer, conn } = passiveEstablished();
  conn.setKeepAlive(true, 10_000);
  layer.poll(1);
  layer.poll(10_001);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK }), 10_010);
  layer.poll(10_010);
  assert.equal(conn.keepProbes, 0);
  assert.equal(layer.pollAt(), 20_010);
  assert.equal(conn.state, 'ESTABLISHED');
});
