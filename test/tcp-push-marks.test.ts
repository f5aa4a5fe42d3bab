// Where PSH goes (src/tcp/push-marks.ts, TcpConfig.pushRule). RFC 9293 §3.9.1 leaves the placement
// to the sender as long as pushed data ends with a PSH segment; 'rfc9293' marks the segment that
// empties the send queue, 'linux' marks what a Linux sender marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpDatagram } from '../src/stack/types.js';
import { pushMarked, sizeGoal } from '../src/tcp/push-marks.js';
import { ACK, PSH, dg, passiveEstablished } from './tcp-helpers.js';

const LINUX = { pushRule: 'linux' as const, timestamps: false, sack: false };

/** Payload lengths of the data segments, each with a '+' when it carries PSH. */
function shape(segs: TcpDatagram[]): string[] {
  return segs.filter((d) => d.seg.payload.length > 0).map((d) => `${d.seg.payload.length}${(d.seg.flags & PSH) !== 0 ? '+' : ''}`);
}

test("RFC 9293 §3.9.1 pushRule 'rfc9293' (default): PSH only on the segment that empties the send queue", () => {
  const { layer, conn } = passiveEstablished({ timestamps: false, sack: false });
  conn.send(new Uint8Array(20_000), 2);
  assert.deepEqual(shape(layer.poll(2)), Array(10).fill('1460'), 'cwnd-limited: the queue is not emptied, no PSH');
  const small = passiveEstablished({ timestamps: false, sack: false });
  small.conn.send(new Uint8Array(3000), 2);
  assert.deepEqual(shape(small.layer.poll(2)), ['1460', '1460', '80+']);
});

test("RFC 9293 §3.9.1 pushRule 'linux': a burst of several segments ends with PSH (bursts of at most half the cwnd)", () => {
  const { layer, conn } = passiveEstablished(LINUX);
  conn.send(new Uint8Array(20_000), 2);
  const first = shape(layer.poll(2));
  assert.deepEqual(first, ['1460', '1460', '1460', '1460', '1460+', '1460', '1460', '1460', '1460', '1460+'], 'IW 10: two bursts of 5');
  // One segment acknowledged: slow start opens room for two, which leave as one burst.
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 3);
  assert.deepEqual(shape(layer.poll(3)), ['1460', '1460+']);
});

test("RFC 9293 §3.9.1 pushRule 'linux': a lone segment carries PSH only where a write ended", () => {
  const { layer, conn } = passiveEstablished({ ...LINUX, initialWindowSegments: 1 });
  conn.send(new Uint8Array(3 * 1460), 2);
  assert.deepEqual(shape(layer.poll(2)), ['1460'], 'cwnd of one segment: a burst of one, mid-write: no PSH');
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 3);
  const next = shape(layer.poll(3));
  assert.equal(next.at(-1), '1460+', 'the segment that ends the write carries PSH');
});

test("RFC 9293 §3.9.1 pushRule 'linux': forced pushes every half of the largest window offered, in chunks of the size goal", () => {
  const { conn } = passiveEstablished(LINUX, 1000, 5000, 4000, 1000);
  assert.equal(sizeGoal(conn), 2000, 'half of a 4000-byte window, in whole segments');
  // Data held back (the window is full of it) so that the marks are those of the write alone.
  conn.send(new Uint8Array(10_000), 2);
  const marked = [2001, 4001, 6001, 8001, 10_001].filter((rel) => pushMarked(conn, 5000 + rel));
  assert.deepEqual(marked, [4001, 8001, 10_001], 'a chunk end past pushed + 2000 is forced; the write end is marked');
});

test("RFC 9293 §3.9.1 pushRule 'linux': a write appended to an unsent chunk moves its PSH mark to the new end", () => {
  const { layer, conn } = passiveEstablished({ ...LINUX, initialWindowSegments: 1 });
  conn.send(new Uint8Array(1460), 2);
  layer.poll(2); // the window of one segment is now full
  conn.send(new Uint8Array(100), 3);
  assert.equal(pushMarked(conn, 5001 + 1560), true);
  conn.send(new Uint8Array(100), 4);
  assert.equal(pushMarked(conn, 5001 + 1560), false, 'the first write no longer ends the unsent data');
  assert.equal(pushMarked(conn, 5001 + 1660), true);
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 5);
  assert.deepEqual(shape(layer.poll(5)), ['200+'], 'both writes leave as one segment with PSH');
});
