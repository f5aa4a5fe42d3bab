// BBR (draft-cardwell-iccrg-bbr-congestion-control-00) as a CongestionControl: the model's state
// machine on synthetic samples, and end to end over an emulated lossy path in virtual time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BbrModel, STARTUP_PACING_GAIN, type BbrRateSample } from '../src/tcp/cc/bbr-model.js';
import { Bbr } from '../src/tcp/cc/bbr.js';
import { congestionControlNames, createCongestionControl } from '../src/tcp/cc/index.js';
import { pathTransfer } from '../bench/tcpsim.js';

const MSS = 1000;
const sample = (o: Partial<BbrRateSample> & { now: number; delivered: number }): BbrRateSample => ({
  deliveryRate: 0,
  isAppLimited: false,
  rtt: 10,
  ackedBytes: MSS,
  lostBytes: 0,
  inflight: 0,
  ...o,
});

/** Rounds of 10 ms with the delivery rate doubling up to `cap` bytes/ms; returns the clock. */
function grow(m: BbrModel, cap: number, rounds: number, start = { now: 0, delivered: 0 }): { now: number; delivered: number } {
  let { now, delivered } = start;
  for (let r = 0; r < rounds; r++) {
    now += 10;
    const rate = Math.min(cap, 10 * 2 ** r);
    delivered += rate * 10;
    m.update(sample({ now, delivered, deliveryRate: rate, ackedBytes: rate * 10 }));
  }
  return { now, delivered };
}

test('BBR registered as "bbr"; Startup paces at 2/ln 2 and reports a pacing rate before any sample', () => {
  assert.ok(congestionControlNames().includes('bbr'));
  const cc = createCongestionControl('BBR', { mss: MSS, initialWindowSegments: 10, synLost: false });
  assert.equal(cc?.name, 'bbr');
  assert.ok(cc?.pacingRate !== undefined && cc.pacingRate > 0);
  assert.ok(Math.abs(STARTUP_PACING_GAIN - 2.885) < 1e-3);
});

test('BBR BBRCheckFullPipe: Startup ends after three rounds without 25 % growth, Drain, then ProbeBW', () => {
  const m = new BbrModel(MSS);
  const clock = grow(m, 100, 5);
  assert.equal(m.mode, 'startup');
  assert.equal(m.fullPipe, false);
  grow(m, 100, 9, clock);
  assert.equal(m.fullPipe, true);
  assert.equal(m.mode, 'probe-bw', 'nothing in flight above the BDP: Drain ends at once');
  assert.equal(m.btlBw, 100);
  assert.equal(m.rtProp, 10);
  assert.ok([1.25, 0.75, 1].includes(m.pacingGain));
  assert.equal(m.targetCwnd(), 2 * 100 * 10 + 3 * MSS);
});

test('BBR BBRUpdateBtlBw: the max filter forgets a rate after ten rounds; app-limited samples only raise it', () => {
  const m = new BbrModel(MSS);
  let { now, delivered } = grow(m, 100, 12);
  assert.equal(m.btlBw, 100);
  m.update(sample({ now: (now += 10), delivered: (delivered += 500), deliveryRate: 50, isAppLimited: true }));
  assert.equal(m.btlBw, 100, 'an app-limited sample below the estimate is ignored');
  for (let r = 0; r < 11; r++) m.update(sample({ now: (now += 10), delivered: (delivered += 600), deliveryRate: 60 }));
  assert.equal(m.btlBw, 60, 'after BtlBwFilterLen rounds only the newer rate remains');
});

test('BBR BBRCheckProbeRTT: 10 s without a lower RTT → ProbeRTT at 4 segments for 200 ms and a round, then back', () => {
  const m = new BbrModel(MSS);
  let { now, delivered } = grow(m, 100, 14);
  assert.equal(m.mode, 'probe-bw');
  now += 10_001;
  m.update(sample({ now, delivered: (delivered += 1000), deliveryRate: 100, rtt: 12, inflight: 20 * MSS }));
  assert.equal(m.mode, 'probe-rtt');
  assert.equal(m.minCwnd(), 4 * MSS);
  m.update(sample({ now: (now += 5), delivered: (delivered += 1000), deliveryRate: 100, rtt: 12, inflight: 3 * MSS }));
  m.update(sample({ now: (now += 100), delivered: (delivered += 4000), deliveryRate: 100, rtt: 12, inflight: 3 * MSS }));
  assert.equal(m.mode, 'probe-rtt', 'held for ProbeRTTDuration');
  m.update(sample({ now: (now += 150), delivered: (delivered += 4000), deliveryRate: 100, rtt: 12, inflight: 3 * MSS }));
  assert.equal(m.mode, 'probe-bw');
});

test('BBR window: packet conservation in the first recovery round, the prior window restored at its end', () => {
  const cc = new Bbr({ mss: MSS, initialWindowSegments: 10, synLost: false });
  const before = cc.cwnd;
  cc.onRecoveryStart(6 * MSS, 0);
  assert.equal(cc.cwnd, 6 * MSS);
  cc.onRecoveryEnd();
  assert.equal(cc.cwnd, before);
  cc.onRto();
  assert.equal(cc.cwnd, MSS);
});

test('BBR end to end: 100 Mbit/s, 10 ms RTT, 1 % random loss each way — all 6 MiB arrive, goodput above 60 Mbit/s where CUBIC stays near the Mathis bound', () => {
  const path = { bytes: 6 << 20, seed: 3, delayMs: 5, rateMbps: 100, loss: 0.01 };
  const bbr = pathTransfer({ ...path, tcp: { congestionControl: 'bbr' } });
  const cubic = pathTransfer({ ...path, tcp: { congestionControl: 'cubic' } });
  assert.ok(bbr.goodputMbps > 60, `bbr ${bbr.goodputMbps.toFixed(1)} Mbit/s`);
  assert.ok(bbr.goodputMbps > 2 * cubic.goodputMbps, `bbr ${bbr.goodputMbps.toFixed(1)} vs cubic ${cubic.goodputMbps.toFixed(1)} Mbit/s`);
});
