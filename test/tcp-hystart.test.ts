// HyStart++ (RFC 9406) on synthetic ACK samples, inside CUBIC and NewReno, and end to end on a
// queue-limited link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSS_GROWTH_DIVISOR, CSS_ROUNDS, HyStart, N_RTT_SAMPLE } from '../src/tcp/cc/hystart.js';
import { Cubic } from '../src/tcp/cc/cubic.js';
import { NewReno } from '../src/tcp/cc/newreno.js';
import type { AckSample, CongestionControl } from '../src/tcp/cc/types.js';
import { runPath } from './cc-path.js';

const MSS = 1000;

/**
 * Drives `cc` round by round: each round every segment of the window in flight is acknowledged by
 * its own ACK with RTT rtts[round] (the last value repeats). Returns cwnd after each round.
 */
function rounds(cc: CongestionControl, rtts: number[], n: number, onRound?: (r: number) => void): number[] {
  let delivered = 0;
  let now = 0;
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    const rtt = rtts[Math.min(r, rtts.length - 1)]!;
    now += rtt;
    const segs = Math.floor(cc.cwnd / MSS);
    const flight = segs * MSS; // the sender refills the window as ACKs arrive
    for (let i = 0; i < segs; i++) {
      delivered += MSS;
      const s: AckSample = { ackedBytes: MSS, rtt, srtt: rtt, flightSize: flight, delivered, appLimited: false, now };
      cc.onAck(s);
    }
    out.push(cc.cwnd);
    onRound?.(r);
  }
  return out;
}

function sample(delivered: number, flight: number, rtt: number | undefined, acked = MSS): AckSample {
  return { ackedBytes: acked, rtt, srtt: rtt, flightSize: flight, delivered, appLimited: false, now: 0 };
}

test('RFC 9406 §4.2 HyStart++ stays in slow start while the per-round min RTT does not rise', () => {
  const cc = new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true });
  const w = rounds(cc, [100], 5);
  assert.equal(cc.ssthresh, Infinity);
  assert.equal(w[4], 320 * MSS, 'the window doubles every round (10 → 320 segments)');
});

test('RFC 9406 §4.2 an RTT increase above RttThresh leaves slow start for CSS, then CSS_ROUNDS later congestion avoidance — before any loss', () => {
  for (const make of [
    () => new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true }),
    () => new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true }),
  ]) {
    const cc = make();
    // Rounds 0–2 at 100 ms, then 113 ms: RttThresh = max(4, min(100/8, 16)) = 12.5 ms.
    const w = rounds(cc, [100, 100, 100, 113], 3);
    assert.equal(cc.ssthresh, Infinity);
    // Round 3 shows the increase once N_RTT_SAMPLE samples are in: CSS. Round 4 is all CSS:
    // growth per ACK is 1/CSS_GROWTH_DIVISOR of slow start's, so the window grows by 1/4, not 2×.
    rounds(cc, [113], 1);
    const before = cc.cwnd;
    rounds(cc, [113], 1);
    const ratio = cc.cwnd / before;
    assert.ok(Math.abs(ratio - (1 + 1 / CSS_GROWTH_DIVISOR)) < 0.05, `${cc.name}: CSS growth ×${ratio}`);
    assert.equal(cc.ssthresh, Infinity, 'CSS is still slow start');
    // CSS_ROUNDS rounds (counted at their ends) and the window goes to congestion avoidance.
    rounds(cc, [113], CSS_ROUNDS);
    assert.ok(Number.isFinite(cc.ssthresh), `${cc.name}: ssthresh set after CSS`);
    assert.ok(cc.cwnd >= cc.ssthresh, 'cwnd not reduced: no loss happened');
    assert.ok(cc.cwnd < w[2]! * 8, 'CSS grew far less than slow start would have');
  }
});

