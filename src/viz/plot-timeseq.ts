// Time-sequence graph in the style of Stevens and tcptrace: x is time, y the relative sequence
// number. Each data segment is a short vertical bar from its first to its last byte, with
// retransmissions in another colour; the cumulative ACK is a step line and the receive window's
// right edge (ACK + window) another; SACK blocks are marked beside the ACKs (RFC 2018).
// A congestion-window panel (plot-cwnd.ts) can sit below on the same time axis.

import { cwndPanel, CWND_PANEL_HEIGHT } from './plot-cwnd.js';
import type { Frame, LegendItem, Scale } from './plot-axis.js';
import { MARGIN, PLOT_COLOR, axis, byteUnit, legend, linearScale, niceDomain, reduceM4, stepPath, timeDomain, timeUnit } from './plot-axis.js';
import { esc, num, rect, svgOpen, text } from './svg.js';
import type { Lang, TimeSeries } from './trace.js';

export interface TimeSeqOptions {
  lang?: Lang;
  title?: string;
  /** Total width in px (default 960). */
  width?: number;
  /** Height of the time-sequence plot area in px (default 400). */
  height?: number;
  /** Add the cwnd/ssthresh/srtt panel below (default: when series.cc has samples). */
  cwndPanel?: boolean;
  /** Above this many items a series is reduced per pixel column (default 4000). */
  maxPoints?: number;
  /** Prefix of element ids, for several plots in one page (default 'l4'). */
  idPrefix?: string;
}

const L = {
  title: { en: 'Time-sequence graph', ko: '시간-순서 번호 그래프' },
  x: { en: 'time', ko: '시간' },
  y: { en: 'relative sequence number', ko: '상대 순서 번호' },
  data: { en: 'data segment', ko: '데이터 세그먼트' },
  retx: { en: 'retransmission', ko: '재전송' },
  ack: { en: 'ACK', ko: 'ACK' },
  win: { en: 'receive window edge (ACK + window)', ko: '수신 윈도 끝 (ACK + 윈도)' },
  sack: { en: 'SACK block', ko: 'SACK 블록' },
  empty: { en: 'no data', ko: '데이터 없음' },
};

export function renderTimeSequenceSvg(series: TimeSeries, opts: TimeSeqOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const width = opts.width ?? 960;
  const plotH = opts.height ?? 400;
  const withCwnd = opts.cwndPanel ?? series.cc.length > 0;
  const prefix = opts.idPrefix ?? 'l4';
  const frame: Frame = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: plotH };
  const td = timeDomain(series);
  const tu = timeUnit(td.max);
  const x = linearScale(td, frame.left, frame.left + frame.width);
  const title = opts.title ?? series.title ?? L.title[lang];

  const parts: string[] = [];
  parts.push(text(width / 2, 28, title, { 'text-anchor': 'middle', 'font-size': 17, 'font-weight': 'bold', fill: '#1c2430', class: 'title' }));
  parts.push(timeSeqPanel(series, frame, x, lang, opts.maxPoints ?? 4000, `${prefix}-ts`));
  parts.push(axis(frame, { scale: x, unit: tu, title: `${L.x[lang]} (${tu.name})`, side: 'bottom', grid: true }));

  let height = frame.top + frame.height + MARGIN.bottom;
  if (withCwnd) {
    const cf: Frame = { left: frame.left, top: height + 40, width: frame.width, height: CWND_PANEL_HEIGHT };
    parts.push(cwndPanel(series, cf, x, lang, opts.maxPoints ?? 4000, `${prefix}-cw`));
    parts.push(axis(cf, { scale: x, unit: tu, title: `${L.x[lang]} (${tu.name})`, side: 'bottom', grid: true }));
    height = cf.top + cf.height + MARGIN.bottom;
  }
  return `${svgOpen(width, height, title)}${parts.join('\n')}\n</svg>\n`;
}

