// Token cursor shared by the packetdrill parsing modules. A syntax error inside one event is
// raised as a private EventFailure, caught by the event loop (parser.ts), recorded, and
// parsing resumes at the next line; nothing escapes parseScript.

import type { ParseError, ParseErrorCode } from './ast.js';
import type { Token } from './lexer.js';

export class EventFailure {
  /** `echo`: a consequence of an error the lexer already reported (input cut short) */
  constructor(
    readonly error: ParseError,
    readonly echo = false,
  ) {}
}

/** A construct that parses but that the runner cannot execute; the event becomes 'unsupported'. */
export class UnsupportedConstruct {
  constructor(readonly reason: string) {}
}

export const U8 = 0xff;
export const U16 = 0xffff;
export const U20 = 0xfffff;
export const U24 = 0xffffff;
export const U32 = 0xffffffff;

export class Cursor {
  i = 0;
  /** index of the first token of the event being parsed */
  eventStart = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly src: string,
    /** the lexer stopped early at an unterminated string, command, block or comment */
    readonly truncated = false,
  ) {}

  peek(k = 0): Token {
    const idx = Math.min(this.i + k, this.tokens.length - 1);
    return this.tokens[idx]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  isPunct(ch: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === ch;
  }

  isWord(name: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.text === name;
  }

  fail(tok: Token, code: ParseErrorCode, message: string): never {
    throw new EventFailure({ code, line: tok.line, column: tok.column, message });
  }

  /**
   * Syntax error. When the event so far is fine but stops short at the end of its line, the
   * error points just after its last token ("found end of line") rather than at the next line.
   */
  unexpected(tok: Token, expected: string): never {
    if (tok.kind === 'eof' && this.truncated) {
      throw new EventFailure({ code: 'PD_UNEXPECTED_TOKEN', line: tok.line, column: tok.column, message: 'input cut short' }, true);
    }
    const idx = this.tokens.indexOf(tok);
    const prev = idx > this.eventStart ? this.tokens[idx - 1] : undefined;
    if (prev !== undefined && tok.lineStart) {
      const nl = prev.text.lastIndexOf('\n');
      const line = prev.line + (prev.text.match(/\n/g)?.length ?? 0);
      const column = nl < 0 ? prev.column + prev.text.length : prev.text.length - nl;
      throw new EventFailure({ code: 'PD_UNEXPECTED_TOKEN', line, column, message: `expected ${expected}, found end of line` });
    }
    const got = tok.kind === 'eof' ? 'end of script' : `'${clip(tok.text)}'`;
    return this.fail(tok, 'PD_UNEXPECTED_TOKEN', `expected ${expected}, found ${got}`);
  }

  expectPunct(ch: string, expected?: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== ch) this.unexpected(t, expected ?? `'${ch}'`);
    return this.next();
  }

  expectWord(name: string): Token {
    const t = this.peek();
    if (t.kind !== 'word' || t.text !== name) this.unexpected(t, `'${name}'`);
    return this.next();
  }

  unsupported(reason: string): never {
    throw new UnsupportedConstruct(reason);
  }

  /**
   * An integer token (decimal or hex) within [min, max]. A name in capitals where a number
   * belongs is a symbol the script expects to be defined on the command line (`mss MSS`):
   * without that define the event is unsupported rather than wrong.
   */
  expectInt(what: string, max: number, min = 0): number {
    const t = this.peek();
    if (t.kind === 'word' && looksLikeSymbol(t.text)) {
      this.unsupported(`undefined symbol ${t.text} used as ${what}`);
    }
    if (t.kind !== 'int' && t.kind !== 'hex') this.unexpected(t, what);
    this.next();
    const v = intValue(t);
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      this.fail(t, 'PD_OUT_OF_RANGE', `${what} ${t.text} out of range ${min}..${max}`);
    }
    return v;
  }

  /** Source text between two token positions. */
  slice(start: number, end: number): string {
    return this.src.slice(start, end);
  }
}

/**
 * A capitalised name of two or more characters that is not just TCP flag letters, e.g. MSS or
 * TFO_COOKIE: the kind of symbol scripts leave to `-D NAME=value`.
 */
export function looksLikeSymbol(text: string): boolean {
  return /^[A-Z][A-Z0-9_]+$/.test(text) && !/^[FSRPEWAU]+$/.test(text);
}

export function intValue(t: Token): number {
  if (t.kind === 'hex') return parseInt(t.text.slice(2), 16);
  return Number(t.text);
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
