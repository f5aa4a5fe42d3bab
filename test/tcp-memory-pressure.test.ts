// Stack-wide TCP memory limits (TcpConfig.memory, src/tcp/memory.ts and pressure.ts), in the manner
// of Linux's tcp_mem: many connections whose buffers add up to more than the limit keep the total
// bounded, never withdraw an advertised window edge, and every stream completes intact once the
// pressure ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pair } from '../src/tcp/pair.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { seqAdd, seqLt } from '../src/tcp/seq.js';
import { Stack } from '../src/stack/stack.js';
import { TcpLayer } from '../src/tcp/layer.js';

const KiB = 1024;

/** Byte i of stream k. */
const byteOf = (k: number, i: number): number => (k * 31 + i * 7 + (i >>> 8)) & 0xff;

function streamData(k: number, n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = byteOf(k, i);
  return d;
}

interface Run {
  pair: Pair;
  received: Map<TcpConnection, number[]>;
  streams: number;
  bytes: number;
  bad: number;
}

/**
 * `streams` connections a → b each send `bytes` (then FIN); b's readers are paused until
 * `pauseMs`, then read everything. The first 4 bytes of each stream name it.
 */
function run(o: { streams: number; bytes: number; pauseMs: number; a?: object; b?: object; loss?: number; seed?: number }): Run {
  const pair = new Pair({
    seed: o.seed ?? 7,
    delayMs: 5,
    rateMbps: 100,
    trace: true,
    ...(o.loss !== undefined ? { loss: o.loss } : {}),
    a: { config: { ...o.a } },
    b: { config: { ...o.b } },
  });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 1024, 0);
  assert.ok(l.ok);
  const r: Run = { pair, received: new Map(), streams: o.streams, bytes: o.bytes, bad: 0 };
  const pending = new Map<TcpConnection, Uint8Array>();
  const servers: TcpConnection[] = [];
  let reading = false;
  const drain = (c: TcpConnection): void => {
    if (!reading) return;
    let got = r.received.get(c);
    if (got === undefined) r.received.set(c, (got = []));
    for (let d = c.recv(); d !== undefined; d = c.recv()) for (const x of d) got.push(x);
    if (c.eof && c.state === 'CLOSE-WAIT') c.close(pair.now);
  };
  const write = (c: TcpConnection): void => {
    const rest = pending.get(c);
    if (rest === undefined) return;
    const n = c.send(rest, pair.now);
    assert.equal(typeof n, 'number');
    const left = rest.subarray(n as number);
    if (left.length === 0) {
      pending.delete(c);
      c.shutdown(pair.now);
    } else pending.set(c, left);
  };
  pair.on((ev, node) => {
    if (ev.type === 'accept-ready') for (let c = ev.listener.accept(); c !== undefined; c = ev.listener.accept()) servers.push(c);
    if ((ev.type === 'readable' || ev.type === 'peer-fin') && node.name === 'b') drain(ev.conn);
    if ((ev.type === 'peer-fin') && node.name === 'a') ev.conn.close(pair.now);
    if (ev.type === 'connected' || ev.type === 'writable') write(ev.conn);
  });
  for (let k = 0; k < o.streams; k++) {
    const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
    assert.ok(c.ok);
    const data = streamData(k, o.bytes);
    data.set([k >>> 24, (k >>> 16) & 0xff, (k >>> 8) & 0xff, k & 0xff]);
    pending.set(c.value, data);
  }
  pair.drive({ until: o.pauseMs });
  reading = true;
  for (const c of servers) drain(c);
  pair.drive();
  // Check every stream: its length and every byte.
  for (const got of r.received.values()) {
    if (got.length !== o.bytes) {
      r.bad++;
      continue;
    }
    const k = ((got[0]! << 24) | (got[1]! << 16) | (got[2]! << 8) | got[3]!) >>> 0;
    for (let i = 4; i < got.length; i++) {
      if (got[i] !== byteOf(k, i)) {
        r.bad++;
        break;
      }
    }
  }
  return r;
}

/**
 * RFC 9293 §3.8.6.2.2 / RFC 7323 §2.4: the right edge b advertises never moves left by a whole
 * scale unit, per connection (by less than one only when a full buffer could not take the window
 * rounded up: window-scale.ts; the edge b accepts data up to never moves left at all).
 */
function edgesNeverShrink(pair: Pair, scale: (port: number) => number): number {
  const edge = new Map<number, number>();
  let checked = 0;
  for (const t of pair.trace) {
    if (t.from !== 'b') continue;
    const s = t.dgram.seg;
    if ((s.flags & 0x10) === 0 || (s.flags & 0x06) !== 0) continue; // ACK, not SYN/RST
    const right = seqAdd(s.ack, s.window * 2 ** scale(s.dstPort));
    const prev = edge.get(s.dstPort);
    if (prev !== undefined) assert.ok(!seqLt(right, seqAdd(prev, 1 - 2 ** scale(s.dstPort))), `port ${s.dstPort}: right edge ${right} left of ${prev}`);
    edge.set(s.dstPort, prev === undefined || seqLt(prev, right) ? right : prev);
    checked++;
  }
  return checked;
}

