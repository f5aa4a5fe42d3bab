// Receive-side rules found missing by the public packetdrill corpora: RFC 2883 §4 D-SACK for data
// already held out of order, RFC 5681 §4.2 duplicate ACK for an out-of-order FIN, RFC 9293
// §3.10.7.3 text of a simultaneous-open SYN queued until ESTABLISHED, and the reset reported to a
// user who shut down sending when a RST arrives in CLOSING / LAST-ACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, RST, SYN, dg, mkLayer, passiveEstablished, view } from './tcp-helpers.js';

const SACK = { options: [{ kind: 'mss' as const, mss: 1460 }, { kind: 'sackPermitted' as const }] };

function sackConn(): ReturnType<typeof passiveEstablished> {
  const p = passiveEstablished({ timestamps: false, quickAckSegments: 0 });
  return p;
}

function sackOf(d: ReturnType<typeof dg>): Array<[number, number]> {
  for (const o of d.seg.options) if (o.kind === 'sack') return o.blocks;
  return [];
}

/** A SACK-permitted passive connection: peer ISN 0 (RCV.NXT 1), our ISS 5000. */
function withSack(): { layer: ReturnType<typeof mkLayer>; conn: NonNullable<ReturnType<ReturnType<typeof mkLayer>['find']>> } {
  const layer = mkLayer('10.0.0.1', { isn: () => 5000, timestamps: false, quickAckSegments: 0 });
  const l = layer.listen({ address: '10.0.0.1', port: 80 }, 8, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: 0, flags: SYN, ...SACK }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: 1, ack: 5001, flags: ACK }), 1);
  const conn = l.value.accept();
  if (conn === undefined) throw new Error('no connection');
  layer.poll(1);
  return { layer, conn };
}

test('RFC 2883 §4: a segment repeating part of the held out-of-order data is reported in a D-SACK block first', () => {
  const { layer } = withSack();
  layer.receive(dg({ seq: 200, ack: 5001, flags: ACK, payload: 100 }), 2); // holds 200:300
  layer.poll(2);
  layer.receive(dg({ seq: 150, ack: 5001, flags: ACK, payload: 125 }), 3); // 150:275, 200:275 repeated
  const ack = layer.poll(3).at(-1)!;
  assert.deepEqual(sackOf(ack), [[200, 275], [150, 300]], 'D-SACK, then the block holding it');
});

test('RFC 2883 §4: an in-order segment overlapping held data: D-SACK of the overlap, below the new cumulative ACK', () => {
  const { layer } = withSack();
  layer.receive(dg({ seq: 200, ack: 5001, flags: ACK, payload: 100 }), 2);
  layer.receive(dg({ seq: 400, ack: 5001, flags: ACK, payload: 100 }), 2);
  layer.poll(2);
  layer.receive(dg({ seq: 1, ack: 5001, flags: ACK, payload: 399 }), 3); // 1:400 repeats 200:300
  const ack = layer.poll(3).at(-1)!;
  assert.equal(view(ack).ack, 500);
  assert.deepEqual(sackOf(ack), [[200, 300]]);
});

test('RFC 5681 §4.2: an out-of-order FIN is answered at once with a duplicate ACK', () => {
  const { layer, conn } = sackConn();
  layer.receive(dg({ seq: 1101, ack: 5001, flags: FIN | ACK }), 2);
  const out = layer.poll(2);
  assert.equal(out.length, 1);
  assert.equal(view(out[0]!).ack, 1001);
  assert.equal(conn.state, 'ESTABLISHED');
});

test('RFC 9293 §3.10.7.3: text on a SYN in SYN-SENT (simultaneous open) is queued and readable once ESTABLISHED', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000 });
  const r = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 4000 } }, 0);
  if (!r.ok) throw new Error(r.message);
  layer.poll(0);
  const from = (s: Parameters<typeof dg>[0]): ReturnType<typeof dg> => dg({ srcPort: 80, dstPort: 4000, ...s }, '10.0.0.2', '10.0.0.1');
  layer.receive(from({ seq: 0, flags: SYN, payload: 3, options: [{ kind: 'mss', mss: 1460 }] }), 1);
  const synAck = layer.poll(1);
  assert.deepEqual(view(synAck[0]!), { seq: 1000, ack: 1, flags: 'SYN,ACK', len: 0, window: 65535 }, 'the text is not acknowledged yet');
  const c = r.value;
  assert.equal(c.state, 'SYN-RECEIVED');
  assert.equal(c.readableLength, 0);
  layer.receive(from({ seq: 4, ack: 1001, flags: ACK }), 2);
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.readableLength, 3);
  assert.equal(c.rcvNxt, 4);
});

test('RFC 9293 §3.10.7.4 (CLOSING/LAST-ACK): a RST ends the connection; a user who only shut down sending sees ECONNRESET', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
  conn.shutdown(3);
  assert.equal(conn.state, 'LAST-ACK');
  layer.receive(dg({ seq: 1002, flags: RST }), 4);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(conn.error, 'ECONNRESET');
});
