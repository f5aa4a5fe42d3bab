// RFC 8985 §6.2 step 2: which of the segments one ACK newly delivers gives RACK.rtt
// (TcpConfig.rackRttFrom): the most recently sent one (the RFC's ascending-xmit_ts walk), or the
// last one in processing order — SACKed first, then cumulative in sequence order (the linux profile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxRecords, type Delivery } from '../src/tcp/tx-records.js';
import { Rack } from '../src/tcp/rack.js';
import { resolveConfig } from '../src/tcp/config.js';

function delivery(): Delivery {
  return { records: [], bytes: 0, cumulative: 0 };
}

/** Segments 0..3 sent at t = 10; segment 0 retransmitted at t = 20; at t = 32 an ACK covers 0..1 and SACKs 3. */
function scene(ackOrder: boolean): { rack: Rack; log: TxRecords } {
  const log = new TxRecords();
  for (let i = 0; i < 4; i++) log.transmit(i * 100, i * 100 + 100, 10);
  log.transmit(0, 100, 20);
  const rack = new Rack();
  rack.minRtt = 10;
  const d = delivery();
  log.ackTo(200, d);
  log.sack(300, 400, d);
  rack.onDelivered(d.records, 32, () => false, d.cumulative, ackOrder);
  return { rack, log };
}

test("RFC 8985 §6.2 step 2 rackRttFrom 'latest-sent': RACK.rtt is the RTT of the most recently sent delivered segment", () => {
  const { rack } = scene(false);
  assert.equal(rack.xmitTs, 20);
  assert.equal(rack.rtt, 12, 'the retransmission at t = 20, acknowledged at t = 32');
});

test("RFC 8985 §6.2 step 2 rackRttFrom 'ack-order': RACK.rtt from the last cumulatively acknowledged segment; RACK.xmit_ts unchanged", () => {
  const { rack, log } = scene(true);
  assert.equal(rack.xmitTs, 20, 'the most recently sent delivered segment still sets RACK.xmit_ts');
  assert.equal(rack.rtt, 22, 'segment 1 (sent at t = 10) was processed last');
  // With the longer RACK.rtt, segment 2 (sent at t = 10) is not yet lost at t = 32 + 0 with reo_wnd 0.
  rack.updateReoWnd(false, 200, 400, true, 1, 3, 15);
  const [lost] = rack.detectLoss(log, 31.9);
  assert.equal(lost, 0);
  const [lostLater] = rack.detectLoss(log, 32);
  assert.equal(lostLater, 1);
  // Only SACKed segments delivered: the last of them gives RACK.rtt.
  const r2 = new Rack();
  const log2 = new TxRecords();
  for (let i = 0; i < 3; i++) log2.transmit(i * 100, i * 100 + 100, 5 + i);
  const d = delivery();
  log2.sack(100, 300, d);
  r2.onDelivered(d.records, 30, () => false, d.cumulative, true);
  assert.equal(r2.rtt, 23);
});

test("TcpConfig.rackRttFrom: 'latest-sent' by default, 'ack-order' under the linux profile", () => {
  assert.equal(resolveConfig({}).rackRttFrom, 'latest-sent');
  assert.equal(resolveConfig({ profile: 'linux' }).rackRttFrom, 'ack-order');
  assert.equal(resolveConfig({ profile: 'freebsd' }).rackRttFrom, 'latest-sent');
});
