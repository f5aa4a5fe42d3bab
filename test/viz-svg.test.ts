// SVG outputs: well-formed XML (checked by a small hand-written parser, no regular expressions),
// one arrow group per segment, axes/labels/legends on the plots, no overlapping text in the
// ladder, a Korean-capable font, and bounded size for very long series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TcpFlag } from '../src/wire/tcp-types.js';
import type { LadderTrace, SideIndex, TcpStateName, TimeSeries, TraceEntry } from '../src/viz/trace.js';
import { renderLadderSvg } from '../src/viz/ladder-svg.js';
import { renderTimeSequenceSvg, mergeBars } from '../src/viz/plot-timeseq.js';
import { renderCwndSvg } from '../src/viz/plot-cwnd.js';
import { reduceM4, niceStep, ticks } from '../src/viz/plot-axis.js';
import { monoWidth, sansWidth } from '../src/viz/svg.js';
import { seriesFromTrace, unwrapper } from '../src/viz/series.js';

// ---- a strict little XML reader ---------------------------------------------------------------

interface El {
  name: string;
  attrs: Map<string, string>;
  text: string;
  children: El[];
}

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === ':' || c === '.';
}

/** Parses `src` as XML; throws with the offset of the first error. Checks tag balance, quoting, entities. */
function parseXml(src: string): El {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML error at ${i}: ${why} near ${JSON.stringify(src.slice(Math.max(0, i - 30), i + 30))}`);
  };
  const entity = (): string => {
    const end = src.indexOf(';', i);
    if (end < 0 || end - i > 10) fail('unterminated entity');
    const name = src.slice(i + 1, end);
    i = end + 1;
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (name in named) return named[name]!;
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) {
      for (const ch of name.slice(1)) if (ch < '0' || ch > '9') fail('bad character reference');
      return String.fromCodePoint(Number(name.slice(1)));
    }
    return fail(`unknown entity &${name};`);
  };
  const name = (): string => {
    const start = i;
    while (i < src.length && isNameChar(src[i]!)) i++;
    if (i === start) fail('expected a name');
    return src.slice(start, i);
  };
  const ws = (): void => {
    while (i < src.length && ' \t\r\n'.includes(src[i]!)) i++;
  };
  if (src.startsWith('<?xml', i)) {
    const end = src.indexOf('?>', i);
    if (end < 0) fail('unterminated declaration');
    i = end + 2;
  }
  ws();
  const stack: El[] = [];
  let root: El | undefined;
  while (i < src.length) {
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (src.startsWith('</', i)) {
      i += 2;
      const n = name();
      ws();
      if (src[i] !== '>') fail('expected > in end tag');
      i++;
      const open = stack.pop();
      if (open === undefined || open.name !== n) fail(`end tag </${n}> does not match <${open?.name ?? '(none)'}>`);
    } else if (src[i] === '<') {
      i++;
      const el: El = { name: name(), attrs: new Map(), text: '', children: [] };
      if (root !== undefined && stack.length === 0) fail('second root element');
      for (;;) {
        ws();
        if (src[i] === '>' || src.startsWith('/>', i)) break;
        const an = name();
        ws();
        if (src[i] !== '=') fail('expected =');
        i++;
        ws();
        const q = src[i];
        if (q !== '"' && q !== "'") fail('unquoted attribute');
        i++;
        let v = '';
        while (i < src.length && src[i] !== q) {
          if (src[i] === '<') fail('< in attribute value');
          if (src[i] === '&') v += entity();
          else v += src[i++];
        }
        if (i >= src.length) fail('unterminated attribute');
        i++;
        if (el.attrs.has(an)) fail(`duplicate attribute ${an}`);
        el.attrs.set(an, v);
      }
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else root = el;
      if (src.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!' \t\r\n'.includes(src[i]!)) fail('text outside the root element');
        i++;
        continue;
      }
      if (src[i] === '&') top.text += entity();
      else if (src[i] === '>') fail('raw > in text');
      else top.text += src[i++];
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root === undefined) return fail('no root element');
  return root;
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) all(c, pred, out);
  return out;
}
const hasClass = (cls: string) => (e: El): boolean => (e.attrs.get('class') ?? '').split(' ').includes(cls);
const exactClass = (cls: string) => (e: El): boolean => e.attrs.get('class') === cls;

test('the XML checker itself rejects malformed documents', () => {
  assert.ok(parseXml('<a><b x="1"/>t &amp; u</a>'));
  for (const bad of ['<a><b></a>', '<a x=1/>', '<a>&nbsp;</a>', '<a>1 < 2</a>', '<a/><b/>', '<a x="<"/>', '<a>', '<a x="1" x="2"/>']) {
    assert.throws(() => parseXml(bad), /XML error/, bad);
  }
});

// ---- traces --------------------------------------------------------------------------------------

const { SYN, ACK, PSH, FIN } = TcpFlag;

function studyTrace(isnC = 100, isnS = 2000, lostData = false): LadderTrace {
  const e: TraceEntry[] = [];
  const st = (t: number, side: SideIndex, state: TcpStateName): void => void e.push({ kind: 'state', t, side, state });
  const seg = (t: number, from: SideIndex, seq: number, ack: number, flags: number, len = 0, extra: { lost?: boolean; retransmission?: boolean } = {}): void =>
    void e.push({ kind: 'segment', t, from, seq: seq >>> 0, ack: ack >>> 0, flags, len, window: 65535, ...extra });
  st(0, 0, 'SYN-SENT');
  st(0, 1, 'LISTEN');
  seg(0, 0, isnC, 0, SYN);
  st(5, 1, 'SYN-RECEIVED');
  seg(5, 1, isnS, isnC + 1, SYN | ACK);
  st(10, 0, 'ESTABLISHED');
  seg(10, 0, isnC + 1, isnS + 1, ACK);
  if (lostData) {
    seg(10, 0, isnC + 1, isnS + 1, PSH | ACK, 100, { lost: true });
    seg(210, 0, isnC + 1, isnS + 1, PSH | ACK, 100, { retransmission: true });
  } else seg(10, 0, isnC + 1, isnS + 1, PSH | ACK, 100);
  st(15, 1, 'ESTABLISHED');
  seg(215, 1, isnS + 1, isnC + 101, PSH | ACK, 500);
  seg(220, 0, isnC + 101, isnS + 501, ACK);
  st(230, 0, 'FIN-WAIT-1');
  seg(230, 0, isnC + 101, isnS + 501, FIN | ACK);
  st(235, 1, 'CLOSE-WAIT');
  seg(235, 1, isnS + 501, isnC + 102, ACK);
  st(240, 0, 'FIN-WAIT-2');
  st(245, 1, 'LAST-ACK');
  seg(245, 1, isnS + 501, isnC + 102, FIN | ACK);
  st(250, 0, 'TIME-WAIT');
  seg(250, 0, isnC + 102, isnS + 502, ACK);
  st(255, 1, 'CLOSED');
  st(240250, 0, 'CLOSED');
  return { sides: [{ name: 'client', address: '10.0.0.1', port: 49152 }, { name: 'server', address: '10.0.0.2', port: 80 }], entries: e };
}

// ---- ladder SVG ------------------------------------------------------------------------------------

test('ladder SVG parses as XML and has one class="seg" arrow per segment (en, ko, explain, lost)', () => {
  for (const lang of ['en', 'ko'] as const) {
    for (const lost of [false, true]) {
      const trace = studyTrace(100, 2000, lost);
      const svg = renderLadderSvg(trace, { lang, explain: true });
      const root = parseXml(svg);
      assert.equal(root.name, 'svg');
      const segs = trace.entries.filter((e) => e.kind === 'segment');
      const arrows = all(root, exactClass('seg'));
      assert.equal(arrows.length, segs.length);
      assert.equal(arrows.filter((a) => a.attrs.get('data-lost') === 'true').length, lost ? 1 : 0);
      assert.equal(all(root, hasClass('lost-mark')).length, lost ? 1 : 0);
      assert.equal(arrows.filter((a) => a.attrs.get('data-retransmission') === 'true').length, lost ? 1 : 0);
      // Lifelines and their headers.
      assert.equal(all(root, hasClass('lifeline')).length, 2);
      assert.equal(all(root, hasClass('side-header')).length, 2);
      const texts = all(root, (e) => e.name === 'text').map((t) => t.text);
      assert.ok(texts.includes(lang === 'en' ? 'Client' : '클라이언트'));
      assert.ok(texts.includes('SYN,ACK seq=2000 ack=101'));
      assert.ok(texts.includes('TIME-WAIT') && texts.includes('CLOSE-WAIT') && texts.includes('LAST-ACK'));
      assert.ok(texts.includes(lang === 'en' ? '3-way handshake' : '3방향 핸드셰이크'));
      assert.ok(svg.includes('Noto Sans CJK KR'), 'a Korean-capable font is named');
    }
  }
});

test('ladder SVG labels follow the ISNs', () => {
  const root = parseXml(renderLadderSvg(studyTrace(4294967290, 7), { lang: 'en' }));
  const labels = all(root, hasClass('seg-label')).map((t) => t.text);
  assert.deepEqual(labels.slice(0, 3), ['SYN seq=4294967290', 'SYN,ACK seq=7 ack=4294967291', 'ACK seq=4294967291 ack=8']);
  assert.equal(labels[4], 'PSH,ACK seq=8 ack=95 len=500'); // 4294967291 + 100 wraps to 95
});

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  what: string;
}

/** Estimated bounding boxes of the ladder's text (same metrics the renderer lays out with). */
function textBoxes(root: El): Box[] {
  return all(root, (e) => e.name === 'text').map((t) => {
    const size = Number(t.attrs.get('font-size') ?? '16');
    const mono = (t.attrs.get('font-family') ?? '').includes('Mono');
    const w = mono ? monoWidth(t.text, size) : sansWidth(t.text, size);
    const x = Number(t.attrs.get('x'));
    const y = Number(t.attrs.get('y'));
    const anchor = t.attrs.get('text-anchor') ?? 'start';
    const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    return { x0, x1: x0 + w, y0: y - size * 0.8, y1: y + size * 0.2, what: t.text };
  });
}

test('ladder SVG: font sizes ≥ 12 px and no two text labels overlap (random traces)', () => {
  const stateArb = fc.constantFrom<TcpStateName>('CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSE-WAIT', 'TIME-WAIT');
  const entry: fc.Arbitrary<TraceEntry> = fc.oneof(
    fc.record({
      kind: fc.constant('segment' as const),
      t: fc.nat({ max: 100000 }),
      from: fc.constantFrom<SideIndex>(0, 1),
      seq: fc.nat(),
      ack: fc.nat(),
      flags: fc.integer({ min: 0, max: 0x1ff }),
      len: fc.nat({ max: 9000 }),
      window: fc.nat({ max: 65535 }),
      lost: fc.boolean(),
      retransmission: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('state' as const), t: fc.nat(), side: fc.constantFrom<SideIndex>(0, 1), state: stateArb }),
    fc.record({ kind: fc.constant('note' as const), t: fc.nat(), side: fc.constantFrom<SideIndex>(0, 1), text: fc.constantFrom('app reads', '응용 프로그램이 읽음', 'RTO fires after 1 s; the sender backs off and retransmits the first unacknowledged segment') }),
  );
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 14 }), fc.constantFrom('en' as const, 'ko' as const), fc.boolean(), (entries, lang, explain) => {
      const trace: LadderTrace = { sides: [{ name: 'client', address: '192.0.2.1', port: 1 }, { name: 'server', label: { en: 'Server with a long name', ko: '이름이 긴 서버' } }], entries };
      const root = parseXml(renderLadderSvg(trace, { lang, explain }));
      for (const t of all(root, (e) => e.name === 'text')) assert.ok(Number(t.attrs.get('font-size')) >= 12, `font-size of ${t.text}`);
      const boxes = textBoxes(root);
      const width = Number(root.attrs.get('width'));
      for (const b of boxes) assert.ok(b.x0 >= 0 && b.x1 <= width + 0.5, `inside the picture: ${b.what}`);
      for (let a = 0; a < boxes.length; a++) {
        for (let b = a + 1; b < boxes.length; b++) {
          const p = boxes[a]!;
          const q = boxes[b]!;
          const overlap = p.x0 < q.x1 - 0.5 && q.x0 < p.x1 - 0.5 && p.y0 < q.y1 - 0.5 && q.y0 < p.y1 - 0.5;
          assert.ok(!overlap, `"${p.what}" overlaps "${q.what}"`);
        }
      }
      assert.equal(all(root, exactClass('seg')).length, entries.filter((e) => e.kind === 'segment').length);
    }),
    { numRuns: 60 },
  );
});

// ---- plots -------------------------------------------------------------------------------------------

function bulkSeries(n: number, withLoss = true): TimeSeries {
  const mss = 1460;
  const s: TimeSeries = { segments: [], acks: [], cc: [] };
  for (let k = 0; k < n; k++) {
    const t = k * 0.5;
    s.segments.push({ t, start: k * mss, end: (k + 1) * mss });
    if (withLoss && k % 97 === 50) s.segments.push({ t: t + 40, start: (k - 20) * mss, end: (k - 19) * mss, retransmission: true });
    if (k % 2 === 1) {
      const sack: Array<[number, number]> | undefined = withLoss && k % 97 < 10 ? [[(k - 5) * mss, (k - 3) * mss]] : undefined;
      s.acks.push({ t: t + 20, ack: (k - 1) * mss, window: 65535, ...(sack ? { sack } : {}) });
    }
    if (k % 10 === 0) s.cc.push({ t, cwnd: 10 * mss + (k % 200) * mss, ...(k > 100 ? { ssthresh: 80 * mss } : { ssthresh: Infinity }), srtt: 40 + (k % 7) });
  }
  return s;
}

test('time-sequence SVG: well-formed, axes with ticks, units and labels, legend, title, lines and bars', () => {
  for (const lang of ['en', 'ko'] as const) {
    const svg = renderTimeSequenceSvg(bulkSeries(300), { lang });
    const root = parseXml(svg);
    assert.equal(all(root, hasClass('x-axis')).length, 2, 'x axis on both panels');
    assert.equal(all(root, hasClass('y-axis')).length, 2);
    assert.equal(all(root, hasClass('y2-axis')).length, 1, 'srtt on a second axis');
    assert.ok(all(root, hasClass('tick')).length >= 16);
    const labels = all(root, hasClass('axis-label')).map((e) => e.text);
    assert.ok(labels.some((l) => l.endsWith('(ms)')), `time unit in ${labels.join(' | ')}`);
    assert.ok(labels.some((l) => l.endsWith('(kB)')), 'byte unit');
    assert.ok(all(root, hasClass('legend')).length >= 2);
    assert.equal(all(root, hasClass('title')).length, 1);
    for (const cls of ['data', 'retx', 'retx-mark', 'ack-line', 'win-line', 'sack', 'cwnd-line', 'ssthresh-line', 'srtt-line']) {
      const els = all(root, hasClass(cls));
      assert.equal(els.length, 1, cls);
      assert.ok((els[0]!.attrs.get('d') ?? '').length > 10, `${cls} has a path`);
    }
    // Every data segment is one bar (M…V… plus two caps) when not reduced.
    const d = all(root, hasClass('data'))[0]!.attrs.get('d')!;
    assert.equal([...d].filter((c) => c === 'V').length, 300);
  }
});

test('cwnd SVG on its own; an infinite ssthresh is not drawn until it is set (RFC 5681 §3.1)', () => {
  const s = bulkSeries(300);
  const root = parseXml(renderCwndSvg(s, { lang: 'ko' }));
  assert.equal(all(root, hasClass('cwnd-line')).length, 1);
  const ss = all(root, hasClass('ssthresh-line'))[0]!.attrs.get('d')!;
  assert.equal([...ss].filter((c) => c === 'M').length, 1, 'one run, starting when ssthresh is first set');
  assert.ok(all(root, hasClass('axis-label')).some((e) => e.text.includes('RTT')));
  const emptyRoot = parseXml(renderCwndSvg({ segments: [], acks: [], cc: [] }, {}));
  assert.ok(all(emptyRoot, (e) => e.name === 'text').some((e) => e.text.includes('no congestion-control')));
});

test('empty series still draws axes and says so', () => {
  const root = parseXml(renderTimeSequenceSvg({ segments: [], acks: [], cc: [] }, {}));
  assert.equal(all(root, hasClass('x-axis')).length, 1);
  assert.ok(all(root, (e) => e.name === 'text').some((e) => e.text === 'no data'));
});

test('100 000 segments: reduced per pixel column, SVG stays under 2 MB and well-formed', () => {
  const s = bulkSeries(100_000);
  const svg = renderTimeSequenceSvg(s, {});
  assert.ok(svg.length < 2_000_000, `size ${svg.length}`);
  const root = parseXml(svg);
  assert.ok(all(root, hasClass('data')).length === 1);
  assert.ok(all(root, hasClass('retx')).length === 1);
});

test('mergeBars covers every input bar; reduceM4 keeps first, last, min and max per column', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 })), { maxLength: 200 }),
      (raw) => {
        const bars = raw.map(([x, a, b]) => [x, Math.max(a, b), Math.min(a, b)] as [number, number, number]);
        const merged = mergeBars(bars);
        assert.ok(merged.length <= bars.length);
        for (const [x, lo, hi] of bars) {
          assert.ok(merged.some(([mx, mlo, mhi]) => mx === x && mlo >= lo && mhi <= hi), `bar ${x} ${lo}-${hi}`);
        }
      },
    ),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 30, noNaN: true }), fc.integer()), { maxLength: 300 }), (raw) => {
      const pts = raw.slice().sort((a, b) => a[0] - b[0]);
      const kept = reduceM4(pts, (p) => p[0], (p) => p[1]);
      assert.ok(kept.length <= pts.length);
      const cols = new Set(pts.map((p) => Math.floor(p[0])));
      assert.ok(kept.length <= cols.size * 4);
      for (const c of cols) {
        const inCol = pts.filter((p) => Math.floor(p[0]) === c);
        const keptCol = kept.filter((p) => Math.floor(p[0]) === c);
        assert.equal(keptCol[0], inCol[0]);
        assert.equal(keptCol[keptCol.length - 1], inCol[inCol.length - 1]);
        assert.equal(Math.min(...keptCol.map((p) => p[1])), Math.min(...inCol.map((p) => p[1])));
        assert.equal(Math.max(...keptCol.map((p) => p[1])), Math.max(...inCol.map((p) => p[1])));
      }
    }),
  );
});

test('ticks are round numbers inside the domain', () => {
  assert.equal(niceStep(0.7), 1);
  assert.equal(niceStep(130), 200);
  assert.equal(niceStep(4e6), 5e6);
  assert.deepEqual(ticks({ min: 0, max: 700 }, 8), [0, 100, 200, 300, 400, 500, 600, 700]);
  fc.assert(
    fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: 1e-3, max: 1e9, noNaN: true }), (min, span) => {
      const ts = ticks({ min, max: min + span });
      assert.ok(ts.length >= 2 && ts.length <= 14, `${ts.length} ticks`);
      // Tolerance: a millionth of the span, and a few ULPs of the domain's magnitude (a tick k·step
      // near 6e7 cannot be closer than ~7e-9 to the true multiple; span may be 1e-3).
      const eps = span * 1e-6 + (Math.abs(min) + span) * 4 * Number.EPSILON;
      for (const v of ts) assert.ok(v >= min - eps && v <= min + span + eps, `${v} outside [${min}, ${min + span}]`);
    }),
  );
});

test('seriesFromTrace: data and ACKs in relative bytes, across a 2^32 wrap of the ISN', () => {
  for (const isn of [100, 4294967290]) {
    const s = seriesFromTrace(studyTrace(isn, 2000, true), 0);
    assert.deepEqual(s.segments, [
      { t: 10, start: 0, end: 100 },
      { t: 210, start: 0, end: 100, retransmission: true },
    ]);
    assert.deepEqual(s.acks.map((a) => a.ack), [0, 100, 101, 101]);
    const back = seriesFromTrace(studyTrace(100, isn), 1);
    assert.deepEqual(back.segments.map((x) => [x.start, x.end]), [[0, 500]]);
  }
  const u = unwrapper();
  assert.deepEqual([0xfffffff0, 5, 0x80000000, 0xffffffff, 3].map(u), [-16, 5, 0x80000000, 0xffffffff, 2 ** 32 + 3]);
  assert.ok(parseXml(renderTimeSequenceSvg(seriesFromTrace(studyTrace(), 0))).name === 'svg');
});
