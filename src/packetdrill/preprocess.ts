// Conditional-compilation pass for packetdrill scripts, as used by the FreeBSD test suite
// (`#ifdef FreeBSD ... #endif`). Directives must start a line (after blanks):
//   #ifdef NAME   #ifndef NAME   #else   #endif   #define NAME [value]   #undef NAME
// Lines that are switched off, and directive lines themselves, become empty lines so that
// every remaining line keeps its number and columns. Directives inside `%{ ... }%` code
// blocks are left alone (they are Python comments there). `--define=NAME[=value]` header
// lines also add a define, so later `#ifdef`s can test it.

import type { ParseError } from './ast.js';

export interface PreprocessResult {
  text: string;
  defines: Record<string, string>;
  errors: ParseError[];
}

interface Frame {
  /** line of the opening directive */
  line: number;
  /** this branch is emitted */
  active: boolean;
  /** the enclosing context was active */
  parentActive: boolean;
  sawElse: boolean;
}

const DIRECTIVE = /^(\s*)#\s*(ifdef|ifndef|else|endif|define|undef)\b(.*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFINE_OPTION = /^\s*--define=([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?\s*$/;

export function preprocess(source: string, initial: Record<string, string>): PreprocessResult {
  const defines: Record<string, string> = { ...initial };
  const errors: ParseError[] = [];
  const lines = source.split('\n');
  const out: string[] = [];
  const stack: Frame[] = [];
  let inCode = false;

  const active = (): boolean => stack.length === 0 || stack[stack.length - 1]!.active;
  const fail = (line: number, column: number, message: string): void => {
    errors.push({ line, column, code: 'PD_PREPROCESSOR', message });
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const lineNo = i + 1;
    const m = inCode ? null : DIRECTIVE.exec(text);
    if (m === null) {
      if (active()) {
        out.push(text);
        const def = DEFINE_OPTION.exec(text);
        if (def !== null && !inCode) defines[def[1]!] = def[2] ?? '';
        inCode = scanCodeState(text, inCode);
      } else {
        out.push('');
      }
      continue;
    }
    out.push('');
    const column = m[1]!.length + 1;
    const directive = m[2]!;
    const rest = stripTrailingComment(m[3]!).trim();
    switch (directive) {
      case 'ifdef':
      case 'ifndef': {
        if (!NAME.test(rest)) {
          fail(lineNo, column, `#${directive} must be followed by one name`);
        }
        const isDefined = Object.prototype.hasOwnProperty.call(defines, rest);
        const cond = directive === 'ifdef' ? isDefined : !isDefined;
        const parentActive = active();
        stack.push({ line: lineNo, active: parentActive && cond, parentActive, sawElse: false });
        break;
      }
      case 'else': {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          fail(lineNo, column, '#else without #ifdef');
        } else if (top.sawElse) {
          fail(lineNo, column, `second #else for #ifdef on line ${top.line}`);
        } else {
          top.sawElse = true;
          top.active = top.parentActive && !top.active;
        }
        break;
      }
      case 'endif':
        if (stack.pop() === undefined) fail(lineNo, column, '#endif without #ifdef');
        break;
      case 'define':
      case 'undef': {
        if (!active()) break;
        const sp = rest.search(/\s/);
        const name = sp < 0 ? rest : rest.slice(0, sp);
        if (!NAME.test(name)) {
          fail(lineNo, column, `#${directive} must be followed by a name`);
        } else if (directive === 'define') {
          defines[name] = sp < 0 ? '' : rest.slice(sp).trim();
        } else {
          delete defines[name];
        }
        break;
      }
    }
  }
  for (const open of stack) fail(open.line, 1, `unterminated #ifdef on line ${open.line}`);
  return { text: out.join('\n'), defines, errors };
}

function stripTrailingComment(s: string): string {
  const i = s.indexOf('//');
  return i < 0 ? s : s.slice(0, i);
}

/**
 * Tracks whether a `%{ ... }%` block is open at the end of this line. Strings, backticks and
 * comments are not tracked here: a `%{` inside them is rare enough, and the lexer reports
 * real problems with positions anyway.
 */
function scanCodeState(line: string, inCode: boolean): boolean {
  let i = 0;
  while (i < line.length) {
    if (inCode) {
      const end = line.indexOf('}%', i);
      if (end < 0) return true;
      inCode = false;
      i = end + 2;
    } else {
      const comment = line.indexOf('//', i);
      const start = line.indexOf('%{', i);
      if (start < 0 || (comment >= 0 && comment < start)) return false;
      inCode = true;
      i = start + 2;
    }
  }
  return inCode;
}
