// parseScript: packetdrill script text → Script, or every error found with line:column and a
// stable code. Never throws. The script shape is
//   options* init-command? event+ cleanup-command?
// where an event is `time action`: a packet line, a syscall, a `shell command` or a
// %{ python }% block. After an error the parser resumes at the next line, so one run
// reports the problems of the whole file.

import type { Event, ParseError, ParseOptions, ParseResult, Script, ScriptOption, TimeSpec } from './ast.js';
import { Cursor, EventFailure, UnsupportedConstruct } from './cursor.js';
import { lex, type Token } from './lexer.js';
import { parsePacket } from './parse-packet.js';
import { parseSyscall } from './parse-expr.js';
import { preprocess } from './preprocess.js';

export function parseScript(text: string, opts: ParseOptions = {}): ParseResult {
  try {
    return parseChecked(String(text), opts);
  } catch (e) {
    // Defensive: a bug here must surface as a result, never as an exception to the caller.
    return { ok: false, errors: [{ line: 1, column: 1, code: 'PD_UNEXPECTED_TOKEN', message: `internal parser error: ${String(e)}` }] };
  }
}

function parseChecked(text: string, opts: ParseOptions): ParseResult {
  const dialect = opts.dialect ?? 'linux';
  const initial: Record<string, string> = {};
  if (dialect === 'freebsd') initial['FreeBSD'] = '';
  Object.assign(initial, opts.defines ?? {});
  const pre = preprocess(text, initial);
  const lexed = lex(pre.text);
  const errors: ParseError[] = [...pre.errors, ...lexed.errors];
  const tokens = substituteDefines(lexed.tokens, pre.defines);
  // After an unterminated string, command or block the lexer swallowed the rest of the file;
  // the parser's complaints about the missing end are echoes of that one error.
  const truncated = lexed.errors.some((e) => e.code.startsWith('PD_UNTERMINATED'));
  const c = new Cursor(tokens, pre.text, truncated);
  const script: Script = { dialect, options: [], defines: pre.defines, events: [] };

  while (c.peek().kind !== 'eof') {
    const t = c.peek();
    if (t.kind === 'option') {
      c.next();
      if (script.events.length > 0) {
        errors.push(at(t, 'PD_OPTION_AFTER_EVENTS', `option --${t.value} must come before the first event`));
        continue;
      }
      const opt: ScriptOption = { name: t.value, line: t.line, column: t.column };
      if (t.optionValue !== undefined) opt.value = t.optionValue;
      script.options.push(opt);
      continue;
    }
    if (t.kind === 'command') {
      c.next();
      const cmd = { command: t.value, line: t.line, column: t.column };
      if (script.events.length === 0 && script.initCommand === undefined) {
        script.initCommand = cmd;
      } else if (script.events.length > 0 && script.cleanupCommand === undefined && c.peek().kind === 'eof') {
        script.cleanupCommand = cmd;
      } else {
        errors.push(at(t, 'PD_UNEXPECTED_TOKEN', 'a `command` in the middle of the script needs an event time'));
      }
      continue;
    }
    const startIdx = c.i;
    c.eventStart = startIdx;
    try {
      const ev = parseEvent(c);
      const after = c.peek();
      if (after.kind !== 'eof' && !after.lineStart) c.unexpected(after, 'end of line after the event');
      script.events.push(ev);
    } catch (e) {
      if (!(e instanceof EventFailure)) throw e;
      if (!e.echo) errors.push(e.error);
      resync(c, startIdx);
    }
  }
  if (script.events.length === 0 && errors.length === 0) {
    const eof = c.peek();
    errors.push(at(eof, 'PD_NO_EVENTS', 'script has no events'));
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  return { ok: true, script };
}

function at(t: Token, code: ParseError['code'], message: string): ParseError {
  return { code, line: t.line, column: t.column, message };
}

/** Skips to the first token after the failed event's start that begins a line. */
function resync(c: Cursor, startIdx: number): void {
  if (c.i <= startIdx) c.i = startIdx + 1;
  while (c.peek().kind !== 'eof' && !c.peek().lineStart) c.next();
}

/** Could this token begin an event (or the header/cleanup parts around events)? */
function startsEvent(t: Token): boolean {
  if (t.kind === 'eof' || t.kind === 'int' || t.kind === 'float' || t.kind === 'option' || t.kind === 'command') return true;
  return t.kind === 'punct' && (t.text === '+' || t.text === '*');
}

/**
 * Skips the rest of an event the runner cannot execute. It ends at the next line that starts
 * like an event, with (, [ and { balanced, so multi-line SCTP chunk lists are skipped whole.
 */
function skipEvent(c: Cursor): number {
  let depth = 0;
  let end = c.tokens[c.i - 1]?.end ?? c.peek().start;
  for (;;) {
    const t = c.peek();
    if (t.kind === 'eof' || (t.lineStart && depth <= 0 && startsEvent(t))) return end;
    c.next();
    end = t.end;
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    }
  }
}

