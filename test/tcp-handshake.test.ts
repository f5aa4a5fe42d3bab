// The seed exchange of the study note, segment by segment, with both sides' states asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkLayer, view, bytes } from './tcp-helpers.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { Pair } from '../src/tcp/pair.js';

test('study note exchange: ISN 100/2000, 100 B then 500 B, 4-way close, TIME-WAIT 2·MSL', () => {
  // The study note's SYNs carry only MSS: RFC 7323 options off.
  const client = mkLayer('10.0.0.1', { isn: () => 100, windowScaling: false, timestamps: false, sack: false });
  const server = mkLayer('10.0.0.2', { isn: () => 2000, windowScaling: false, timestamps: false, sack: false });
  const l = server.listen({ address: '10.0.0.2', port: 80 }, 8, 0);
  assert.ok(l.ok);
  const listener = l.value;
  assert.equal(listener.state, 'LISTEN');

  const r = client.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(r.ok);
  const c = r.value;
  assert.equal(c.state, 'SYN-SENT');

  // 1. SYN seq=100
  let segs = client.poll(0);
  assert.equal(segs.length, 1);
  assert.deepEqual(view(segs[0]!), { seq: 100, ack: 0, flags: 'SYN', len: 0, window: 65535 });
  assert.deepEqual(segs[0]!.seg.options, [{ kind: 'mss', mss: 1460 }]);
  server.receive(segs[0]!, 1);

  // 2. SYN-ACK seq=2000 ack=101
  segs = server.poll(1);
  assert.equal(segs.length, 1);
  assert.deepEqual(view(segs[0]!), { seq: 2000, ack: 101, flags: 'SYN,ACK', len: 0, window: 65535 });
  assert.equal(listener.halfOpen, 1);
  client.receive(segs[0]!, 2);
  assert.equal(c.state, 'ESTABLISHED');

  // 3. ACK seq=101 ack=2001
  segs = client.poll(2);
  assert.equal(segs.length, 1);
  assert.deepEqual(view(segs[0]!), { seq: 101, ack: 2001, flags: 'ACK', len: 0, window: 65535 });
  server.receive(segs[0]!, 3);
  const s = listener.accept() as TcpConnection;
  assert.ok(s);
  assert.equal(s.state, 'ESTABLISHED');
  assert.equal(server.poll(3).length, 0, 'nothing to say after the handshake');

  // 4. client sends 100 bytes: seq=101 ack=2001
  const req = bytes(100, 1);
  assert.equal(c.send(req, 4), 100);
  segs = client.poll(4);
  assert.equal(segs.length, 1);
  assert.deepEqual(view(segs[0]!), { seq: 101, ack: 2001, flags: 'PSH,ACK', len: 100, window: 65535 });
  server.receive(segs[0]!, 5);
  assert.deepEqual(s.recv(), req);

  // 5. server answers with 500 bytes: seq=2001 ack=201 (the ACK rides on the data)
  const resp = bytes(500, 2);
  assert.equal(s.send(resp, 5), 500);
  segs = server.poll(5);
  assert.equal(segs.length, 1);
  assert.equal(view(segs[0]!).seq, 2001);
  assert.equal(view(segs[0]!).ack, 201);
  assert.equal(view(segs[0]!).len, 500);
  client.receive(segs[0]!, 6);
  assert.deepEqual(c.recv(), resp);

  // 6. client acknowledges: seq=201 ack=2501 (the window edge stays put: 500 B freed is below
  // the receiver SWS threshold, RFC 9293 §3.8.6.2.2)
  segs = client.poll(6);
  assert.equal(segs.length, 1);
  assert.deepEqual(view(segs[0]!), { seq: 201, ack: 2501, flags: 'ACK', len: 0, window: 65535 - 500 });
  server.receive(segs[0]!, 7);
  assert.equal(s.state, 'ESTABLISHED');
  assert.equal(c.state, 'ESTABLISHED');

  // 4-way close. Client FIN seq=201 ack=2501 → FIN-WAIT-1.
  c.close(10);
  assert.equal(c.state, 'FIN-WAIT-1');
  segs = client.poll(10);
  assert.deepEqual(view(segs[0]!), { seq: 201, ack: 2501, flags: 'FIN,ACK', len: 0, window: 65535 - 500 });
  server.receive(segs[0]!, 11);
  assert.equal(s.state, 'CLOSE-WAIT');
  assert.equal(s.eof, true);
  // Server ACKs the FIN: seq=2501 ack=202 (the FIN took one sequence number of the window).
  segs = server.poll(11);
  assert.deepEqual(view(segs[0]!), { seq: 2501, ack: 202, flags: 'ACK', len: 0, window: 65535 - 100 - 1 });
  client.receive(segs[0]!, 12);
  assert.equal(c.state, 'FIN-WAIT-2');
  // Server closes: FIN seq=2501 ack=202 → LAST-ACK.
  s.close(13);
  assert.equal(s.state, 'LAST-ACK');
  segs = server.poll(13);
  assert.deepEqual(view(segs[0]!), { seq: 2501, ack: 202, flags: 'FIN,ACK', len: 0, window: 65535 - 100 - 1 });
  client.receive(segs[0]!, 14);
  assert.equal(c.state, 'TIME-WAIT');
  // Client's last ACK: seq=202 ack=2502.
  segs = client.poll(14);
  assert.deepEqual(view(segs[0]!), { seq: 202, ack: 2502, flags: 'ACK', len: 0, window: 65535 - 500 - 1 });
  server.receive(segs[0]!, 15);
  assert.equal(s.state, 'CLOSED');
  assert.equal(server.connectionCount, 0);

  // TIME-WAIT lasts 2·MSL, then CLOSED.
  const msl = client.config.msl;
  assert.equal(client.pollAt(), 14 + 2 * msl);
  client.poll(14 + 2 * msl - 1);
  assert.equal(c.state, 'TIME-WAIT');
  client.poll(14 + 2 * msl);
  assert.equal(c.state, 'CLOSED');
  assert.equal(client.connectionCount, 0);
  assert.equal(client.pollAt(), undefined);

  const states = client.pollEvents().filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? `${e.from}>${e.to}` : ''));
  assert.deepEqual(states, ['CLOSED>SYN-SENT', 'SYN-SENT>ESTABLISHED', 'ESTABLISHED>FIN-WAIT-1', 'FIN-WAIT-1>FIN-WAIT-2', 'FIN-WAIT-2>TIME-WAIT', 'TIME-WAIT>CLOSED']);
});

