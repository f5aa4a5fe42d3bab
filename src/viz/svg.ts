// Small helpers for writing standalone SVG as text: escaping, number formatting, font stacks and
// a text-width estimate good enough to lay labels out without overlaps.

import { codePointWidth } from './width.js';

/** Monospace stack; the CJK-capable fonts cover Hangul in labels and notes. */
export const FONT_MONO =
  "'DejaVu Sans Mono', 'Noto Sans Mono', 'Noto Sans Mono CJK KR', 'Noto Sans CJK KR', Menlo, Consolas, monospace";
/** Proportional stack for headings and prose, with Korean-capable fonts before the generic. */
export const FONT_SANS =
  "'Noto Sans', 'DejaVu Sans', 'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif";

/** Escapes text for element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A coordinate with at most one decimal, no trailing zeros. */
export function num(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Width in px of `s` in the monospace font: 0.6 em per column, wide characters two columns. */
export function monoWidth(s: string, fontSize: number): number {
  let cols = 0;
  for (const ch of s) cols += codePointWidth(ch.codePointAt(0)!);
  return cols * 0.6 * fontSize;
}

/** Rough width in px of `s` in the proportional font (errs on the wide side). */
export function sansWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const cw = codePointWidth(cp);
    if (cw === 2) w += 1.0;
    else if (cw === 0) continue;
    else if (/[il.,:;'|!() ]/.test(ch)) w += 0.32;
    else if (/[MWmw@%]/.test(ch)) w += 0.9;
    else if (/[A-Z0-9]/.test(ch)) w += 0.68;
    else w += 0.58;
  }
  return w * fontSize;
}

/** Breaks `text` into lines no wider than `maxPx` according to `measure`. */
export function wrapPx(text: string, maxPx: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const cand = line === '' ? word : `${line} ${word}`;
    if (measure(cand) <= maxPx || line === '') line = cand;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `<text>` element; `attrs` are written as given (values escaped). */
export function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrString(attrs)}>${esc(content)}</text>`;
}

export function attrString(attrs: Record<string, string | number>): string {
  let s = '';
  for (const [k, v] of Object.entries(attrs)) s += ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`;
  return s;
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: Record<string, string | number> = {}): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}"${attrString(attrs)}/>`;
}

export function rect(x: number, y: number, w: number, h: number, attrs: Record<string, string | number> = {}): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}"${attrString(attrs)}/>`;
}

/** Opening of a standalone SVG document with a white background. */
export function svgOpen(width: number, height: number, title: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${esc(FONT_SANS)}">\n` +
    `<title>${esc(title)}</title>\n` +
    `${rect(0, 0, width, height, { fill: '#ffffff' })}\n`
  );
}
