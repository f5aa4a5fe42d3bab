// RFC 8985 §7.2: the probe timeout is never later than the retransmission timer — also for the
// first segment sent into an idle connection, whose retransmission timer is armed only as it leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session } from './rack-helpers.js';
import { Rack } from '../src/tcp/rack.js';

test('RFC 8985 §7.2 a lone segment sent into an idle connection and lost is repaired by the probe, at the RTO time, not by an RTO', () => {
  let n = 0;
  const s = session({ seed: 3, delayMs: 10, impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && ++n === 1 ? 'drop' : undefined) }, 500);
  assert.equal(s.received, 500);
  assert.equal(s.client.stats.tlpProbes, 1, 'a tail-loss probe');
  assert.equal(s.client.stats.rtoExpirations, 0, 'PTO = 2·SRTT + delayed-ACK allowance was cut to the RTO, so the probe came first');
});

test("RFC 8985 §7.2 PTO by TcpConfig.ptoRule: 'rfc8985' max(10 ms, 2·SRTT) (+ 200 ms for one segment), 'linux' 2·SRTT + 2 ms (+ rtoMin for one segment)", () => {
  const r = new Rack();
  const mss = 1000;
  assert.equal(r.pto(undefined, 5000, mss), 1000, 'no RTT sample yet: 1 s');
  assert.equal(r.pto(1, 5000, mss), 10, 'floor on a 1 ms path');
  assert.equal(r.pto(20, 5000, mss), 40);
  assert.equal(r.pto(20, 1000, mss), 240, 'one segment: the delayed-ACK allowance');
  assert.equal(r.pto(1, 5000, mss, 200), 4, 'linux: 2·SRTT + 2 ms');
  assert.equal(r.pto(20, 5000, mss, 200), 42);
  assert.equal(r.pto(20, 1000, mss, 200), 240, 'linux, one segment: 2·SRTT + rtoMin');
});

test("RFC 8985 §7.2 ptoRule 'linux': on a 1 ms path a tail loss is probed after 2·SRTT + 2 ms, 6 ms sooner than under the 10 ms floor", () => {
  const probeAt = (ptoRule: 'rfc8985' | 'linux'): number => {
    let n = 0;
    let at = -1;
    const s = session(
      {
        seed: 5,
        delayMs: 0.5,
        config: { ptoRule },
        // the write's last two segments (of six) are lost, so two are in flight when the PTO is armed
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && (++n === 5 || n === 6) ? 'drop' : undefined),
      },
      8 * 1000,
      (c, now) => {
        if (at < 0 && c.stats.tlpProbes > 0) at = now;
      },
    );
    assert.equal(s.received, 8 * 1000, 'all data delivered');
    assert.ok(s.client.stats.tlpProbes >= 1, 'the tail loss is probed');
    assert.equal(s.client.stats.rtoExpirations, 0, 'no RTO');
    return at;
  };
  const rfc = probeAt('rfc8985');
  const linux = probeAt('linux');
  assert.ok(rfc > 0 && linux > 0);
  assert.ok(Math.abs(rfc - linux - 6) < 1, `linux probe ${linux} ms vs rfc8985 ${rfc} ms`);
});
