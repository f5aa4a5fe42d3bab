// RFC 8985 §7.2: the probe timeout is never later than the retransmission timer — also for the
// first segment sent into an idle connection, whose retransmission timer is armed only as it leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session } from './rack-helpers.js';

test('RFC 8985 §7.2 a lone segment sent into an idle connection and lost is repaired by the probe, at the RTO time, not by an RTO', () => {
  let n = 0;
  const s = session({ seed: 3, delayMs: 10, impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 1 ? 'drop' : undefined) }, 500);
  assert.equal(s.received, 500);
  assert.equal(s.client.stats.tlpProbes, 1, 'a tail-loss probe');
  assert.equal(s.client.stats.rtoExpirations, 0, 'PTO = 2·SRTT + delayed-ACK allowance was cut to the RTO, so the probe came first');
});
