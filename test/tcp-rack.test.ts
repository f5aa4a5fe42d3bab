// RACK-TLP (RFC 8985): transmit records, time-based loss detection, the reordering window and
// its D-SACK adaptation, the Tail Loss Probe; scenario tests on the Pair harness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxRecords, type Delivery } from '../src/tcp/tx-records.js';
import { Rack } from '../src/tcp/rack.js';
import { dataSegments, session } from './rack-helpers.js';

const MSS = 1448; // 1500 − 40 − 12 (timestamps)

function delivery(): Delivery {
  return { records: [], bytes: 0, cumulative: 0 };
}

test('RFC 8985 §5.2 transmit records: SACK marks after reordering, partial blocks split a record', () => {
  const log = new TxRecords();
  for (let i = 0; i < 5; i++) log.transmit(1000 + i * 100, 1100 + i * 100, i);
  assert.equal(log.size, 5);
  // Segments 3 and 4 (1300–1500) arrive before 2: the peer SACKs them.
  let d = delivery();
  log.sack(1300, 1500, d);
  assert.deepEqual(d.records.map((r) => [r.seq, r.end]), [[1300, 1400], [1400, 1500]]);
  assert.equal(log.sackedBytes, 200);
  assert.equal(log.sackedCount, 2);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => log.at(i)!.sacked), [false, false, false, true, true]);
  // The same block again is nothing new.
  d = delivery();
  log.sack(1300, 1500, d);
  assert.equal(d.records.length, 0);
  // Half of record 1 (1150–1200) is SACKed: the record splits.
  d = delivery();
  log.sack(1150, 1200, d);
  assert.equal(log.size, 6);
  assert.deepEqual([log.at(1)!.seq, log.at(1)!.end, log.at(2)!.seq, log.at(2)!.end], [1100, 1150, 1150, 1200]);
  assert.equal(d.bytes, 50);
  // The time order holds the records neither SACKed nor lost, oldest first.
  const order: number[] = [];
  for (let r = log.oldest; r !== undefined; r = r.tnext) order.push(r.seq);
  assert.deepEqual(order, [1000, 1100, 1200]);
  // A cumulative ACK to 1400 delivers what was not SACKed before and drops the rest.
  d = delivery();
  log.ackTo(1400, d);
  assert.deepEqual(d.records.map((r) => r.seq), [1000, 1100, 1200]);
  assert.equal(d.bytes, 250);
  assert.equal(log.sackedBytes, 100);
  assert.equal(log.size, 1);
});

test('RFC 8985 §6.2 RACK marks lost what was sent before a delivered segment once RACK.rtt + reo_wnd has passed', () => {
  const log = new TxRecords();
  for (let i = 0; i < 4; i++) log.transmit(i * 100, i * 100 + 100, i);
  const rack = new Rack();
  rack.minRtt = 20;
  // At t = 23 the segment sent at t = 3 is SACKed (RTT 20): the ones sent at 0..2 are older.
  const d = delivery();
  log.sack(300, 400, d);
  rack.onDelivered(d.records, 23, () => false);
  assert.equal(rack.rtt, 20);
  assert.equal(rack.endSeq, 400);
  const reo = rack.updateReoWnd(false, 0, 400, false, 1, 3, 20);
  assert.equal(reo, 5, 'reo_wnd = min_RTT / 4');
  // Segment 0 (sent at 0) is due at 0 + 20 + 5 = 25; segment 2 at 27: nothing yet, timer for the latest.
  let [lost, timeout] = rack.detectLoss(log, 23);
  assert.equal(lost, 0);
  assert.equal(timeout, 4);
  [lost, timeout] = rack.detectLoss(log, 25.5);
  assert.equal(lost, 1);
  assert.ok(log.at(0)!.lost && !log.at(1)!.lost);
  [lost] = rack.detectLoss(log, 27);
  assert.equal(lost, 2);
  assert.equal(log.lostBytes, 300);
  // A retransmission clears the mark and puts the record at the young end of the time order.
  log.transmit(0, 100, 30);
  assert.equal(log.at(0)!.lost, false);
  assert.equal(log.at(0)!.retrans, true);
  assert.equal(log.lostBytes, 200);
});

