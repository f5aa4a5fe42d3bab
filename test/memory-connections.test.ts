// Memory is released after close (DESIGN: "buffers that are never released after close"): 1,000
// connections open, transfer both ways and close; afterwards the tables are empty, every closed
// connection holds no buffer memory, and the heap is back near its baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pair } from '../src/tcp/pair.js';
import type { TcpConnection } from '../src/tcp/connection.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const N = 1000;

test('RFC 9293 §3.10.4/§3.10.7 1,000 connections open, transfer, close: tables empty, buffers released, connections collected, heap near baseline', async () => {
  const pair = new Pair({ seed: 5, delayMs: 2, trace: false, config: { msl: 1000 } });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4096, 0);
  assert.ok(l.ok);
  const all: TcpConnection[] = [];
  // Every connection object is watched: once released, nothing in the stacks may keep it alive.
  let live = 0;
  const watch = new FinalizationRegistry<number>(() => {
    live--;
  });
  const track = (c: TcpConnection): void => {
    live++;
    watch.register(c, 0);
  };
  const payload = new Uint8Array(20_000).fill(7);
  let received = 0;
  pair.on((ev) => {
    if (ev.type === 'accept-ready') {
      for (let c = ev.listener.accept(); c !== undefined; c = ev.listener.accept()) {
        all.push(c);
        track(c);
        c.send(payload.subarray(0, 5000), pair.now);
        c.shutdown(pair.now);
      }
    }
    if (ev.type === 'readable' || ev.type === 'peer-fin') {
      for (let b = ev.conn.recv(); b !== undefined; b = ev.conn.recv()) received += b.length;
    }
    if (ev.type === 'connected') {
      ev.conn.send(payload, pair.now);
      ev.conn.shutdown(pair.now);
    }
  });
  const baseline = heap();
  for (let i = 0; i < N; i++) {
    const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, pair.now);
    assert.ok(c.ok);
    all.push(c.value);
    track(c.value);
  }
  pair.drive();
  assert.equal(received, N * (20_000 + 5000), 'every byte arrived');
  // Deterministic counts first: nothing left in the tables (TIME-WAIT expired), no buffer held.
  assert.equal(pair.a.connectionCount, 0);
  assert.equal(pair.b.connectionCount, 0);
  assert.equal(l.value.halfOpen, 0);
  assert.equal(l.value.pending, 0);
  for (const c of all) {
    assert.equal(c.state, 'CLOSED');
    assert.equal(c.sendBuf.allocated, 0, `${c.key} send buffer kept`);
    assert.equal(c.recvBuf.length, 0, `${c.key} unread bytes`);
    assert.equal(c.ooo.bytes, 0);
  }
  const held = heap() - baseline;
  all.length = 0;
  for (const n of pair.nodes) n.events.length = 0; // the harness keeps every event (and so every connection)
  heap();
  for (let i = 0; i < 5 && live > 4; i++) {
    await new Promise((r) => setTimeout(r, 10)); // finalization callbacks run between turns
    heap();
  }
  const released = heap() - baseline;
  // Generous: 1,000 connection objects with empty buffers take well under 16 MB; the 25 MB moved
  // through them is not retained.
  assert.ok(held < 16 * 1024 * 1024, `heap grew ${held} B while the closed connections are referenced`);
  // The 2,000 connection objects are collected but for a constant few (2 seen: the last one handled
  // on each side may still be referenced); a leak through a stack table would keep them all.
  assert.ok(live <= 4, `${live} of ${2 * N} closed connections still reachable after release`);
  // What stays is per-stack, not per-connection: compiled code and type feedback for the paths the
  // run warmed up, and bounded caches (IP header templates, endpoint objects) — about 2 MB here.
  assert.ok(released < 4 * 1024 * 1024, `heap ${released} B above baseline after release`);
});

