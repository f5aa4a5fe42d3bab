// TCP option lists: `<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>`, `<sack 1:2 3:4,nop,nop>`,
// `<FO abcd1234>`, `<md5 valid>`, `<...>` (any options, outbound only), plus the dialect
// forms `exp-FO`, `gen-N data`, `exp-XXXX data`, AccECN options and `<0102...>` raw bytes.

import type { TcpOptionSpec } from './ast.js';
import { Cursor, U16, U24, U32, U8, looksLikeSymbol } from './cursor.js';
import type { Token } from './lexer.js';

const KEYWORDS = new Set([
  'nop', 'eol', 'mss', 'wscale', 'sackOK', 'sack', 'TS', 'md5', 'FO', 'FOEXP', 'ECN',
  'AccECN0', 'AccECN1', 'exp-AccECN0', 'exp-AccECN1', 'exp-FO', 'EXP-FO', 'exp-tarr',
]);

/** Parses from `<` through `>`; 'any' for `<...>`. */
export function parseTcpOptions(c: Cursor): TcpOptionSpec[] | 'any' {
  c.expectPunct('<');
  if (c.peek().kind === 'ellipsis') {
    c.next();
    c.expectPunct('>');
    return 'any';
  }
  const first = c.peek();
  if ((first.kind === 'int' || first.kind === 'word') && !KEYWORDS.has(first.text) && !isGeneric(first) && c.isPunct('>', 1)) {
    c.next();
    c.next();
    return [{ kind: 'raw', hex: first.text }];
  }
  const list: TcpOptionSpec[] = [];
  for (;;) {
    list.push(parseOption(c));
    if (c.isPunct(',')) {
      c.next();
      continue;
    }
    c.expectPunct('>', `',' or '>' in TCP option list`);
    return list;
  }
}

function isGeneric(t: Token): boolean {
  return t.kind === 'word' && (/^gen-[0-9]+$/.test(t.text) || /^exp-[0-9a-fA-F]+$/.test(t.text));
}

/** Optional hex blob (cookie, digest, data): a word or integer not followed by more syntax. */
function optBlob(c: Cursor): string {
  const t = c.peek();
  if (t.kind === 'word' && !/^[0-9a-fA-F]+$/.test(t.text) && looksLikeSymbol(t.text)) {
    c.unsupported(`undefined symbol ${t.text} used as option data`);
  }
  if (t.kind === 'word' || t.kind === 'int' || t.kind === 'hex') {
    c.next();
    return t.text;
  }
  return '';
}

