// TCP_CORK and MSG_MORE (tcp/cork.ts): the user asks the sender to wait for more data before a
// sub-MSS segment (RFC 9293 §3.7.4 / RFC 1122 §4.2.3.4 let a sender wait; §3.9.1 PUSH sends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished, view } from './tcp-helpers.js';

const lens = (ds: ReturnType<typeof view>[]): number[] => ds.map((d) => d.len);

test('TCP_CORK: small writes wait while corked, full segments go; uncorking sends the tail as one segment', () => {
  const { layer, conn } = passiveEstablished({ noDelay: true });
  conn.setCork(true);
  conn.send(new Uint8Array(40), 10);
  conn.send(new Uint8Array(40), 11);
  assert.deepEqual(layer.poll(11), [], 'corked: nothing under a full segment leaves, TCP_NODELAY or not');
  conn.send(new Uint8Array(1500), 12);
  const full = layer.poll(12).map(view);
  assert.deepEqual(lens(full), [1460], 'a full segment goes; the 120-byte tail waits');
  conn.setCork(false);
  const tail = layer.poll(13).map(view);
  assert.deepEqual(lens(tail), [120]);
  assert.equal(tail[0]!.seq, 5001 + 1460);
});

test('TCP_CORK: a tail held with nothing in flight leaves when the persist timer fires (one RTO)', () => {
  const { layer, conn } = passiveEstablished();
  conn.setCork(true);
  conn.send(new Uint8Array(40), 10);
  assert.deepEqual(layer.poll(10), []);
  const at = layer.pollAt();
  assert.ok(at !== undefined, 'a timer is armed for the held data');
  assert.ok(at >= 10 + conn.host.config.rtoMin && at <= 10 + Math.max(conn.host.config.rtoMin, conn.rtt.rto) + 1, `fires after about one RTO (at ${at})`);
  const out = layer.poll(at).map(view);
  assert.deepEqual(lens(out), [40]);
  assert.equal(conn.stats.zeroWindowProbes, 0, 'not a zero-window probe: the window is open');
});

test('TCP_CORK: a FIN is not held — close() while corked sends the tail with the FIN', () => {
  const { layer, conn } = passiveEstablished();
  conn.setCork(true);
  conn.send(new Uint8Array(40), 10);
  assert.deepEqual(layer.poll(10), []);
  conn.close(11);
  const out = layer.poll(11).map(view);
  assert.deepEqual(lens(out), [40]);
  assert.match(out[0]!.flags, /FIN/);
});

test('TCP_NODELAY set while corked sends what is queued at once', () => {
  const { layer, conn } = passiveEstablished();
  conn.setCork(true);
  conn.send(new Uint8Array(30), 10);
  conn.send(new Uint8Array(30), 11);
  assert.deepEqual(layer.poll(11), []);
  conn.setNoDelay(true);
  assert.deepEqual(lens(layer.poll(12).map(view)), [60]);
  conn.send(new Uint8Array(30), 13);
  assert.deepEqual(layer.poll(13), [], 'still corked afterwards: the push was for what was queued');
});

test('MSG_MORE: the tail of the write waits; the next write without it sends all; an arriving ACK releases it too', () => {
  const { layer, conn } = passiveEstablished({ noDelay: true });
  conn.send(new Uint8Array(100), 10, true);
  conn.send(new Uint8Array(160), 11, true);
  assert.deepEqual(layer.poll(11), [], 'MSG_MORE overrides TCP_NODELAY for the write');
  conn.send(new Uint8Array(5), 12);
  assert.deepEqual(lens(layer.poll(12).map(view)), [265]);
  // Full segments go, the tail waits for more.
  conn.send(new Uint8Array(3000), 20, true);
  assert.deepEqual(lens(layer.poll(20).map(view)).reduce((a, b) => a + b, 0), 2920);
  conn.send(new Uint8Array(50), 21, true);
  assert.deepEqual(layer.poll(21), []);
  // An ACK arrives: output follows the socket's own setting (TCP_NODELAY) and the tail goes.
  layer.receive(dg({ seq: 1001, ack: 5001 + 265 + 1460, flags: ACK }), 30);
  const out = layer.poll(30).map(view);
  assert.deepEqual(lens(out), [130]);
});
