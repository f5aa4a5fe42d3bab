// Proportional Rate Reduction, RFC 6937: the per-ACK sending budget during fast recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prr } from '../src/tcp/prr.js';
import { rackPipe } from '../src/tcp/loss.js';
import { session } from './rack-helpers.js';

const MSS = 1000;

test('RFC 6937 §3 proportional part: with ssthresh = RecoverFS/2, one segment per two delivered', () => {
  const prr = new Prr('ssrb');
  prr.start(20 * MSS);
  const ssthresh = 10 * MSS;
  let pipe = 19 * MSS;
  const sent: number[] = [];
  for (let ack = 1; ack <= 8; ack++) {
    pipe -= MSS; // one segment delivered per ACK
    let budget = prr.onAck(MSS, pipe, ssthresh, MSS);
    let n = 0;
    while (budget >= MSS) {
      prr.onSend(MSS);
      pipe += MSS;
      budget = prr.budget;
      n++;
    }
    sent.push(n);
  }
  // The first ACK sends the fast retransmission (RFC 6937bis: prr_out = 0 allows one SMSS).
  assert.deepEqual(sent, [1, 0, 0, 1, 0, 1, 0, 1]);
  assert.equal(prr.out, 4 * MSS);
  assert.equal(prr.delivered, 8 * MSS);
});

test('RFC 6937 §3 reduction bound: below ssthresh, SSRB grows pipe by delivered + 1 SMSS per safe ACK, CRB by delivered only', () => {
  for (const [bound, expect] of [['ssrb', 2 * MSS], ['crb', MSS]] as const) {
    const prr = new Prr(bound);
    prr.start(20 * MSS);
    prr.onSend(MSS); // the fast retransmission already went out
    prr.delivered = 10 * MSS; // as if ten segments had been delivered and ten sent
    prr.out = 10 * MSS;
    // pipe = 5 segments, ssthresh = 10: room of 5, one segment delivered by this ACK.
    assert.equal(prr.onAck(MSS, 5 * MSS, 10 * MSS, MSS), expect, bound);
    // Never above ssthresh − pipe.
    assert.equal(prr.onAck(5 * MSS, 9 * MSS, 10 * MSS, MSS), MSS, `${bound}: capped at ssthresh − pipe`);
  }
  // draft-ietf-tcpm-prr-rfc6937bis §5: the extra SMSS only on an ACK that advances SND.UNA without new loss.
  const prr = new Prr('ssrb');
  prr.start(20 * MSS);
  prr.delivered = prr.out = 10 * MSS;
  assert.equal(prr.onAck(MSS, 5 * MSS, 10 * MSS, MSS, false), MSS);
});

test('RFC 6937 PRR keeps sending during recovery and ends it at ssthresh without a burst', () => {
  // 100 Mbit/s, RTT 20 ms: by the 60th data segment slow start has a window of several dozen
  // segments; that segment is lost once.
  let n = 0;
  let inRec = false;
  let starts = 0;
  let newDataInRecovery = 0;
  let lastMax = 0;
  const proportional: Array<{ out: number; expected: number }> = [];
  let exit: { pipe: number; ssthresh: number; mss: number } | undefined;
  const s = session(
    {
      seed: 8,
      delayMs: 10,
      rateMbps: 100,
      impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 60 ? 'drop' : undefined),
    },
    300 * 1448,
    (c) => {
      const l = c.loss;
      if (c.recovery.inRecovery) {
        if (!inRec) {
          starts++;
          lastMax = c.sndMax;
        }
        if (c.sndMax !== lastMax) {
          newDataInRecovery++;
          lastMax = c.sndMax;
        }
        if (rackPipe(c) > c.cc.ssthresh && l.prr.active) {
          proportional.push({ out: l.prr.out, expected: Math.ceil((l.prr.delivered * c.cc.ssthresh) / l.prr.recoverFs) });
        }
      } else if (inRec && exit === undefined) exit = { pipe: rackPipe(c), ssthresh: c.cc.ssthresh, mss: c.sndMss };
      inRec = c.recovery.inRecovery;
    },
  );
  assert.equal(s.received, 300 * 1448);
  assert.equal(starts, 1, 'one recovery episode');
  assert.equal(s.client.stats.rtoExpirations, 0);
  assert.ok(newDataInRecovery >= 5, `new data kept flowing during recovery (${newDataInRecovery} sends)`);
  assert.ok(proportional.length > 0);
  // prr_out tracks CEIL(prr_delivered · ssthresh / RecoverFS) within one segment.
  for (const p of proportional) assert.ok(Math.abs(p.out - p.expected) <= 1448 + 1, `prr_out ${p.out} vs ${p.expected}`);
  assert.ok(exit !== undefined);
  assert.ok(exit.pipe <= exit.ssthresh + exit.mss, `pipe ${exit.pipe} at the end of recovery, ssthresh ${exit.ssthresh}`);
});
