// Flow control: zero-window probing (RFC 9293 §3.8.6.1), receiver and sender SWS avoidance
// (§3.8.6.2.2, §3.8.6.2.1), Nagle (RFC 896; RFC 9293 §3.7.4) and TCP_NODELAY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, bytes, dg, passiveEstablished, sha256, transfer, view } from './tcp-helpers.js';

test('RFC 9293 §3.8.6.1 zero window: data waits, the persist timer probes with one octet of new data, with backoff', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000, 0);
  conn.send(new Uint8Array(2000), 10);
  assert.deepEqual(layer.poll(10), [], 'nothing fits a zero window');
  const rto = conn.rtt.rto;
  const probes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const at = layer.pollAt()!;
    const out = layer.poll(at);
    assert.equal(out.length, 1);
    assert.deepEqual(view(out[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 1, window: 65535 });
    probes.push(at);
    // The peer answers each probe: window still zero.
    layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 0 }), at + 1);
    layer.poll(at + 1);
  }
  assert.deepEqual(probes, [10 + rto, 10 + 3 * rto, 10 + 7 * rto]);
  assert.equal(conn.stats.zeroWindowProbes, 3);
  // The window opens: data flows at once.
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 65535 }), 5000);
  const out = layer.poll(5000);
  assert.equal(out.reduce((n, d) => n + d.seg.payload.length, 0), 2000);
});

test('RFC 9293 §3.8.6.1: a receiver that takes the probe octet advances SND.UNA; probing goes on from there', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000, 0);
  const data = bytes(10);
  conn.send(data, 10);
  layer.poll(10);
  let at = layer.pollAt()!;
  let out = layer.poll(at);
  assert.deepEqual(view(out[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 1, window: 65535 });
  assert.equal(out[0]!.seg.payload[0], data[0]);
  // The peer accepts the octet (RFC 9293 §3.10.7.4) and still shows a zero window.
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK, window: 0 }), at + 1);
  assert.deepEqual(layer.poll(at + 1), []);
  assert.equal(conn.sndUna, 5002);
  at = layer.pollAt()!;
  out = layer.poll(at);
  assert.deepEqual(view(out[0]!), { seq: 5002, ack: 1001, flags: 'ACK', len: 1, window: 65535 });
  // The window opens: the other 9 bytes go out (the octet just probed among them).
  layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK, window: 65535 }), at + 1);
  out = layer.poll(at + 1);
  assert.deepEqual(out.map((d) => [d.seg.seq, d.seg.payload.length]), [[5002, 9]]);
  assert.deepEqual([...out[0]!.seg.payload], [...data.subarray(1)]);
});

test('RFC 9293 §3.8.6.1 / RFC 1122 §4.2.3.6: with nothing queued a probe is an empty segment at SND.UNA−1', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000);
  conn.setKeepAlive(true, 1000);
  layer.poll(0);
  const at = layer.pollAt()!;
  const out = layer.poll(at);
  assert.deepEqual(view(out[0]!), { seq: 5000, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 1122 §4.2.2.17: zero-window probing continues as long as the receiver answers', () => {
  const { layer, conn } = passiveEstablished({ dataRetries: 3 }, 1000, 5000, 0);
  conn.send(new Uint8Array(10), 10);
  layer.poll(10);
  for (let i = 0; i < 10; i++) {
    const at = layer.pollAt()!;
    layer.poll(at);
    layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 0 }), at + 1);
    layer.poll(at + 1);
  }
  assert.equal(conn.state, 'ESTABLISHED');
  // Unanswered probes end it.
  while (conn.state === 'ESTABLISHED') layer.poll(layer.pollAt()!);
  assert.equal(conn.error, 'ETIMEDOUT');
});

test('RFC 9293 §3.8.6.2.2 receiver SWS avoidance: small reads do not reopen a closed window', () => {
  const { layer, conn } = passiveEstablished({ recvBufferSize: 10_000, quickAckSegments: 100 });
  for (let i = 0; i < 7; i++) layer.receive(dg({ seq: 1001 + i * 1460, ack: 5001, flags: ACK, payload: Math.min(1460, 10_000 - i * 1460) }), 10);
  let out = layer.poll(10);
  assert.equal(out[out.length - 1]!.seg.window, 0);
  conn.recv(100);
  assert.deepEqual(layer.poll(11), [], 'a 100-byte read is below min(RCV.BUFF/2, MSS): no update');
  conn.recv(1400);
  out = layer.poll(12);
  assert.equal(out.length, 1, 'window update');
  assert.deepEqual(view(out[0]!), { seq: 5001, ack: 11001, flags: 'ACK', len: 0, window: 1500 });
});

