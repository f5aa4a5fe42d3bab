// CUBIC congestion control, RFC 9438, as a CongestionControl and end to end through the Pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, sha256, transfer } from './tcp-helpers.js';
import { Cubic } from '../src/tcp/cc/cubic.js';
import { congestionControlNames, createCongestionControl } from '../src/tcp/cc/index.js';
import type { AckSample } from '../src/tcp/cc/types.js';

const MSS = 1000;
const at = (now: number, acked: number, flight: number, srtt = 100): AckSample => ({ ackedBytes: acked, rtt: undefined, srtt, flightSize: flight, delivered: 0, appLimited: false, now });

test('RFC 9438 registered as "cubic" and created by name', () => {
  assert.ok(congestionControlNames().includes('cubic'));
  assert.equal(createCongestionControl('CUBIC', { mss: MSS, initialWindowSegments: 10, synLost: false })?.name, 'cubic');
});

test('RFC 9438 §4.6 multiplicative decrease by β_cubic = 0.7, and §4.7 fast convergence', () => {
  const cc = new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false });
  while (cc.cwnd < 100 * MSS) cc.onAck(at(0, MSS, cc.cwnd));
  cc.onRecoveryStart(100 * MSS, 0, true);
  assert.equal(cc.ssthresh, 70 * MSS);
  assert.equal(cc.cwnd, 70 * MSS);
  assert.equal(cc.state.wMax, 100);
  cc.onRecoveryEnd(70 * MSS, 0);
  // a second loss below the previous W_max: W_max = cwnd·(1 + β)/2 (fast convergence)
  cc.onRecoveryStart(70 * MSS, 1, true);
  assert.ok(Math.abs(cc.state.wMax - (70 * 1.7) / 2) < 1e-9);
});

test('RFC 9438 §4.2 concave then convex growth: W_max is regained after K seconds', () => {
  const cc = new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false });
  while (cc.cwnd < 100 * MSS) cc.onAck(at(0, MSS, cc.cwnd));
  cc.onRecoveryStart(100 * MSS, 0, true);
  cc.onRecoveryEnd(70 * MSS, 0);
  // K = cbrt(W_max·(1 − β)/C) = cbrt(100·0.3/0.4) ≈ 4.22 s
  const K = Math.cbrt((100 * 0.3) / 0.4);
  const rtt = 100;
  let now = 1;
  const growth: number[] = [];
  for (let round = 0; now < 9000; round++) {
    const w = cc.cwnd;
    for (let acked = 0; acked < w; acked += MSS) cc.onAck(at(now, MSS, cc.cwnd, rtt));
    growth.push(cc.cwnd - w);
    now += rtt;
  }
  assert.ok(Math.abs(cc.state.k - K) < 1e-6, `K = ${cc.state.k}`);
  const atK = Math.round((K * 1000) / rtt);
  // near K the window plateaus around W_max; growth per RTT shrinks before K and rises after it
  assert.ok(growth[5]! > growth[atK]!, 'concave: fast growth early on');
  assert.ok(growth[growth.length - 1]! > growth[atK]!, 'convex: probing beyond W_max later');
  assert.ok(cc.cwnd > 100 * MSS, 'grows beyond the old W_max');
});

test('RFC 9438 §4.3 Reno-friendly region: with short RTTs and small windows CUBIC grows at least like Reno', () => {
  const cc = new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false });
  cc.onRto(20 * MSS);
  while (cc.cwnd < cc.ssthresh) cc.onAck(at(0, MSS, cc.cwnd, 1));
  const start = cc.cwnd;
  let now = 0;
  for (let r = 0; r < 10; r++) {
    const w = cc.cwnd;
    for (let acked = 0; acked < w; acked += MSS) cc.onAck(at(now, MSS, cc.cwnd, 1));
    now += 1;
  }
  // Reno would add ~1 MSS per RTT (α_cubic ≈ 0.53 for W_est after β = 0.7); at least half a segment per round
  assert.ok(cc.cwnd >= start + 5 * MSS, `cwnd ${cc.cwnd} from ${start}`);
});

test('RFC 9438 bulk transfer with congestionControl: cubic and 1 % loss arrives intact', () => {
  const data = bytes(2_000_000, 5);
  const r = transfer({ seed: 7, loss: 0.01, delayMs: 5, rateMbps: 100, trace: false, config: { congestionControl: 'cubic' } }, data);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.cc.name, 'cubic');
  assert.ok(r.client.stats.fastRetransmits > 0);
});
