// F-RTO (RFC 5682, frto.ts): spurious retransmission timeouts told from genuine ones by the ACKs
// that follow, without timestamps; the RFC 4015 response restores the window after a spurious one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session } from './rack-helpers.js';
import { resolveConfig } from '../src/tcp/config.js';
import { tcpProfileConfig } from '../src/tcp/profiles.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { createNetwork } from '../src/sim/index.js';

const MSS = 1448;
/** Enough data that new segments are still queued at every timeout of the spike (step 2b needs some). */
const SIZE = 400 * MSS;

/** cwnd just before the first timeout, and the smallest cwnd after the episode's verdict. */
function watcher() {
  const w = { before: 0, last: 0, rto: false, afterVerdict: Infinity };
  return {
    w,
    sample: (c: TcpConnection) => {
      if (!w.rto && c.stats.rtoExpirations > 0) {
        w.rto = true;
        w.before = w.last;
      }
      if (w.rto && c.lossIfAny !== undefined && c.lossIfAny.frto.step === 0 && c.lossIfAny.frto.spurious + c.lossIfAny.frto.genuine > 0) {
        w.afterVerdict = Math.min(w.afterVerdict, c.cc.cwnd);
      }
      w.last = c.cc.cwnd;
    },
  };
}

/** A delay spike: after 70 ms, a burst of the receiver's ACKs is held 400 ms (longer than the RTO). */
function delaySpike(sack: boolean) {
  let held = 0;
  const { w, sample } = watcher();
  const s = session(
    {
      seed: 9,
      delayMs: 10,
      rateMbps: 100,
      // No timestamps (Eifel cannot see it) and no D-SACK undo: F-RTO alone decides.
      config: { timestamps: false, sack, tlp: false, spuriousUndo: false },
      impair: (d, ctx) => (ctx.from.name === 'b' && d.seg.payload.length === 0 && ctx.now > 70 && held++ < 40 ? { delay: 400 } : undefined),
    },
    SIZE,
    sample,
  );
  return { s, w };
}

for (const sack of [true, false]) {
  const variant = sack ? 'RFC 5682 §3 (SACK-enhanced)' : 'RFC 5682 §2 (basic)';
  test(`${variant} a spurious RTO (delay spike, no timestamps): new data instead of go-back-N (step 2b), spurious on the next ACK (step 3b), RFC 4015 response restores cwnd`, () => {
    const { s, w } = delaySpike(sack);
    assert.equal(s.received, SIZE);
    const f = s.client.loss.frto;
    const rtos = s.client.stats.rtoExpirations;
    assert.ok(rtos >= 1, 'the spike caused a timeout');
    assert.ok(f.spurious >= 1, `F-RTO found ${f.spurious} spurious, ${f.genuine} genuine`);
    assert.equal(s.client.stats.spuriousUndos, f.spurious);
    // Only the segment at SND.UNA was resent for each timeout: no go-back-N.
    assert.equal(s.client.stats.retransmittedSegments, rtos, 'one retransmission per timeout');
    assert.ok(w.afterVerdict >= w.before, `cwnd ${w.afterVerdict} after the response, ${w.before} before the RTO`);
  });
}

test('RFC 5682 F-RTO off (frto: false): the same spike goes back N and the reduction stands', () => {
  let held = 0;
  const s = session(
    {
      seed: 9,
      delayMs: 10,
      rateMbps: 100,
      config: { timestamps: false, tlp: false, spuriousUndo: false, frto: false },
      impair: (d, ctx) => (ctx.from.name === 'b' && d.seg.payload.length === 0 && ctx.now > 70 && held++ < 40 ? { delay: 400 } : undefined),
    },
    80 * MSS,
  );
  assert.equal(s.received, 80 * MSS);
  assert.ok(s.client.stats.rtoExpirations >= 1);
  assert.equal(s.client.stats.spuriousUndos, 0);
  assert.ok(s.client.stats.retransmittedSegments > s.client.stats.rtoExpirations, 'go-back-N resent more than one segment');
  assert.ok(Number.isFinite(s.client.cc.ssthresh));
});

for (const sack of [true, false]) {
  const variant = sack ? 'RFC 5682 §3 step 3a' : 'RFC 5682 §2 step 3a';
  test(`${variant} a genuine RTO (an outage loses the whole flight): duplicate ACK after the new data, conventional recovery, no undo`, () => {
    let step3 = 0;
    let prev = 0;
    const s = session(
      {
        seed: 4,
        delayMs: 10,
        rateMbps: 100,
        config: { timestamps: false, sack, tlp: false },
        // Every data segment a sends between 60 and 90 ms is lost: nothing of that flight arrives.
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ctx.now > 60 && ctx.now < 90 ? 'drop' : undefined),
      },
      120 * MSS,
      (c) => {
        const step = c.lossIfAny?.frto.step ?? 0;
        if (step === 3 && prev !== 3) step3++;
        prev = step;
      },
    );
    assert.equal(s.received, 120 * MSS);
    const f = s.client.loss.frto;
    assert.equal(step3, 1, 'the retransmission was acknowledged alone: two new segments went out (step 2b)');
    assert.ok(s.client.stats.rtoExpirations >= 1, 'the outage caused a timeout');
    assert.ok(f.genuine >= 1, `F-RTO found ${f.genuine} genuine, ${f.spurious} spurious`);
    assert.equal(f.spurious, 0);
    assert.equal(s.client.stats.spuriousUndos, 0, 'no undo of a real loss');
    assert.ok(Number.isFinite(s.client.cc.ssthresh), 'the reduction stands');
  });
}

test('RFC 5682 F-RTO is on by default and in the linux profile, off in the rfc and freebsd profiles', () => {
  assert.equal(resolveConfig().frto, true);
  assert.equal(resolveConfig({ profile: 'linux' }).frto, true);
  assert.equal(tcpProfileConfig('rfc').frto, false);
  assert.equal(tcpProfileConfig('freebsd').frto, false);
});

test('net.host() checks the frto switch (booleans only)', () => {
  const net = createNetwork({ seed: 1 });
  try {
    assert.throws(() => net.host({ address: '10.0.0.1', tcp: { frto: 'yes' as unknown as boolean } }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.doesNotThrow(() => net.host({ address: '10.0.0.2', tcp: { frto: false } }));
  } finally {
    net.close();
  }
});
