// Terminal display width of a string (East Asian Width, Unicode UAX #11), so that a ladder with
// Hangul labels lines up in a monospace terminal: wide and fullwidth characters take two columns,
// combining marks and zero-width characters none. Ambiguous-width characters (box drawing, ▶, ◀)
// count as one column, which is what terminals do outside CJK legacy mode.

/** Inclusive code-point ranges of East Asian Wide (W) and Fullwidth (F) characters. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo leading consonants
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e], // CJK radicals, punctuation
  [0x3041, 0x33ff], // kana, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x2fffd], // CJK extensions B..F
  [0x30000, 0x3fffd],
];

/** Inclusive ranges of zero-width characters: combining marks, joiners, variation selectors. */
const ZERO: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x1160, 0x11ff], // Hangul Jamo medial vowels and final consonants (combine into a syllable)
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x20d0, 0x20ff],
  [0xd7b0, 0xd7ff], // Hangul Jamo extended B (medial/final)
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
  [0xe0100, 0xe01ef],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (cp < r[0]) hi = mid - 1;
    else if (cp > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Columns one code point occupies in a terminal: 0, 1 or 2. Control characters count as 0. */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (inRanges(cp, ZERO)) return 0;
  if (inRanges(cp, WIDE)) return 2;
  return 1;
}

/** Display width of `s` in terminal columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0)!);
  return w;
}

/** Pads `s` on the right with spaces to `width` columns (never truncates). */
export function padEndDisplay(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/** Pads `s` on the left with spaces to `width` columns (never truncates). */
export function padStartDisplay(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : ' '.repeat(width - w) + s;
}

/** Centres `s` in `width` columns; an odd leftover column goes to the right. */
export function centerDisplay(s: string, width: number): string {
  const w = displayWidth(s);
  if (w >= width) return s;
  const left = Math.floor((width - w) / 2);
  return ' '.repeat(left) + s + ' '.repeat(width - w - left);
}

/** Cuts `s` to at most `width` columns, ending with `…` when something was cut. */
export function truncateDisplay(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

/**
 * Wraps `text` into lines of at most `width` columns, breaking at spaces; a word wider than the
 * line is broken inside. Korean text breaks at its spaces like English (eojeol boundaries).
 */
export function wrapDisplay(text: string, width: number): string[] {
  const lines: string[] = [];
  const w = Math.max(1, width);
  for (const para of text.split('\n')) {
    let line = '';
    let lineW = 0;
    for (const word of para.split(' ')) {
      if (word === '') continue;
      let rest = word;
      let restW = displayWidth(rest);
      const need = lineW === 0 ? restW : lineW + 1 + restW;
      if (need <= w) {
        line = lineW === 0 ? rest : `${line} ${rest}`;
        lineW = need;
        continue;
      }
      if (lineW > 0) {
        lines.push(line);
        line = '';
        lineW = 0;
      }
      while (restW > w) {
        let head = '';
        let headW = 0;
        let i = 0;
        for (const ch of rest) {
          const cw = codePointWidth(ch.codePointAt(0)!);
          if (headW + cw > w) break;
          head += ch;
          headW += cw;
          i += ch.length;
        }
        if (i === 0) {
          // A single character wider than the line: emit it alone rather than loop forever.
          const first = String.fromCodePoint(rest.codePointAt(0)!);
          head = first;
          i = first.length;
        }
        lines.push(head);
        rest = rest.slice(i);
        restW = displayWidth(rest);
      }
      line = rest;
      lineW = restW;
    }
    lines.push(line);
  }
  return lines;
}
