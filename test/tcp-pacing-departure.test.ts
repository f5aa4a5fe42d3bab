// TcpConfig.pacingRule 'departure' (pacing-departure.ts): each burst leaves at the flow's
// departure time, which moves on by the burst's length at the pacing rate (less up to half of it
// for time the flow left unused); the first 10 segments are not paced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, SYN, dg, mkLayer, LOCAL } from './tcp-helpers.js';
import { pacingRate } from '../src/tcp/pacing.js';

const MSS = 1460;

/** A passive connection whose handshake took 100 ms (SRTT 100 ms), cwnd 10 segments. */
function sender(pacingRule: 'quantum' | 'departure') {
  const layer = mkLayer(LOCAL.address, { isn: () => 5000, pacing: true, pacingRule, congestionControl: 'newreno', timestamps: false });
  const l = layer.listen(LOCAL, 8, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: 1000, flags: SYN, options: [{ kind: 'mss', mss: MSS }] }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK }), 100);
  const conn = l.value.accept()!;
  layer.poll(100);
  return { layer, conn };
}

test("pacingRule 'departure': the first 10 segments leave unpaced; a late flow's burst leaves at once with half its time forgiven; the next waits its full time", () => {
  const { layer, conn } = sender('departure');
  conn.send(new Uint8Array(40 * MSS), 100);
  assert.equal(layer.poll(100).length, 10, 'the initial window, unpaced');
  layer.receive(dg({ seq: 1001, ack: 5001 + 2 * MSS, flags: ACK }), 205);
  const rate = pacingRate(conn)! / 1000; // bytes per ms
  const burst = layer.poll(205);
  assert.deepEqual(burst.map((d) => d.seg.seq), [5001 + 10 * MSS, 5001 + 11 * MSS], 'one burst of two segments at once');
  const len = (2 * MSS) / rate;
  const t1 = layer.pollAt()!;
  assert.ok(Math.abs(t1 - (205 + len / 2)) < 1e-6, `the next departure is half a burst later (${t1})`);
  const next = layer.poll(t1);
  assert.ok(next.length >= 1 && next.length <= 2, 'the next burst');
  assert.equal(next[0]!.seg.seq, 5001 + 12 * MSS);
  const sent = next.reduce((n, d) => n + d.seg.payload.length, 0);
  layer.receive(dg({ seq: 1001, ack: 5001 + 6 * MSS, flags: ACK }), t1);
  assert.deepEqual(layer.poll(t1), [], 'held: the flow is on time, no credit');
  const t2 = layer.pollAt()!;
  assert.ok(Math.abs(t2 - (t1 + sent / rate)) < 1e-6, `the previous burst's full length at its rate (${t2})`);
});

test("pacingRule 'quantum' (default): a backlog of up to 2 segments or 1 ms leaves at once", () => {
  const { layer, conn } = sender('quantum');
  conn.send(new Uint8Array(40 * MSS), 100);
  const first = layer.poll(100);
  assert.ok(first.length < 10, `the initial window is paced (${first.length} at once)`);
});
