// Ladder (sequence) diagram as a standalone SVG: two lifelines under headers, one slanted arrow
// per segment with its label, lost segments ending in a cross, each side's state beside the
// lifeline when it changes, and the send time on the left. Row heights come from the content,
// so labels never overlap however many segments there are.

import { buildLadderModel } from './ladder-model.js';
import type { LadderRow, SideStates } from './ladder-model.js';
import { phaseHeading, sideAddress, sideLabel, word } from './i18n.js';
import { formatMs } from './ladder-text.js';
import { FONT_MONO, esc, line, monoWidth, num, rect, sansWidth, svgOpen, text, wrapPx } from './svg.js';
import type { Lang, LadderTrace } from './trace.js';

export interface LadderSvgOptions {
  lang: Lang;
  relative?: boolean;
  explain?: boolean;
  /** Show the send time of each row on the left (default true). */
  time?: boolean;
  window?: boolean;
  options?: boolean;
  /** Document title (also the <title> element). */
  title?: string;
}

const PAD = 24;
const LABEL_FONT = 13;
const STATE_FONT = 12;
const NOTE_FONT = 13;
const EXPLAIN_FONT = 12;
const SLANT = 16;
const COLOR = { c2s: '#1f4e9c', s2c: '#17735a', lost: '#c62828', retx: '#d46a00', life: '#7a8699', muted: '#5b6472' };