test('tcp_mem-style limit: 24 streams × 256 KiB into paused readers stay under `high`; all complete intact once they read (no deadlock)', () => {
  const memory = { low: 192 * KiB, pressure: 384 * KiB, high: 768 * KiB };
  const r = run({ streams: 24, bytes: 256 * KiB, pauseMs: 3000, b: { memory } });
  const m = r.pair.b.memoryStats();
  assert.equal(r.received.size, 24, 'every stream accepted and read');
  assert.equal(r.bad, 0, 'every stream complete and intact');
  // The readers' buffers (24 × 256 KiB of window) could hold 6 MiB: the pool kept it under `high`.
  assert.ok(m.peak <= memory.high, `peak ${m.peak} > high ${memory.high}`);
  assert.ok(m.peak > memory.pressure, `peak ${m.peak}: the test never reached pressure`);
  assert.ok(m.pressureEntered >= 1);
  assert.equal(m.used, 0, 'everything read: nothing charged');
  assert.equal(m.level, 'normal');
  const scales = new Map<number, number>();
  for (const c of r.received.keys()) scales.set(c.remote.port, c.rcvWscale);
  assert.ok(edgesNeverShrink(r.pair, (p) => scales.get(p) ?? 0) > 100);
  assert.equal(r.pair.a.connectionCount, 0);
  assert.equal(r.pair.b.connectionCount, 0);
});

test('tcp_mem-style limit with 2 % loss: out-of-order data under the limit (reneging allowed, RFC 2018 §8) — still intact', () => {
  const memory = { low: 128 * KiB, pressure: 256 * KiB, high: 512 * KiB };
  const r = run({ streams: 16, bytes: 128 * KiB, pauseMs: 2000, b: { memory }, loss: 0.02, seed: 11 });
  const m = r.pair.b.memoryStats();
  assert.equal(r.received.size, 16);
  assert.equal(r.bad, 0);
  assert.ok(m.peak <= memory.high, `peak ${m.peak} > high ${memory.high}`);
  assert.ok(m.segmentsDropped > 0, 'the limit dropped data the peer then retransmitted');
  assert.equal(m.used, 0);
});

test('tcp_mem-style limit on the sender: send() takes only what fits under `high`, then "writable"; all streams complete', () => {
  const memory = { low: 64 * KiB, pressure: 128 * KiB, high: 256 * KiB };
  const r = run({ streams: 8, bytes: 192 * KiB, pauseMs: 0, a: { memory } });
  const m = r.pair.a.memoryStats();
  assert.equal(r.received.size, 8);
  assert.equal(r.bad, 0);
  assert.ok(m.peak <= memory.high, `peak ${m.peak} > high ${memory.high}`);
  assert.ok(m.sendsRefused > 0, 'some send() was cut short by the limit');
  assert.equal(m.used, 0);
  assert.equal(r.pair.a.memory.waiters.size, 0);
});

/** A connection a → b whose server reads everything; `mib` MiB are written as fast as send() takes them. */
function bulk(pair: Pair, mib: number): { client: TcpConnection; server: TcpConnection } {
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 8, 0);
  assert.ok(l.ok);
  let server: TcpConnection | undefined;
  pair.on((ev) => {
    if (ev.type === 'accept-ready') server = ev.listener.accept();
    if (ev.type === 'readable' && ev.conn === server) while (server.recv() !== undefined);
  });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  pair.drive({ stopWhen: () => server !== undefined });
  // Keep the send buffer full (the sender is never application-limited, so cwnd grows).
  const chunk = new Uint8Array(64 * KiB);
  for (let sent = 0; sent < mib << 20; ) {
    const n = c.value.send(chunk, pair.now);
    assert.equal(typeof n, 'number');
    sent += n as number;
    if (n === 0) pair.drive({ until: pair.now + 1 });
  }
  pair.drive();
  return { client: c.value, server: server! };
}

test('under pressure send-buffer auto-tuning grows nothing (it does without pressure)', () => {
  const pressured = new Pair({ seed: 3, delayMs: 5, config: { sendBufferAutoTune: true }, a: { config: { memory: { low: 0, pressure: 0, high: 1 << 30 } } } });
  const p = bulk(pressured, 16);
  assert.equal(p.client.sendBufferSize, 256 * KiB, 'no send auto-tuning growth under pressure');
  assert.ok(pressured.a.memoryStats().autoTuneHeld > 0);
  const free = new Pair({ seed: 3, delayMs: 5, config: { sendBufferAutoTune: true } });
  const f = bulk(free, 16);
  assert.ok(f.client.sendBufferSize > 256 * KiB, 'the same transfer grows the send buffer without pressure');
  assert.equal(free.a.memoryStats().autoTuneHeld, 0);
});

test('RFC 9293 §3.8.6.2.2 under pressure the window offered is a few segments beyond the buffered bytes, and the edge never moves left', () => {
  const pair = new Pair({ seed: 4, delayMs: 5, b: { config: { memory: { low: 0, pressure: 0, high: 1 << 30 } } } });
  const { server } = bulk(pair, 1);
  assert.equal(server.readableLength, 0);
  // Nothing buffered: at most 4 segments of window (rounded up to the scale unit), not the 256 KiB buffer.
  const unit = 2 ** server.rcvWscale;
  assert.ok(server.windowField() * unit <= 4 * server.advMss + unit, `window ${server.windowField() * unit}`);
  assert.ok(edgesNeverShrink(pair, () => server.rcvWscale) > 50);
});

test('stack.stats.tcp.memory reports the pool (limits, usage, counters)', () => {
  let seed = 1;
  const rng = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
  const s = new Stack({ rng, tcp: { memory: { low: 1000, pressure: 2000, high: 3000 } } });
  const memory = () => s.stats.tcp.memory;
  assert.equal(memory(), undefined, 'no TCP layer yet');
  assert.ok(s.tcp instanceof TcpLayer);
  const m = memory();
  assert.ok(m !== undefined);
  assert.deepEqual(
    { low: m.low, pressure: m.pressure, high: m.high, used: m.used, level: m.level, segmentsDropped: m.segmentsDropped },
    { low: 1000, pressure: 2000, high: 3000, used: 0, level: 'normal', segmentsDropped: 0 },
  );
});
