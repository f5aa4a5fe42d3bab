// Memory-link impairments measured over many packets. Rates are checked against the configured
// probability with a 5-sigma binomial bound: |k - n·p| <= 5·sqrt(n·p·(1-p)), which a correct
// implementation fails with probability ~6e-7 per assertion (and, with fixed seeds, never flakes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryChannel, burstLossMean, type Impairments } from '../src/link/index.js';
import { RandomRoot } from '../src/sim/rng.js';
import { Scheduler } from '../src/sim/scheduler.js';

interface Arrival {
  seq: number;
  time: number;
  bytes: Uint8Array;
}

function harness(imp: Impairments, seed = 7) {
  const sched = new Scheduler();
  const root = new RandomRoot(seed);
  const arrivals: Arrival[] = [];
  const ch = new MemoryChannel(
    imp,
    { push: (p, now) => arrivals.push({ seq: new DataView(p.buffer, p.byteOffset).getUint32(0), time: now, bytes: p }) },
    { clock: sched, random: (l) => root.stream('test:' + l) },
  );
  const send = (seq: number, size = 100): Uint8Array => {
    const p = new Uint8Array(size);
    new DataView(p.buffer).setUint32(0, seq);
    ch.push(p, sched.now);
    return p;
  };
  return { sched, ch, arrivals, send };
}

function within5Sigma(k: number, n: number, p: number, what: string): void {
  const mean = n * p;
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(k - mean) <= 5 * sigma, `${what}: measured ${k}, expected ${mean.toFixed(1)} ± ${(5 * sigma).toFixed(1)} (5σ)`);
}

const N = 100_000;

test('random loss: measured rate over 100k packets is within 5σ of the binomial mean (p = 0.1)', () => {
  const h = harness({ loss: 0.1 });
  for (let i = 0; i < N; i++) h.send(i);
  h.sched.runUntil(Infinity);
  const lost = N - h.arrivals.length;
  within5Sigma(lost, N, 0.1, 'loss');
  assert.equal(h.ch.stats.dropped.loss, lost);
  assert.equal(h.ch.stats.sent, N);
});

test('duplication: extra copies over 100k packets are within 5σ of the binomial mean (p = 0.03)', () => {
  const h = harness({ duplicate: 0.03 });
  for (let i = 0; i < N; i++) h.send(i);
  h.sched.runUntil(Infinity);
  const seen = new Set(h.arrivals.map((a) => a.seq));
  assert.equal(seen.size, N, 'every packet arrives at least once');
  within5Sigma(h.arrivals.length - N, N, 0.03, 'duplicates');
  // A duplicate arrives right behind its original.
  for (let i = 1; i < h.arrivals.length; i++) assert.ok(h.arrivals[i]!.seq >= h.arrivals[i - 1]!.seq);
});

test('reordering: packets overtaken by a later one over 100k packets are within 5σ of the binomial mean (p = 0.05)', () => {
  const h = harness({ delayMs: 1, reorder: 0.05, reorderDelayMs: 2 });
  for (let i = 0; i < N; i++) {
    h.sched.runUntil(i * 0.01);
    h.sched.advanceTo(i * 0.01);
    h.send(i);
  }
  h.sched.runUntil(Infinity);
  assert.equal(h.arrivals.length, N);
  let maxSeen = -1;
  let overtaken = 0;
  for (const a of h.arrivals) {
    if (a.seq < maxSeen) overtaken++;
    else maxSeen = a.seq;
  }
  within5Sigma(overtaken, N, 0.05, 'reordered');
  assert.equal(h.ch.stats.reordered, overtaken);
});

