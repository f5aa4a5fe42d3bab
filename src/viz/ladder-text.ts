// Ladder (sequence) diagram as terminal text: client lifeline on the left, server on the right,
// time going down, one arrow per segment, each side's state in its outer margin when it changes.
// Every line has the same display width (Hangul counts two columns), so the diagram stays
// aligned in a terminal and can be framed or placed side by side.

import { buildLadderModel } from './ladder-model.js';
import type { LadderRow } from './ladder-model.js';
import { phaseHeading, sideAddress, sideLabel, word } from './i18n.js';
import type { Lang, LadderTrace, SegmentEntry } from './trace.js';
import { centerDisplay, displayWidth, padEndDisplay, padStartDisplay, truncateDisplay, wrapDisplay } from './width.js';

export interface LadderTextOptions {
  lang: Lang;
  /** Show sequence numbers relative to each side's ISN (default false: absolute). */
  relative?: boolean;
  /** Total width in columns (default 80); grows when a label needs more room. */
  width?: number;
  /** Explain the seq/ack arithmetic under each step. */
  explain?: boolean;
  /** Plain ASCII instead of box drawing and arrows. */
  ascii?: boolean;
  /** A time column (ms) on the far left. */
  time?: boolean;
  /** win= on every label. */
  window?: boolean;
  /** Options summary on every label. */
  options?: boolean;
}

export interface Glyphs {
  line: string;
  life: string;
  right: string;
  left: string;
  lost: string;
  dots: string;
  bullet: string;
}

const UNICODE: Glyphs = { line: '─', life: '│', right: '▶', left: '◀', lost: '✗', dots: '┈', bullet: '·' };
const ASCII: Glyphs = { line: '-', life: '|', right: '>', left: '<', lost: 'x', dots: '.', bullet: '-' };

const MIN_INNER = 24;

export function renderLadderText(trace: LadderTrace, opts: LadderTextOptions): string {
  const g = opts.ascii === true ? ASCII : UNICODE;
  const model = buildLadderModel(trace, opts);
  const { rows } = model;

  const leftHead = sideLabel(trace.sides[0], opts.lang);
  const rightHead = sideLabel(trace.sides[1], opts.lang);
  const leftAddr = sideAddress(trace.sides[0]);
  const rightAddr = sideAddress(trace.sides[1]);

  // Margins hold the state names; wide enough for half a heading so headings centre on lifelines.
  let ml = Math.ceil(Math.max(displayWidth(leftHead), displayWidth(leftAddr)) / 2);
  let mr = Math.ceil(Math.max(displayWidth(rightHead), displayWidth(rightAddr)) / 2);
  for (const r of rows) {
    if (r.kind === 'step' || r.kind === 'states') {
      ml = Math.max(ml, displayWidth(r.states[0] ?? ''));
      mr = Math.max(mr, displayWidth(r.states[1] ?? ''));
    }
  }
  const times = rows.map((r) => (r.kind === 'step' ? formatMs(r.seg.t) : r.kind === 'states' ? formatMs(r.t) : ''));
  const timeHead = word('time', opts.lang);
  const tw = opts.time === true ? Math.max(displayWidth(timeHead), ...times.map(displayWidth)) + 1 : 0;

  let needInner = MIN_INNER;
  for (const r of rows) {
    if (r.kind === 'step') needInner = Math.max(needInner, displayWidth(r.label) + 6);
    if (r.kind === 'heading') needInner = Math.max(needInner, displayWidth(phaseHeading(r.phase, opts.lang)) + 6);
  }
  const fixed = tw + ml + 1 + 1 + 1 + 1 + mr; // time, margin, space, │, │, space, margin
  const inner = Math.max(needInner, (opts.width ?? 80) - fixed);
  const total = fixed + inner;

  const lines: string[] = [];
  const timeCol = (t: string): string => (tw === 0 ? '' : padStartDisplay(t, tw - 1) + ' ');
  const row = (t: string, left: string, mid: string, right: string): string =>
    timeCol(t) + padStartDisplay(left, ml) + ' ' + g.life + padEndDisplay(mid, inner) + g.life + ' ' + padEndDisplay(right, mr);

  // Headings: each side's label centred on its lifeline column.
  const leftCol = tw + ml + 1;
  const rightCol = leftCol + inner + 1;
  const headLine = (l: string, r: string, t: string): string => {
    const lStart = Math.max(tw, leftCol - Math.floor(displayWidth(l) / 2));
    const rStart = Math.max(lStart + displayWidth(l) + 1, rightCol - Math.floor(displayWidth(r) / 2));
    let s = timeCol(t) + ' '.repeat(lStart - tw) + l;
    s = padEndDisplay(s, rStart) + r;
    return padEndDisplay(truncateDisplay(s, total), total);
  };
  lines.push(headLine(leftHead, rightHead, opts.time === true ? timeHead : ''));
  if (leftAddr !== '' || rightAddr !== '') lines.push(headLine(leftAddr, rightAddr, ''));
  lines.push(row('', '', '', ''));

  rows.forEach((r, k) => {
    const t = times[k] ?? '';
    lines.push(...renderRow(r, t, { g, inner, row, lang: opts.lang }));
  });
  lines.push(row('', '', '', ''));

  const footer: string[] = [];
  if (model.anyLost) footer.push(word(opts.ascii === true ? 'legendLostAscii' : 'legendLost', opts.lang));
  if (model.closeNote !== undefined) footer.push(model.closeNote);
  for (const para of footer) {
    lines.push(' '.repeat(total));
    for (const l of wrapDisplay(para, total)) lines.push(padEndDisplay(l, total));
  }
  return lines.join('\n');
}

