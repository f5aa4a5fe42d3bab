// Tokenizer for packetdrill scripts. Layout is free-form (an event may span lines), so the
// parser works on a token stream; each token remembers whether whitespace preceded it and
// whether it is the first token on its line, which the parser uses to glue TCP flag strings
// (`S.`, `FP.`, `.5`) and to resynchronise after an error.
//
// Numbers follow the usual longest-match rules: `0.1` float, `-1` integer, `0x1f` hex,
// `3021b9d7` word, `192.168.0.1` IPv4 address, `...` ellipsis. Comments are `//` and `#`
// to end of line, and `/* */`. Never throws: problems become ParseErrors and the scan goes on.

import type { ParseError, ParseErrorCode } from './ast.js';

export type TokenKind =
  | 'int'
  | 'hex'
  | 'float'
  | 'word'
  | 'string'
  | 'command'
  | 'code'
  | 'option'
  | 'ellipsis'
  | 'ipv4'
  | 'punct'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** the source text of the token */
  text: string;
  /** decoded value: string/command/code contents, option name */
  value: string;
  /** option tokens: the text after `=`, if any */
  optionValue?: string;
  line: number;
  column: number;
  start: number;
  end: number;
  spaceBefore: boolean;
  lineStart: boolean;
}

export interface LexResult {
  tokens: Token[];
  errors: ParseError[];
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined): boolean =>
  c !== undefined && /[A-Za-z0-9_]/.test(c);
const isHexChar = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
/** words that packetdrill dialects write with a hyphen: exp-FO, gen-30, voice-admit */
const HYPHEN_WORDS = new Set(['exp', 'EXP', 'gen', 'voice']);