test('corruption: each corrupted packet differs in exactly one bit; rate over 100k within 5σ (p = 0.02)', () => {
  const h = harness({ corrupt: 0.02 });
  const sent: Uint8Array[] = [];
  for (let i = 0; i < N; i++) sent.push(h.send(i, 40).slice());
  h.sched.runUntil(Infinity);
  assert.equal(h.arrivals.length, N);
  let corrupted = 0;
  // No loss or reordering here, so the i-th arrival is the i-th packet sent (the sequence number
  // itself may be the corrupted field).
  for (let i = 0; i < N; i++) {
    const orig = sent[i]!;
    const a = h.arrivals[i]!;
    let bits = 0;
    for (let j = 0; j < orig.length; j++) {
      let x = orig[j]! ^ a.bytes[j]!;
      while (x) {
        bits += x & 1;
        x >>>= 1;
      }
    }
    assert.ok(bits <= 1);
    if (bits === 1) corrupted++;
  }
  within5Sigma(corrupted, N, 0.02, 'corrupted');
  assert.equal(h.ch.stats.corrupted, corrupted);
});

test('Gilbert–Elliott burst loss: mean loss matches the stationary p/(p+r) within 5σ (Markov variance) and bursts average 1/r', () => {
  const b = { p: 0.01, r: 0.25 };
  const h = harness({ burstLoss: b });
  for (let i = 0; i < N; i++) h.send(i);
  h.sched.runUntil(Infinity);
  const got = new Uint8Array(N);
  for (const a of h.arrivals) got[a.seq] = 1;
  let lost = 0;
  let bursts = 0;
  for (let i = 0; i < N; i++) {
    if (got[i] === 0) {
      lost++;
      if (i === 0 || got[i - 1] === 1) bursts++;
    }
  }
  const pi = burstLossMean(b);
  assert.ok(Math.abs(pi - 0.01 / 0.26) < 1e-12);
  // Variance of a sum of a stationary two-state chain: n·π(1-π)·(1+λ)/(1-λ), λ = 1-p-r.
  const lambda = 1 - b.p - b.r;
  const sigma = Math.sqrt(N * pi * (1 - pi) * ((1 + lambda) / (1 - lambda)));
  assert.ok(Math.abs(lost - N * pi) <= 5 * sigma, `lost ${lost}, expected ${(N * pi).toFixed(0)} ± ${(5 * sigma).toFixed(0)}`);
  // Bad-state sojourns are geometric with mean 1/r = 4 (sd sqrt(1-r)/r per burst).
  const meanBurst = lost / bursts;
  const sdMean = Math.sqrt(1 - b.r) / b.r / Math.sqrt(bursts);
  assert.ok(Math.abs(meanBurst - 1 / b.r) <= 5 * sdMean, `mean burst ${meanBurst.toFixed(2)}`);
});