function parseEvent(c: Cursor): Event {
  const first = c.peek();
  const time = parseTime(c);
  const base = { line: first.line, column: first.column, time };
  let ev: Event;
  try {
    ev = parseAction(c, base);
  } catch (e) {
    if (!(e instanceof UnsupportedConstruct)) throw e;
    const end = skipEvent(c);
    return { ...base, kind: 'unsupported', reason: e.reason, text: c.slice(first.start, end) };
  }
  const outbound = ev.kind === 'packet' && ev.packet.direction === 'outbound';
  if (!outbound && time.kind !== 'absolute' && time.kind !== 'relative') {
    const what = time.kind === 'any' ? 'event time *' : 'an event time range';
    c.fail(first, 'PD_TIME_NOT_OUTBOUND', `${what} can only be used with outbound packets`);
  }
  return ev;
}

function parseAction(c: Cursor, base: { line: number; column: number; time: TimeSpec }): Event {
  const t = c.peek();
  let ev: Event;
  if (t.kind === 'punct' && (t.text === '<' || t.text === '>')) {
    const p = parsePacket(c);
    if ('unsupported' in p) c.unsupported(p.unsupported);
    ev = { ...base, kind: 'packet', packet: p.packet };
  } else if (t.kind === 'command') {
    c.next();
    ev = { ...base, kind: 'command', command: t.value };
  } else if (t.kind === 'code') {
    c.next();
    ev = { ...base, kind: 'code', code: t.value };
  } else if (t.kind === 'ellipsis' || (t.kind === 'word' && c.isPunct('(', 1))) {
    let endUsecs: number | undefined;
    if (t.kind === 'ellipsis') {
      c.next();
      endUsecs = parseSeconds(c);
      const name = c.peek();
      if (name.kind !== 'word') c.unexpected(name, 'a syscall name after the end time');
    }
    const syscall = parseSyscall(c);
    if (endUsecs !== undefined) syscall.endUsecs = endUsecs;
    ev = { ...base, kind: 'syscall', syscall };
  } else {
    return c.unexpected(t, "a packet ('<' or '>'), a syscall, a `command` or %{ code }%");
  }
  return ev;
}

function parseTime(c: Cursor): TimeSpec {
  const t = c.peek();
  if (t.kind === 'punct' && t.text === '*') {
    c.next();
    return { kind: 'any' };
  }
  const relative = t.kind === 'punct' && t.text === '+';
  if (relative) c.next();
  const usecs = parseSeconds(c);
  if (!c.isPunct('~')) return relative ? { kind: 'relative', usecs } : { kind: 'absolute', usecs };
  c.next();
  if (relative) c.expectPunct('+', "'+' (both ends of a relative range are relative)");
  const endTok = c.peek();
  const endUsecs = parseSeconds(c);
  if (endUsecs < usecs) c.fail(endTok, 'PD_TIME_RANGE_BACKWARDS', 'time range is backwards');
  return relative ? { kind: 'relativeRange', usecs, endUsecs } : { kind: 'absoluteRange', usecs, endUsecs };
}

/** A time in seconds (`0`, `1`, `.01`, `0.250`) as exact integer microseconds. */
function parseSeconds(c: Cursor): number {
  const t = c.peek();
  if (t.kind !== 'int' && t.kind !== 'float') {
    return c.unexpected(t, 'an event time (0, +0.1, *, 0.1~0.2)');
  }
  c.next();
  const m = /^(-?)([0-9]*)(?:\.([0-9]+))?$/.exec(t.text);
  if (m === null) return c.fail(t, 'PD_BAD_NUMBER', `bad time ${t.text}`);
  if (m[1] === '-') return c.fail(t, 'PD_NEGATIVE_TIME', 'negative time');
  const whole = m[2] === '' ? 0 : Number(m[2]);
  const frac = Number(((m[3] ?? '') + '000000').slice(0, 6));
  const usecs = whole * 1_000_000 + frac;
  if (!Number.isSafeInteger(usecs)) return c.fail(t, 'PD_OUT_OF_RANGE', `time ${t.text} out of range`);
  return usecs;
}

/** Words that are syntax in packetdrill and therefore never replaced by a define. */
const RESERVED = new Set([
  'ack', 'win', 'urg', 'mss', 'wscale', 'sack', 'sackOK', 'TS', 'val', 'ecr', 'nop', 'eol', 'md5',
  'FO', 'FOEXP', 'udp', 'icmp', 'tos', 'ttl', 'hlim', 'class', 'mtu', 'id', 'ecn', 'noecn', 'ect0', 'ect1',
  'ect01', 'ce', 'flowlabel', 'dscp',
]);

/**
 * packetdrill replaces a word that names a define by its value: `"..."` becomes a string,
 * a backquoted value a command, an integer an integer, anything else a word.
 */
function substituteDefines(tokens: Token[], defines: Record<string, string>): Token[] {
  return tokens.map((t) => {
    if (t.kind !== 'word' || RESERVED.has(t.text) || !Object.prototype.hasOwnProperty.call(defines, t.text)) return t;
    const v = defines[t.text]!;
    if (v === '') return t;
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return { ...t, kind: 'string', value: v.slice(1, -1) };
    if (v.length >= 2 && v.startsWith('`') && v.endsWith('`')) return { ...t, kind: 'command', value: v.slice(1, -1) };
    const n = /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(v) ? Number(v.startsWith('-') ? -Number(v.slice(1)) : Number(v)) : NaN;
    if (Number.isSafeInteger(n)) return { ...t, kind: 'int', text: String(n), value: String(n) };
    return { ...t, text: v, value: v };
  });
}
