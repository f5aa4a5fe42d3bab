// ICMP errors handed to TCP by the stack: RFC 1191 / RFC 8201 packet too big, RFC 5927 checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, LOCAL, REMOTE, dg, passiveEstablished, view } from './tcp-helpers.js';

test('RFC 8201 §5.4 packet too big: segments shrink to the new MTU and outstanding data is resent at once', () => {
  const { layer, conn } = passiveEstablished();
  conn.send(new Uint8Array(4000), 10);
  assert.deepEqual(layer.poll(10).map((d) => view(d).len), [1460, 1460, 1080]);
  layer.icmpError({ kind: 'packet-too-big', code: 4, family: 4, mtu: 1000, local: LOCAL, remote: REMOTE, seq: 5001 }, 11);
  assert.equal(conn.sndMss, 960);
  const out = layer.poll(11).map(view);
  assert.deepEqual(out.map((s) => [s.seq, s.len]), [[5001, 960], [5961, 960], [6921, 960], [7881, 960], [8841, 160]]);
  assert.equal(conn.cc.ssthresh, Infinity, 'not treated as congestion');
});

test('RFC 5927 §4.1: an ICMP error quoting a sequence number that is not outstanding is ignored', () => {
  const { layer, conn } = passiveEstablished();
  conn.send(new Uint8Array(1000), 10);
  layer.poll(10);
  layer.icmpError({ kind: 'packet-too-big', code: 4, family: 4, mtu: 600, local: LOCAL, remote: REMOTE, seq: 9999 }, 11);
  assert.equal(conn.sndMss, 1460);
  layer.icmpError({ kind: 'unreachable', code: 1, family: 4, local: LOCAL, remote: REMOTE, seq: 4000 }, 11);
  assert.equal(conn.softError, undefined);
});

test('RFC 1122 §4.2.3.9: soft errors are reported instead of ETIMEDOUT when the connection gives up', () => {
  const { layer, conn } = passiveEstablished({ dataRetries: 2 });
  conn.send(new Uint8Array(100), 10);
  layer.poll(10);
  layer.icmpError({ kind: 'unreachable', code: 1, family: 4, local: LOCAL, remote: REMOTE, seq: 5001 }, 11);
  assert.equal(conn.state, 'ESTABLISHED', 'host unreachable is soft in ESTABLISHED');
  while (conn.state === 'ESTABLISHED') layer.poll(layer.pollAt()!);
  assert.equal(conn.error, 'EHOSTUNREACH');
});

test('delayed ACK counts full-sized segments by the largest segment seen (1448-byte segments: ACK every two)', () => {
  const { layer } = passiveEstablished({ quickAckSegments: 0 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1448 }), 10);
  assert.deepEqual(layer.poll(10), []);
  layer.receive(dg({ seq: 2449, ack: 5001, flags: ACK, payload: 1448 }), 11);
  assert.equal(view(layer.poll(11)[0]!).ack, 1001 + 2 * 1448);
});
