// Matching helpers the packetdrill runner uses that need no TCP: flags, TCP options against
// src/wire's TcpOption list, whole outbound segments, sequence-number mapping between script
// and wire, TS val/ecr mapping, and timing tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FREEBSD_TOLERANCE,
  LINUX_TOLERANCE,
  SeqMapper,
  TsMapper,
  blockingReturnUsecs,
  checkTiming,
  matchFlags,
  matchTcpOptions,
  matchTcpSegment,
  parseFlags,
  parseScript,
  scheduleEvent,
  slackUsecs,
  toleranceOf,
  type TcpOptionSpec,
  type TcpPacketSpec,
} from '../src/packetdrill/index.js';
import { TcpFlag, type TcpOption, type TcpRepr } from '../src/wire/tcp-types.js';

function flags(text: string) {
  const r = parseFlags(text);
  assert.ok(r.ok, text);
  return r.flags;
}

function tcpLine(line: string): TcpPacketSpec {
  const r = parseScript(`0 socket() = 3\n${line}\n`);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const ev = r.script.events[1]!;
  assert.ok(ev.kind === 'packet' && ev.packet.proto === 'tcp');
  return ev.packet;
}

function seg(p: Partial<TcpRepr> & { len?: number }): TcpRepr {
  const { len, ...rest } = p;
  return { srcPort: 8080, dstPort: 50000, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, options: [], payload: new Uint8Array(len ?? 0), ...rest };
}

test('flags: each letter maps to its RFC 9293 / RFC 3168 bit, digits to the RFC 9768 ACE counter', () => {
  assert.equal(flags('S').bits, TcpFlag.SYN);
  assert.equal(flags('S.').bits, TcpFlag.SYN | TcpFlag.ACK);
  assert.equal(flags('FP.').bits, TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(flags('R.').bits, TcpFlag.RST | TcpFlag.ACK);
  assert.equal(flags('SEW').bits, TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR);
  assert.equal(flags('U.').bits, TcpFlag.URG | TcpFlag.ACK);
  assert.equal(flags('-').bits, 0);
  assert.deepEqual(flags('S.6'), { text: 'S.6', bits: TcpFlag.SYN | TcpFlag.ACK | TcpFlag.AE | TcpFlag.CWR, ace: 6 });
  assert.equal(parseFlags('SX').ok, false);
  assert.equal(parseFlags('.1E').ok, false, 'ACE digit excludes E/W/A');
});

test('matchFlags: all flags must agree, with a message naming the difference', () => {
  assert.deepEqual(matchFlags(flags('P.'), TcpFlag.PSH | TcpFlag.ACK), { ok: true });
  const r = matchFlags(flags('.'), TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.unexpected.includes('PSH'));
  assert.match(!r.ok ? r.message : '', /P\. instead of \./);
  const m = matchFlags(flags('F.'), TcpFlag.ACK);
  assert.ok(!m.ok && m.missing.includes('FIN'));
  assert.equal(matchFlags(flags('.5'), TcpFlag.ACK | TcpFlag.AE | TcpFlag.ECE).ok, true);
  assert.equal(matchFlags(flags('.5'), TcpFlag.ACK | TcpFlag.CWR).ok, false);
});

test('RFC 9293 §3.2 options: same kinds, same order, same values', () => {
  const spec = tcpLine('+0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>').options;
  const actual: TcpOption[] = [
    { kind: 'mss', mss: 1460 },
    { kind: 'sackPermitted' },
    { kind: 'timestamp', val: 123456, ecr: 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: 7 },
  ];
  assert.deepEqual(matchTcpOptions(spec, actual), { ok: true }, 'TS val is not checked by default');
  const wrongMss = matchTcpOptions(spec, [{ kind: 'mss', mss: 1400 }, ...actual.slice(1)]);
  assert.equal(wrongMss.ok, false);
  assert.match(!wrongMss.ok ? wrongMss.message : '', /bad value in option 1 \(mss 1460 vs mss 1400\)/);
  const reordered = matchTcpOptions(spec, [actual[1]!, actual[0]!, ...actual.slice(2)]);
  assert.equal(reordered.ok, false);
  assert.equal(matchTcpOptions(spec, actual.slice(0, 4)).ok, false, 'missing option');
  assert.equal(matchTcpOptions(spec, [...actual, { kind: 'nop' }]).ok, false, 'extra option');
});

test('options: <...> accepts anything; an empty list requires no options', () => {
  const anything: TcpOption[] = [{ kind: 'mss', mss: 1 }, { kind: 'unknown', code: 99, data: new Uint8Array(2) }];
  assert.deepEqual(matchTcpOptions('any', anything), { ok: true });
  assert.deepEqual(matchTcpOptions([], []), { ok: true });
  assert.equal(matchTcpOptions([], [{ kind: 'nop' }]).ok, false);
});

test('options: EOL ends the list (RFC 9293 §3.2), so padding EOLs need not be reported by the parser', () => {
  const spec = tcpLine('+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,eol,eol>').options;
  assert.deepEqual(matchTcpOptions(spec, [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }]), { ok: true });
  assert.deepEqual(matchTcpOptions(spec, [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'eol' }]), { ok: true });
  assert.equal(matchTcpOptions(spec, [{ kind: 'mss', mss: 1460 }]).ok, false);
});

