// Closing: RFC 9293 §3.10.4 CLOSE, §3.10.5 ABORT, FIN processing (§3.10.7.4 eighth), TIME-WAIT
// (§3.3.2, RFC 1337, RFC 1122 §4.2.2.13), half-close, orphan timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, LOCAL, REMOTE, RST, SYN, dg, passiveEstablished, view } from './tcp-helpers.js';

function toTimeWait(config = {}) {
  const p = passiveEstablished(config);
  p.conn.close(2);
  assert.equal(view(p.layer.poll(2)[0]!).flags, 'FIN,ACK');
  p.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK | FIN }), 3);
  assert.equal(p.conn.state, 'TIME-WAIT');
  p.layer.poll(3);
  return p;
}

test('RFC 9293 §3.10.7.4 FIN-WAIT-1: FIN with the ACK of our FIN → TIME-WAIT (through FIN-WAIT-2, Figure 5 note 2)', () => {
  const p = toTimeWait();
  const states = p.layer.pollEvents().filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.to : ''));
  assert.deepEqual(states, ['FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
  assert.equal(p.layer.pollAt(), 3 + 2 * p.layer.config.msl);
});

test('RFC 9293 §3.10.7.4 FIN-WAIT-1: FIN without the ACK of ours → CLOSING; then ACK → TIME-WAIT', () => {
  const { layer, conn } = passiveEstablished();
  conn.close(2);
  layer.poll(2);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 3);
  assert.equal(conn.state, 'CLOSING');
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 5002, ack: 1002, flags: 'ACK', len: 0, window: 65534 });
  layer.receive(dg({ seq: 1002, ack: 5002, flags: ACK }), 4);
  assert.equal(conn.state, 'TIME-WAIT');
});

test('RFC 1337: RST in TIME-WAIT is ignored', () => {
  const { layer, conn } = toTimeWait();
  layer.receive(dg({ seq: 1002, flags: RST }), 5);
  assert.equal(conn.state, 'TIME-WAIT');
});

test('RFC 9293 §3.10.7.4 with RFC 1337 protection off: RST in TIME-WAIT → CLOSED', () => {
  const { layer, conn } = toTimeWait({ rfc1337: false });
  layer.receive(dg({ seq: 1002, flags: RST }), 5);
  assert.equal(conn.state, 'CLOSED');
});

test('RFC 9293 §3.10.7.4 TIME-WAIT: a retransmitted FIN is acknowledged and restarts the 2·MSL timer', () => {
  const { layer, conn } = toTimeWait();
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK | FIN }), 1000);
  assert.deepEqual(view(layer.poll(1000)[0]!), { seq: 5002, ack: 1002, flags: 'ACK', len: 0, window: 65534 });
  assert.equal(conn.state, 'TIME-WAIT');
  assert.equal(layer.pollAt(), 1000 + 2 * layer.config.msl);
});

test('RFC 1122 §4.2.2.13: a new SYN with a higher sequence number reopens a TIME-WAIT connection', () => {
  const { layer, conn } = toTimeWait();
  layer.receive(dg({ seq: 90_000, flags: SYN }), 10);
  assert.equal(conn.state, 'CLOSED');
  const fresh = layer.find(LOCAL, REMOTE);
  assert.ok(fresh && fresh !== conn);
  assert.equal(fresh.state, 'SYN-RECEIVED');
  const synack = layer.poll(10)[0]!;
  assert.equal(view(synack).flags, 'SYN,ACK');
  assert.equal(view(synack).ack, 90_001);
  assert.ok(((synack.seg.seq - conn.sndMax) | 0) > 0, 'the new ISS lies beyond the old incarnation');
});

test('TIME-WAIT: an old SYN (lower sequence number) does not reopen, it gets an ACK', () => {
  const { layer, conn } = toTimeWait();
  layer.receive(dg({ seq: 500, flags: SYN }), 10);
  assert.equal(conn.state, 'TIME-WAIT');
  assert.deepEqual(view(layer.poll(10)[0]!), { seq: 5002, ack: 1002, flags: 'ACK', len: 0, window: 65534 });
});

test('RFC 9293 §3.10.7.4 LAST-ACK: the ACK of our FIN → CLOSED', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
  assert.equal(conn.state, 'CLOSE-WAIT');
  conn.close(3);
  assert.equal(conn.state, 'LAST-ACK');
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 5001, ack: 1002, flags: 'FIN,ACK', len: 0, window: 65534 });
  layer.receive(dg({ seq: 1002, ack: 5001, flags: ACK }), 4);
  assert.equal(conn.state, 'LAST-ACK', 'an ACK that does not cover our FIN changes nothing');
  layer.receive(dg({ seq: 1002, ack: 5002, flags: ACK }), 5);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(layer.connectionCount, 0);
});

