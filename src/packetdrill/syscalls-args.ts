// Reading syscall arguments out of script expressions: integers (literal, symbolic, OR-ed,
// `[n]` pointers to an int, `htons(n)`), struct fields (`{onoff=1, linger=0}`), buffer
// lengths in iovecs. Every reader returns a value or a reason it cannot, never throws.

import type { Expr } from './ast.js';
import { constantValue, errnoNumber, type Dialect } from './syscalls-constants.js';

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = (reason: string): Read<never> => ({ ok: false, reason });

/** An integer: literal, named constant or errno, `a|b`, `[n]`, `htons(n)`/`htonl(n)`. */
export function intOf(e: Expr | undefined, dialect: Dialect): Read<number> {
  if (e === undefined) return no('missing argument');
  switch (e.kind) {
    case 'int':
      return ok(e.value);
    case 'word': {
      const v = constantValue(e.name, dialect) ?? errnoNumber(e.name, dialect);
      return v === undefined ? no(`unknown constant ${e.name}`) : ok(v);
    }
    case 'or': {
      let acc = 0;
      for (const o of e.operands) {
        const r = intOf(o, dialect);
        if (!r.ok) return r;
        acc |= r.value;
      }
      return ok(acc >>> 0);
    }
    case 'list':
      return e.items.length === 1 ? intOf(e.items[0], dialect) : no('expected a one-element list');
    case 'call':
      if ((e.name === 'htons' || e.name === 'htonl' || e.name === 'ntohs' || e.name === 'ntohl') && e.args.length === 1) return intOf(e.args[0], dialect);
      return no(`unsupported function ${e.name}()`);
    default:
      return no(`expected an integer, found ${e.kind}`);
  }
}

export function isEllipsis(e: Expr | undefined): boolean {
  return e === undefined || e.kind === 'ellipsis';
}

/** `{name=value, ...}`: the value assigned to `name`, or the item at `index` when unnamed. */
export function structField(e: Expr | undefined, name: string, index: number): Expr | undefined {
  if (e === undefined) return undefined;
  const s = e.kind === 'list' && e.items.length === 1 ? e.items[0] : e;
  if (s === undefined || s.kind !== 'struct') return undefined;
  for (const item of s.items) {
    if (item.kind === 'assign' && item.target.kind === 'word' && item.target.name === name) return item.value;
  }
  const positional = s.items[index];
  return positional !== undefined && positional.kind !== 'assign' ? positional : undefined;
}

/** Total length of an iovec list `[{..., 100}, {iov_base=..., iov_len=200}]`. */
export function iovLength(e: Expr | undefined, dialect: Dialect): Read<number> {
  if (e === undefined || e.kind !== 'list') return no('expected an iovec list');
  let total = 0;
  for (const item of e.items) {
    if (item.kind !== 'struct') return no('expected {iov_base, iov_len} structs');
    const len = structField(item, 'iov_len', 1);
    const r = intOf(len, dialect);
    if (!r.ok) return r;
    total += r.value;
  }
  return ok(total);
}

/** The port in `{sa_family=AF_INET, sin_port=htons(8080), ...}` (or sin6_port), if written. */
export function sockaddrPort(e: Expr | undefined, dialect: Dialect): Read<number | undefined> {
  if (e === undefined || e.kind === 'ellipsis') return ok(undefined);
  const p = structField(e, 'sin_port', 1) ?? structField(e, 'sin6_port', 1);
  if (p === undefined) return no('unsupported sockaddr');
  return intOf(p, dialect);
}

/** Seconds + microseconds of a `{tv_sec=1, tv_usec=0}` timeval, in µs. */
export function timevalUs(e: Expr | undefined, dialect: Dialect): Read<number> {
  const s = intOf(structField(e, 'tv_sec', 0), dialect);
  if (!s.ok) return s;
  const u = intOf(structField(e, 'tv_usec', 1), dialect);
  return ok(s.value * 1_000_000 + (u.ok ? u.value : 0));
}
