// CUBIC as Linux computes it (TcpConfig.cubicVariant 'linux'): RFC 9438 in integer segments with
// HyStart's ACK-train and delay detection, and how the linux profile and the packetdrill runner
// select it and its tcp_cubic module parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';
import { LinuxCubic, integerCubeRoot } from '../src/tcp/cc/cubic-linux.js';
import { Cubic } from '../src/tcp/cc/cubic.js';
import { createCongestionControl } from '../src/tcp/cc/index.js';
import { interpretCommand } from '../src/packetdrill/runner-commands.js';
import { resolveConfig } from '../src/tcp/config.js';
import type { AckSample } from '../src/tcp/cc/types.js';

const MSS = 1000;
const init = { mss: MSS, initialWindowSegments: 10, synLost: false, hystart: true };

/** One ACK of `segs` segments at `now` ms with an RTT sample, the window in use. */
function ackOf(now: number, segs: number, rtt: number | undefined, delivered: number, flight: number): AckSample {
  const s: AckSample = { ackedBytes: segs * MSS, rtt: undefined, srtt: 100, flightSize: flight, delivered, appLimited: false, cwndLimited: true, now };
  if (rtt !== undefined) s.ackRtt = rtt;
  return s;
}

/** Grows a fresh LinuxCubic to `segs` segments by ACKs whose RTT is 200 ms; returns it and the bytes delivered. */
function grownTo(segs: number, tunables = {}): { cc: LinuxCubic; delivered: number } {
  const cc = new LinuxCubic(init, tunables);
  let delivered = 0;
  while (cc.cwnd < segs * MSS) {
    delivered += MSS;
    cc.onAck(ackOf(0, 1, 200, delivered, cc.cwnd));
  }
  return { cc, delivered };
}

test('RFC 9438 linux variant: selected by init.linuxCubic under the name "cubic"; RFC 9438 otherwise', () => {
  assert.ok(createCongestionControl('cubic', { ...init, linuxCubic: {} }) instanceof LinuxCubic);
  assert.ok(createCongestionControl('cubic', init) instanceof Cubic);
  assert.equal(resolveConfig({ profile: 'linux' }).cubicVariant, 'linux');
  assert.equal(resolveConfig({}).cubicVariant, 'rfc9438');
});

test('RFC 9438 §4.2 K in 2^-10 s from an exact integer cube root', () => {
  assert.equal(integerCubeRoot(0), 0);
  assert.equal(integerCubeRoot(26), 2);
  assert.equal(integerCubeRoot(27), 3);
  assert.equal(integerCubeRoot(2 ** 51), 2 ** 17);
  assert.equal(integerCubeRoot(2 ** 51 - 1), 2 ** 17 - 1);
});

test('RFC 9438 §4.6/§4.7 linux variant: β = 717/1024 of cwnd in whole segments, fast convergence lowers W_max', () => {
  const { cc } = grownTo(100);
  cc.onRecoveryStart(100 * MSS, 0, true);
  assert.equal(cc.ssthresh, 70 * MSS, '⌊100·717/1024⌋ = 70');
  assert.equal(cc.state.wMax, 100);
  cc.onRecoveryEnd(70 * MSS);
  assert.equal(cc.cwnd, 70 * MSS);
  cc.onRecoveryStart(70 * MSS, 1, true);
  assert.equal(cc.state.wMax, Math.floor((70 * (1024 + 717)) / 2048), 'below the old W_max: cwnd·(1+β)/2');
  assert.equal(cc.ssthresh, Math.floor((70 * 717) / 1024) * MSS);
  const noFc = grownTo(100, { fast_convergence: 0 }).cc;
  noFc.onRecoveryStart(100 * MSS, 0, true);
  noFc.onRecoveryEnd(70 * MSS);
  noFc.onRecoveryStart(70 * MSS, 1, true);
  assert.equal(noFc.state.wMax, 70, 'fast_convergence=0 keeps W_max at cwnd');
});

