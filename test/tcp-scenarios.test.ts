// Multi-step scenarios through the Pair harness: simultaneous open and close, resets in the middle
// of a transfer, port reuse through TIME-WAIT, many connections at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, sha256 } from './tcp-helpers.js';
import { Pair } from '../src/tcp/pair.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpState } from '../src/tcp/states.js';

function statesOf(pair: Pair, node: string, conn: TcpConnection): TcpState[] {
  return pair.node(node).events.flatMap((e) => (e.type === 'state' && e.conn === conn ? [e.to] : []));
}

test('RFC 9293 §3.3.4 simultaneous open through the pipe: both sides reach ESTABLISHED and exchange data', () => {
  const pair = new Pair({ delayMs: 10 });
  const a = pair.a.connect({ address: '10.0.0.2', port: 6000 }, { local: { port: 5000 } }, 0);
  const b = pair.b.connect({ address: '10.0.0.1', port: 5000 }, { local: { port: 6000 } }, 0);
  assert.ok(a.ok && b.ok);
  pair.drive({ until: 100 });
  assert.equal(a.value.state, 'ESTABLISHED');
  assert.equal(b.value.state, 'ESTABLISHED');
  assert.deepEqual(statesOf(pair, 'a', a.value), ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
  a.value.send(bytes(5000, 1), pair.now);
  b.value.send(bytes(3000, 2), pair.now);
  pair.drive({ until: 300 });
  assert.equal(sha256(b.value.recv()!), sha256(bytes(5000, 1)));
  assert.equal(sha256(a.value.recv()!), sha256(bytes(3000, 2)));
  assert.ok(pair.node('a').events.some((e) => e.type === 'connected'));
});

test('RFC 9293 §3.6 simultaneous close: both sides pass CLOSING and TIME-WAIT, then CLOSED', () => {
  const pair = new Pair({ delayMs: 10 });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  const a = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(a.ok);
  pair.drive({ until: 100 });
  const b = l.value.accept()!;
  a.value.close(pair.now);
  b.close(pair.now);
  pair.drive();
  for (const [node, c] of [['a', a.value], ['b', b]] as const) {
    assert.deepEqual(statesOf(pair, node, c).slice(-4), ['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT', 'CLOSED']);
  }
});

test('RST in the middle of a transfer: the peer fails with ECONNRESET and the rest is not delivered', () => {
  const pair = new Pair({ delayMs: 5 });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  const a = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(a.ok);
  let got = 0;
  let server: TcpConnection | undefined;
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') server = ev.listener.accept();
    if (node.name === 'b' && ev.type === 'readable') got += ev.conn.recv()?.length ?? 0;
  });
  pair.drive({ until: 50 });
  a.value.send(bytes(200_000, 3), pair.now);
  pair.drive({ until: 62 }); // before the window (slow start, RFC 9406 growth) covers the whole write
  a.value.abort(pair.now);
  pair.drive();
  assert.ok(server);
  assert.equal(server.state, 'CLOSED');
  assert.equal(server.error, 'ECONNRESET');
  assert.ok(got > 0 && got < 200_000, `received ${got}`);
  const closed = pair.node('b').events.find((e) => e.type === 'closed' && e.conn === server);
  assert.ok(closed && closed.type === 'closed' && closed.error === 'ECONNRESET');
  assert.equal(pair.a.connectionCount + pair.b.connectionCount, 0);
});

test('connect to a port with no listener: RST → ECONNREFUSED', () => {
  const pair = new Pair({ delayMs: 5 });
  const a = pair.a.connect({ address: '10.0.0.2', port: 81 }, {}, 0);
  assert.ok(a.ok);
  pair.drive();
  assert.equal(a.value.error, 'ECONNREFUSED');
  assert.equal(pair.now, 10);
});

test('port reuse through TIME-WAIT: the server closes first, the client reconnects from the same port at once', () => {
  const pair = new Pair({ delayMs: 5 });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  const first = pair.a.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5555 } }, 0);
  assert.ok(first.ok);
  pair.drive({ until: 50 });
  const s1 = l.value.accept()!;
  s1.close(pair.now); // the server closes actively: it will hold TIME-WAIT
  pair.on((ev, node) => {
    if (node.name === 'a' && ev.type === 'peer-fin') ev.conn.close(pair.now);
  });
  pair.drive({ until: 200 });
  assert.equal(s1.state, 'TIME-WAIT');
  assert.equal(first.value.state, 'CLOSED');
  const second = pair.a.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5555 } }, pair.now);
  assert.ok(second.ok);
  pair.drive({ until: 400 });
  assert.equal(second.value.state, 'ESTABLISHED');
  assert.equal(s1.state, 'CLOSED', 'the new SYN ended the old incarnation (RFC 1122 §4.2.2.13)');
  const s2 = l.value.accept()!;
  assert.equal(s2.state, 'ESTABLISHED');
  second.value.send(bytes(1000, 5), pair.now);
  pair.drive({ until: 600 });
  assert.equal(sha256(s2.recv()!), sha256(bytes(1000, 5)));
});

test('port reuse through TIME-WAIT: the client closes first and reconnects from the same port', () => {
  const pair = new Pair({ delayMs: 5 });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') ev.listener.accept();
    if (node.name === 'b' && ev.type === 'peer-fin') ev.conn.close(pair.now);
  });
  const first = pair.a.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5555 } }, 0);
  assert.ok(first.ok);
  pair.drive({ until: 50 });
  first.value.close(pair.now);
  pair.drive({ until: 200 });
  assert.equal(first.value.state, 'TIME-WAIT');
  const second = pair.a.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 5555 } }, pair.now);
  assert.ok(second.ok);
  assert.equal(first.value.state, 'CLOSED');
  assert.ok(((second.value.iss - first.value.sndMax) | 0) > 0);
  pair.drive({ until: 400 });
  assert.equal(second.value.state, 'ESTABLISHED');
});

test('200 concurrent connections through one listener all transfer and close', () => {
  const pair = new Pair({ delayMs: 2, seed: 9, trace: false });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 256, 0);
  assert.ok(l.ok);
  const received = new Map<TcpConnection, number>();
  pair.on((ev, node) => {
    if (node.name === 'b') {
      if (ev.type === 'accept-ready') for (let c = ev.listener.accept(); c; c = ev.listener.accept()) received.set(c, 0);
      if (ev.type === 'readable') received.set(ev.conn, (received.get(ev.conn) ?? 0) + (ev.conn.recv()?.length ?? 0));
      if (ev.type === 'peer-fin') {
        received.set(ev.conn, (received.get(ev.conn) ?? 0) + (ev.conn.recv()?.length ?? 0));
        ev.conn.close(pair.now);
      }
    } else if (ev.type === 'connected') {
      ev.conn.send(bytes(5000, 1), pair.now);
      ev.conn.shutdown(pair.now);
    } else if (ev.type === 'peer-fin') ev.conn.close(pair.now);
  });
  for (let i = 0; i < 200; i++) assert.ok(pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, i * 0.1).ok);
  pair.drive();
  assert.equal(received.size, 200);
  for (const n of received.values()) assert.equal(n, 5000);
  assert.equal(pair.a.connectionCount + pair.b.connectionCount, 0);
});
