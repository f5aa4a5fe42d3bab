// Timer and window rules the linux profile models, each against the RFC default.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RttEstimator } from '../src/tcp/rtt.js';
import { runScript } from '../src/packetdrill/runner.js';

test('RFC 6298 §2.3/§2.4: the minimum bounds the RTO; with a variance floor (rtoVarianceFloor) it bounds K·RTTVAR, keeping the RTO rtoMin above SRTT', () => {
  const rfc = new RttEstimator({ initial: 1000, min: 200, max: 120_000, granularity: 1 });
  const floored = new RttEstimator({ initial: 1000, min: 200, max: 120_000, granularity: 1, varianceFloor: 200 });
  for (let i = 0; i < 20; i++) {
    rfc.sample(100);
    floored.sample(100);
  }
  assert.equal(rfc.rto, 200); // max(200, 100 + 4·RTTVAR → 100 + small)
  assert.equal(floored.rto, 300); // 100 + max(200, 4·RTTVAR)
});

const PASSIVE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 257
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 1000) = 1000
+0  > P. 1:1001(1000) ack 1
+.1 < . 1:1(0) ack 1001 win 257
+0  write(4, ..., 1000) = 1000
+0  > P. 1001:2001(1000) ack 1
`;

test('RFC 8985 §7.2: the probe timeout never falls after the RTO this transmission arms — the probe goes out at the RTO time and the RTO is restarted behind it, not backed off', () => {
  // SRTT 100 ms: PTO = 2·SRTT + 200 ms (one segment in flight) = 400 ms > RTO = 100 + 200 ms.
  const r = runScript(PASSIVE + '+.3 > P. 1001:2001(1000) ack 1\n+0 %{ assert tcpi_backoff == 0, tcpi_backoff }%\n+.3 > P. 1001:2001(1000) ack 1\n+0 %{ assert tcpi_backoff == 1, tcpi_backoff }%\n', { profile: 'linux', config: { pushRule: 'rfc9293' } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('RFC 9438 §4.6: after a timeout CUBIC reduces from FlightSize by default, from cwnd with cwndGrowth "linux" (its note: with other means keeping an unused cwnd from growing)', () => {
  const script = PASSIVE + '+.3 > P. 1001:2001(1000) ack 1\n+.3 > P. 1001:2001(1000) ack 1\n+.1 < . 1:1(0) ack 2001 win 257\n+0 %{ assert tcpi_snd_ssthresh == SS, tcpi_snd_ssthresh }%\n';
  const linux = runScript(script.replace('SS', '7'), { profile: 'linux', config: { pushRule: 'rfc9293', cwndGrowth: 'linux' } });
  assert.equal(linux.status, 'pass', JSON.stringify(linux));
  const rfc = runScript(script.replace('SS', '2'), { profile: 'linux', config: { pushRule: 'rfc9293', cwndGrowth: 'rfc5681', cubicVariant: 'rfc9438' } });
  assert.equal(rfc.status, 'pass', JSON.stringify(rfc));
});
