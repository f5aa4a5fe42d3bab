// RFC 6937 PRR for connections without SACK: DeliveredData estimated from duplicate ACKs (one
// SMSS each) and the cumulative ACK less what they already counted; pipe = FlightSize less those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DupAckDelivery } from '../src/tcp/prr.js';
import { session } from './rack-helpers.js';

const MSS = 1000;

test('RFC 6937 §3 without SACK: each duplicate ACK delivers one SMSS; the cumulative ACK only what they did not count', () => {
  const d = new DupAckDelivery();
  assert.equal(d.onAck(true, 0, MSS, 10 * MSS), MSS);
  assert.equal(d.onAck(true, 0, MSS, 10 * MSS), MSS);
  assert.equal(d.onAck(true, 0, MSS, 10 * MSS), MSS);
  assert.equal(d.credit, 3 * MSS);
  // A partial ACK for the retransmitted segment and the three behind it: 4 SMSS, 3 already counted.
  assert.equal(d.onAck(false, 4 * MSS, MSS, 6 * MSS), MSS);
  assert.equal(d.credit, 0);
  // A partial ACK smaller than the credit delivers nothing new and keeps the rest of the credit.
  d.onAck(true, 0, MSS, 6 * MSS);
  d.onAck(true, 0, MSS, 6 * MSS);
  assert.equal(d.onAck(false, MSS, MSS, 5 * MSS), 0);
  assert.equal(d.credit, MSS);
  // Never more credit than the flight (a duplicate ACK with nothing left to stand for).
  const e = new DupAckDelivery();
  for (let i = 0; i < 5; i++) e.onAck(true, 0, MSS, 2 * MSS);
  assert.equal(e.credit, 2 * MSS);
});

for (const bound of ['ssrb', 'crb'] as const) {
  test(`RFC 6937 §3 PRR-${bound.toUpperCase()} paces fast recovery on a connection without SACK: sends per the formula, ends at ssthresh`, () => {
    let n = 0;
    let starts = 0;
    let inRec = false;
    let prrSeen = 0;
    let lastOut = 0;
    let overBudget = 0;
    let newData = 0;
    let lastMax = 0;
    let exit: { cwnd: number; ssthresh: number } | undefined;
    const s = session(
      {
        seed: 11,
        delayMs: 10,
        rateMbps: 100,
        config: { sack: false, prr: bound, congestionControl: 'newreno' },
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 60 ? 'drop' : undefined),
      },
      300 * 1448,
      (c) => {
        const l = c.loss;
        if (c.recovery.inRecovery) {
          if (!inRec) {
            starts++;
            lastOut = 0;
            lastMax = c.sndMax;
          }
          assert.equal(c.sackOk, false);
          assert.ok(l.prr.active, 'PRR runs the recovery');
          prrSeen++;
          if (c.sndMax !== lastMax) {
            newData++;
            lastMax = c.sndMax;
          }
          // prr_out never exceeds what the formula allowed: the proportional part while pipe is
          // above ssthresh, prr_delivered (+ 1 SMSS per ACK, SSRB) below it, and the first retransmission.
          const slack = (bound === 'ssrb' ? 2 : 1) * c.sndMss;
          const allowed = Math.max(Math.ceil((l.prr.delivered * c.cc.ssthresh) / l.prr.recoverFs), l.prr.delivered) + slack;
          if (l.prr.out > allowed) overBudget++;
          lastOut = l.prr.out;
        } else if (inRec && exit === undefined) exit = { cwnd: c.cc.cwnd, ssthresh: c.cc.ssthresh };
        inRec = c.recovery.inRecovery;
      },
    );
    assert.equal(s.received, 300 * 1448);
    assert.equal(starts, 1, 'one recovery episode');
    assert.equal(s.client.stats.rtoExpirations, 0);
    assert.ok(prrSeen > 5);
    assert.ok(lastOut > 0, 'the recovery sent under PRR');
    assert.ok(newData >= 3, `new data kept flowing during recovery (${newData} sends)`);
    assert.equal(overBudget, 0);
    assert.ok(exit !== undefined);
    assert.equal(exit.cwnd, exit.ssthresh, 'RFC 6937 §3: cwnd = ssthresh when recovery ends');
  });
}
