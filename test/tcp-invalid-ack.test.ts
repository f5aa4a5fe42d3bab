// A segment acknowledging data never sent (RFC 9293 §3.10.7.4: "send an ACK, drop the segment, and
// return"): it must leave TS.Recent alone (RFC 7323 §4.3), and TcpConfig.ackOfUnsentData picks the
// reply (RFC 5961 §5.2 ACK, or Linux's silent drop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpDatagram } from '../src/stack/types.js';
import { ACK, FIN, SYN, dg, mkLayer, LOCAL } from './tcp-helpers.js';

function established(ackOfUnsentData: 'ack' | 'drop') {
  const layer = mkLayer(LOCAL.address, { isn: () => 5000, timestamps: true, sack: false, ackOfUnsentData });
  const l = layer.listen(LOCAL, 8, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: 1000, flags: SYN, options: [{ kind: 'mss', mss: 1000 }, { kind: 'timestamp', val: 100, ecr: 0 }] }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, options: [{ kind: 'timestamp', val: 200, ecr: 0 }] }), 1);
  const conn = l.value.accept()!;
  layer.poll(1);
  return { layer, conn };
}

const ecr = (d: TcpDatagram): number | undefined => {
  const o = d.seg.options.find((x) => x.kind === 'timestamp');
  return o !== undefined && o.kind === 'timestamp' ? o.ecr : undefined;
};

test('RFC 7323 §4.3 / RFC 9293 §3.10.7.4 a segment whose ACK covers unsent data does not update TS.Recent; the next in-order data is accepted', () => {
  const { layer, conn } = established('ack');
  layer.receive(dg({ seq: 1001, ack: 9999, flags: FIN | ACK, options: [{ kind: 'timestamp', val: 200_000, ecr: 0 }] }), 2);
  const reply = layer.poll(2);
  assert.equal(reply.length, 1, 'RFC 5961 §5.2: an ACK answers it');
  assert.equal(ecr(reply[0]!), 200, 'TS.Recent is still the last valid TSval');
  assert.equal(conn.state, 'ESTABLISHED', 'its FIN was dropped with it');
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 100, options: [{ kind: 'timestamp', val: 201, ecr: 0 }] }), 3);
  assert.equal(conn.readableLength, 100, 'PAWS does not reject TSval 201');
});

test("RFC 9293 §3.10.7.4 ackOfUnsentData 'drop' (linux): in ESTABLISHED the segment is dropped unanswered", () => {
  const { layer, conn } = established('drop');
  layer.receive(dg({ seq: 1001, ack: 9999, flags: FIN | ACK, options: [{ kind: 'timestamp', val: 200_000, ecr: 0 }] }), 2);
  assert.deepEqual(layer.poll(2), []);
  assert.equal(conn.state, 'ESTABLISHED');
});