interface RowCtx {
  g: Glyphs;
  inner: number;
  row: (t: string, left: string, mid: string, right: string) => string;
  lang: Lang;
}

function renderRow(r: LadderRow, t: string, c: RowCtx): string[] {
  const { g, inner, row } = c;
  switch (r.kind) {
    case 'heading': {
      const text = ` ${phaseHeading(r.phase, c.lang)} `;
      const w = displayWidth(text);
      const left = Math.floor((inner - w) / 2);
      return [row('', '', g.dots.repeat(left) + text + g.dots.repeat(inner - w - left), '')];
    }
    case 'states':
      return [row(t, r.states[0] ?? '', '', r.states[1] ?? '')];
    case 'note': {
      const out: string[] = [];
      // Notes carry no time of their own in the margin; the rows around them do.
      wrapDisplay(r.text, inner - 6).forEach((l, i) => {
        const s = `${i === 0 ? `${g.bullet} ` : '  '}${l}`;
        const mid = r.side === 0 ? `  ${s}` : r.side === 1 ? padStartDisplay(`${s}  `, inner) : centerDisplay(s, inner);
        out.push(row('', '', mid, ''));
      });
      return out;
    }
    case 'step': {
      const out = [row(t, r.states[0] ?? '', arrow(r.seg, r.label, inner, g), r.states[1] ?? '')];
      for (const para of r.explain) {
        wrapDisplay(para, inner - 6).forEach((l, i) => {
          out.push(row('', '', `${i === 0 ? `   ${g.bullet} ` : '     '}${l}`, ''));
        });
      }
      return out;
    }
  }
}

/**
 * One arrow across the gap, label next to the sender: `──SYN seq=100────▶` from the left,
 * `◀────SYN,ACK seq=2000 ack=101──` from the right. A lost segment stops about midway at ✗.
 */
export function arrow(seg: Pick<SegmentEntry, 'from' | 'lost'>, label: string, inner: number, g: Glyphs = UNICODE): string {
  const lw = displayWidth(label);
  if (seg.lost === true) {
    const reach = Math.max(Math.ceil(inner / 2), 2 + lw + 3);
    const dashes = g.line.repeat(Math.max(1, reach - 3 - lw));
    const body = seg.from === 0 ? g.line.repeat(2) + label + dashes + g.lost : g.lost + dashes + label + g.line.repeat(2);
    return seg.from === 0 ? padEndDisplay(body, inner) : padStartDisplay(body, inner);
  }
  const fill = g.line.repeat(Math.max(1, inner - 3 - lw));
  return seg.from === 0 ? g.line.repeat(2) + label + fill + g.right : g.left + fill + label + g.line.repeat(2);
}

/** Milliseconds as printed in the time column: whole numbers bare, otherwise up to 3 decimals. */
export function formatMs(t: number): string {
  if (!Number.isFinite(t)) return '';
  return Number.isInteger(t) ? String(t) : String(Math.round(t * 1000) / 1000);
}
