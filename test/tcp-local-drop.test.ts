// Local congestion (TcpLayer.localCongestion, local-drop.ts): the interface below refuses every
// packet. Nothing counts as sent, the timers retry, the user timeout (RFC 9293 §3.8.3 / §3.10.8,
// RFC 5482 §3) still ends a connection whose data cannot leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';

function idleSender(config = {}) {
  const p = passiveEstablished(config, 1000, 5000);
  p.conn.send(new Uint8Array(100), 10);
  assert.equal(p.layer.poll(10).length, 1);
  p.layer.receive(dg({ seq: 1001, ack: 5101, flags: ACK }), 20);
  p.layer.poll(20);
  return p;
}

test('RFC 9293 §3.8.6.1 local congestion: data that cannot leave stays unsent; the persist timer retries with backoff; it leaves once the interface takes packets', () => {
  const { layer, conn } = idleSender();
  layer.localCongestion = true;
  conn.send(new Uint8Array(50), 100);
  assert.deepEqual(layer.poll(100), [], 'refused');
  assert.equal(conn.sndNxt, 5101, 'SND.NXT did not move');
  const rto = Math.max(layer.config.rtoMin, conn.rtt.baseRto);
  const at: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = layer.pollAt()!;
    assert.deepEqual(layer.poll(t), []);
    at.push(t);
  }
  assert.deepEqual(at, [100 + rto, 100 + 3 * rto, 100 + 7 * rto], 'the ordinary persist backoff');
  assert.equal(conn.sndNxt, 5101);
  layer.localCongestion = false;
  const t = layer.pollAt()!;
  const out = layer.poll(t);
  assert.deepEqual(out.map((d) => [d.seg.seq, d.seg.payload.length]), [[5101, 50]], 'the next attempt sends the data');
});

test('local congestion, localDropRetryInterval (linux, TCP_RESOURCE_PROBE_INTERVAL): refused probes are retried every 500 ms without backoff', () => {
  const { layer, conn } = idleSender({ localDropRetryInterval: 500 });
  layer.localCongestion = true;
  conn.send(new Uint8Array(50), 100);
  layer.poll(100);
  const first = layer.pollAt()!;
  const at: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = layer.pollAt()!;
    layer.poll(t);
    at.push(t - first);
  }
  assert.deepEqual(at, [0, 500, 1000, 1500]);
  assert.equal(conn.persistProbes, 4);
  assert.equal(conn.rtt.backoffs, 0);
});

test('RFC 9293 §3.10.8 / RFC 5482 §3: under local congestion the user timeout, counted from the first probe, ends the connection with ETIMEDOUT', () => {
  const { layer, conn } = idleSender({ localDropRetryInterval: 500 });
  conn.setUserTimeout(3000);
  layer.localCongestion = true;
  conn.send(new Uint8Array(50), 100);
  layer.poll(100);
  const first = layer.pollAt()!;
  let last = first;
  while (conn.state === 'ESTABLISHED') {
    last = layer.pollAt()!;
    assert.deepEqual(layer.poll(last), [], 'nothing leaves, not even the RST');
  }
  assert.equal(conn.error, 'ETIMEDOUT');
  assert.equal(last - first, 3000);
  assert.equal(conn.persistProbes, 6);
});

test('RFC 9293 §3.10.8: unanswered zero-window probes end the connection after the user timeout; answered ones keep it open (RFC 1122 §4.2.2.17)', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000, 0);
  conn.setUserTimeout(10_000);
  conn.send(new Uint8Array(10), 10);
  layer.poll(10);
  for (let i = 0; i < 6; i++) {
    const at = layer.pollAt()!;
    layer.poll(at);
    layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 0 }), at + 1);
    layer.poll(at + 1);
  }
  assert.equal(conn.state, 'ESTABLISHED', 'answered probes keep it open past the user timeout');
  const start = layer.pollAt()!;
  while (conn.state === 'ESTABLISHED') layer.poll(layer.pollAt()!);
  assert.equal(conn.error, 'ETIMEDOUT');
  assert.ok(conn.clock - start >= 10_000, 'not before the user timeout');
});

test('packetdrill: `tc qdisc … limit 0` is local congestion, fq turns pacing on, another qdisc or a delete clears both', async () => {
  const { interpretCommand } = await import('../src/packetdrill/index.js');
  const drop = interpretCommand('tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0');
  assert.ok(drop.ok);
  assert.equal(drop.localCongestion, true);
  const fq = interpretCommand('tc qdisc replace dev tun0 root fq');
  assert.ok(fq.ok);
  assert.equal(fq.localCongestion, false);
  assert.equal(fq.config.pacing, true);
  const pfifo = interpretCommand('tc qdisc add dev tun0 root pfifo');
  assert.ok(pfifo.ok);
  assert.equal(pfifo.localCongestion, false);
  assert.equal(pfifo.config.pacing, false);
});