test('HyStart delay detection: the 9th RTT sample of a round above min_RTT + clamp(min_RTT/8, 4, 16 ms) ends slow start', () => {
  const { cc, delivered: d0 } = grownTo(20);
  assert.equal(cc.ssthresh, Infinity);
  let delivered = d0 + 40 * MSS; // past the previous round's end: a new round starts
  // A new round: every ACK carries 2 segments and an RTT of 240 ms (min RTT 200 ms, threshold 216 ms).
  const flight = 20 * MSS;
  for (let i = 0; i < 8; i++) {
    delivered += 2 * MSS;
    cc.onAck(ackOf(1000 + i, 2, 240 + i, delivered, flight));
    assert.equal(cc.ssthresh, Infinity, `sample ${i + 1}: too few samples to judge`);
  }
  const before = cc.cwnd;
  delivered += 2 * MSS;
  cc.onAck(ackOf(1008, 2, 248, delivered, flight));
  assert.equal(cc.ssthresh, before, 'ssthresh = cwnd where HyStart found the queue');
  assert.equal(cc.cwnd, before, 'congestion avoidance from this ACK on');
  assert.equal(cc.state.hystartFound, true);
});

test('HyStart delay detection: a sample that lowers the minimum RTT is not an increase', () => {
  const { cc, delivered: d0 } = grownTo(20);
  let delivered = d0 + 40 * MSS;
  for (let i = 0; i < 8; i++) {
    delivered += 2 * MSS;
    cc.onAck(ackOf(1000 + i, 2, 200 + i, delivered, 20 * MSS));
  }
  delivered += 2 * MSS;
  cc.onAck(ackOf(1008, 2, 29, delivered, 20 * MSS));
  assert.equal(cc.ssthresh, Infinity);
  assert.equal(cc.state.minRtt, 29);
});

test('HyStart: off below hystart_low_window, and with hystart_detect = 0 or hystart = 0', () => {
  for (const tunables of [{ hystart_low_window: 64 }, { hystart_detect: 0 }, { hystart: 0 }]) {
    const { cc, delivered: d0 } = grownTo(20, tunables);
    let delivered = d0 + 40 * MSS;
    for (let i = 0; i < 12; i++) {
      delivered += 2 * MSS;
      cc.onAck(ackOf(1000 + i, 2, 300, delivered, 20 * MSS));
    }
    assert.equal(cc.ssthresh, Infinity, JSON.stringify(tunables));
    assert.equal(cc.cwnd, (20 + 24) * MSS);
  }
});

test('RFC 9438 §4.2 linux variant: before any reduction the window grows at least one segment per 20 ACKed', () => {
  const { cc, delivered: d0 } = grownTo(48, { hystart: 0, initial_ssthresh: 48 });
  assert.equal(cc.ssthresh, 48 * MSS);
  let delivered = d0;
  // 10 ACKs of 2 segments, 100 ms apart, min RTT 200 ms: the cubic target barely moves, cnt = 20.
  for (let i = 1; i <= 9; i++) {
    delivered += 2 * MSS;
    cc.onAck(ackOf(i * 100, 2, 200, delivered, 48 * MSS));
    assert.equal(cc.cwnd, 48 * MSS);
  }
  delivered += 2 * MSS;
  cc.onAck(ackOf(1000, 2, 200, delivered, 48 * MSS));
  assert.equal(cc.cwnd, 49 * MSS);
});

test('RFC 9438 §5.8 linux variant: time idle with nothing in flight does not count toward the epoch', () => {
  const run = (idle: boolean): number => {
    const { cc, delivered: d0 } = grownTo(48, { hystart: 0, initial_ssthresh: 48 });
    let delivered = d0;
    let now = 0;
    const step = (): void => {
      now += 100;
      delivered += 2 * MSS;
      cc.onAck(ackOf(now, 2, 200, delivered, cc.cwnd));
    };
    step(); // the epoch starts
    if (idle) {
      now += 10_000;
      cc.onTxStart(now, now - 10_000);
    }
    for (let i = 0; i < 30; i++) step();
    return cc.cwnd;
  };
  const busy = run(false);
  assert.equal(run(true), busy, 'an idle 10 s earns no cubic growth');
  // Without the shift the epoch would be 10 s old: W_cubic far above cwnd, growth every other segment.
  assert.ok(busy < 60 * MSS);
});

