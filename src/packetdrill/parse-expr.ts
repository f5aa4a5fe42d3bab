// Syscall lines: `+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0`,
// `+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)`,
// `+0...0.010 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 1000) = 1`.
// One expression grammar covers every argument form packetdrill accepts (sockaddr, linger,
// pollfd, msghdr, cmsg, epoll_event structs are all `{...}` with `name=value` items).

import type { Expr, SyscallSpec } from './ast.js';
import { Cursor, intValue } from './cursor.js';

/** Parses `name(args) = result [ERRNO] [(note)]`; the cursor is at the name. */
export function parseSyscall(c: Cursor): SyscallSpec {
  const nameTok = c.next();
  c.expectPunct('(', `'(' after syscall name ${nameTok.text}`);
  const args = c.isPunct(')') ? [] : parseList(c, ')', 1);
  c.expectPunct(')');
  c.expectPunct('=', `'= result' after ${nameTok.text}(...)`);
  const result = parseExpr(c, 0);
  const spec: SyscallSpec = { name: nameTok.text, args, result };
  const w = c.peek();
  if (w.kind === 'word') {
    c.next();
    spec.errno = { name: w.text };
    if (c.isPunct('(')) spec.errno.text = parseNote(c);
  } else if (c.isPunct('(')) {
    spec.note = parseNote(c);
  }
  return spec;
}

/** `( free text )` after a result; returns the text with runs of blanks collapsed. */
function parseNote(c: Cursor): string {
  const open = c.expectPunct('(');
  let depth = 1;
  for (;;) {
    const t = c.peek();
    if (t.kind === 'eof') c.unexpected(t, `')' closing the note opened on line ${open.line}`);
    c.next();
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')' && --depth === 0) {
      return c.slice(open.end, t.start).replace(/\s+/g, ' ').trim();
    }
  }
}

function parseList(c: Cursor, close: string, depth: number): Expr[] {
  const items: Expr[] = [parseExpr(c, depth)];
  while (c.isPunct(',')) {
    c.next();
    if (c.isPunct(close)) break; // tolerate a trailing comma
    items.push(parseExpr(c, depth));
  }
  return items;
}

const MAX_DEPTH = 64;

/** expression := primary ('|' primary)* */
export function parseExpr(c: Cursor, depth: number): Expr {
  if (depth > MAX_DEPTH) c.fail(c.peek(), 'PD_UNEXPECTED_TOKEN', 'expression nested too deeply');
  const first = parsePrimary(c, depth);
  if (!c.isPunct('|')) return first;
  const operands = [first];
  while (c.isPunct('|')) {
    c.next();
    operands.push(parsePrimary(c, depth));
  }
  return { kind: 'or', operands };
}

function parsePrimary(c: Cursor, depth: number): Expr {
  const t = c.peek();
  switch (t.kind) {
    case 'ellipsis':
      c.next();
      return { kind: 'ellipsis' };
    case 'int':
    case 'hex': {
      c.next();
      return { kind: 'int', value: intValue(t), text: t.text, hex: t.kind === 'hex' };
    }
    case 'float':
      c.next();
      return { kind: 'float', value: Number(t.text), text: t.text };
    case 'string': {
      c.next();
      let value = t.value;
      while (c.peek().kind === 'string') value += c.next().value;
      if (c.peek().kind === 'ellipsis') {
        c.next();
        return { kind: 'string', value, prefix: true };
      }
      return { kind: 'string', value };
    }
    case 'word': {
      c.next();
      let target: Expr = { kind: 'word', name: t.text };
      if (c.isPunct('(')) {
        c.next();
        const args = c.isPunct(')') ? [] : parseList(c, ')', depth + 1);
        c.expectPunct(')');
        target = { kind: 'call', name: t.text, args };
      }
      if (c.isPunct('=')) {
        c.next();
        return { kind: 'assign', target, value: parseExpr(c, depth + 1) };
      }
      return target;
    }
    case 'punct':
      if (t.text === '[' || t.text === '{') {
        c.next();
        const close = t.text === '[' ? ']' : '}';
        const items = c.isPunct(close) ? [] : parseList(c, close, depth + 1);
        c.expectPunct(close, `',' or '${close}'`);
        return t.text === '[' ? { kind: 'list', items } : { kind: 'struct', items };
      }
      break;
    default:
      break;
  }
  return c.unexpected(t, 'an expression (number, name, string, ..., [..] or {..})');
}

/** Looks up `name=value` inside a struct expression (e.g. `fd` in a pollfd). */
export function structField(e: Expr, name: string): Expr | undefined {
  if (e.kind !== 'struct') return undefined;
  for (const item of e.items) {
    if (item.kind !== 'assign') continue;
    const tgt = item.target;
    if ((tgt.kind === 'word' || tgt.kind === 'call') && tgt.name === name) return item.value;
  }
  return undefined;
}
