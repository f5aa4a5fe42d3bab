// Congestion control and loss recovery: RFC 5681 (slow start, congestion avoidance, fast
// retransmit/recovery), RFC 6582 (NewReno partial ACKs), RFC 3042 (limited transmit), RFC 6928 (IW).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished, view } from './tcp-helpers.js';
import { NewReno } from '../src/tcp/cc/newreno.js';
import { registerCongestionControl } from '../src/tcp/cc/index.js';
import type { AckSample, CongestionControl } from '../src/tcp/cc/types.js';

const MSS = 1460;
const seg = (i: number): number => 5001 + i * MSS;

function sender(config = {}) {
  // These tests follow RFC 5681/6582 arithmetic: NewReno, whatever the default algorithm is.
  const p = passiveEstablished({ congestionControl: 'newreno', ...config }, 1000, 5000, 65535, MSS);
  return p;
}

function ack(p: ReturnType<typeof sender>, a: number, now: number, window = 65535): ReturnType<typeof p.layer.poll> {
  p.layer.receive(dg({ seq: 1001, ack: a, flags: ACK, window }), now);
  return p.layer.poll(now);
}

const sample = (acked: number, flight: number): AckSample => ({ ackedBytes: acked, rtt: undefined, srtt: undefined, flightSize: flight, delivered: 0, appLimited: false, now: 0 });

test('RFC 5681 §3.1 slow start: cwnd grows by min(N, SMSS) per ACK', () => {
  const cc = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false });
  assert.equal(cc.cwnd, 14600);
  cc.onAck(sample(MSS, 14600));
  assert.equal(cc.cwnd, 14600 + MSS);
  cc.onAck(sample(3 * MSS, 16060));
  assert.equal(cc.cwnd, 14600 + 2 * MSS, 'at most one SMSS per ACK');
});

test('RFC 5681 §3.1 congestion avoidance: about one SMSS per window of ACKed data', () => {
  const cc = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false });
  cc.onRto(20 * MSS); // ssthresh = 10 MSS, cwnd = 1 MSS
  while (cc.cwnd < cc.ssthresh) cc.onAck(sample(MSS, cc.cwnd));
  const start = cc.cwnd;
  let acked = 0;
  while (acked < start) {
    cc.onAck(sample(MSS, cc.cwnd));
    acked += MSS;
  }
  assert.equal(cc.cwnd, start + MSS);
});

test('RFC 7661: cwnd does not grow while the sender does not use it', () => {
  const cc = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false });
  cc.onAck(sample(MSS, MSS));
  assert.equal(cc.cwnd, 14600);
});

test('RFC 5681 §3.2 fast retransmit on the third duplicate ACK, with RFC 3042 limited transmit before it', () => {
  const p = sender();
  p.conn.send(new Uint8Array(30 * MSS), 10);
  assert.equal(p.layer.poll(10).length, 10, 'IW10');
  // Segment 0 is lost; segments 1.. arrive and produce duplicate ACKs.
  let out = ack(p, seg(0), 20);
  assert.deepEqual(out.map((d) => view(d).seq), [seg(10)], 'RFC 3042: first dup ACK sends one new segment');
  out = ack(p, seg(0), 21);
  assert.deepEqual(out.map((d) => view(d).seq), [seg(11)], 'second dup ACK: one more');
  out = ack(p, seg(0), 22);
  assert.deepEqual(out.map((d) => view(d).seq), [seg(0)], 'third dup ACK: fast retransmit of SND.UNA');
  assert.equal(p.conn.recovery.inRecovery, true);
  assert.equal(p.conn.cc.ssthresh, 6 * MSS, 'ssthresh = FlightSize / 2 (12 segments out)');
  assert.equal(p.conn.cc.cwnd, 9 * MSS, 'cwnd = ssthresh + 3·SMSS');
  assert.equal(p.conn.stats.fastRetransmits, 1);
  // Further duplicate ACKs inflate cwnd; new data flows once cwnd exceeds the flight.
  for (let i = 0; i < 3; i++) ack(p, seg(0), 23 + i);
  assert.equal(p.conn.cc.cwnd, 12 * MSS);
  out = ack(p, seg(0), 30);
  assert.deepEqual(out.map((d) => view(d).seq), [seg(12)], 'inflated cwnd admits a new segment');
});

