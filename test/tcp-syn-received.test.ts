// RFC 9293 §3.10.7.4 for a connection in SYN-RECEIVED reached from LISTEN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, LOCAL, REMOTE, RST, SYN, dg, mkLayer, view } from './tcp-helpers.js';

function halfOpen(config = {}) {
  const layer = mkLayer(LOCAL.address, { isn: () => 5000, ...config });
  const l = layer.listen(LOCAL, 4, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: 1000, flags: SYN }), 0);
  layer.poll(0);
  const c = layer.find(LOCAL, REMOTE)!;
  layer.pollEvents();
  return { layer, listener: l.value, c };
}

test('RFC 9293 §3.10.7.4 RST in SYN-RECEIVED (passive) returns to LISTEN', () => {
  const { layer, listener, c } = halfOpen();
  layer.receive(dg({ seq: 1001, flags: RST }), 1);
  assert.equal(c.state, 'LISTEN');
  assert.equal(layer.connectionCount, 0, 'the half-open TCB is gone');
  assert.equal(listener.state, 'LISTEN');
  assert.equal(listener.halfOpen, 0);
  const evs = layer.pollEvents();
  assert.deepEqual(evs.map((e) => e.type), ['state'], 'the user need not be informed');
  // The listener still answers new SYNs.
  layer.receive(dg({ seq: 2000, flags: SYN }), 2);
  assert.equal(view(layer.poll(2)[0]!).flags, 'SYN,ACK');
});

test('RFC 5961 §3.2 in SYN-RECEIVED: an in-window RST that is not exact gets a challenge ACK', () => {
  const { layer, c } = halfOpen();
  layer.receive(dg({ seq: 1050, flags: RST }), 1);
  assert.equal(c.state, 'SYN-RECEIVED');
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 9293 §3.10.7.4 SYN-RECEIVED: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>', () => {
  const { layer, c } = halfOpen();
  layer.receive(dg({ seq: 1001, ack: 7777, flags: ACK }), 1);
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 7777, ack: 0, flags: 'RST', len: 0, window: 0 });
  assert.equal(c.state, 'SYN-RECEIVED');
});

test('RFC 9293 §3.10.7.4 SYN-RECEIVED: the ACK of our SYN → ESTABLISHED and the accept queue', () => {
  const { layer, listener, c } = halfOpen();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 4000 }), 3);
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.sndWnd, 4000);
  assert.equal(c.rtt.srtt, 3, 'SYN-ACK round trip sampled');
  const ev = layer.pollEvents();
  assert.ok(ev.some((e) => e.type === 'accept-ready' && e.listener === listener));
  assert.equal(listener.accept(), c);
  assert.equal(listener.accept(), undefined);
});

test('RFC 9293 §3.10.7.4 SYN-RECEIVED: a segment without ACK is dropped', () => {
  const { layer, c } = halfOpen();
  layer.receive(dg({ seq: 1001, flags: 0, payload: 10 }), 1);
  assert.equal(c.state, 'SYN-RECEIVED');
  assert.equal(c.readableLength, 0);
});

test('SYN-RECEIVED: a retransmitted SYN (our SYN-ACK was lost) is answered with the SYN-ACK again', () => {
  const { layer } = halfOpen();
  layer.receive(dg({ seq: 1000, flags: SYN }), 1);
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 5000, ack: 1001, flags: 'SYN,ACK', len: 0, window: 65535 });
});

test('RFC 9293 §3.10.7.4 fourth: a different SYN in the window after a passive OPEN returns to LISTEN', () => {
  const { layer, c } = halfOpen();
  layer.receive(dg({ seq: 1010, flags: SYN }), 1);
  assert.equal(c.state, 'LISTEN');
  assert.equal(layer.connectionCount, 0);
});

test('RFC 6298: SYN-ACK retransmitted with backoff; the half-open connection is dropped after synAckRetries', () => {
  const { layer, listener, c } = halfOpen({ synAckRetries: 2 });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const at = layer.pollAt();
    if (at === undefined) break;
    const out = layer.poll(at);
    if (out.length) times.push(at);
  }
  assert.deepEqual(times, [1000, 3000]);
  assert.equal(c.state, 'CLOSED');
  assert.equal(listener.halfOpen, 0);
  assert.equal(layer.pollEvents().filter((e) => e.type === 'closed').length, 0, 'never visible to the user');
});

test('accept queue full when the ACK arrives: the connection stays half-open and completes later', () => {
  const layer = mkLayer(LOCAL.address, { isn: () => 5000 });
  const l = layer.listen(LOCAL, 1, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1000, flags: SYN, srcPort: 1 }), 0);
  layer.receive(dg({ seq: 2000, flags: SYN, srcPort: 2 }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, srcPort: 1 }), 1);
  layer.receive(dg({ seq: 2001, ack: 5001, flags: ACK, srcPort: 2 }), 1);
  assert.equal(l.value.pending, 1);
  assert.equal(l.value.halfOpen, 1);
  assert.ok(l.value.accept());
  assert.deepEqual(layer.poll(1), []);
  // The retransmitted SYN-ACK brings another ACK from the peer.
  const at = layer.pollAt()!;
  assert.equal(view(layer.poll(at)[0]!).flags, 'SYN,ACK');
  layer.receive(dg({ seq: 2001, ack: 5001, flags: ACK, srcPort: 2 }), at + 1);
  assert.equal(l.value.pending, 1);
});
