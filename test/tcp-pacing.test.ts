// Send pacing (src/tcp/pacing.ts): the window is spread over the RTT at cwnd/SRTT × 2 (slow start)
// or × 1.2, or at the congestion control's own rate; the 'pace' timer is a plain deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pair } from '../src/tcp/pair.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { NewReno, registerCongestionControl } from '../src/tcp/cc/index.js';
import { PACING_CA_RATIO, PACING_SS_RATIO, pacingRate } from '../src/tcp/pacing.js';
import { tcpInfo } from '../src/api/tcp-info.js';
import { bytes } from './tcp-helpers.js';
import { runPath } from './cc-path.js';

function bulk(config: Partial<TcpConfig>, n: number): { pair: Pair; client: TcpConnection } {
  const pair = new Pair({ delayMs: 50, a: { config }, b: {} });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') ev.listener.accept();
    if (node.name === 'b' && ev.type === 'readable') while (ev.conn.recv() !== undefined);
  });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  pair.drive({ until: 100 }); // handshake: SRTT = 100 ms from the SYN
  assert.equal(c.value.state, 'ESTABLISHED');
  c.value.send(bytes(n, 5), pair.now);
  return { pair, client: c.value };
}

const dataTimes = (pair: Pair): number[] => pair.trace.filter((e) => e.from === 'a' && e.dgram.seg.payload.length > 0).map((e) => e.t);

test('pacing spreads the initial window over the RTT: departure gaps are size / rate', () => {
  const { pair, client } = bulk({ pacing: true }, 10 * 1448);
  const mss = client.sndMss;
  const srtt = client.rtt.srtt!;
  const rate = pacingRate(client)!; // bytes/s
  assert.equal(rate, (PACING_SS_RATIO * client.cc.cwnd * 1000) / srtt, 'slow start: 2 × cwnd / SRTT');
  pair.drive({ until: 100 + srtt / 2 });
  const t = dataTimes(pair);
  assert.equal(t.length, 10, 'the whole window leaves within half an RTT');
  const gap = (mss * 1000) / rate;
  // a burst of the quantum (max(1 ms, 2 segments) of backlog) at once, then one segment per gap
  const first = t.filter((x) => x === t[0]).length;
  assert.ok(first >= 2 && first <= 3, `${first} segments at once`);
  for (let i = first; i < t.length; i++) assert.ok(Math.abs(t[i]! - t[i - 1]! - gap) < 1e-6, `gap ${t[i]! - t[i - 1]!} ≠ ${gap}`);
  pair.drive();
});

test('without pacing the initial window leaves in one burst', () => {
  const { pair } = bulk({ pacing: false }, 10 * 1448);
  pair.drive({ until: 101 });
  const t = dataTimes(pair);
  assert.equal(t.length, 10);
  assert.ok(t.every((x) => x === t[0]));
  pair.drive();
});

test('pacing: the held segment waits on the connection\'s pace timer, which pollAt() reports', () => {
  const { pair, client } = bulk({ pacing: true }, 10 * 1448);
  pair.a.poll(pair.now);
  assert.ok(client.timers.isSet('pace'));
  assert.ok(client.timers.pace > pair.now);
  assert.equal(pair.a.pollAt(), client.timers.next());
  assert.ok((client.pacer?.delays ?? 0) > 0);
  pair.drive();
});

test('pacing rate in socket info: 2 × cwnd/SRTT in slow start, 1.2 × in congestion avoidance; none when pacing is off', () => {
  const { pair, client } = bulk({ pacing: true }, 400_000);
  pair.drive();
  const i = tcpInfo(client);
  const ratio = client.cc.cwnd < client.cc.ssthresh / 2 ? PACING_SS_RATIO : PACING_CA_RATIO;
  assert.equal(i.pacingRateBytesPerSec, (ratio * client.cc.cwnd * 1000) / client.rtt.srtt!);
  const off = bulk({}, 1000);
  off.pair.drive();
  assert.equal(tcpInfo(off.client).pacingRateBytesPerSec, undefined);
  // after a congestion event the CA ratio applies
  client.cc.onRecoveryStart(client.cc.cwnd, pair.now, true);
  client.cc.onRecoveryEnd(client.cc.cwnd, pair.now);
  assert.equal(pacingRate(client), (PACING_CA_RATIO * client.cc.cwnd * 1000) / client.rtt.srtt!);
});

test('a congestion control can set its own pacing rate (BBR-style): segments leave at that rate', () => {
  const RATE = 1_000_000; // bytes/s
  class FixedRate extends NewReno {
    readonly pacingRate = RATE;
  }
  registerCongestionControl('test-fixed-rate', (init) => new FixedRate(init));
  const { pair, client } = bulk({ pacing: true, congestionControl: 'test-fixed-rate' }, 40 * 1448);
  assert.equal(pacingRate(client), RATE);
  pair.drive();
  const t = dataTimes(pair);
  assert.equal(t.length, 40);
  // The quantum is max(1 ms, 2 segments) = 2.9 ms of backlog at this rate: 1448 B every 1.448 ms after the first burst.
  const gaps = t.slice(1).map((x, i) => x - t[i]!).filter((g) => g > 0);
  const paced = gaps.filter((g) => Math.abs(g - 1.448) < 1e-6).length;
  assert.ok(paced >= 5, `${paced} gaps of size/rate among ${gaps.map((g) => g.toFixed(3)).join(' ')}`);
  const span = t[t.length - 1]! - t[0]!;
  assert.ok(span >= (37 * 1448 * 1000) / RATE - 1e-6, `40 segments take at least 37 gaps (${span} ms)`);
});

test('integrity holds with pacing on: every byte arrives once, in order, under loss and limited rates', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 0.01, 0.03), fc.constantFrom(5, 50, 0), fc.integer({ min: 1, max: 200_000 }), (seed, loss, rateMbps, n) => {
      const r = runPath({ bytes: n, seed, link: { delayMs: 5, loss, rateMbps, queuePackets: 50 }, tcp: { pacing: true }, record: false });
      assert.equal(r.received, n);
      assert.equal(r.receivedHash, r.sentHash);
    }),
    { numRuns: 12 },
  );
});

test('a pacing rate far below what the window allows: data waits on the pace timer, not the persist timer, and all of it arrives', () => {
  class Slow extends NewReno {
    readonly pacingRate = 2_000; // bytes/s: one segment per 0.72 s, longer than the 100 ms RTT
  }
  registerCongestionControl('test-slow-rate', (init) => new Slow(init));
  const { pair, client } = bulk({ pacing: true, congestionControl: 'test-slow-rate' }, 20_000);
  pair.drive();
  assert.equal(client.sndUna, (client.iss + 1 + 20_000) >>> 0, 'everything acknowledged');
  assert.equal(client.stats.zeroWindowProbes, 0);
  assert.equal(client.persistProbes, 0);
  assert.ok(pair.now >= 100 + ((20_000 - 3 * 1448) * 1000) / 2_000, `took ${pair.now} ms`);
});
