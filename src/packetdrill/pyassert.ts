// The small part of Python that packetdrill scripts use in `%{ }%` blocks to assert on tcp_info:
// `assert EXPR[, message]`, `NAME = EXPR`, `NAME += EXPR` (and -=, *=), `print(...)`, `pass`,
// statements separated by newlines or `;`. EXPR: integers, names, parentheses, unary - + ~ not,
// * / // % + - << >> & ^ |, chained comparisons (`a <= x <= b`), and/or, True/False.
// Nothing is ever handed to an interpreter: a block outside this language is reported as such,
// and the runner skips the script rather than judge it.

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'name'; name: string }
  | { k: 'un'; op: '-' | '+' | '~' | 'not'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'cmp'; first: Expr; rest: Array<{ op: string; e: Expr }> }
  | { k: 'bool'; op: 'and' | 'or'; l: Expr; r: Expr };

export type Stmt =
  | { k: 'assert'; e: Expr; text: string }
  | { k: 'assign'; name: string; op: '=' | '+=' | '-=' | '*='; e: Expr }
  | { k: 'nop' };

export type ParseOutcome = { ok: true; stmts: Stmt[] } | { ok: false; reason: string };

interface Tok {
  t: 'num' | 'name' | 'op' | 'str' | 'end';
  v: string;
}

const OPS = ['//=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '=', ';'];

/** Tokens, with statement ends (`end`) at newlines outside parentheses and at `;`. */
function tokenize(src: string): Tok[] | string {
  const out: Tok[] = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (ch === '\n') {
      if (depth === 0) out.push({ t: 'end', v: '\n' });
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+(\.[0-9]+)?)/.exec(src.slice(i, i + 40));
    if (num !== null) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (name !== null) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = src.indexOf(ch, i + 1);
      if (end < 0 || src.slice(i + 1, end).includes('\n')) return 'unterminated string';
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) return `unexpected character '${ch}'`;
    if (op === '(') depth++;
    if (op === ')') depth = Math.max(0, depth - 1);
    out.push(op === ';' ? { t: 'end', v: ';' } : { t: 'op', v: op });
    i += op.length;
  }
  out.push({ t: 'end', v: '' });
  return out;
}

const CMP = new Set(['<', '>', '<=', '>=', '==', '!=']);
const LEVELS: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']];

