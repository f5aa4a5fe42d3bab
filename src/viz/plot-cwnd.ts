// Congestion window (RFC 5681) and slow-start threshold over time as step lines, with the
// smoothed RTT (RFC 6298) on a second axis at the right. Used on its own or as the lower panel
// of the time-sequence graph, sharing its time axis.

import type { Frame, LegendItem, Scale } from './plot-axis.js';
import { MARGIN, PLOT_COLOR, axis, byteUnit, legend, linearScale, niceDomain, reduceM4, stepPath, timeDomain, timeUnit } from './plot-axis.js';
import { esc, num, rect, svgOpen, text } from './svg.js';
import type { Lang, SeriesCcSample, TimeSeries } from './trace.js';

export const CWND_PANEL_HEIGHT = 220;

export interface CwndOptions {
  lang?: Lang;
  title?: string;
  width?: number;
  /** Plot area height (default 220). */
  height?: number;
  maxPoints?: number;
  idPrefix?: string;
}

const L = {
  title: { en: 'Congestion window and RTT', ko: '혼잡 윈도와 RTT' },
  x: { en: 'time', ko: '시간' },
  y: { en: 'cwnd, ssthresh', ko: 'cwnd, ssthresh' },
  srttAxis: { en: 'smoothed RTT', ko: '평활 RTT' },
  cwnd: { en: 'cwnd', ko: 'cwnd (혼잡 윈도)' },
  ssthresh: { en: 'ssthresh', ko: 'ssthresh (임계값)' },
  srtt: { en: 'srtt (right axis)', ko: 'srtt (오른쪽 축)' },
  empty: { en: 'no congestion-control samples', ko: '혼잡 제어 표본 없음' },
};

export function renderCwndSvg(series: TimeSeries, opts: CwndOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const width = opts.width ?? 960;
  const f: Frame = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: opts.height ?? CWND_PANEL_HEIGHT };
  const td = timeDomain(series);
  const tu = timeUnit(td.max);
  const x = linearScale(td, f.left, f.left + f.width);
  const title = opts.title ?? L.title[lang];
  const parts = [
    text(width / 2, 28, title, { 'text-anchor': 'middle', 'font-size': 17, 'font-weight': 'bold', fill: '#1c2430', class: 'title' }),
    cwndPanel(series, f, x, lang, opts.maxPoints ?? 4000, `${opts.idPrefix ?? 'l4'}-cw`),
    axis(f, { scale: x, unit: tu, title: `${L.x[lang]} (${tu.name})`, side: 'bottom', grid: true }),
  ];
  const height = f.top + f.height + MARGIN.bottom;
  return `${svgOpen(width, height, title)}${parts.join('\n')}\n</svg>\n`;
}

/** ssthresh at or above this many times the largest cwnd is drawn as "not set yet". */
const SSTHRESH_CAP = 4;

/** The cwnd panel inside `f` (no x axis: the caller draws it). */
export function cwndPanel(series: TimeSeries, f: Frame, x: Scale, lang: Lang, maxPoints: number, id: string): string {
  const out: string[] = [];
  const cc = series.cc.filter((s) => Number.isFinite(s.t) && Number.isFinite(s.cwnd)).sort((a, b) => a.t - b.t);
  let cwMax = 0;
  for (const s of cc) cwMax = Math.max(cwMax, s.cwnd);
  const ssOk = (s: SeriesCcSample): s is SeriesCcSample & { ssthresh: number } =>
    s.ssthresh !== undefined && Number.isFinite(s.ssthresh) && s.ssthresh < Math.max(cwMax, 1) * SSTHRESH_CAP;
  let yMax = cwMax;
  for (const s of cc) if (ssOk(s)) yMax = Math.max(yMax, s.ssthresh);
  const yd = niceDomain(0, yMax, true);
  const y = linearScale(yd, f.top + f.height, f.top);
  const yu = byteUnit(yd.max);
  let rttMax = 0;
  for (const s of cc) if (s.srtt !== undefined && Number.isFinite(s.srtt)) rttMax = Math.max(rttMax, s.srtt);
  const hasRtt = rttMax > 0;
  const rd = niceDomain(0, rttMax, true);
  const r = linearScale(rd, f.top + f.height, f.top);

  out.push(`<defs><clipPath id="${esc(id)}-clip"><rect x="${num(f.left)}" y="${num(f.top)}" width="${num(f.width)}" height="${num(f.height)}"/></clipPath></defs>`);
  out.push(rect(f.left, f.top, f.width, f.height, { fill: '#fcfcfd', stroke: 'none' }));
  out.push(axis(f, { scale: y, unit: yu, title: `${L.y[lang]} (${yu.name})`, side: 'left', grid: true }));
  if (hasRtt) out.push(axis(f, { scale: r, unit: timeUnit(0), title: `${L.srttAxis[lang]} (ms)`, side: 'right', color: PLOT_COLOR.srtt }));

  const items: LegendItem[] = [{ label: L.cwnd[lang], color: PLOT_COLOR.cwnd, kind: 'line' }];
  if (cc.some(ssOk)) items.push({ label: L.ssthresh[lang], color: PLOT_COLOR.ssthresh, kind: 'dash' });
  if (hasRtt) items.push({ label: L.srtt[lang], color: PLOT_COLOR.srtt, kind: 'line' });
  out.push(legend(f.left, f.top - 16, items));

  if (cc.length === 0) {
    out.push(text(f.left + f.width / 2, f.top + f.height / 2, L.empty[lang], { 'text-anchor': 'middle', 'font-size': 14, fill: '#888' }));
    return out.join('\n');
  }
  const reduce = (pts: Array<[number, number]>): Array<[number, number]> =>
    pts.length > maxPoints ? reduceM4(pts, (p) => p[0], (p) => p[1]) : pts;

  out.push(`<g clip-path="url(#${esc(id)}-clip)">`);
  // ssthresh: a dashed step line, broken where it is unset (initially "infinite", RFC 5681 §3.1).
  let runs: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> = [];
  for (const s of cc) {
    if (ssOk(s)) cur.push([x(s.t), y(s.ssthresh)]);
    else if (cur.length > 0) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) runs.push(cur);
  runs = runs.map(reduce);
  const ssPath = runs.map((run) => stepPath(run)).join('');
  if (ssPath !== '') out.push(`<path class="ssthresh-line" d="${ssPath}" fill="none" stroke="${PLOT_COLOR.ssthresh}" stroke-width="1.4" stroke-dasharray="6 4"/>`);
  out.push(`<path class="cwnd-line" d="${stepPath(reduce(cc.map((s) => [x(s.t), y(s.cwnd)])))}" fill="none" stroke="${PLOT_COLOR.cwnd}" stroke-width="1.8"/>`);
  if (hasRtt) {
    const pts = reduce(cc.filter((s) => s.srtt !== undefined && Number.isFinite(s.srtt)).map((s) => [x(s.t), r(s.srtt!)]));
    const d = pts.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${num(px)} ${num(py)}`).join('');
    out.push(`<path class="srtt-line" d="${d}" fill="none" stroke="${PLOT_COLOR.srtt}" stroke-width="1.3"/>`);
  }
  out.push('</g>');
  return out.join('\n');
}
