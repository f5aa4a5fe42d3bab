// Comparing what the stack sent with what the script expects, field by field, the way
// packetdrill's outbound check does: flags, sequence and acknowledgment numbers, window
// (only when the script gives one), urgent pointer, payload length and TCP options. Numbers
// must already be in script space (SeqMapper.outboundToScript).

import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import type { TcpOptionSpec, TcpPacketSpec } from './ast.js';
import { matchFlags } from './flags.js';
import { formatOptionSpec, formatTcpOption } from './format.js';

export type MatchResult = { ok: true } | { ok: false; field: string; message: string };

export interface OptionMatchConfig {
  /**
   * TS val check. packetdrill's default does not check it (`--tcp_ts_tick_usecs=0`); when it
   * does, it first maps the live val into script space (TsMapper.outboundValToScript) and
   * accepts |difference| × tick ≤ max(tolerance_usecs, tolerance_percent × time since the
   * first event). Give a slack in TS units (0 = exact), or a predicate for your own rule.
   */
  tsVal?: 'ignore' | { slack: number } | ((scriptVal: number, actualVal: number) => boolean);
  /** check TS ecr exactly (packetdrill does not check outbound ecr) */
  tsEcr?: boolean;
}

/**
 * RFC 9293 §3.2: End of Option List ends the list and the rest of the options area is
 * padding, so both lists are compared up to their first EOL. `<mss 1460,sackOK,eol,eol>`
 * therefore matches a segment whose parsed options are [mss 1460, sackOK] or [..., eol].
 */
function untilEol<T extends { kind: string }>(list: readonly T[]): T[] {
  const i = list.findIndex((o) => o.kind === 'eol');
  return i < 0 ? [...list] : list.slice(0, i);
}