test('study note exchange through Pair.drive(): trace and user events', () => {
  const pair = new Pair({ delayMs: 10, a: { config: { isn: () => 100 } }, b: { config: { isn: () => 2000 } } });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 8, 0);
  assert.ok(l.ok);
  let server: TcpConnection | undefined;
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') server = ev.listener.accept();
    if (node.name === 'b' && ev.type === 'readable') {
      const data = ev.conn.recv();
      if (data !== undefined && data.length === 100) ev.conn.send(bytes(500, 2), pair.now);
    }
    if (node.name === 'b' && ev.type === 'peer-fin') ev.conn.close(pair.now);
    if (node.name === 'a' && ev.type === 'readable') {
      ev.conn.recv();
      ev.conn.close(pair.now);
    }
  });
  const r = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(r.ok);
  const c = r.value;
  pair.on((ev, node) => {
    if (node.name === 'a' && ev.type === 'connected') ev.conn.send(bytes(100, 1), pair.now);
  });
  pair.drive();
  assert.ok(server);
  assert.equal(c.state, 'CLOSED');
  assert.equal(server.state, 'CLOSED');
  const ladder = pair.trace.map((t) => `${t.from}>${t.to} ${view(t.dgram).flags} ${view(t.dgram).seq}:${view(t.dgram).ack} ${view(t.dgram).len}`);
  // The client's ACK of the 500 bytes rides on its FIN (it closes as soon as it has read them).
  assert.deepEqual(ladder.slice(0, 6), [
    'a>b SYN 100:0 0',
    'b>a SYN,ACK 2000:101 0',
    'a>b ACK 101:2001 0',
    'a>b PSH,ACK 101:2001 100',
    'b>a PSH,ACK 2001:201 500',
    'a>b FIN,ACK 201:2501 0',
  ]);
  const closedEv = pair.node('a').events.find((e) => e.type === 'closed');
  assert.ok(closedEv && closedEv.type === 'closed' && closedEv.error === undefined);
});