test('RFC 8985 §6.2 step 4 reo_wnd: 0 before reordering is seen once DupThresh segments are SACKed, grown per D-SACK round, bounded by SRTT', () => {
  const rack = new Rack();
  rack.minRtt = 40;
  assert.equal(rack.updateReoWnd(false, 0, 1000, false, 3, 3, 50), 0);
  assert.equal(rack.updateReoWnd(false, 0, 1000, true, 0, 3, 50), 0, 'in recovery');
  rack.reorderingSeen = true;
  assert.equal(rack.updateReoWnd(false, 0, 1000, true, 3, 3, 50), 10);
  assert.equal(rack.updateReoWnd(true, 0, 1000, false, 0, 3, 50), 20, 'a D-SACK doubles it');
  assert.equal(rack.updateReoWnd(true, 500, 1000, false, 0, 3, 50), 20, 'once per round (until SND.UNA passes the round)');
  assert.equal(rack.updateReoWnd(true, 1000, 2000, false, 0, 3, 50), 30);
  assert.equal(rack.updateReoWnd(true, 2000, 3000, false, 0, 3, 50), 40);
  assert.equal(rack.updateReoWnd(true, 3000, 4000, false, 0, 3, 50), 50);
  assert.equal(rack.updateReoWnd(true, 4000, 5000, false, 0, 3, 50), 50, 'never above SRTT');
  for (let i = 0; i < 16; i++) rack.onRecoveryExit();
  assert.equal(rack.reoWndMult, 1, 'reset after 16 recoveries without D-SACK');
});

test('RFC 8985 §7 a tail loss is repaired by a TLP probe after ≈ 2·SRTT, not by the RTO', () => {
  // The last two segments of a 10-segment flight are lost: when the ACK for segment 8 arrives two
  // segments are in flight, so PTO = 2·SRTT; the probe (segment 10 again) is SACKed, RACK deems
  // segment 9 lost and fast recovery repairs it.
  const size = 10 * MSS;
  const run = (tlp: boolean) => {
    let n = 0;
    return session(
      {
        seed: 3,
        delayMs: 10,
        config: { tlp },
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && (++n === 9 || n === 10) ? 'drop' : undefined),
      },
      size,
    );
  };
  const s = run(true);
  assert.equal(s.received, size);
  assert.equal(s.client.stats.rtoExpirations, 0, 'no retransmission timeout');
  assert.equal(s.client.stats.tlpProbes, 1);
  const segs = dataSegments(s);
  const [seg9, seg10] = [segs[8]!, segs[9]!];
  const probe = segs[10]!;
  assert.equal(probe.seq, seg10.seq, 'the probe resends the last segment');
  assert.equal(segs[11]?.seq, seg9.seq, 'then RACK repairs the other hole');
  // ACK of segment 8 at ≈ t0 + 20 ms (RTT 20 ms), PTO = 2·SRTT = 40 ms after it.
  assert.ok(probe.t - seg10.t >= 55 && probe.t - seg10.t <= 65, `probe ${probe.t - seg10.t} ms after the loss`);
  assert.ok(segs[11]!.t - probe.t <= 20 + 20 / 4 + 2, 'recovery begins one RTT (+ reo_wnd) after the probe');
  // Without TLP the same losses wait for the RTO (≥ 200 ms).
  const rto = run(false);
  assert.equal(rto.received, size);
  assert.equal(rto.client.stats.rtoExpirations, 1);
  const late = dataSegments(rto)[10]!;
  assert.ok(late.t - seg10.t >= 200, 'the RTO fires no earlier than RTO.min');
});

test('RFC 8985 §7.2 one segment in flight: PTO adds the delayed-ACK allowance and never passes the RTO', () => {
  let n = 0;
  const s = session(
    { seed: 3, delayMs: 10, impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 10 ? 'drop' : undefined) },
    10 * MSS,
  );
  assert.equal(s.received, 10 * MSS);
  assert.equal(s.client.stats.tlpProbes, 1);
  assert.equal(s.client.stats.rtoExpirations, 0, 'the probe goes out where the RTO would have fired');
  const segs = dataSegments(s);
  const gap = segs[10]!.t - segs[9]!.t;
  // 2·SRTT + 200 ms would be ≈ 260 ms after the send; the RTO (RTO.min 200 ms after the last ACK) comes first.
  assert.ok(gap >= 200 && gap <= 225, `probe ${gap} ms after the loss`);
});

test('RFC 8985 §7.4 a TLP that repaired a loss reduces cwnd once; an unneeded one (D-SACK) does not', () => {
  // Loss: the tail segment is dropped, the probe repairs it; more data follows so an ACK passes TLP.end_seq.
  let n = 0;
  const lossy = session(
    { seed: 4, delayMs: 10, impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 10 ? 'drop' : undefined) },
    [10 * MSS, 5 * MSS],
  );
  assert.equal(lossy.received, 15 * MSS);
  assert.equal(lossy.client.stats.tlpProbes, 1);
  assert.equal(lossy.client.loss.rack.tlpEndSeq, undefined, 'the episode ended');
  assert.ok(Number.isFinite(lossy.client.cc.ssthresh), 'the repaired loss counted as congestion');
  assert.equal(lossy.client.stats.fastRetransmits, 0);
  // No loss: the ACKs of the flight are held beyond the PTO, so the probe is a duplicate the peer D-SACKs.
  let acks = 0;
  const calm = session(
    {
      seed: 4,
      delayMs: 10,
      impair: (d, ctx) => (ctx.from.name === 'b' && d.seg.payload.length === 0 && ctx.now > 30 && ++acks <= 3 ? { delay: 60 } : undefined),
    },
    [10 * MSS, 5 * MSS],
  );
  assert.equal(calm.received, 15 * MSS);
  calm.pair.drive({ until: calm.pair.now + 500 }); // the D-SACK for the probe is still on its way
  assert.equal(calm.client.stats.tlpProbes, 1);
  assert.equal(calm.client.stats.rtoExpirations, 0);
  assert.equal(calm.client.loss.rack.tlpEndSeq, undefined);
  assert.equal(calm.client.cc.ssthresh, Infinity, 'an unneeded probe costs no reduction');
});