test('RFC 9406 §4.2 CSS: an RTT back below the CSS baseline was a false exit — slow start resumes', () => {
  const h = new HyStart();
  let delivered = 0;
  const round = (segs: number, rtt: number): number => {
    let inc = 0;
    let flight = segs * MSS;
    for (let i = 0; i < segs; i++) {
      delivered += MSS;
      inc += h.onAck(sample(delivered, flight, rtt));
      flight -= MSS;
    }
    return inc;
  };
  round(20, 50);
  round(20, 50);
  round(20, 60); // 60 ≥ 50 + max(4, 50/8 = 6.25)
  assert.equal(h.phase, 'css');
  round(20, 40); // below the 60 ms baseline
  assert.equal(h.phase, 'slow-start');
});

test('RFC 9406 §4.2 RttThresh is clamped to [MIN_RTT_THRESH, MAX_RTT_THRESH] = [4, 16] ms', () => {
  const run = (base: number, next: number): string => {
    const h = new HyStart();
    let delivered = 0;
    for (const rtt of [base, base, next]) {
      let flight = 16 * MSS;
      for (let i = 0; i < 16; i++) {
        delivered += MSS;
        h.onAck(sample(delivered, flight, rtt));
        flight -= MSS;
      }
    }
    return h.phase;
  };
  assert.equal(run(10, 13.9), 'slow-start', '10/8 = 1.25 is raised to 4 ms');
  assert.equal(run(10, 14), 'css');
  assert.equal(run(1000, 1015.9), 'slow-start', '1000/8 = 125 is capped at 16 ms');
  assert.equal(run(1000, 1016), 'css');
  assert.equal(run(80, 89.9), 'slow-start', '80/8 = 10 ms in between');
  assert.equal(run(80, 90), 'css');
});

test('RFC 9406 §4.2 fewer than N_RTT_SAMPLE RTT samples in a round: no decision', () => {
  const h = new HyStart();
  let delivered = 0;
  for (const rtt of [100, 100, 200]) {
    let flight = 7 * MSS;
    for (let i = 0; i < N_RTT_SAMPLE - 1; i++) {
      delivered += MSS;
      h.onAck(sample(delivered, flight, rtt));
      flight -= MSS;
    }
  }
  assert.equal(h.phase, 'slow-start');
});

test('RFC 9406 §4.2 L: without pacing an ACK grows cwnd by at most 8·SMSS; a paced sender has no limit', () => {
  const unpaced = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true });
  unpaced.onAck(sample(20 * MSS, 10 * MSS, 100, 20 * MSS));
  assert.equal(unpaced.cwnd, 18 * MSS);
  const paced = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true, pacing: true });
  paced.onAck(sample(20 * MSS, 10 * MSS, 100, 20 * MSS));
  assert.equal(paced.cwnd, 30 * MSS);
  const plain = new NewReno({ mss: MSS, initialWindowSegments: 10, synLost: false });
  plain.onAck(sample(20 * MSS, 10 * MSS, 100, 20 * MSS));
  assert.equal(plain.cwnd, 11 * MSS, 'RFC 5681 §3.1: min(N, SMSS) without HyStart++');
});

test('RFC 9406 §4.3 only the initial slow start: after a loss, slow start is RFC 5681 again', () => {
  const cc = new Cubic({ mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true });
  rounds(cc, [100], 2);
  cc.onRto(cc.cwnd);
  const w0 = cc.cwnd;
  cc.onAck(sample(100 * MSS, 1 * MSS, 100, 4 * MSS));
  assert.equal(cc.cwnd, w0 + MSS, 'min(N, SMSS)');
});

test('RFC 9406 slow-start exit on a queue-limited link: fewer drops than plain slow start, data intact', () => {
  const link = { delayMs: 20, rateMbps: 20, queuePackets: 200 };
  const bytes = 3 << 20;
  const tcp = { recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 };
  const plain = runPath({ bytes, link, tcp: { ...tcp, hystart: false }, record: false });
  const hy = runPath({ bytes, link, tcp: { ...tcp, hystart: true }, record: false });
  assert.equal(hy.receivedHash, hy.sentHash);
  assert.equal(plain.receivedHash, plain.sentHash);
  const dPlain = plain.link.ab.dropped.queue;
  const dHy = hy.link.ab.dropped.queue;
  assert.ok(dPlain > 0, 'plain slow start overflows the queue');
  assert.ok(dHy < dPlain, `HyStart++ drops ${dHy} < plain ${dPlain}`);
});