test('options: TS val and ecr checks are opt-in, TS val within a slack, `val ...` always matches', () => {
  const spec: TcpOptionSpec[] = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 1000, ecr: 50 }];
  const act = (val: number, ecr: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val, ecr }];
  assert.equal(matchTcpOptions(spec, act(1003, 50), { tsVal: { slack: 5 } }).ok, true);
  assert.equal(matchTcpOptions(spec, act(1006, 50), { tsVal: { slack: 5 } }).ok, false);
  assert.equal(matchTcpOptions(spec, act(1000, 51), { tsEcr: true }).ok, false);
  assert.equal(matchTcpOptions(spec, act(1000, 51)).ok, true);
  assert.equal(matchTcpOptions(spec, act(2000, 50), { tsVal: (s, a) => a - s === 1000 }).ok, true);
  const any: TcpOptionSpec[] = [{ kind: 'timestamp', val: 'any', ecr: 0 }, { kind: 'nop' }, { kind: 'nop' }];
  assert.equal(matchTcpOptions(any, [{ kind: 'timestamp', val: 7, ecr: 0 }, { kind: 'nop' }, { kind: 'nop' }], { tsVal: { slack: 0 } }).ok, true);
});

test('options: SACK blocks (RFC 2018 §3), Fast Open cookies (RFC 7413 §4.1.1), md5 (RFC 2385)', () => {
  const sack = tcpLine('+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:2001 3001:4001>').options;
  const sackAct = (r: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[1001, 2001], [3001, r]] }];
  assert.equal(matchTcpOptions(sack, sackAct(4001)).ok, true);
  assert.equal(matchTcpOptions(sack, sackAct(4002)).ok, false);
  const fo = tcpLine('+0 > S 0:0(0) <FO 0102030405060708,nop,nop>').options;
  const cookie = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(matchTcpOptions(fo, [{ kind: 'unknown', code: 34, data: cookie }, { kind: 'nop' }, { kind: 'nop' }]).ok, true);
  assert.equal(matchTcpOptions(fo, [{ kind: 'unknown', code: 34, data: cookie.subarray(1) }, { kind: 'nop' }, { kind: 'nop' }]).ok, false);
  const foExp = tcpLine('+0 > S 0:0(0) <FOEXP 0102030405060708>').options;
  assert.equal(matchTcpOptions(foExp, [{ kind: 'unknown', code: 254, data: new Uint8Array([0xf9, 0x89, ...cookie]) }]).ok, true);
  const md5 = tcpLine('+0 > S 0:0(0) <nop,nop,md5 valid>').options;
  assert.equal(matchTcpOptions(md5, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'unknown', code: 19, data: new Uint8Array(16) }]).ok, true);
  assert.equal(matchTcpOptions(md5, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'unknown', code: 19, data: new Uint8Array(12) }]).ok, false);
});

test('matchTcpSegment: seq, ack, window only when written, payload length, urgent pointer', () => {
  const exp = tcpLine('+0 > P. 1:101(100) ack 1 <nop,nop,TS val 5 ecr 6>');
  const good = seg({ seq: 1, ack: 1, flags: TcpFlag.PSH | TcpFlag.ACK, window: 1234, len: 100, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 9, ecr: 6 }] });
  assert.deepEqual(matchTcpSegment(exp, good), { ok: true });
  assert.equal(matchTcpSegment(exp, { ...good, seq: 2 }).ok, false);
  assert.deepEqual(
    [matchTcpSegment(exp, { ...good, ack: 2 }), matchTcpSegment(exp, { ...good, payload: new Uint8Array(99) })].map((r) => !r.ok && r.field),
    ['ack', 'payload'],
  );
  const withWin = tcpLine('+0 > . 1:1(0) ack 1 win 65535');
  assert.equal(matchTcpSegment(withWin, seg({ seq: 1, ack: 1, flags: TcpFlag.ACK, window: 65535 })).ok, true);
  const badWin = matchTcpSegment(withWin, seg({ seq: 1, ack: 1, flags: TcpFlag.ACK, window: 100 }));
  assert.ok(!badWin.ok && badWin.field === 'win');
  const anySeq = tcpLine('+0 > R. ...(0) ack 1 win 0');
  assert.equal(matchTcpSegment(anySeq, seg({ seq: 12345, ack: 1, flags: TcpFlag.RST | TcpFlag.ACK })).ok, true);
  const rst = tcpLine('+0 > R 5:5(0) win 0');
  assert.equal(matchTcpSegment(rst, seg({ seq: 5, ack: 999, flags: TcpFlag.RST })).ok, true, 'ack field ignored without ACK');
});