test('RFC 5681 §4.1 restart window: slowStartAfterIdle false keeps cwnd after an idle period (tcp_slow_start_after_idle=0)', () => {
  const MSS2 = 1460;
  const seg = (i: number): number => 5001 + i * MSS2;
  const run = (slowStartAfterIdle: boolean): number => {
    const p = passiveEstablished({ congestionControl: 'newreno', slowStartAfterIdle }, 1000, 5000, 65535, MSS2);
    p.conn.send(new Uint8Array(40 * MSS2), 10);
    p.layer.poll(10);
    for (let i = 1; i <= 40; i++) {
      p.layer.receive(dg({ seq: 1001, ack: seg(i), flags: ACK, window: 65535 }), 10 + i);
      p.layer.poll(10 + i);
    }
    const grown = p.conn.cc.cwnd;
    p.conn.send(new Uint8Array(40 * MSS2), 10_000);
    p.layer.poll(10_000);
    return p.conn.cc.cwnd / grown;
  };
  assert.equal(run(false), 1);
  assert.ok(run(true) < 1);
});

test('packetdrill: tcp_cubic module parameters, defaults.sh and the fq qdisc map onto TcpConfig', () => {
  const r = interpretCommand('../common/defaults.sh\necho 3 > /sys/module/tcp_cubic/parameters/hystart_detect\necho 0 > /sys/module/tcp_cubic/parameters/fast_convergence\ntc qdisc replace dev tun0 root fq');
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.config, { slowStartAfterIdle: false, cubicTunables: { hystart_detect: 3, fast_convergence: 0 }, pacing: true });
  assert.equal(interpretCommand('echo 1 > /sys/module/tcp_cubic/parameters/no_such').ok, false);
  assert.equal(interpretCommand('echo x > /sys/module/tcp_cubic/parameters/beta').ok, false);
  assert.equal(interpretCommand('echo 1 > /proc/sys/net/ipv4/tcp_sack').ok, false);
  const pfifo = interpretCommand('tc qdisc add dev tun0 root pfifo');
  assert.deepEqual(pfifo.ok && pfifo.config, { pacing: false });
});

test("RFC 9293 §3.9.1 pushRule 'linux': a chunk filled while cwnd lets part of it leave is refilled past what left, and the forced push falls there", async () => {
  const { pushMarked } = await import('../src/tcp/push-marks.js');
  // MSS 1000, largest window 32 000: size goal 16 000; cwnd of 2 segments, nothing in flight.
  const { conn } = passiveEstablished({ pushRule: 'linux', timestamps: false, sack: false, initialWindowSegments: 2, sendBufferSize: 400_000 }, 1000, 5000, 32_000, 1000);
  conn.send(new Uint8Array(100_000), 2);
  // Linux sends 2 segments as soon as the first chunk is full, and the write goes on filling that
  // chunk behind them: it ends at 18 001, past half a window (16 000) from the last push (1),
  // so the forced push falls there — not at 32 001, as it would were the chunks laid out unsent.
  const ends = [16_001, 18_001, 32_001, 34_001, 50_001].filter((rel) => pushMarked(conn, 5000 + rel));
  assert.deepEqual(ends, [18_001, 50_001]);
});

test("RFC 6937 §1 / RFC 3168 §6.1.2 prr 'linux': an ECE reduction is conservative and cwnd is what is in flight plus what the ACK lets go", async () => {
  const { runScript } = await import('../src/packetdrill/runner.js');
  // A server with ECN accepted sends 5 segments; the first ACK carries ECE. ssthresh = ⌊10·717/1024⌋ = 7;
  // 4 in flight ≤ 7: the conservative bound lets one segment go for the one delivered: cwnd 4 + 1.
  const script = (cwnd: number): string => `
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < SEW 0:0(0) win 20000 <mss 1000,nop,nop,sackOK,nop,wscale 7>
+0 > SE. 0:0(0) ack 1 <...>
+.05 < . 1:1(0) ack 1 win 400
+0 accept(3, ..., ...) = 4
+0 write(4, ..., 5000) = 5000
+0 > P. 1:5001(5000) ack 1
+.05 < E. 1:1(0) ack 1001 win 400
+0 %{
assert tcpi_ca_state == TCP_CA_CWR, tcpi_ca_state
assert tcpi_snd_ssthresh == 7, tcpi_snd_ssthresh
assert tcpi_snd_cwnd == ${cwnd}, tcpi_snd_cwnd
}%
`;
  const linux = runScript(script(5), { profile: 'linux' });
  assert.equal(linux.status, 'pass', JSON.stringify(linux));
  // RFC 6937's slow-start reduction bound adds a segment on the ACK: 6 — and cwnd itself stays at ssthresh.
  assert.equal(runScript(script(5), { profile: 'linux', config: { prr: 'ssrb' } }).status, 'fail');
});