test('RFC 8985 §6.2 reordering within reo_wnd causes no retransmission (the dup-ACK threshold does retransmit)', () => {
  // 10 Mbit/s: 1.2 ms per segment. Data segment 4 is held 2 ms (two later ones pass it: reordering
  // seen); segment 20 is held 4 ms, so four later segments are SACKed before it arrives.
  const run = (lossDetection: 'rack' | 'dupack') => {
    let n = 0;
    return session(
      {
        seed: 5,
        delayMs: 10,
        rateMbps: 10,
        config: { lossDetection, spuriousUndo: false },
        impair: (d, ctx) => {
          if (ctx.from.name !== 'a' || d.seg.payload.length === 0) return undefined;
          n++;
          return n === 4 ? { delay: 2 } : n === 20 ? { delay: 4 } : undefined;
        },
      },
      40 * MSS,
    );
  };
  const rack = run('rack');
  assert.equal(rack.received, 40 * MSS);
  assert.equal(rack.client.loss.rack.reorderingSeen, true);
  assert.equal(rack.client.stats.retransmittedSegments, 0, 'RACK waits reo_wnd and sees the segment arrive');
  const dup = run('dupack');
  assert.ok(dup.client.stats.retransmittedSegments > 0, 'three duplicate ACKs trigger a (spurious) fast retransmit');
});

test('RFC 8985 §6.2 step 4 / RFC 2883: a D-SACK for a spurious retransmission grows reo_wnd', () => {
  let n = 0;
  const s = session(
    {
      seed: 6,
      delayMs: 10,
      rateMbps: 10,
      config: { timestamps: false },
      // Segment 5 is held 15 ms: far beyond reo_wnd, RACK retransmits it, then both copies arrive.
      impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 5 ? { delay: 15 } : undefined),
    },
    30 * MSS,
  );
  assert.equal(s.received, 30 * MSS);
  assert.ok(s.client.stats.retransmittedSegments >= 1);
  assert.equal(s.client.loss.rack.reoWndMult, 2, 'reo_wnd_mult grew by one');
  assert.equal(s.client.loss.rack.reorderingSeen, true);
});

test('RFC 8985 without SACK the connection keeps counting duplicate ACKs (RACK needs SACK)', () => {
  let n = 0;
  const s = session(
    { seed: 7, delayMs: 10, config: { sack: false }, impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 3 ? 'drop' : undefined) },
    20 * MSS,
  );
  assert.equal(s.received, 20 * MSS);
  assert.equal(s.client.sackOk, false);
  assert.equal(s.client.stats.fastRetransmits, 1);
  assert.equal(s.client.stats.tlpProbes, 0);
});

test('RFC 8985 §5.2 transmit records are reused once acknowledged: a new transmission takes a freed record, reset', () => {
  const log = new TxRecords();
  log.transmit(0, 100, 1);
  log.transmit(100, 200, 1);
  let d = delivery();
  log.sack(100, 200, d);
  log.transmit(0, 100, 5); // retransmission
  const first = log.at(0)!;
  const second = log.at(1)!;
  d = delivery();
  log.ackTo(200, d);
  assert.deepEqual(d.records, [first], 'the SACKed record is not delivered twice');
  assert.equal(first.retrans, true);
  // Until recycle() (the ACK is done with its Delivery) the records are not handed out again.
  log.transmit(200, 300, 6);
  assert.ok(log.at(0) !== first && log.at(0) !== second);
  log.recycle();
  log.transmit(300, 400, 7);
  const reused = log.at(1)!;
  assert.ok(reused === first || reused === second, 'a freed record is reused');
  assert.deepEqual([reused.seq, reused.end, reused.sentAt, reused.retrans, reused.sacked, reused.lost, reused.markedLost], [300, 400, 7, false, false, false, false]);
  assert.equal(log.oldest, log.at(0));
  assert.equal(log.oldest!.tnext, reused);
  assert.equal(log.sackedBytes, 0);
});