test('sequence mapping, passive open: inbound SYN seq is the peer ISN, our ISN learned from the SYN-ACK', () => {
  const m = new SeqMapper();
  // < S 0:0(0) win ...      (script peer ISN 0, injected as is)
  assert.deepEqual(m.inboundToLive({ seq: 0, syn: true }), { seq: 0, ack: 0, sack: [] });
  m.noteInboundSyn(0);
  // > S. 0:0(0) ack 1       stack picked ISN 3_000_000_000
  m.noteOutboundSyn(0, 3_000_000_000);
  const synAck = m.outboundToScript(seg({ seq: 3_000_000_000, ack: 1, flags: TcpFlag.SYN | TcpFlag.ACK }));
  assert.deepEqual([synAck.seq, synAck.ack], [0, 1]);
  // < . 1:1(0) ack 1        → live ack is our ISN + 1
  assert.deepEqual(m.inboundToLive({ seq: 1, ack: 1, syn: false }), { seq: 1, ack: 3_000_000_001, sack: [] });
  // > P. 1:1001(1000) ack 1, across the 2^32 wrap (RFC 9293 §3.4)
  const data = m.outboundToScript(seg({ seq: 3_000_000_001, ack: 1, flags: TcpFlag.ACK }));
  assert.deepEqual([data.seq, data.ack], [1, 1]);
  const wrapped = m.outboundToScript(seg({ seq: (3_000_000_001 + 1_500_000_000) % 2 ** 32, ack: 1, flags: TcpFlag.ACK }));
  assert.equal(wrapped.seq, 1_500_000_001);
  // inbound SACK blocks cover our data
  assert.deepEqual(m.inboundToLive({ seq: 1, ack: 1, sack: [[1001, 2001]], syn: false }).sack, [[3_000_001_001, 3_000_002_001]]);
  assert.equal(m.icmpQuotedSeqToLive(1), 3_000_000_001);
});

test('sequence mapping, active open: non-zero script ISNs, outbound SACK blocks, absolute (!) seq', () => {
  const m = new SeqMapper();
  // > S 100:100(0) — live ISN 7
  m.noteOutboundSyn(100, 7);
  const syn = m.outboundToScript(seg({ seq: 7, flags: TcpFlag.SYN }));
  assert.equal(syn.seq, 100);
  // < S. 5000:5000(0) ack 101 — peer ISN 5000 is injected as written; ack maps into our space
  assert.deepEqual(m.inboundToLive({ seq: 5000, ack: 101, syn: true }), { seq: 5000, ack: 8, sack: [] });
  m.noteInboundSyn(5000);
  // > . 1:1(0) ack 1 ; our non-SYN numbers are relative to the live ISN, acks to the peer ISN
  const ack = m.outboundToScript(seg({ seq: 8, ack: 5001, flags: TcpFlag.ACK, options: [{ kind: 'sack', blocks: [[5101, 5201]] }] }));
  assert.deepEqual([ack.seq, ack.ack, ack.options[0]], [1, 1, { kind: 'sack', blocks: [[101, 201]] }]);
  // < . 1:101(100) ack 1 → peer seq 5001
  assert.equal(m.inboundToLive({ seq: 1, ack: 1, syn: false }).seq, 5001);
  assert.equal(m.inboundToLive({ seq: 42, syn: false, absoluteSeq: true }).seq, 42);
  assert.equal(m.outboundToScript(seg({ seq: 9, flags: TcpFlag.RST }), { absoluteSeq: true }).seq, 9);
});

test('fast-check: script → live → script is the identity for any ISNs', () => {
  fc.assert(
    fc.property(fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1), (scriptIsn, liveIsn, peerIsn, rel) => {
      const m = new SeqMapper();
      m.noteInboundSyn(peerIsn);
      m.noteOutboundSyn(scriptIsn, liveIsn);
      // our segment: script `rel` → live liveIsn + rel → back to script
      const live = (liveIsn + rel) % 2 ** 32;
      assert.equal(m.outboundToScript(seg({ seq: live, flags: TcpFlag.ACK })).seq, rel);
      // the peer acks our byte rel: script ack rel → live liveIsn + rel
      assert.equal(m.inboundToLive({ seq: 1, ack: rel, syn: false }).ack, live);
    }),
    { numRuns: 200 },
  );
});

