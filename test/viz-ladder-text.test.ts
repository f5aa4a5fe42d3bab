// Ladder diagram as text: golden output for the study-note connection (ISN 100/2000, 100 bytes
// up, 500 bytes down, 4-way close) in English and Korean, numbering consistency, and the
// alignment property that every line has the same display width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { TcpFlag } from '../src/wire/tcp-types.js';
import type { LadderTrace, SegmentEntry, TraceEntry, TcpStateName, SideIndex } from '../src/viz/trace.js';
import { renderLadderText } from '../src/viz/ladder-text.js';
import { displayWidth } from '../src/viz/width.js';

const { SYN, ACK, PSH, FIN } = TcpFlag;

/** The study-note connection, built by hand: one-way delay 5 ms, the given ISNs. */
function studyTrace(isnC = 100, isnS = 2000): LadderTrace {
  const d = 5;
  const e: TraceEntry[] = [];
  const st = (t: number, side: SideIndex, state: TcpStateName): void => void e.push({ kind: 'state', t, side, state });
  const seg = (t: number, from: SideIndex, seq: number, ack: number, flags: number, len = 0): void =>
    void e.push({ kind: 'segment', t, tArrive: t + d, from, seq: seq >>> 0, ack: ack >>> 0, flags, len, window: 65535 });
  st(0, 0, 'CLOSED');
  st(0, 1, 'LISTEN');
  st(0, 0, 'SYN-SENT');
  seg(0, 0, isnC, 0, SYN);
  st(5, 1, 'SYN-RECEIVED');
  seg(5, 1, isnS, isnC + 1, SYN | ACK);
  st(10, 0, 'ESTABLISHED');
  seg(10, 0, isnC + 1, isnS + 1, ACK);
  seg(10, 0, isnC + 1, isnS + 1, PSH | ACK, 100);
  st(15, 1, 'ESTABLISHED');
  seg(15, 1, isnS + 1, isnC + 101, PSH | ACK, 500);
  seg(20, 0, isnC + 101, isnS + 501, ACK);
  st(30, 0, 'FIN-WAIT-1');
  seg(30, 0, isnC + 101, isnS + 501, FIN | ACK);
  st(35, 1, 'CLOSE-WAIT');
  seg(35, 1, isnS + 501, isnC + 102, ACK);
  st(40, 0, 'FIN-WAIT-2');
  st(45, 1, 'LAST-ACK');
  seg(45, 1, isnS + 501, isnC + 102, FIN | ACK);
  st(50, 0, 'TIME-WAIT');
  seg(50, 0, isnC + 102, isnS + 502, ACK);
  st(55, 1, 'CLOSED');
  e.push({ kind: 'note', t: 50 + 240000, side: 0, text: { en: '2×MSL later', ko: '2×MSL 후' } });
  st(50 + 240000, 0, 'CLOSED');
  return {
    sides: [
      { name: 'client', address: '10.0.0.1', port: 49152 },
      { name: 'server', address: '10.0.0.2', port: 80 },
    ],
    entries: e,
  };
}

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
function golden(name: string, actual: string): void {
  const path = `test/fixtures/viz/${name}`;
  if (UPDATE) writeFileSync(path, actual + '\n');
  assert.equal(actual + '\n', readFileSync(path, 'utf8'), `golden ${path} (UPDATE_GOLDEN=1 rewrites it)`);
}

test('RFC 9293 §3.5 ladder of the study-note connection (en) matches the golden file', () => {
  golden('ladder-study-en.txt', renderLadderText(studyTrace(), { lang: 'en' }));
});

test('RFC 9293 §3.5 ladder of the study-note connection (ko) matches the golden file', () => {
  golden('ladder-study-ko.txt', renderLadderText(studyTrace(), { lang: 'ko' }));
});

test('explained ladder (en, ko) matches the golden files', () => {
  golden('ladder-study-explain-en.txt', renderLadderText(studyTrace(), { lang: 'en', explain: true }));
  golden('ladder-study-explain-ko.txt', renderLadderText(studyTrace(), { lang: 'ko', explain: true }));
});

test('ASCII fallback uses no characters outside ASCII for an English trace', () => {
  const out = renderLadderText(studyTrace(), { lang: 'en', ascii: true });
  // The only non-ASCII characters left come from the prose (× in 2×MSL, → in notes).
  const boxes = [...out].filter((ch) => '─│▶◀✗┈'.includes(ch));
  assert.deepEqual(boxes, []);
  assert.match(out, /--SYN seq=100-+>\|/);
  assert.match(out, /\|<-+SYN,ACK seq=2000 ack=101--\|/);
});