function hexBytes(hex: string): Uint8Array | undefined {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Why one expected option does not match one actual option, or undefined if it matches. */
function optionMismatch(e: TcpOptionSpec, a: TcpOption, cfg: OptionMatchConfig): string | undefined {
  const kindDiffers = 'different option kind';
  switch (e.kind) {
    case 'nop':
    case 'eol':
      return a.kind === e.kind ? undefined : kindDiffers;
    case 'sackOK':
      return a.kind === 'sackPermitted' ? undefined : kindDiffers;
    case 'mss':
      if (a.kind !== 'mss') return kindDiffers;
      return a.mss === e.mss ? undefined : 'bad value';
    case 'wscale':
      if (a.kind !== 'wscale') return kindDiffers;
      return a.shift === e.shift ? undefined : 'bad value';
    case 'sack':
      if (a.kind !== 'sack') return kindDiffers;
      if (a.blocks.length !== e.blocks.length) return 'bad length';
      return a.blocks.every(([l, r], i) => l === e.blocks[i]![0] && r === e.blocks[i]![1]) ? undefined : 'bad value';
    case 'timestamp': {
      if (a.kind !== 'timestamp') return kindDiffers;
      const rule = cfg.tsVal ?? 'ignore';
      if (e.val !== 'any' && rule !== 'ignore') {
        const ok = typeof rule === 'function' ? rule(e.val, a.val) : Math.abs((a.val - e.val) | 0) <= rule.slack;
        if (!ok) return 'bad TS val';
      }
      if (cfg.tsEcr === true && a.ecr !== e.ecr) return 'bad TS ecr';
      return undefined;
    }
    case 'fastOpen': {
      if (a.kind !== 'unknown') return kindDiffers;
      const cookie = hexBytes(e.cookie);
      if (cookie === undefined) return 'unreadable cookie in script';
      if (e.experimental) {
        if (a.code !== 254 || a.data[0] !== 0xf9 || a.data[1] !== 0x89) return kindDiffers;
        return sameBytes(a.data.subarray(2), cookie) ? undefined : 'bad value';
      }
      if (a.code !== 34) return kindDiffers;
      return sameBytes(a.data, cookie) ? undefined : 'bad value';
    }
    case 'md5': {
      if (a.kind !== 'unknown' || a.code !== 19) return kindDiffers;
      if (a.data.length !== 16) return 'bad length';
      if (e.digest === 'valid') return undefined; // verifying the signature needs the key
      const d = hexBytes(e.digest);
      return d !== undefined && sameBytes(d, a.data) ? undefined : 'bad value';
    }
    case 'generic': {
      if (a.kind !== 'unknown' || a.code !== e.code) return kindDiffers;
      const data = hexBytes(e.data);
      if (data === undefined) return 'unreadable data in script';
      const actual = e.exid !== undefined ? a.data.subarray(2) : a.data;
      if (e.exid !== undefined && (a.data.length < 2 || ((a.data[0]! << 8) | a.data[1]!) !== e.exid)) return kindDiffers;
      return e.data === '' || sameBytes(actual, data) ? undefined : 'bad value';
    }
    case 'accEcn':
      if (a.kind !== 'unknown' || (a.code !== 172 && a.code !== 174 && a.code !== 254)) return kindDiffers;
      return undefined; // counters depend on the run; presence is what can be checked here
    case 'raw':
      return 'raw option bytes are compared as a whole, not per option';
  }
}

/**
 * packetdrill's option check: `<...>` accepts anything; otherwise the options must be the
 * same kinds in the same order, with equal values (TS val and ecr as configured).
 */
export function matchTcpOptions(
  expected: TcpOptionSpec[] | 'any',
  actual: readonly TcpOption[],
  cfg: OptionMatchConfig = {},
): MatchResult {
  if (expected === 'any') return { ok: true };
  const exp = untilEol(expected);
  const act = untilEol(actual);
  const shown = (): string =>
    `expected <${expected.map(formatOptionSpec).join(',')}> actual <${actual.map(formatTcpOption).join(',')}>`;
  if (exp.length === 1 && exp[0]!.kind === 'raw') {
    return { ok: false, field: 'options', message: `raw option bytes cannot be matched: ${shown()}` };
  }
  for (let i = 0; i < Math.max(exp.length, act.length); i++) {
    const e = exp[i];
    const a = act[i];
    if (e === undefined || a === undefined) {
      return { ok: false, field: 'options', message: `${e === undefined ? 'extra' : 'missing'} option at position ${i + 1}: ${shown()}` };
    }
    const why = optionMismatch(e, a, cfg);
    if (why !== undefined) {
      return { ok: false, field: 'options', message: `${why} in option ${i + 1} (${formatOptionSpec(e)} vs ${formatTcpOption(a)}): ${shown()}` };
    }
  }
  return { ok: true };
}

/**
 * Compares a segment the stack sent (already in script sequence space) with an outbound
 * TCP packet line. Fields the script leaves out are not checked: `win` when absent, `ack`
 * when neither written nor implied by the ACK flag, options when `<...>`, the sequence
 * number when written `...(len)`.
 */
export function matchTcpSegment(expected: TcpPacketSpec, actual: TcpRepr, cfg: OptionMatchConfig = {}): MatchResult {
  const flags = matchFlags(expected.flags, actual.flags);
  if (!flags.ok) return { ok: false, field: 'flags', message: flags.message };
  if (expected.seq.kind === 'range' && actual.seq !== expected.seq.start) {
    return { ok: false, field: 'seq', message: `seq ${actual.seq} instead of ${expected.seq.start}` };
  }
  if (actual.payload.length !== expected.seq.len) {
    return { ok: false, field: 'payload', message: `payload length ${actual.payload.length} instead of ${expected.seq.len}` };
  }
  if ((expected.ack !== undefined || (expected.flags.bits & 0x10) !== 0) && actual.ack !== (expected.ack ?? 0)) {
    return { ok: false, field: 'ack', message: `ack ${actual.ack} instead of ${expected.ack ?? 0}` };
  }
  if (expected.win !== undefined && actual.window !== expected.win) {
    return { ok: false, field: 'win', message: `win ${actual.window} instead of ${expected.win}` };
  }
  if (actual.urgent !== (expected.urg ?? 0)) {
    return { ok: false, field: 'urg', message: `urg ${actual.urgent} instead of ${expected.urg ?? 0}` };
  }
  return matchTcpOptions(expected.options, actual.options, cfg);
}