test('RFC 7323 §3 timestamps: outbound val baseline, inbound ecr by exact match or interpolation', () => {
  const ts = new TsMapper();
  ts.noteOutbound(100, 900_000);
  assert.equal(ts.outboundValToScript(900_050), 150);
  ts.noteOutbound(150, 900_050);
  assert.equal(ts.inboundEcrToLive(150), 900_050);
  assert.equal(ts.inboundEcrToLive(120), undefined, 'no such outbound val and no interpolation');
  assert.equal(ts.inboundEcrToLive(120, true), 900_020);
});

test('tolerance: max(tolerance_usecs, percent of the gap since the previous event)', () => {
  assert.deepEqual(LINUX_TOLERANCE, { usecs: 4000, percent: 12.5 });
  assert.deepEqual(FREEBSD_TOLERANCE, { usecs: 4000, percent: 5 });
  assert.equal(slackUsecs(LINUX_TOLERANCE), 4000, 'first event: fixed allowance');
  assert.equal(slackUsecs(LINUX_TOLERANCE, 10_000), 4000, '12.5 % of 10 ms is below 4 ms');
  assert.equal(slackUsecs(LINUX_TOLERANCE, 200_000), 25_000, '12.5 % of 200 ms');
  const r = parseScript('--tolerance_usecs=75000\n--tolerance_percent=10\n0 socket() = 3\n');
  assert.ok(r.ok);
  assert.deepEqual(toleranceOf(r.script.options), { usecs: 75_000, percent: 10 });
  assert.deepEqual(toleranceOf([], 'freebsd'), FREEBSD_TOLERANCE);
});

test('checkTiming: point, range and * events; early/late amounts', () => {
  const base = { tolerance: LINUX_TOLERANCE, previousUsecs: 0 };
  assert.equal(checkTiming({ ...base, expectedUsecs: 200_000, actualUsecs: 224_000 }).ok, true);
  const late = checkTiming({ ...base, expectedUsecs: 200_000, actualUsecs: 226_000 });
  assert.ok(!late.ok && late.lateByUsecs === 1000);
  assert.match(!late.ok ? late.message : '', /expected at 0\.200000 sec but happened at 0\.226000 sec; tolerance 0\.025000 sec/);
  const early = checkTiming({ tolerance: LINUX_TOLERANCE, previousUsecs: 95_000, expectedUsecs: 100_000, actualUsecs: 95_000 });
  assert.ok(!early.ok && early.earlyByUsecs === 1000);
  assert.equal(checkTiming({ ...base, expectedUsecs: 100_000, expectedEndUsecs: 300_000, actualUsecs: 290_000 }).ok, true);
  assert.equal(checkTiming({ ...base, expectedUsecs: 100_000, expectedEndUsecs: 300_000, actualUsecs: 350_000 }).ok, false);
  assert.equal(checkTiming({ ...base, any: true, expectedUsecs: 0, actualUsecs: 9_000_000 }).ok, true);
});

test('scheduleEvent: relative times count from the previous event, inbound trains from the previous packet', () => {
  assert.deepEqual(scheduleEvent({ kind: 'absolute', usecs: 500 }, { nowUsecs: 9999, inbound: false }), { startUsecs: 500, offsetUsecs: 0 });
  assert.deepEqual(scheduleEvent({ kind: 'relative', usecs: 100 }, { nowUsecs: 1000, inbound: false }), { startUsecs: 1100, offsetUsecs: 1000 });
  assert.deepEqual(
    scheduleEvent({ kind: 'relative', usecs: 100 }, { nowUsecs: 1300, inbound: true, previousInboundUsecs: 1000 }),
    { startUsecs: 1100, offsetUsecs: 1000 },
  );
  const range = scheduleEvent({ kind: 'relativeRange', usecs: 100, endUsecs: 200 }, { nowUsecs: 1000, inbound: false });
  assert.deepEqual(range, { startUsecs: 1100, endUsecs: 1200, offsetUsecs: 1000 });
  const rel = { kind: 'relative', usecs: 0 } as const;
  assert.equal(blockingReturnUsecs(rel, 10_000, scheduleEvent(rel, { nowUsecs: 50_000, inbound: false })), 60_000);
  const abs = { kind: 'absolute', usecs: 100_000 } as const;
  assert.equal(blockingReturnUsecs(abs, 200_000, scheduleEvent(abs, { nowUsecs: 50_000, inbound: false })), 200_000);
});