test('RFC 9293 §3.4 changing the ISNs shifts every seq/ack label by the same amount (mod 2^32)', () => {
  const base = renderLadderText(studyTrace(), { lang: 'en' });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (isnC, isnS) => {
      const out = renderLadderText(studyTrace(isnC, isnS), { lang: 'en' });
      const a = base.split('\n');
      const b = out.split('\n');
      assert.equal(b.length, a.length);
      const dC = (isnC - 100) >>> 0;
      const dS = (isnS - 2000) >>> 0;
      let checked = 0;
      a.forEach((line, k) => {
        const other = b[k]!;
        const fromClient = line.includes('▶');
        const fromServer = line.includes('◀');
        if (!fromClient && !fromServer) return;
        for (const field of ['seq', 'ack'] as const) {
          const x = new RegExp(`${field}=(\\d+)`).exec(line);
          const y = new RegExp(`${field}=(\\d+)`).exec(other);
          assert.equal(x === null, y === null);
          if (x === null || y === null) continue;
          const inClientSpace = (field === 'seq') === fromClient;
          assert.equal((Number(y[1]) - Number(x[1])) >>> 0, inClientSpace ? dC : dS, `${field} on line ${k}`);
          checked++;
        }
      });
      assert.equal(checked, 19); // 10 segments: 10 seq + 9 ack (the SYN carries no ACK)
      // Relative numbering does not depend on the ISNs at all, explanations included.
      for (const lang of ['en', 'ko'] as const) {
        assert.equal(
          renderLadderText(studyTrace(isnC, isnS), { lang, relative: true, explain: true }),
          renderLadderText(studyTrace(), { lang, relative: true, explain: true }),
        );
      }
    }),
    { numRuns: 40 },
  );
});

test('relative numbering starts each side at 0 (ISN) like a packet analyser', () => {
  const out = renderLadderText(studyTrace(), { lang: 'en', relative: true });
  assert.match(out, /──SYN seq=0─/);
  assert.match(out, /─SYN,ACK seq=0 ack=1──/);
  assert.match(out, /─PSH,ACK seq=1 ack=101 len=500──/);
  assert.match(out, /──ACK seq=101 ack=501─/);
});

// ---- alignment property over random traces ----------------------------------------------------

const STATES: TcpStateName[] = [
  'CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1',
  'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
];
const side = fc.constantFrom<SideIndex>(0, 1);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const text = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '')),
  fc.constantFrom('연결 재시도', '타이머 만료 후 재전송합니다', 'app writes 3 kB', '应用程序', 'ｆｕｌｌ'),
);
const segmentArb: fc.Arbitrary<SegmentEntry> = fc.record({
  kind: fc.constant('segment' as const),
  t: fc.double({ min: 0, max: 1e6, noNaN: true }),
  from: side,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 0x1ff }),
  len: fc.integer({ min: 0, max: 65535 }),
  window: fc.integer({ min: 0, max: 1 << 30 }),
  lost: fc.boolean(),
  retransmission: fc.boolean(),
  sackBlocks: fc.array(fc.tuple(u32, u32), { maxLength: 3 }),
  options: fc.constantFrom('mss=1460,sackOK,ws=7', ''),
});
const entryArb: fc.Arbitrary<TraceEntry> = fc.oneof(
  { arbitrary: segmentArb, weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('state' as const), t: fc.nat(), side, state: fc.constantFrom(...STATES) }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('note' as const), t: fc.nat(), side: side, text: fc.oneof(text, fc.record({ en: text, ko: text })) }),
    weight: 1,
  },
);
const traceArb: fc.Arbitrary<LadderTrace> = fc.record({
  sides: fc.tuple(
    fc.record({ name: fc.constantFrom('client', 'server', 'A', '호스트'), address: fc.constantFrom('10.0.0.1', '2001:db8::1'), port: fc.integer({ min: 0, max: 65535 }) }),
    fc.record({ name: fc.constantFrom('client', 'server', 'B'), label: fc.oneof(text, fc.record({ en: text, ko: text })) }, { requiredKeys: ['name'] }),
  ),
  entries: fc.array(entryArb, { maxLength: 25 }),
});

test('every line of the ladder has the same display width (random traces, en/ko, ascii, explain)', () => {
  fc.assert(
    fc.property(
      traceArb,
      fc.record({
        lang: fc.constantFrom('en' as const, 'ko' as const),
        relative: fc.boolean(),
        explain: fc.boolean(),
        ascii: fc.boolean(),
        time: fc.boolean(),
        window: fc.boolean(),
        options: fc.boolean(),
        width: fc.integer({ min: 0, max: 160 }),
      }),
      (trace, opts) => {
        const lines = renderLadderText(trace, opts).split('\n');
        const widths = new Set(lines.map(displayWidth));
        assert.equal(widths.size, 1, `widths ${[...widths].join(',')}`);
        const segs = trace.entries.filter((e) => e.kind === 'segment').length;
        const arrows = lines.filter((l) => (opts.ascii ? /[<>x]-|-[<>x]/ : /[▶◀✗]/).test(l)).length;
        assert.ok(arrows >= segs, `one arrow per segment (${arrows} < ${segs})`);
      },
    ),
    { numRuns: 150 },
  );
});
