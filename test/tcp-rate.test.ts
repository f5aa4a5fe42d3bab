// Delivery-rate samples (draft-cheng-iccrg-delivery-rate-estimation) in AckSample, for CCs that
// model the path (BBR-style), and in the connection snapshot behind socket.info().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NewReno, registerCongestionControl, type AckSample } from '../src/tcp/cc/index.js';
import { tcpInfo } from '../src/api/tcp-info.js';
import { DeliveryRate } from '../src/tcp/rate-sample.js';
import { TxRecord } from '../src/tcp/tx-records.js';
import { session } from './rack-helpers.js';

const MSS = 1448;

test('draft-cheng-iccrg-delivery-rate-estimation §3.3: rate = delivered since the record was sent / max(send, ACK interval)', () => {
  const r = new DeliveryRate();
  const rec = (seq: number, t: number, idle: boolean): TxRecord => {
    const x = new TxRecord();
    x.seq = seq;
    x.end = seq + 1000;
    x.sentAt = t;
    r.onSend(x, t, idle);
    return x;
  };
  const a = rec(0, 0, true);
  const b = rec(1000, 1, false);
  r.onDelivered(a, 20);
  let s = r.sample(20, 10);
  assert.ok(s !== undefined);
  assert.equal(s.deliveredBytes, 1000);
  assert.equal(s.intervalMs, 20); // ACK interval 20 (since delivered_time 0), send interval 0
  assert.equal(s.bytesPerSec, 50_000);
  r.onDelivered(b, 21);
  s = r.sample(21, 10);
  assert.ok(s !== undefined);
  // b was sent at 1 when 0 bytes were delivered: 2000 bytes over max(1 − 0, 21 − 0) ms.
  assert.equal(s.deliveredBytes, 2000);
  assert.equal(s.intervalMs, 21);
  // An interval shorter than min_RTT gives no sample (ACK compression would overstate the rate).
  const c = rec(2000, 21, true); // sent after an idle period: both intervals start now
  r.onDelivered(c, 22);
  assert.equal(r.sample(22, 10), undefined);
});

test('draft-cheng-iccrg-delivery-rate-estimation §3.4: samples after an application-limited period are flagged', () => {
  const r = new DeliveryRate();
  const x = new TxRecord();
  x.seq = 0;
  x.end = 1000;
  r.markAppLimited(0);
  r.onSend(x, 0, true);
  r.onDelivered(x, 20);
  const s = r.sample(20, 10);
  assert.equal(s?.appLimited, true);
  assert.equal(r.appLimitedUntil, 0, 'the mark clears once the data in flight at the time is delivered');
});

test('AckSample.rate: a CC sees delivery-rate samples, bounded by the bottleneck rate; info() shows the rate', () => {
  const samples: Array<NonNullable<AckSample['rate']>> = [];
  registerCongestionControl('rate-probe', (init) => {
    const cc = new NewReno(init);
    const onAck = cc.onAck.bind(cc);
    cc.onAck = (s: AckSample) => {
      if (s.rate !== undefined) samples.push(s.rate);
      onAck(s);
    };
    return cc;
  });
  const s = session({ seed: 2, delayMs: 10, rateMbps: 10, config: { congestionControl: 'rate-probe' } }, 400 * MSS);
  assert.equal(s.received, 400 * MSS);
  assert.ok(samples.length > 50, `${samples.length} samples`);
  const link = (10e6 / 8) * (MSS / (MSS + 40)); // payload bytes per second at 10 Mbit/s
  const max = Math.max(...samples.map((x) => x.bytesPerSec));
  assert.ok(max <= link * 1.02, `max sample ${max} B/s exceeds the link's ${link}`);
  assert.ok(max >= link * 0.8, `max sample ${max} B/s: the bottleneck rate is found once the pipe is full`);
  for (const x of samples) assert.ok(x.intervalMs > 0 && x.deliveredBytes > 0 && x.rttMs >= 0);
  const info = tcpInfo(s.client);
  assert.ok(info.deliveryRateBytesPerSec !== undefined && info.deliveryRateBytesPerSec > 0);
  assert.equal(info.deliveredBytes, 400 * MSS);
  assert.equal(info.tlpProbes, 0);
});