test('RFC 9293 §3.10.7.4: RST in LAST-ACK closes without an error; in CLOSE-WAIT it is ECONNRESET', () => {
  const a = passiveEstablished();
  a.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
  a.conn.close(3);
  a.layer.receive(dg({ seq: 1002, flags: RST }), 4);
  assert.equal(a.conn.state, 'CLOSED');
  assert.equal(a.conn.error, undefined);
  const b = passiveEstablished();
  b.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
  b.layer.receive(dg({ seq: 1002, flags: RST }), 4);
  assert.equal(b.conn.state, 'CLOSED');
  assert.equal(b.conn.error, 'ECONNRESET');
});

test('half-close: after shutdown() the connection keeps receiving in FIN-WAIT-2', () => {
  const { layer, conn } = passiveEstablished();
  conn.shutdown(2);
  layer.poll(2);
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
  assert.equal(conn.state, 'FIN-WAIT-2');
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK, payload: 100 }), 4);
  assert.equal(conn.recv()!.length, 100);
  assert.equal(layer.pollAt() !== undefined && layer.pollAt()! < 1_000_000, true);
  // Not orphaned: no FIN-WAIT-2 timeout.
  layer.poll(4);
  layer.poll(200_000);
  assert.equal(conn.state, 'FIN-WAIT-2');
});

test('orphaned FIN-WAIT-2 times out after finWait2Timeout', () => {
  const { layer, conn } = passiveEstablished({ finWait2Timeout: 5000 });
  conn.close(2);
  layer.poll(2);
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
  assert.equal(conn.state, 'FIN-WAIT-2');
  layer.poll(3);
  assert.equal(layer.pollAt(), 5003);
  layer.poll(5003);
  assert.equal(conn.state, 'CLOSED');
  assert.ok(layer.pollEvents().some((e) => e.type === 'state' && e.cause === 'fin-wait-2-timeout'));
});

test('RFC 1122 §4.2.2.13 / RFC 2525 §2.17: close() with unread data sends RST', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 10 }), 2);
  layer.poll(2);
  conn.close(3);
  assert.equal(conn.state, 'CLOSED');
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 5001, ack: 1011, flags: 'RST,ACK', len: 0, window: 0 });
});

test('RFC 1122 §4.2.2.13: data arriving after close() is answered with RST', () => {
  const { layer, conn } = passiveEstablished();
  conn.close(2);
  layer.poll(2);
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK, payload: 10 }), 3);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(view(layer.poll(3)[0]!).flags, 'RST,ACK');
});

test('RFC 9293 §3.10.5 ABORT in ESTABLISHED sends <SEQ=SND.NXT><CTL=RST> and closes without an error', () => {
  const { layer, conn } = passiveEstablished();
  conn.send(new Uint8Array(100), 2);
  layer.poll(2);
  conn.abort(3);
  assert.equal(conn.state, 'CLOSED');
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 5101, ack: 1001, flags: 'RST,ACK', len: 0, window: 0 });
  const closed = layer.pollEvents().find((e) => e.type === 'closed');
  assert.ok(closed && closed.type === 'closed' && closed.error === undefined);
});

test('RFC 9293 §3.10.4: FIN goes after the queued data; CLOSE-WAIT → LAST-ACK', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
  conn.send(new Uint8Array(3000), 3);
  conn.shutdown(3);
  assert.equal(conn.state, 'LAST-ACK');
  const out = layer.poll(3).map(view);
  assert.deepEqual(out.map((s) => [s.seq, s.len, s.flags]), [
    [5001, 1460, 'ACK'],
    [6461, 1460, 'ACK'],
    [7921, 80, 'FIN,PSH,ACK'],
  ]);
});

test('RFC 9293 §3.10.7.4 TIME-WAIT (DESIGN memory): a receive buffer grown by a burst and read is released; unread bytes stay readable', () => {
  const p = passiveEstablished({ quickAckSegments: 100 });
  const { layer, conn } = p;
  // 40 kB arrive and are read: the queue drained, the memory goes back (floor 4 KiB).
  for (let i = 0; i < 40; i++) layer.receive(dg({ seq: 1001 + i * 1000, ack: 5001, flags: ACK, payload: 1000 }), 10);
  assert.ok(conn.recvBuf.allocated >= 40_000);
  let read = 0;
  for (let b = conn.recv(); b !== undefined; b = conn.recv()) read += b.length;
  assert.equal(read, 40_000);
  assert.equal(conn.recvBuf.allocated, 0, 'drained queue released');
  // We half-close; 20 kB more arrive, then the peer's FIN: TIME-WAIT with the bytes unread.
  conn.shutdown(15);
  assert.equal(view(layer.poll(15)[0]!).flags, 'FIN,ACK');
  for (let i = 0; i < 20; i++) layer.receive(dg({ seq: 41_001 + i * 1000, ack: 5002, flags: ACK, payload: 1000 }), 20);
  layer.receive(dg({ seq: 61_001, ack: 5002, flags: ACK | FIN }), 21);
  assert.equal(conn.state, 'TIME-WAIT');
  assert.equal(conn.recvBuf.length, 20_000, 'unread data kept in TIME-WAIT');
  read = 0;
  for (let b = conn.recv(); b !== undefined; b = conn.recv()) read += b.length;
  assert.equal(read, 20_000);
  assert.equal(conn.recvBuf.allocated, 0, 'released once read');
});