export function renderLadderSvg(trace: LadderTrace, opts: LadderSvgOptions): string {
  const model = buildLadderModel(trace, opts);
  const showTime = opts.time !== false;
  const heads = [0, 1].map((i) => {
    const s = trace.sides[i as 0 | 1];
    return { label: sideLabel(s, opts.lang), addr: sideAddress(s) };
  });

  // Horizontal layout.
  const stateW = (side: 0 | 1): number => {
    let w = monoWidth('ESTABLISHED', STATE_FONT);
    for (const r of model.rows) {
      if ((r.kind === 'step' || r.kind === 'states') && r.states[side] !== undefined) w = Math.max(w, monoWidth(r.states[side], STATE_FONT));
    }
    return w + 14;
  };
  const timeLabels = model.rows.map((r) => (r.kind === 'step' ? formatMs(r.seg.t) : r.kind === 'states' ? formatMs(r.t) : ''));
  const timeHead = `${word('time', opts.lang)} (ms)`;
  const timeW = showTime ? Math.max(sansWidth(timeHead, 12), ...timeLabels.map((t) => monoWidth(t, 12))) + 8 : 0;
  const headW = heads.map((h) => Math.max(sansWidth(h.label, 15), monoWidth(h.addr, 12)) + 28);
  let labelMax = 0;
  for (const r of model.rows) {
    if (r.kind === 'step') labelMax = Math.max(labelMax, monoWidth(r.label, LABEL_FONT));
    if (r.kind === 'heading') labelMax = Math.max(labelMax, sansWidth(phaseHeading(r.phase, opts.lang), 13) + 40);
  }
  const center = Math.max(440, labelMax + 90);
  const leftMargin = Math.max(stateW(0) + 14, headW[0]! / 2);
  const rightMargin = Math.max(stateW(1) + 14, headW[1]! / 2);
  const xL = PAD + timeW + (showTime ? 12 : 0) + leftMargin;
  const xR = xL + center;
  const width = xR + rightMargin + PAD;

  const body: string[] = [];
  const headerTop = PAD;
  const headerH = heads.some((h) => h.addr !== '') ? 46 : 32;
  heads.forEach((h, i) => {
    const cx = i === 0 ? xL : xR;
    const w = headW[i]!;
    body.push(rect(cx - w / 2, headerTop, w, headerH, { rx: 6, fill: '#f3f6fa', stroke: '#8796ab', 'stroke-width': 1.2, class: 'side-header' }));
    body.push(text(cx, headerTop + 20, h.label, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold', fill: '#1c2430' }));
    if (h.addr !== '') body.push(text(cx, headerTop + 37, h.addr, { 'text-anchor': 'middle', 'font-size': 12, 'font-family': FONT_MONO, fill: COLOR.muted }));
  });

  // Vertical layout: walk the rows.
  let y = headerTop + headerH + 26;
  const rowsSvg: string[] = [];
  const timeX = PAD + timeW;
  model.rows.forEach((r, k) => {
    const t = timeLabels[k] ?? '';
    const h = rowSvg(r, y, t, { xL, xR, timeX, showTime, lang: opts.lang }, rowsSvg);
    y += h;
  });
  const lifeBottom = y + 6;
  for (const x of [xL, xR]) body.push(line(x, headerTop + headerH, x, lifeBottom, { stroke: COLOR.life, 'stroke-width': 1.5, class: 'lifeline' }));
  if (showTime) {
    body.push(text(timeX, headerTop + headerH - 4, timeHead, { 'text-anchor': 'end', 'font-size': 12, fill: COLOR.muted }));
    const ax = PAD + 2;
    body.push(line(ax, headerTop + headerH + 8, ax, lifeBottom - 8, { stroke: '#b7c0cc', 'stroke-width': 1.2 }));
    body.push(`<polygon points="${num(ax - 4)},${num(lifeBottom - 10)} ${num(ax + 4)},${num(lifeBottom - 10)} ${num(ax)},${num(lifeBottom - 2)}" fill="#b7c0cc"/>`);
  }
  body.push(...rowsSvg);

  // Footer: legend and the TIME-WAIT note, wrapped to the width.
  y = lifeBottom + 22;
  const footer: string[] = [];
  if (model.anyLost) footer.push(word('legendLost', opts.lang));
  if (model.closeNote !== undefined) footer.push(model.closeNote);
  for (const para of footer) {
    for (const l of wrapPx(para, width - 2 * PAD, (s) => sansWidth(s, NOTE_FONT))) {
      body.push(text(PAD, y, l, { 'font-size': NOTE_FONT, fill: '#333c48', class: 'note' }));
      y += 19;
    }
    y += 6;
  }
  const height = y + PAD - 6;
  const title = opts.title ?? `TCP: ${heads[0]!.label} ⇄ ${heads[1]!.label}`;
  return `${svgOpen(width, height, title)}${body.join('\n')}\n</svg>\n`;
}

interface RowGeom {
  xL: number;
  xR: number;
  timeX: number;
  showTime: boolean;
  lang: Lang;
}

/** Appends one row's elements to `out` and returns the row height. */
function rowSvg(r: LadderRow, y: number, t: string, g: RowGeom, out: string[]): number {
  const timeLabel = (yy: number): void => {
    if (g.showTime && t !== '') out.push(text(g.timeX, yy + 4, t, { 'text-anchor': 'end', 'font-size': 12, 'font-family': FONT_MONO, fill: COLOR.muted, class: 'time' }));
  };
  switch (r.kind) {
    case 'heading': {
      const label = phaseHeading(r.phase, g.lang);
      const w = sansWidth(label, 13) + 20;
      const cx = (g.xL + g.xR) / 2;
      const yy = y + 6;
      out.push(line(g.xL + 6, yy, g.xR - 6, yy, { stroke: '#c5cdd8', 'stroke-dasharray': '4 4' }));
      out.push(rect(cx - w / 2, yy - 11, w, 20, { rx: 10, fill: '#ffffff', stroke: '#c5cdd8' }));
      out.push(text(cx, yy + 4.5, label, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', fill: '#46505e', class: 'phase' }));
      return 36;
    }
    case 'states':
      timeLabel(y);
      pushStates(r.states, y, g, out);
      return 30;
    case 'note': {
      const lines = wrapPx(r.text, g.xR - g.xL - 40, (s) => sansWidth(s, NOTE_FONT));
      lines.forEach((l, i) => {
        const anchor = r.side === 1 ? 'end' : r.side === 0 ? 'start' : 'middle';
        const x = r.side === 1 ? g.xR - 14 : r.side === 0 ? g.xL + 14 : (g.xL + g.xR) / 2;
        out.push(text(x, y + 4 + i * 18, l, { 'text-anchor': anchor, 'font-size': NOTE_FONT, 'font-style': 'italic', fill: COLOR.muted, class: 'note' }));
      });
      return 12 + lines.length * 18;
    }
    case 'step': {
      const top = y + 8; // room for the label above the arrow
      timeLabel(top);
      pushStates(r.states, top, g, out);
      const seg = r.seg;
      const color = seg.lost === true ? COLOR.lost : seg.retransmission === true ? COLOR.retx : seg.from === 0 ? COLOR.c2s : COLOR.s2c;
      const x1 = seg.from === 0 ? g.xL : g.xR;
      const x2full = seg.from === 0 ? g.xR : g.xL;
      const frac = seg.lost === true ? 0.58 : 1;
      const x2 = x1 + (x2full - x1) * frac;
      const y2 = top + SLANT * frac;
      const dir = Math.sign(x2full - x1);
      const parts: string[] = [];
      parts.push(`<title>${esc(r.label)}</title>`);
      if (seg.lost === true) {
        parts.push(line(x1, top, x2, y2, { stroke: color, 'stroke-width': 1.8, 'stroke-dasharray': '6 4' }));
        const c = 6;
        parts.push(line(x2 - c, y2 - c, x2 + c, y2 + c, { stroke: color, 'stroke-width': 2.6, class: 'lost-mark' }));
        parts.push(line(x2 - c, y2 + c, x2 + c, y2 - c, { stroke: color, 'stroke-width': 2.6 }));
      } else {
        // Stop the shaft at the arrowhead's base, then draw the head as a filled triangle.
        const len = Math.hypot(x2 - x1, y2 - top);
        const ux = (x2 - x1) / len;
        const uy = (y2 - top) / len;
        const hl = 11;
        const hw = 4.5;
        const bx = x2 - ux * hl;
        const by = y2 - uy * hl;
        parts.push(line(x1, top, bx, by, { stroke: color, 'stroke-width': 1.8 }));
        parts.push(`<polygon points="${num(x2)},${num(y2)} ${num(bx - uy * hw)},${num(by + ux * hw)} ${num(bx + uy * hw)},${num(by - ux * hw)}" fill="${color}"/>`);
      }
      // Label above the arrow, beginning near the sender like a textbook figure.
      const lx = seg.from === 0 ? x1 + 14 : x1 - 14;
      parts.push(
        text(lx, top - 6, r.label, {
          'text-anchor': dir > 0 ? 'start' : 'end',
          'font-size': LABEL_FONT,
          'font-family': FONT_MONO,
          fill: color,
          class: 'seg-label',
        }),
      );
      out.push(`<g class="seg" data-from="${seg.from}"${seg.lost === true ? ' data-lost="true"' : ''}${seg.retransmission === true ? ' data-retransmission="true"' : ''}>${parts.join('')}</g>`);
      let h = 8 + SLANT + 24;
      if (r.explain.length > 0) {
        let yy = top + SLANT + 16;
        for (const para of r.explain) {
          wrapPx(para, g.xR - g.xL - 48, (s) => sansWidth(s, EXPLAIN_FONT)).forEach((l, i) => {
            out.push(text(g.xL + (i === 0 ? 20 : 30), yy, i === 0 ? `• ${l}` : l, { 'font-size': EXPLAIN_FONT, fill: COLOR.muted, class: 'explain' }));
            yy += 16;
          });
        }
        h = yy - y + 6;
      }
      return h;
    }
  }
}

function pushStates(states: SideStates, y: number, g: RowGeom, out: string[]): void {
  ([0, 1] as const).forEach((side) => {
    const s = states[side];
    if (s === undefined) return;
    const w = monoWidth(s, STATE_FONT) + 14;
    const x = side === 0 ? g.xL - 12 - w : g.xR + 12;
    out.push(rect(x, y - 10, w, 20, { rx: 4, fill: '#eef3f9', stroke: '#9fb0c6', class: 'state' }));
    out.push(text(x + w / 2, y + 4, s, { 'text-anchor': 'middle', 'font-size': STATE_FONT, 'font-family': FONT_MONO, fill: '#1c2430', 'font-weight': 'bold' }));
  });
}