/** One connection that moves `bytes` to a server that reads everything; returns both ends. */
function burst(bytes: number, closeAfter: boolean): { client: TcpConnection; server: TcpConnection; pair: Pair } {
  const pair = new Pair({ seed: 9, delayMs: 2, trace: false });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 8, 0);
  assert.ok(l.ok);
  let server: TcpConnection | undefined;
  pair.on((ev) => {
    if (ev.type === 'accept-ready') server = ev.listener.accept();
    // A slow reader: it drains the buffer only at the end of the stream.
    if (ev.type === 'peer-fin' && ev.conn === server) {
      while (server.recv() !== undefined);
      server.shutdown(pair.now);
    }
  });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  pair.drive({ stopWhen: () => server !== undefined });
  assert.equal(c.value.send(new Uint8Array(bytes), pair.now), bytes);
  if (closeAfter) c.value.shutdown(pair.now);
  pair.drive({ until: pair.now + 10_000 });
  if (closeAfter) pair.drive();
  return { client: c.value, server: server!, pair };
}

test('receive buffer memory released after an orderly close once everything was read (RFC 9293 §3.10.4; DESIGN memory)', () => {
  const { server } = burst(200_000, true);
  assert.equal(server.state, 'CLOSED');
  assert.equal(server.recvBuf.length, 0);
  assert.equal(server.recvBuf.allocated, 0, `CLOSED connection holds ${server.recvBuf.allocated} B of receive buffer`);
});

test('an idle ESTABLISHED connection after a burst does not keep a full receive buffer (DESIGN memory)', () => {
  const { server } = burst(200_000, false);
  assert.equal(server.state, 'ESTABLISHED');
  let read = 0;
  for (let b = server.recv(); b !== undefined; b = server.recv()) read += b.length;
  assert.equal(read, 200_000);
  assert.equal(server.recvBuf.length, 0);
  assert.ok(server.recvBuf.allocated <= 4096, `idle connection holds ${server.recvBuf.allocated} B of receive buffer`);
});

/**
 * Opens `n` idle ESTABLISHED connections between two layers (both ends live, both held) and returns
 * the heap growth per endpoint. A first batch warms the code paths up so that compiled code is not
 * counted; the delay is fractional so times are fractional milliseconds, as with a real clock.
 */
function idleHeapPerEndpoint(n: number): { perEndpoint: number; established: number } {
  const pair = new Pair({ seed: 3, delayMs: 0.75, trace: false, config: { maxBacklog: 100_000, synBacklog: 100_000 } });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 100_000, 0);
  assert.ok(l.ok);
  const held: TcpConnection[] = [];
  const open = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, pair.now);
      assert.ok(c.ok);
      held.push(c.value);
      if (i % 1000 === 999) pair.drive();
    }
    pair.drive();
    for (let c = l.value.accept(); c !== undefined; c = l.value.accept()) held.push(c);
    pair.a.pollEvents();
    pair.b.pollEvents();
    for (const node of pair.nodes) node.events.length = 0;
  };
  open(1000);
  const before = heap();
  const first = held.length;
  open(n);
  const after = heap();
  const established = held.slice(first).filter((c) => c.state === 'ESTABLISHED').length;
  return { perEndpoint: (after - before) / (2 * n), established };
}

test('issue 11: an idle ESTABLISHED endpoint holds at most 2 KiB of heap (measured ≈ 1.7 KiB)', (t) => {
  const n = 5000;
  const { perEndpoint, established } = idleHeapPerEndpoint(n);
  assert.equal(established, 2 * n);
  // Measured 1,747 B per endpoint here (node 20; 1,626 B before HyStart++ and pacing state joined
  // the connection). scripts/idle-connections.ts gives 1,955 B with 100,000 connections because it
  // also counts compiled code and the tables' growth. The bound is the issue's target, 17 % above
  // this test's figure. Before src/tcp/tcb.ts, the lazily allocated buffers and timers and the
  // numeric table keys, the script gave 2,920 B.
  assert.ok(perEndpoint <= 2048, `${perEndpoint.toFixed(0)} B per idle endpoint`);
  t.diagnostic(`idle ESTABLISHED endpoint: ${perEndpoint.toFixed(0)} B of heap`);
});