export function lex(src: string): LexResult {
  const tokens: Token[] = [];
  const errors: ParseError[] = [];
  let pos = 0;
  let line = 1;
  let lineStartPos = 0;
  let spaceBefore = true;
  let lineStart = true;

  const colOf = (p: number): number => p - lineStartPos + 1;
  /** advance over [pos, to), keeping line bookkeeping */
  const advanceTo = (to: number): void => {
    for (let i = pos; i < to; i++) {
      if (src.charCodeAt(i) === 10) {
        line++;
        lineStartPos = i + 1;
      }
    }
    pos = to;
  };
  const error = (code: ParseErrorCode, l: number, c: number, message: string): void => {
    errors.push({ code, line: l, column: c, message });
  };
  const push = (kind: TokenKind, end: number, value: string, optionValue?: string): void => {
    const tok: Token = {
      kind,
      text: src.slice(pos, end),
      value,
      line,
      column: colOf(pos),
      start: pos,
      end,
      spaceBefore,
      lineStart,
    };
    if (optionValue !== undefined) tok.optionValue = optionValue;
    tokens.push(tok);
    advanceTo(end);
    spaceBefore = false;
    lineStart = false;
  };
  /** index of the closing delimiter of a quoted run starting at pos (escapes allowed), or -1 */
  const closeQuote = (q: string): number => {
    for (let i = pos + 1; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') i++;
      else if (c === q) return i;
    }
    return -1;
  };

  while (pos < src.length) {
    const c = src[pos]!;
    const next = src[pos + 1];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      pos++;
      spaceBefore = true;
      continue;
    }
    if (c === '\n') {
      advanceTo(pos + 1);
      spaceBefore = true;
      lineStart = true;
      continue;
    }
    if ((c === '/' && next === '/') || c === '#') {
      const nl = src.indexOf('\n', pos);
      advanceTo(nl < 0 ? src.length : nl);
      spaceBefore = true;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = src.indexOf('*/', pos + 2);
      if (close < 0) {
        error('PD_UNTERMINATED_COMMENT', line, colOf(pos), 'unterminated /* comment');
        advanceTo(src.length);
        break;
      }
      advanceTo(close + 2);
      spaceBefore = true;
      continue;
    }
    if (c === '%' && next === '{') {
      const close = src.indexOf('}%', pos + 2);
      if (close < 0) {
        error('PD_UNTERMINATED_CODE', line, colOf(pos), 'unterminated %{ code block');
        advanceTo(src.length);
        break;
      }
      push('code', close + 2, src.slice(pos + 2, close).replace(/^[ \t]+|[ \t]+$/g, ''));
      continue;
    }
    if (c === '"' || c === '`') {
      const close = closeQuote(c);
      if (close < 0) {
        const code = c === '"' ? 'PD_UNTERMINATED_STRING' : 'PD_UNTERMINATED_COMMAND';
        error(code, line, colOf(pos), c === '"' ? 'unterminated string' : 'unterminated `command`');
        advanceTo(src.length);
        break;
      }
      push(c === '"' ? 'string' : 'command', close + 1, src.slice(pos + 1, close));
      continue;
    }
    if (c === '.' && next === '.' && src[pos + 2] === '.') {
      push('ellipsis', pos + 3, '...');
      continue;
    }
    if (c === '-' && next === '-' && isWordChar(src[pos + 2])) {
      let end = pos + 2;
      while (isWordChar(src[end])) end++;
      const name = src.slice(pos + 2, end);
      if (src[end] === '=') {
        const valueEnd = optionValueEnd(src, end + 1);
        push('option', valueEnd, name, unquote(src.slice(end + 1, valueEnd)));
      } else {
        push('option', end, name);
      }
      continue;
    }
    if (isWordChar(c) || ((c === '-' || c === '.') && (isDigit(next) || (next === '.' && c === '-' && isDigit(src[pos + 2]))))) {
      lexWordOrNumber();
      continue;
    }
    push('punct', pos + 1, c);
  }
  tokens.push({
    kind: 'eof',
    text: '',
    value: '',
    line,
    column: colOf(pos),
    start: pos,
    end: pos,
    spaceBefore: true,
    lineStart: true,
  });
  return { tokens, errors };

  function lexWordOrNumber(): void {
    // Candidates, longest wins; on a tie the earlier kind in this list wins.
    const neg = src[pos] === '-' ? 1 : 0;
    let floatLen = 0;
    {
      let i = pos + neg;
      while (isDigit(src[i])) i++;
      if (src[i] === '.' && isDigit(src[i + 1])) {
        i++;
        while (isDigit(src[i])) i++;
        floatLen = i - pos;
      }
    }
    let intLen = 0;
    {
      let i = pos + neg;
      while (isDigit(src[i])) i++;
      if (i > pos + neg) intLen = i - pos;
    }
    let hexLen = 0;
    if (src[pos] === '0' && src[pos + 1] === 'x' && isHexChar(src[pos + 2])) {
      let i = pos + 2;
      while (isHexChar(src[i])) i++;
      hexLen = i - pos;
    }
    let wordLen = 0;
    if (neg === 0) {
      let i = pos;
      while (isWordChar(src[i])) i++;
      const head = src.slice(pos, i);
      if (HYPHEN_WORDS.has(head) && src[i] === '-' && isWordChar(src[i + 1])) {
        i++;
        while (isWordChar(src[i]) || (src[i] === '-' && isWordChar(src[i + 1]))) i++;
      }
      wordLen = i - pos;
    }
    let ipLen = 0;
    if (neg === 0) {
      const m = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/.exec(src.slice(pos, pos + 64));
      if (m !== null) ipLen = m[0].length;
    }
    const candidates: Array<[TokenKind, number]> = [
      ['float', floatLen],
      ['int', intLen],
      ['hex', hexLen],
      ['word', wordLen],
      ['ipv4', ipLen],
    ];
    let best: [TokenKind, number] = ['punct', 1];
    for (const cand of candidates) if (cand[1] > (best[0] === 'punct' ? 0 : best[1])) best = cand;
    const end = pos + best[1];
    push(best[0], end, src.slice(pos, end));
  }
}

/** End of an option value: up to whitespace, with quoted parts allowed to contain spaces. */
function optionValueEnd(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === '`') {
      const close = src.indexOf(c, i + 1);
      if (close < 0) return src.length;
      i = close + 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
    if (c === '/' && src[i + 1] === '/') break;
    i++;
  }
  return i;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