/** The time-sequence plot inside `f` (no x axis: the caller draws it). */
function timeSeqPanel(series: TimeSeries, f: Frame, x: Scale, lang: Lang, maxPoints: number, id: string): string {
  const out: string[] = [];
  let dataMin = Infinity;
  let dataMax = -Infinity;
  for (const s of series.segments) {
    dataMin = Math.min(dataMin, s.start);
    dataMax = Math.max(dataMax, s.end);
  }
  let winMax = -Infinity;
  for (const a of series.acks) {
    dataMin = Math.min(dataMin, a.ack);
    dataMax = Math.max(dataMax, a.ack);
    winMax = Math.max(winMax, a.ack + a.window);
    for (const [l, r] of a.sack ?? []) {
      dataMin = Math.min(dataMin, l);
      dataMax = Math.max(dataMax, r);
    }
  }
  // The window edge is included unless it would squash the data into a sliver; then it is clipped.
  const span = Number.isFinite(dataMax - dataMin) ? dataMax - dataMin : 0;
  const top = winMax - dataMin <= Math.max(span, 1) * 3 ? Math.max(dataMax, winMax) : dataMax + span * 0.15;
  const yd = niceDomain(dataMin, top, dataMin >= 0);
  const y = linearScale(yd, f.top + f.height, f.top);
  const yu = byteUnit(Math.max(Math.abs(yd.max), Math.abs(yd.min)));

  out.push(`<defs><clipPath id="${esc(id)}-clip"><rect x="${num(f.left)}" y="${num(f.top)}" width="${num(f.width)}" height="${num(f.height)}"/></clipPath></defs>`);
  out.push(rect(f.left, f.top, f.width, f.height, { fill: '#fcfcfd', stroke: 'none' }));
  out.push(axis(f, { scale: y, unit: yu, title: `${L.y[lang]} (${yu.name})`, side: 'left', grid: true }));

  const items: LegendItem[] = [{ label: L.data[lang], color: PLOT_COLOR.data, kind: 'bar' }];
  if (series.segments.some((s) => s.retransmission === true)) items.push({ label: L.retx[lang], color: PLOT_COLOR.retx, kind: 'bar' });
  if (series.acks.length > 0) {
    items.push({ label: L.ack[lang], color: PLOT_COLOR.ack, kind: 'line' });
    items.push({ label: L.win[lang], color: PLOT_COLOR.win, kind: 'line' });
  }
  if (series.acks.some((a) => (a.sack ?? []).length > 0)) items.push({ label: L.sack[lang], color: PLOT_COLOR.sack, kind: 'bar' });
  out.push(legend(f.left, f.top - 16, items));

  if (series.segments.length === 0 && series.acks.length === 0) {
    out.push(text(f.left + f.width / 2, f.top + f.height / 2, L.empty[lang], { 'text-anchor': 'middle', 'font-size': 14, fill: '#888' }));
    return out.join('\n');
  }

  out.push(`<g clip-path="url(#${esc(id)}-clip)">`);
  // ACK and window-edge step lines.
  const acks = series.acks.slice().sort((a, b) => a.t - b.t);
  const reduceLine = (pts: Array<[number, number]>): Array<[number, number]> =>
    pts.length > maxPoints ? reduceM4(pts, (p) => p[0], (p) => p[1]) : pts;
  const ackPts = reduceLine(acks.map((a) => [x(a.t), y(a.ack)]));
  const winPts = reduceLine(acks.map((a) => [x(a.t), y(a.ack + a.window)]));
  if (winPts.length > 0) out.push(`<path class="win-line" d="${stepPath(winPts)}" fill="none" stroke="${PLOT_COLOR.win}" stroke-width="1.4"/>`);
  if (ackPts.length > 0) out.push(`<path class="ack-line" d="${stepPath(ackPts)}" fill="none" stroke="${PLOT_COLOR.ack}" stroke-width="1.6"/>`);

  // SACK blocks, a little right of the ACK that carried them.
  const sackBars: Array<[number, number, number]> = [];
  for (const a of acks) for (const [l, r] of a.sack ?? []) sackBars.push([x(a.t) + 2, y(l), y(r)]);
  if (sackBars.length > 0) {
    out.push(`<path class="sack" d="${barsPath(sackBars.length > maxPoints ? mergeBars(sackBars) : sackBars, false, 3)}" stroke="${PLOT_COLOR.sack}" stroke-width="2.2" fill="none"/>`);
  }

  // Data segments: one bar each, or one envelope per pixel column for very long series.
  const many = series.segments.length > maxPoints;
  for (const retx of [false, true]) {
    const bars: Array<[number, number, number]> = [];
    for (const s of series.segments) {
      if ((s.retransmission === true) !== retx) continue;
      bars.push([x(s.t), y(s.start), y(s.end)]);
    }
    if (bars.length === 0) continue;
    const drawn = many ? mergeBars(bars) : bars;
    const color = retx ? PLOT_COLOR.retx : PLOT_COLOR.data;
    out.push(`<path class="${retx ? 'retx' : 'data'}" d="${barsPath(drawn, !many)}" stroke="${color}" stroke-width="${retx ? 1.8 : 1.2}" fill="none"/>`);
    if (retx && drawn.length <= 60) {
      // A small ring at the top of each retransmitted bar, so they stand out in black-and-white.
      const rings = drawn.map(([bx, , y2]) => `M${num(bx + 3)} ${num(y2 - 3)}a3 3 0 1 0 -6 0a3 3 0 1 0 6 0`).join('');
      out.push(`<path class="retx-mark" d="${rings}" stroke="${PLOT_COLOR.retx}" stroke-width="1.2" fill="none"/>`);
    }
  }
  out.push('</g>');
  return out.join('\n');
}

/** Path of vertical bars [x, yLow, yHigh] (pixels, yHigh above), with end caps when `caps`. */
function barsPath(bars: ReadonlyArray<readonly [number, number, number]>, caps: boolean, minPx = 1): string {
  let d = '';
  for (const [bx, y1, y2raw] of bars) {
    const y2 = Math.min(y2raw, y1 - minPx); // never thinner than minPx
    d += `M${num(bx)} ${num(y1)}V${num(y2)}`;
    if (caps) d += `M${num(bx - 2)} ${num(y2)}h4M${num(bx - 2)} ${num(y1)}h4`;
  }
  return d;
}

/**
 * Merges bars that fall in the same pixel column and overlap or touch vertically (within a
 * pixel), so the drawing is the same at screen resolution with far fewer elements.
 */
export function mergeBars(bars: ReadonlyArray<readonly [number, number, number]>): Array<[number, number, number]> {
  const byCol = new Map<number, Array<[number, number]>>();
  for (const [bx, y1, y2] of bars) {
    const c = Math.round(bx);
    const lo = Math.max(y1, y2);
    const hi = Math.min(y1, y2);
    let list = byCol.get(c);
    if (list === undefined) byCol.set(c, (list = []));
    list.push([hi, lo]);
  }
  const out: Array<[number, number, number]> = [];
  for (const [c, list] of [...byCol.entries()].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => a[0] - b[0]);
    let [top, bottom] = list[0]!;
    for (let k = 1; k < list.length; k++) {
      const [t2, b2] = list[k]!;
      if (t2 <= bottom + 1) bottom = Math.max(bottom, b2);
      else {
        out.push([c, bottom, top]);
        top = t2;
        bottom = b2;
      }
    }
    out.push([c, bottom, top]);
  }
  return out;
}