test('rate limit: back-to-back 1000-byte packets at 8 Mbit/s leave exactly 1 ms apart (serialisation = bytes·8/rate)', () => {
  const h = harness({ rateMbps: 8, delayMs: 5 });
  for (let i = 0; i < 10; i++) h.send(i, 1000);
  h.sched.runUntil(Infinity);
  assert.deepEqual(
    h.arrivals.map((a) => a.time),
    [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  );
  // 1500 bytes at 100 Mbit/s = 0.12 ms.
  const g = harness({ rateMbps: 100 });
  g.send(0, 1500);
  g.sched.runUntil(Infinity);
  assert.equal(g.arrivals[0]!.time, 0.12);
});

test('drop-tail queue: a burst larger than queuePackets loses the excess', () => {
  const h = harness({ rateMbps: 8, queuePackets: 5 });
  for (let i = 0; i < 20; i++) h.send(i, 1000);
  h.sched.runUntil(Infinity);
  assert.deepEqual(h.arrivals.map((a) => a.seq), [0, 1, 2, 3, 4]);
  assert.equal(h.ch.stats.dropped.queue, 15);
  assert.equal(h.ch.stats.maxQueue, 5);
  // Once drained, the queue accepts again.
  h.send(100, 1000);
  h.sched.runUntil(Infinity);
  assert.equal(h.arrivals.at(-1)!.seq, 100);
});

test('MTU: packets larger than the link MTU are dropped, others pass', () => {
  const h = harness({ mtu: 1280 });
  h.send(1, 1280);
  h.send(2, 1281);
  h.send(3, 200);
  h.sched.runUntil(Infinity);
  assert.deepEqual(h.arrivals.map((a) => a.seq), [1, 3]);
  assert.equal(h.ch.stats.dropped.mtu, 1);
});

test('jitter: delays stay within delay ± jitter and FIFO order is kept', () => {
  const h = harness({ delayMs: 10, jitterMs: 3 });
  for (let i = 0; i < 2000; i++) {
    h.sched.runUntil(i * 0.5);
    h.sched.advanceTo(i * 0.5);
    h.send(i);
  }
  h.sched.runUntil(Infinity);
  assert.equal(h.arrivals.length, 2000);
  let spread = 0;
  for (let i = 0; i < h.arrivals.length; i++) {
    const a = h.arrivals[i]!;
    assert.equal(a.seq, i);
    const d = a.time - a.seq * 0.5;
    assert.ok(d >= 7 - 1e-9 && d <= 13 + 1e-9, `delay ${d}`);
    spread = Math.max(spread, d);
  }
  assert.ok(spread > 12, 'jitter actually varies the delay');
});

test('set() mid-run changes delay for later packets; down() loses in-flight packets; up() restores', () => {
  const h = harness({ delayMs: 10 });
  h.send(1);
  h.ch.set({ delayMs: 2 });
  h.send(2);
  h.sched.runUntil(Infinity);
  // FIFO is kept across the change: packet 2 waits behind packet 1.
  assert.deepEqual(h.arrivals.map((a) => [a.seq, a.time]), [[1, 10], [2, 10]]);
  h.send(3);
  h.sched.runUntil(Infinity);
  assert.deepEqual(h.arrivals.at(-1), { ...h.arrivals.at(-1)!, seq: 3, time: 12 });
  h.send(4); // in flight when the link goes down
  h.ch.up = false;
  h.send(5); // sent while down
  h.sched.runUntil(Infinity);
  h.ch.up = true;
  h.send(6);
  h.sched.runUntil(Infinity);
  assert.deepEqual(h.arrivals.map((a) => a.seq), [1, 2, 3, 6]);
  assert.equal(h.ch.stats.dropped.down, 2);
});

test('invalid settings are rejected with RangeError and change nothing', () => {
  const h = harness({ loss: 0.5 });
  assert.throws(() => h.ch.set({ loss: 1.5 }), RangeError);
  assert.throws(() => h.ch.set({ delayMs: -1 }), RangeError);
  assert.throws(() => h.ch.set({ queuePackets: 0 }), RangeError);
  assert.equal(h.ch.cfg.loss, 0.5);
});

test('same seed → same losses; another seed → different losses', () => {
  const run = (seed: number): number[] => {
    const h = harness({ loss: 0.3, duplicate: 0.1, reorder: 0.1 }, seed);
    for (let i = 0; i < 500; i++) h.send(i);
    h.sched.runUntil(Infinity);
    return h.arrivals.map((a) => a.seq);
  };
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3), run(4));
});

test('pcap tap middleware: a tap in front of and behind a lossy channel records sent vs delivered packets', async () => {
  const { PcapRecorder, tapStage } = await import('../src/link/index.js');
  const { readPcap } = await import('../src/wire/pcap.js');
  const sched = new Scheduler();
  const root = new RandomRoot(3);
  const sent = new PcapRecorder();
  const got = new PcapRecorder();
  const ch = new MemoryChannel({ delayMs: 2, loss: 0.5 }, { push: () => {} }, {
    clock: sched,
    random: (l) => root.stream(l),
    before: [tapStage(sent)],
    after: [tapStage(got)],
  });
  for (let i = 0; i < 200; i++) ch.push(new Uint8Array([0x45, 0, 0, 20, i]), i);
  sched.runUntil(Infinity);
  const tx = readPcap(sent.bytes());
  const rx = readPcap(got.bytes());
  assert.ok(tx.ok && rx.ok);
  assert.equal(tx.packets.length, 200);
  assert.equal(rx.packets.length, ch.stats.delivered);
  assert.ok(rx.packets.length > 50 && rx.packets.length < 150);
  assert.equal(rx.packets[0]!.timeMs - tx.packets[rx.packets[0]!.frame[4]!]!.timeMs, 2);
});