function parseOption(c: Cursor): TcpOptionSpec {
  const t = c.peek();
  if (t.kind !== 'word') c.unexpected(t, 'a TCP option (mss, nop, sackOK, TS, wscale, sack, eol, FO, md5, ...)');
  c.next();
  switch (t.text) {
    case 'nop':
      return { kind: 'nop' };
    case 'eol':
      return { kind: 'eol' };
    case 'sackOK':
      return { kind: 'sackOK' };
    case 'mss':
      return { kind: 'mss', mss: c.expectInt('mss value', U16) };
    case 'wscale':
      return { kind: 'wscale', shift: c.expectInt('window scale shift count', U8) };
    case 'sack': {
      const blocks: Array<[number, number]> = [];
      do {
        const left = c.expectInt('SACK left edge', U32);
        c.expectPunct(':');
        const right = c.expectInt('SACK right edge', U32);
        blocks.push([left, right]);
      } while (c.peek().kind === 'int');
      return { kind: 'sack', blocks };
    }
    case 'TS': {
      c.expectWord('val');
      let val: number | 'any';
      if (c.peek().kind === 'ellipsis') {
        c.next();
        val = 'any';
      } else {
        val = c.expectInt('TS val', U32);
      }
      c.expectWord('ecr');
      const ecr = c.expectInt('TS ecr', U32);
      const opt: TcpOptionSpec = { kind: 'timestamp', val, ecr };
      if (c.isPunct('!')) {
        c.next();
        opt.ecrAbsolute = true;
      }
      return opt;
    }
    case 'md5': {
      if (c.isWord('valid')) {
        c.next();
        return { kind: 'md5', digest: 'valid' };
      }
      const digest = optBlob(c);
      if (digest === '') c.unexpected(c.peek(), 'an MD5 digest in hex or valid');
      return { kind: 'md5', digest };
    }
    case 'FO':
      return { kind: 'fastOpen', cookie: optBlob(c), experimental: false };
    case 'FOEXP':
    case 'exp-FO':
    case 'EXP-FO':
      return { kind: 'fastOpen', cookie: optBlob(c), experimental: true };
    case 'ECN':
    case 'AccECN0':
    case 'AccECN1':
    case 'exp-AccECN0':
    case 'exp-AccECN1':
      return { kind: 'accEcn', text: accEcnText(c, t) };
    case 'exp-tarr': {
      const rate = c.peek();
      if (rate.kind === 'int') c.next();
      return { kind: 'generic', code: 254, exid: 0x00ac, data: rate.kind === 'int' ? rate.text : '' };
    }
    default: {
      const gen = /^gen-([0-9]+)$/.exec(t.text);
      if (gen !== null) {
        const code = Number(gen[1]);
        if (code > 255) c.fail(t, 'PD_OUT_OF_RANGE', `TCP option kind ${code} out of range`);
        return { kind: 'generic', code, data: optBlob(c) };
      }
      const exp = /^exp-([0-9a-fA-F]+)$/.exec(t.text);
      if (exp !== null) {
        const exid = parseInt(exp[1]!, 16);
        if (exid > U16) c.fail(t, 'PD_OUT_OF_RANGE', `TCP ExID ${exp[1]} out of range`);
        return { kind: 'generic', code: 254, exid, data: optBlob(c) };
      }
      return c.unexpected(t, 'a TCP option (mss, nop, sackOK, TS, wscale, sack, eol, FO, md5, ...)');
    }
  }
}

/** AccECN fields: `e0b N ceb N e1b N` (and nplab's ee0b/eceb/ee1b); kept as written. */
function accEcnText(c: Cursor, head: Token): string {
  const fields = new Set(['e0b', 'e1b', 'ceb', 'ee0b', 'ee1b', 'eceb']);
  let last = head.end;
  while (c.peek().kind === 'word' && fields.has(c.peek().text)) {
    c.next();
    c.expectInt('AccECN counter', U24);
    last = c.tokens[c.i - 1]!.end;
  }
  return c.slice(head.start, last).replace(/\s+/g, ' ');
}

const hexLen = (h: string): number => Math.ceil((h.startsWith('0x') ? h.length - 2 : h.length) / 2);

/**
 * Bytes the options occupy on the wire, or undefined when a form's size is not known here
 * (exp-tarr). RFC 9293 §3.1: the header, options included, is a whole number of 32-bit words.
 */
export function optionsWireLength(list: readonly TcpOptionSpec[]): number | undefined {
  let n = 0;
  for (const o of list) {
    switch (o.kind) {
      case 'nop':
      case 'eol':
        n += 1;
        break;
      case 'mss':
        n += 4;
        break;
      case 'wscale':
        n += 3;
        break;
      case 'sackOK':
        n += 2;
        break;
      case 'sack':
        n += 2 + 8 * o.blocks.length;
        break;
      case 'timestamp':
        n += 10;
        break;
      case 'md5':
        n += 18;
        break;
      case 'fastOpen':
        n += (o.experimental ? 4 : 2) + hexLen(o.cookie);
        break;
      case 'accEcn': {
        // RFC 9768 §3.2.3: kind, length, then 3-byte counters (exp- forms add a 2-byte ExID)
        const counters = o.text.split(/\s+/).filter((w) => /^[0-9]+$/.test(w)).length;
        n += (o.text.startsWith('exp-') ? 4 : 2) + 3 * counters;
        break;
      }
      case 'generic':
        if (o.exid === 0x00ac) return undefined;
        n += (o.exid !== undefined ? 4 : 2) + hexLen(o.data);
        break;
      case 'raw':
        n += hexLen(o.hex);
        break;
    }
  }
  return n;
}