test('RFC 9293 §3.8.6.2.2: the right window edge never moves left', () => {
  const { layer, conn } = passiveEstablished({ recvBufferSize: 5000 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1000 }), 10);
  const w1 = layer.poll(10)[0]!.seg.window;
  assert.equal(w1, 4000);
  const edge = 2001 + w1;
  conn.recvBufferSize = 1000; // shrink the buffer: the window already offered is not withdrawn
  layer.receive(dg({ seq: 2001, ack: 5001, flags: ACK, payload: 1000 }), 11);
  assert.equal(conn.readableLength, 1000, 'the buffer limit is what holds data (the excess is not acknowledged)');
  const d = layer.poll(11)[0]!;
  assert.equal(d.seg.ack, 2001);
  assert.equal(d.seg.ack + d.seg.window, edge, 'same right edge as before');
});

test('RFC 9293 §3.8.6.2.1 sender SWS avoidance: a small usable window waits for the override timeout', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000, 65535);
  // The peer's window shrinks to 500 bytes (its buffer is nearly full).
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 500 }), 5);
  conn.send(new Uint8Array(3000), 10);
  assert.deepEqual(layer.poll(10), [], '500 < MSS and < MAX.SND.WND/2: wait');
  const at = layer.pollAt()!;
  const out = layer.poll(at);
  assert.equal(out.length, 1);
  assert.equal(view(out[0]!).len, 500, 'the override timeout sends what fits');
});

test('RFC 896 Nagle: a small write waits while a small segment is unacknowledged; setNoDelay sends at once', () => {
  const { layer, conn } = passiveEstablished();
  conn.send(new Uint8Array(10), 10);
  assert.equal(layer.poll(10).length, 1);
  conn.send(new Uint8Array(10), 11);
  assert.deepEqual(layer.poll(11), [], 'held by Nagle');
  layer.receive(dg({ seq: 1001, ack: 5011, flags: ACK }), 20);
  const out = layer.poll(20);
  assert.deepEqual(out.map((d) => view(d).len), [10], 'sent when the first one is acknowledged');
  conn.setNoDelay(true);
  conn.send(new Uint8Array(10), 21);
  assert.equal(layer.poll(21).length, 1, 'TCP_NODELAY: no waiting');
});

test("RFC 896 with Minshall's refinement (the default nagle: 'minshall'): the tail of a write goes out at once after full segments", () => {
  const { layer, conn } = passiveEstablished();
  assert.equal(conn.host.config.nagle, 'minshall');
  conn.send(new Uint8Array(1500), 10);
  assert.deepEqual(layer.poll(10).map((d) => view(d).len), [1460, 40]);
});

test("RFC 1122 §4.2.3.4 / RFC 9293 §3.7.4 classic Nagle (nagle: 'classic'): small data waits while any data is unacknowledged", () => {
  const { layer, conn } = passiveEstablished({ nagle: 'classic' });
  conn.send(new Uint8Array(1500), 10);
  assert.deepEqual(layer.poll(10).map((d) => view(d).len), [1460, 40], 'one write into an idle connection goes out whole');
  conn.send(new Uint8Array(10), 11);
  assert.deepEqual(layer.poll(11), [], 'held while data is unacknowledged');
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 20);
  assert.deepEqual(layer.poll(20), [], 'still held: the 40-byte tail is unacknowledged (Minshall would hold too)');
  layer.receive(dg({ seq: 1001, ack: 5001 + 1500, flags: ACK }), 21);
  assert.deepEqual(layer.poll(21).map((d) => view(d).len), [10], 'all data acknowledged');
  conn.send(new Uint8Array(1460), 30);
  assert.deepEqual(layer.poll(30).map((d) => view(d).len), [1460]);
  conn.send(new Uint8Array(10), 31);
  assert.deepEqual(layer.poll(31), [], 'held behind an unacknowledged full-sized segment (Minshall would send it)');
  layer.receive(dg({ seq: 1001, ack: 5001 + 1510, flags: ACK }), 40);
  assert.deepEqual(layer.poll(40), [], 'the 10-byte segment is acknowledged but the full one is not');
  layer.receive(dg({ seq: 1001, ack: 5001 + 2970, flags: ACK }), 41);
  assert.deepEqual(layer.poll(41).map((d) => view(d).len), [10]);
  conn.send(new Uint8Array(1460), 50);
  conn.setNoDelay(true);
  conn.send(new Uint8Array(10), 51);
  assert.deepEqual(layer.poll(51).map((d) => view(d).len), [1460, 10], 'TCP_NODELAY overrides it');
});

