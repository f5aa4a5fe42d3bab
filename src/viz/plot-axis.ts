// Shared pieces of the plots: "nice" tick steps, linear scales, unit choice for time and bytes,
// axes with ticks and labels, a legend row, and M4 downsampling (first/min/max/last per pixel
// column) so that long series stay small without changing what the eye sees.

import { line, num, rect, sansWidth, text } from './svg.js';
import type { TimeSeries } from './trace.js';

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Domain {
  min: number;
  max: number;
}

export interface Scale {
  (v: number): number;
  domain: Domain;
}

export function linearScale(d: Domain, r0: number, r1: number): Scale {
  const span = d.max - d.min || 1;
  const f = ((v: number) => r0 + ((v - d.min) / span) * (r1 - r0)) as Scale;
  f.domain = d;
  return f;
}

/** Widens a domain that is empty or a single point, and extends it to a nice step. */
export function niceDomain(min: number, max: number, zeroBased = false): Domain {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (zeroBased) lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep((hi - lo) / 12);
  return { min: zeroBased && lo === 0 ? 0 : Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** About `count` evenly spaced round values inside the domain. */
export function ticks(d: Domain, count = 6): number[] {
  const step = niceStep((d.max - d.min) / count);
  const out: number[] = [];
  const first = Math.ceil(d.min / step - 1e-9) * step;
  for (let v = first; v <= d.max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export interface Unit {
  /** Divide a value by this before printing. */
  div: number;
  name: string;
}

/** Milliseconds up to 10 s, seconds above. */
export function timeUnit(maxMs: number): Unit {
  return maxMs > 10_000 ? { div: 1000, name: 's' } : { div: 1, name: 'ms' };
}

/** Bytes, kB or MB (powers of 1000), chosen so tick labels stay short. */
export function byteUnit(max: number): Unit {
  if (max >= 10_000_000) return { div: 1_000_000, name: 'MB' };
  if (max >= 10_000) return { div: 1000, name: 'kB' };
  return { div: 1, name: 'B' };
}

/** A tick value in a unit, with no more decimals than the step needs. */
export function tickLabel(v: number, unit: Unit, step: number): string {
  const x = v / unit.div;
  const s = step / unit.div;
  const decimals = s >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(s) - 1e-9));
  return x.toFixed(decimals);
}

const AXIS = '#39424e';
const GRID = '#e3e7ed';

export interface AxisSpec {
  scale: Scale;
  unit: Unit;
  title: string;
  /** Which edge of the frame. */
  side: 'bottom' | 'left' | 'right';
  grid?: boolean;
  color?: string;
}

/** Axis line, ticks, tick labels, optional grid lines and the rotated/centred axis title. */
export function axis(f: Frame, a: AxisSpec): string {
  const out: string[] = [];
  const ts = ticks(a.scale.domain, a.side === 'bottom' ? 8 : 6);
  const step = ts.length > 1 ? ts[1]! - ts[0]! : 1;
  const color = a.color ?? AXIS;
  const cls = a.side === 'bottom' ? 'axis x-axis' : a.side === 'left' ? 'axis y-axis' : 'axis y2-axis';
  out.push(`<g class="${cls}">`);
  if (a.side === 'bottom') {
    const y = f.top + f.height;
    for (const v of ts) {
      const x = a.scale(v);
      if (a.grid === true) out.push(line(x, f.top, x, y, { stroke: GRID }));
      out.push(line(x, y, x, y + 5, { stroke: color, class: 'tick' }));
      out.push(text(x, y + 19, tickLabel(v, a.unit, step), { 'text-anchor': 'middle', 'font-size': 12, fill: color, class: 'tick-label' }));
    }
    out.push(line(f.left, y, f.left + f.width, y, { stroke: color, 'stroke-width': 1.2 }));
    out.push(text(f.left + f.width / 2, y + 40, a.title, { 'text-anchor': 'middle', 'font-size': 13, fill: color, class: 'axis-label' }));
  } else {
    const x = a.side === 'left' ? f.left : f.left + f.width;
    const dir = a.side === 'left' ? -1 : 1;
    let widest = 0;
    for (const v of ts) {
      const y = a.scale(v);
      if (a.grid === true) out.push(line(f.left, y, f.left + f.width, y, { stroke: GRID }));
      out.push(line(x, y, x + dir * 5, y, { stroke: color, class: 'tick' }));
      const label = tickLabel(v, a.unit, step);
      widest = Math.max(widest, sansWidth(label, 12));
      out.push(text(x + dir * 8, y + 4, label, { 'text-anchor': dir < 0 ? 'end' : 'start', 'font-size': 12, fill: color, class: 'tick-label' }));
    }
    out.push(line(x, f.top, x, f.top + f.height, { stroke: color, 'stroke-width': 1.2 }));
    const tx = x + dir * (widest + 20);
    const ty = f.top + f.height / 2;
    out.push(text(tx, ty, a.title, { 'text-anchor': 'middle', 'font-size': 13, fill: color, transform: `rotate(${dir * -90} ${num(tx)} ${num(ty)})`, class: 'axis-label' }));
  }
  out.push('</g>');
  return out.join('\n');
}

export interface LegendItem {
  label: string;
  color: string;
  /** 'bar' (vertical stroke), 'line', 'dash' or 'mark' (small square). */
  kind: 'bar' | 'line' | 'dash' | 'mark';
}

/** One row of legend items starting at (x, y); returns the SVG. */
export function legend(x: number, y: number, items: LegendItem[]): string {
  const out: string[] = ['<g class="legend">'];
  let cx = x;
  for (const it of items) {
    if (it.kind === 'bar') out.push(line(cx + 6, y - 9, cx + 6, y + 3, { stroke: it.color, 'stroke-width': 2.4 }));
    else if (it.kind === 'mark') out.push(rect(cx + 2, y - 7, 9, 9, { fill: it.color }));
    else out.push(line(cx, y - 3, cx + 18, y - 3, { stroke: it.color, 'stroke-width': 2, ...(it.kind === 'dash' ? { 'stroke-dasharray': '5 3' } : {}) }));
    const tx = cx + (it.kind === 'line' || it.kind === 'dash' ? 24 : 16);
    out.push(text(tx, y + 1, it.label, { 'font-size': 12, fill: AXIS }));
    cx = tx + sansWidth(it.label, 12) + 20;
  }
  out.push('</g>');
  return out.join('');
}

/**
 * M4 reduction: for points sorted by x, keeps the first, minimum, maximum and last point of every
 * pixel column (in their original order). A polyline through the result is pixel-identical to one
 * through all points.
 */
export function reduceM4<T>(points: readonly T[], col: (p: T) => number, val: (p: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  while (i < points.length) {
    const c = Math.floor(col(points[i]!));
    let j = i;
    let lo = i;
    let hi = i;
    while (j < points.length && Math.floor(col(points[j]!)) === c) {
      if (val(points[j]!) < val(points[lo]!)) lo = j;
      if (val(points[j]!) > val(points[hi]!)) hi = j;
      j++;
    }
    const keep = [...new Set([i, lo, hi, j - 1])].sort((a, b) => a - b);
    for (const k of keep) out.push(points[k]!);
    i = j;
  }
  return out;
}

/** SVG path of a step function through (x, y) points: horizontal, then vertical. */
export function stepPath(pts: ReadonlyArray<readonly [number, number]>, extendTo?: number): string {
  if (pts.length === 0) return '';
  let d = `M${num(pts[0]![0])} ${num(pts[0]![1])}`;
  for (let k = 1; k < pts.length; k++) d += `H${num(pts[k]![0])}V${num(pts[k]![1])}`;
  if (extendTo !== undefined) d += `H${num(extendTo)}`;
  return d;
}

export const PLOT_COLOR = {
  data: '#1a1a1a',
  retx: '#d62728',
  ack: '#2ca02c',
  win: '#c49a00',
  sack: '#8e44ad',
  cwnd: '#1f77b4',
  ssthresh: '#d62728',
  srtt: '#7f7f7f',
};

export const MARGIN = { left: 88, right: 84, top: 74, bottom: 60 };

/** Time range covered by every part of the series. */
export function timeDomain(series: TimeSeries): Domain {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of [series.segments, series.acks, series.cc]) {
    for (const p of arr) {
      if (p.t < lo) lo = p.t;
      if (p.t > hi) hi = p.t;
    }
  }
  return niceDomain(lo, hi, lo >= 0);
}