class P {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(): Tok {
    return this.toks[this.i] ?? { t: 'end', v: '' };
  }
  next(): Tok {
    const t = this.peek();
    this.i++;
    return t;
  }
  isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  isWord(v: string): boolean {
    const t = this.peek();
    return t.t === 'name' && t.v === v;
  }
  expect(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected '${v}'`);
    this.i++;
  }
  expr(): Expr {
    let l = this.and();
    while (this.isWord('or')) {
      this.i++;
      l = { k: 'bool', op: 'or', l, r: this.and() };
    }
    return l;
  }
  and(): Expr {
    let l = this.not();
    while (this.isWord('and')) {
      this.i++;
      l = { k: 'bool', op: 'and', l, r: this.not() };
    }
    return l;
  }
  not(): Expr {
    if (this.isWord('not')) {
      this.i++;
      return { k: 'un', op: 'not', e: this.not() };
    }
    return this.cmp();
  }
  cmp(): Expr {
    const first = this.bin(0);
    const rest: Array<{ op: string; e: Expr }> = [];
    while (this.peek().t === 'op' && CMP.has(this.peek().v)) rest.push({ op: this.next().v, e: this.bin(0) });
    return rest.length === 0 ? first : { k: 'cmp', first, rest };
  }
  bin(level: number): Expr {
    const ops = LEVELS[level];
    if (ops === undefined) return this.unary();
    let l = this.bin(level + 1);
    while (this.peek().t === 'op' && ops.includes(this.peek().v)) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.bin(level + 1) };
    }
    return l;
  }
  unary(): Expr {
    const t = this.peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+' || t.v === '~')) {
      this.i++;
      return { k: 'un', op: t.v, e: this.unary() };
    }
    return this.atom();
  }
  atom(): Expr {
    const t = this.next();
    if (t.t === 'num') {
      if (t.v.includes('.')) throw new Error('floating-point literal');
      return { k: 'num', v: Number(t.v) };
    }
    if (t.t === 'name') {
      if (t.v === 'True') return { k: 'num', v: 1 };
      if (t.v === 'False') return { k: 'num', v: 0 };
      if (KEYWORDS.has(t.v)) throw new Error(`'${t.v}'`);
      if (this.isOp('(')) throw new Error(`call of ${t.v}()`);
      return { k: 'name', name: t.v };
    }
    if (t.t === 'op' && t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    throw new Error(`unexpected '${t.v}'`);
  }
  /** Skips to the end of the statement (an assert's message: evaluated only by Python on failure). */
  rest(): string {
    const parts: string[] = [];
    while (this.peek().t !== 'end') parts.push(this.next().v);
    return parts.join(' ');
  }
  stmt(): Stmt {
    const t = this.peek();
    if (t.t === 'name' && t.v === 'assert') {
      this.i++;
      const start = this.i;
      const e = this.expr();
      const text = this.toks.slice(start, this.i).map((x) => x.v).join(' ');
      if (this.isOp(',')) this.rest();
      return { k: 'assert', e, text };
    }
    if (t.t === 'name' && t.v === 'pass') {
      this.i++;
      return { k: 'nop' };
    }
    if (t.t === 'name' && t.v === 'print' && this.toks[this.i + 1]?.v === '(') {
      this.rest(); // output only
      return { k: 'nop' };
    }
    const op = this.toks[this.i + 1];
    if (t.t === 'name' && !KEYWORDS.has(t.v) && op?.t === 'op' && (op.v === '=' || op.v === '+=' || op.v === '-=' || op.v === '*=')) {
      this.i += 2;
      return { k: 'assign', name: t.v, op: op.v, e: this.expr() };
    }
    throw new Error(`statement starting with '${t.v}'`);
  }
}

const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'elif', 'for', 'while', 'in', 'is', 'def', 'import', 'from', 'lambda', 'return', 'assert', 'pass', 'print', 'None', 'with', 'class', 'try', 'except']);

/** Parses a `%{ }%` block; anything outside the language is `ok: false` with the construct named. */
export function parsePyBlock(src: string): ParseOutcome {
  const toks = tokenize(src);
  if (typeof toks === 'string') return { ok: false, reason: toks };
  const p = new P(toks);
  const stmts: Stmt[] = [];
  try {
    while (p.i < toks.length) {
      if (p.peek().t === 'end') {
        p.i++;
        continue;
      }
      stmts.push(p.stmt());
      if (p.peek().t !== 'end') throw new Error(`unexpected '${p.peek().v}'`);
    }
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true, stmts };
}

/** Every name an expression or statement list reads (assignment targets excluded). */
export function namesRead(stmts: Stmt[]): Array<{ name: string; assignedBefore: Set<string> }> {
  const out: Array<{ name: string; assignedBefore: Set<string> }> = [];
  const assigned = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.k === 'name') out.push({ name: e.name, assignedBefore: new Set(assigned) });
    else if (e.k === 'un') walk(e.e);
    else if (e.k === 'bin' || e.k === 'bool') {
      walk(e.l);
      walk(e.r);
    } else if (e.k === 'cmp') {
      walk(e.first);
      for (const r of e.rest) walk(r.e);
    }
  };
  for (const s of stmts) {
    if (s.k === 'assert') walk(s.e);
    else if (s.k === 'assign') {
      if (s.op !== '=') out.push({ name: s.name, assignedBefore: new Set(assigned) });
      walk(s.e);
      assigned.add(s.name);
    }
  }
  return out;
}

export type Lookup = (name: string) => number | undefined;

export type EvalOutcome = { ok: true } | { ok: false; kind: 'assert'; text: string } | { ok: false; kind: 'error'; reason: string };

class EvalError extends Error {}

function ev(e: Expr, get: Lookup): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'name': {
      const v = get(e.name);
      if (v === undefined) throw new EvalError(`name '${e.name}' is not defined`);
      return v;
    }
    case 'un': {
      const v = ev(e.e, get);
      return e.op === '-' ? -v : e.op === '+' ? v : e.op === '~' ? -v - 1 : v === 0 ? 1 : 0;
    }
    case 'bool': {
      const l = ev(e.l, get);
      if (e.op === 'and') return l === 0 ? l : ev(e.r, get);
      return l !== 0 ? l : ev(e.r, get);
    }
    case 'cmp': {
      let l = ev(e.first, get);
      for (const { op, e: re } of e.rest) {
        const r = ev(re, get);
        const ok = op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : op === '>=' ? l >= r : op === '==' ? l === r : l !== r;
        if (!ok) return 0;
        l = r;
      }
      return 1;
    }
    case 'bin': {
      const l = ev(e.l, get);
      const r = ev(e.r, get);
      return binary(e.op, l, r);
    }
  }
}

function bigOp(op: string, l: number, r: number): number {
  if (!Number.isSafeInteger(l) || !Number.isSafeInteger(r)) throw new EvalError(`bitwise ${op} on a non-integer`);
  const a = BigInt(l);
  const b = BigInt(r);
  const v = op === '&' ? a & b : op === '|' ? a | b : op === '^' ? a ^ b : op === '<<' ? a << b : a >> b;
  return Number(v);
}

function binary(op: string, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0) throw new EvalError('division by zero');
      return l / r;
    case '//':
      if (r === 0) throw new EvalError('division by zero');
      return Math.floor(l / r);
    case '%':
      if (r === 0) throw new EvalError('modulo by zero');
      return l - r * Math.floor(l / r); // Python's sign rule
    default:
      return bigOp(op, l, r);
  }
}

/** Runs a parsed block; `vars` holds the script's Python variables across blocks. */
export function runPyBlock(stmts: Stmt[], get: Lookup, vars: Map<string, number>): EvalOutcome {
  const lookup: Lookup = (n) => vars.get(n) ?? get(n);
  try {
    for (const s of stmts) {
      if (s.k === 'assert') {
        if (ev(s.e, lookup) === 0) return { ok: false, kind: 'assert', text: s.text };
      } else if (s.k === 'assign') {
        const v = ev(s.e, lookup);
        if (s.op === '=') vars.set(s.name, v);
        else {
          const old = lookup(s.name);
          if (old === undefined) throw new EvalError(`name '${s.name}' is not defined`);
          vars.set(s.name, binary(s.op[0]!, old, v));
        }
      }
    }
  } catch (e) {
    if (e instanceof EvalError) return { ok: false, kind: 'error', reason: e.message };
    throw e;
  }
  return { ok: true };
}