test('RFC 6582 §3.2 NewReno partial ACK: retransmit the next hole at once, stay in recovery; full ACK ends it', () => {
  const p = sender();
  p.conn.send(new Uint8Array(30 * MSS), 10);
  p.layer.poll(10);
  for (let i = 0; i < 3; i++) ack(p, seg(0), 20 + i); // segments 0 and 4 lost
  assert.equal(p.conn.recovery.inRecovery, true);
  const recover = p.conn.recovery.recover;
  assert.equal(recover, seg(12) - 1, 'recover = highest sequence number sent');
  // The retransmitted segment 0 fills the first hole: cumulative ACK up to segment 4 (partial).
  let out = ack(p, seg(4), 40);
  assert.equal(view(out[0]!).seq, seg(4), 'partial ACK: the next unacknowledged segment is retransmitted');
  assert.equal(p.conn.recovery.inRecovery, true);
  // Full ACK: everything through `recover`.
  out = ack(p, seg(12), 60);
  assert.equal(p.conn.recovery.inRecovery, false);
  assert.ok(p.conn.cc.cwnd <= p.conn.cc.ssthresh, 'cwnd deflated to at most ssthresh');
  assert.ok(out.length > 0, 'new data after recovery');
});

test('RFC 6582 §3.2 step 2: duplicate ACKs below `recover` after an RTO do not start another fast retransmit', () => {
  const p = sender();
  p.conn.send(new Uint8Array(30 * MSS), 10);
  p.layer.poll(10);
  p.layer.poll(p.layer.pollAt()!); // RTO: recover = highest sent
  assert.equal(p.conn.stats.rtoExpirations, 1);
  for (let i = 0; i < 5; i++) ack(p, seg(0), 300 + i);
  assert.equal(p.conn.recovery.inRecovery, false);
  assert.equal(p.conn.stats.fastRetransmits, 0);
});

test('RFC 5681 §2: ACKs that change the window or carry data are not duplicate ACKs', () => {
  const p = sender();
  p.conn.send(new Uint8Array(10 * MSS), 10);
  p.layer.poll(10);
  ack(p, seg(0), 20, 60000);
  ack(p, seg(0), 21, 50000);
  ack(p, seg(0), 22, 40000);
  assert.equal(p.conn.recovery.dupAcks, 0);
  p.layer.receive(dg({ seq: 1001, ack: seg(0), flags: ACK, payload: 10, window: 40000 }), 23);
  assert.equal(p.conn.recovery.dupAcks, 0);
});

test('a registered congestion controller is used through the interface only', () => {
  const calls: string[] = [];
  class Fixed implements CongestionControl {
    readonly name = 'fixed';
    cwnd = 3 * MSS;
    ssthresh = Infinity;
    onAck(): void {
      calls.push('ack');
    }
    onRecoveryStart(): void {
      calls.push('recovery');
    }
    onDupAckInRecovery(): void {}
    onPartialAck(): void {}
    onRecoveryEnd(): void {}
    onRto(): void {
      calls.push('rto');
    }
    onIdleRestart(): void {}
    setMss(): void {}
  }
  registerCongestionControl('fixed', () => new Fixed());
  const p = sender({ congestionControl: 'fixed' });
  assert.equal(p.conn.cc.name, 'fixed');
  p.conn.send(new Uint8Array(10 * MSS), 10);
  assert.equal(p.layer.poll(10).length, 3, 'cwnd of 3 segments');
  ack(p, seg(1), 20);
  p.layer.poll(p.layer.pollAt()!);
  assert.deepEqual(calls, ['ack', 'rto']);
});

test('RFC 5681 §4.1: after an idle period longer than the RTO, cwnd restarts from min(IW, cwnd)', () => {
  const p = sender();
  p.conn.send(new Uint8Array(40 * MSS), 10);
  p.layer.poll(10);
  for (let i = 1; i <= 40; i++) ack(p, seg(i), 10 + i);
  const grown = p.conn.cc.cwnd;
  assert.ok(grown > 14600);
  p.conn.send(new Uint8Array(40 * MSS), 10_000);
  const out = p.layer.poll(10_000);
  assert.equal(p.conn.cc.cwnd, 14600);
  assert.equal(out.length, 10, 'a fresh initial window of segments');
});