test('Nagle keeps many small writes from becoming many tiny segments', () => {
  const { layer, conn } = passiveEstablished();
  for (let i = 0; i < 100; i++) conn.send(new Uint8Array(10), 10);
  assert.deepEqual(layer.poll(10).map((d) => view(d).len), [1000]);
  for (let i = 0; i < 100; i++) conn.send(new Uint8Array(10), 11);
  assert.deepEqual(layer.poll(11), []);
  layer.receive(dg({ seq: 1001, ack: 6001, flags: ACK }), 20);
  assert.deepEqual(layer.poll(20).map((d) => view(d).len), [1000]);
});

test('slow reader: the window closes to zero and reopens; every byte arrives', () => {
  // 400 kB: long enough for the free space (growing by 3000 − 2·MSS per read) to land on zero with
  // 1448-byte segments (RFC 7323 timestamps on) as well as with 1460-byte ones.
  const data = bytes(400_000, 8);
  // A fixed 20 kB window (auto-tuning off): the test is about that window closing and reopening.
  const r = transfer({ seed: 3, delayMs: 5, config: { recvBufferSize: 20_000, recvBufferAutoTune: false } }, data, { readChunk: 3000, readEveryMs: 50 });
  assert.equal(sha256(r.received), sha256(data));
  assert.ok(r.pair.trace.some((t) => t.from === 'b' && t.dgram.seg.window === 0), 'the receiver advertised a zero window');
  assert.equal(r.client.state, 'CLOSED');
});

test('slow reader with loss: zero-window probing and lost window updates do not deadlock', () => {
  const data = bytes(100_000, 9);
  const r = transfer({ seed: 4, delayMs: 5, loss: 0.1, config: { recvBufferSize: 8000 } }, data, { readChunk: 1000, readEveryMs: 30 });
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.server?.state, 'CLOSED');
});

test("RFC 9293 §3.8.6.1 zeroWindowProbe 'old-seq' (Linux): the probe is an empty segment at SND.UNA−1; data waits for the window", () => {
  const { layer, conn } = passiveEstablished({ zeroWindowProbe: 'old-seq' }, 1000, 5000, 0);
  conn.send(new Uint8Array(2000), 10);
  assert.deepEqual(layer.poll(10), []);
  const at = layer.pollAt()!;
  const probe = layer.poll(at);
  assert.equal(probe.length, 1);
  assert.deepEqual(view(probe[0]!), { seq: 5000, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
  assert.equal(conn.stats.zeroWindowProbes, 1);
  assert.equal(conn.sndMax, 5001, 'no octet was sent beyond the window');
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 65535 }), at + 1);
  const out = layer.poll(at + 1);
  assert.equal(out.reduce((n, d) => n + d.seg.payload.length, 0), 2000);
  assert.equal(out[0]!.seg.seq, 5001);
});

test('RFC 5681 §4.1 the restart window applies when transmission begins — not while a closed window holds the data', () => {
  const { layer, conn } = passiveEstablished({ zeroWindowProbe: 'old-seq' }, 1000, 5000, 65535);
  // Grow cwnd past the initial window: 30 full segments, acknowledged as they go.
  conn.send(new Uint8Array(30 * 1460), 10);
  let t = 10;
  for (let i = 0; i < 6; i++) {
    const sent = layer.poll(t);
    t += 10;
    for (const d of sent) layer.receive(dg({ seq: 1001, ack: (d.seg.seq + d.seg.payload.length) >>> 0, flags: ACK, window: 65535 }), t);
  }
  // The peer's window closes with everything acknowledged; more data waits through probes.
  layer.receive(dg({ seq: 1001, ack: conn.sndMax, flags: ACK, window: 0 }), t + 1);
  assert.equal(conn.sndUna, conn.sndMax);
  const grown = conn.cc.cwnd;
  assert.ok(grown > 10 * 1460, `cwnd grew (${grown})`);
  conn.send(new Uint8Array(20 * 1460), t + 1);
  layer.poll(t + 1);
  let now = t + 1;
  for (let i = 0; i < 3; i++) {
    now = layer.pollAt()!;
    layer.poll(now);
    layer.receive(dg({ seq: 1001, ack: conn.sndMax, flags: ACK, window: 0 }), now + 1);
    layer.poll(now + 1);
  }
  assert.ok(now - t > 3 * conn.rtt.rto, 'idle (no data sent) for several RTOs');
  assert.equal(conn.cc.cwnd, grown, 'cwnd kept while nothing can be transmitted');
  layer.receive(dg({ seq: 1001, ack: conn.sndMax, flags: ACK, window: 65535 }), now + 2);
  const burst = layer.poll(now + 2).reduce((n, d) => n + d.seg.payload.length, 0);
  assert.ok(conn.cc.cwnd < grown, `restarted when transmission began (${conn.cc.cwnd})`);
  assert.ok(burst <= conn.cc.cwnd, `the burst (${burst}) fits the restart window`);
});
