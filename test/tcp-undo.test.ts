// Spurious-retransmission undo: detection by timestamps (Eifel, RFC 3522) and D-SACK (RFC 3708),
// response by restoring the window as before the reduction (RFC 4015).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpuriousUndo } from '../src/tcp/undo.js';
import { NewReno } from '../src/tcp/cc/newreno.js';
import { Cubic } from '../src/tcp/cc/cubic.js';
import { session } from './rack-helpers.js';

const MSS = 1448;

test('RFC 3522 §2 Eifel: the first ACK above the retransmission decides by its echoed timestamp', () => {
  const u = new SpuriousUndo();
  u.begin('recovery', { cwnd: 20_000, ssthresh: Infinity }, 1000);
  u.onRetransmit(1000, 2000, 500);
  assert.equal(u.eifel(1000, 400), false, 'not yet above the retransmitted segment');
  assert.equal(u.eifel(2000, 400), true, 'TSecr 400 < RetransmitTS 500: the original was acknowledged');
  u.begin('recovery', { cwnd: 20_000, ssthresh: Infinity }, 1000);
  u.onRetransmit(1000, 2000, 500);
  assert.equal(u.eifel(2000, 500), false, 'the retransmission itself was acknowledged');
  assert.equal(u.eifel(3000, 100), false, 'only the first acceptable ACK decides');
});

test('RFC 3708 §3 D-SACK: spurious once every retransmission of the episode is reported duplicate', () => {
  const u = new SpuriousUndo();
  u.begin('recovery', { cwnd: 20_000, ssthresh: Infinity }, 1000);
  u.onRetransmit(1000, 2000, undefined);
  u.onRetransmit(3000, 4000, undefined);
  assert.equal(u.dsack(500, 1000), false, 'below the episode');
  assert.equal(u.dsack(1000, 2000), false, 'one of two');
  assert.equal(u.dsack(1000, 2000), false, 'the same one again counts once');
  assert.equal(u.dsack(3000, 4000), true);
});

test('RFC 4015 §4 response: cwnd and ssthresh as before the reduction (CUBIC: W_max too)', () => {
  const init = { mss: 1000, initialWindowSegments: 10, synLost: false };
  for (const cc of [new NewReno(init), new Cubic(init)]) {
    cc.cwnd = 40_000;
    const prior = { cwnd: cc.cwnd, ssthresh: cc.ssthresh };
    cc.onRecoveryStart(40_000, 0, true);
    assert.ok(cc.cwnd < 40_000);
    cc.undo(prior);
    assert.equal(cc.cwnd, 40_000, cc.name);
    assert.equal(cc.ssthresh, 40_000, `${cc.name}: an infinite ssthresh comes back as the restored window`);
  }
  const cubic = new Cubic(init);
  cubic.cwnd = 30_000;
  cubic.onRecoveryStart(30_000, 0, true); // W_max = 30
  cubic.cwnd = 25_000;
  const prior = { cwnd: cubic.cwnd, ssthresh: cubic.ssthresh };
  cubic.onRecoveryStart(25_000, 0, true); // fast convergence would lower W_max
  cubic.undo(prior);
  assert.equal(cubic.state.wMax, 30, 'W_max as before the undone reduction');
});

/** Watches cwnd: the value just before the first reduction, and the value right after the first undo. */
function watcher() {
  const w = { before: 0, after: 0, reduced: false, undone: false, last: 0 };
  return {
    w,
    sample: (c: { cc: { cwnd: number }; recovery: { inRecovery: boolean }; stats: { spuriousUndos: number; rtoExpirations: number } }) => {
      if (!w.reduced && (c.recovery.inRecovery || c.stats.rtoExpirations > 0)) {
        w.reduced = true;
        w.before = w.last;
      }
      if (w.reduced && !w.undone && c.stats.spuriousUndos > 0) {
        w.undone = true;
        w.after = c.cc.cwnd;
      }
      w.last = c.cc.cwnd;
    },
  };
}

for (const [timestamps, prr] of [[false, 'ssrb'], [true, 'ssrb'], [false, 'off']] as const) {
  const how = (timestamps ? 'RFC 3522 Eifel (timestamps)' : 'RFC 3708 D-SACK') + (prr === 'off' ? ', PRR off' : '');
  test(`${how} undoes a spurious fast retransmit: cwnd restored`, () => {
    let n = 0;
    const { w, sample } = watcher();
    const s = session(
      {
        seed: 6,
        delayMs: 10,
        rateMbps: 10,
        config: { timestamps, prr },
        // Segment 12 is held 15 ms, far beyond reo_wnd: RACK retransmits it, then the original arrives.
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 12 ? { delay: 15 } : undefined),
      },
      60 * MSS,
      sample,
    );
    assert.equal(s.received, 60 * MSS);
    assert.ok(s.client.stats.retransmittedSegments >= 1);
    assert.equal(s.client.stats.spuriousUndos, 1);
    assert.ok(w.reduced && w.undone);
    assert.ok(w.after >= w.before, `cwnd ${w.after} after the undo, ${w.before} before the reduction`);
    assert.equal(s.client.cc.ssthresh >= w.before, true);
  });
}

test('RFC 3522 / RFC 4015 a spurious RTO (ACKs held past the RTO) is undone by timestamps: cwnd back, no go-back-N', () => {
  let held = 0;
  const { w, sample } = watcher();
  const s = session(
    {
      seed: 9,
      delayMs: 10,
      rateMbps: 100,
      config: { tlp: false },
      // After the first few round trips, a burst of ACKs is held for 400 ms (a delay spike).
      impair: (d, ctx) => (ctx.from.name === 'b' && d.seg.payload.length === 0 && ctx.now > 70 && held++ < 40 ? { delay: 400 } : undefined),
    },
    80 * MSS,
    sample,
  );
  assert.equal(s.received, 80 * MSS);
  const rtos = s.client.stats.rtoExpirations;
  assert.ok(rtos >= 1);
  assert.equal(s.client.stats.spuriousUndos, rtos, 'every timeout was spurious, and each was undone');
  assert.ok(w.after >= w.before, `cwnd ${w.after} after the undo, ${w.before} before the RTO`);
  // Each timeout resent the segment at SND.UNA only: the undo stopped go-back-N (RFC 4015 step 3).
  assert.equal(s.client.stats.retransmittedSegments, rtos);
});

test('RFC 4015 undo off (spuriousUndo: false): the reduction stands', () => {
  let n = 0;
  const s = session(
    {
      seed: 6,
      delayMs: 10,
      rateMbps: 10,
      config: { spuriousUndo: false },
      impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 12 ? { delay: 15 } : undefined),
    },
    60 * MSS,
  );
  assert.equal(s.client.stats.spuriousUndos, 0);
  assert.ok(Number.isFinite(s.client.cc.ssthresh));
});
