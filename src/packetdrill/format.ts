// Prints syntax-tree nodes back in packetdrill syntax, for side-by-side failure messages
// ("expected: > . 1:1(0) ack 1001 / actual: > P. 1:101(100) ack 1001") and for checking that
// parse → print → parse is stable. Observed segments (a TcpRepr already mapped to script
// sequence space) print in the same notation via formatTcpRepr.

import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import type { Direction, Event, Expr, IcmpEchoed, IpInfo, PacketSpec, Script, SeqSpec, SyscallSpec, TcpOptionSpec, TimeSpec } from './ast.js';
import { formatFlags } from './flags.js';

/** Microseconds as packetdrill seconds: 0, 0.1, 1.25, 0.000001. */
export function formatSeconds(usecs: number): string {
  const whole = Math.floor(usecs / 1_000_000);
  const frac = usecs - whole * 1_000_000;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

export function formatTime(t: TimeSpec): string {
  switch (t.kind) {
    case 'any':
      return '*';
    case 'absolute':
      return formatSeconds(t.usecs);
    case 'relative':
      return `+${formatSeconds(t.usecs)}`;
    case 'absoluteRange':
      return `${formatSeconds(t.usecs)}~${formatSeconds(t.endUsecs)}`;
    case 'relativeRange':
      return `+${formatSeconds(t.usecs)}~+${formatSeconds(t.endUsecs)}`;
  }
}

export interface FormatOptions {
  /** print the event time in front (default true) */
  withTime?: boolean;
}

/** One event as a script line (multi-line only if a code block or command contains newlines). */
export function formatEvent(ev: Event, opts: FormatOptions = {}): string {
  const time = opts.withTime === false ? '' : formatTime(ev.time);
  switch (ev.kind) {
    case 'packet':
      return join(time, formatPacket(ev.packet));
    case 'syscall':
      if (ev.syscall.endUsecs !== undefined) {
        return `${time}...${formatSeconds(ev.syscall.endUsecs)} ${formatSyscall(ev.syscall)}`;
      }
      return join(time, formatSyscall(ev.syscall));
    case 'command':
      return join(time, `\`${ev.command}\``);
    case 'code':
      return join(time, `%{ ${ev.code} }%`);
    case 'unsupported':
      return ev.text;
  }
}

function join(a: string, b: string): string {
  return a === '' ? b : `${a} ${b}`;
}

const dirChar = (d: Direction): string => (d === 'inbound' ? '<' : '>');

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function formatIpInfo(ip: IpInfo): string {
  const parts: string[] = [];
  if (ip.tos !== undefined) parts.push(`${ip.tosKeyword ?? 'tos'} ${hex(ip.tos)}`);
  if (ip.dscp !== undefined) parts.push(`dscp ${hex(ip.dscp)}`);
  if (ip.ecn !== undefined) parts.push(ip.ecn);
  if (ip.ttl !== undefined) parts.push(`${ip.ttlKeyword ?? 'ttl'} ${ip.ttl}`);
  if (ip.flowLabel !== undefined) parts.push(`flowlabel ${hex(ip.flowLabel)}`);
  const close = ip.bracket === '(' ? ')' : ']';
  return `${ip.bracket}${parts.join(', ')}${close}`;
}

function formatSeq(s: SeqSpec): string {
  if (s.kind === 'any') return `...(${s.len})`;
  if (s.bare === true) return String(s.start);
  return `${s.start}:${s.end}(${s.len})${s.absolute ? '!' : ''}`;
}

function formatEncap(e: { srcPort: number; dstPort: number } | undefined): string {
  return e === undefined ? '' : `/udp(${e.srcPort} > ${e.dstPort})`;
}

function formatEchoed(e: IcmpEchoed): string {
  if (e.kind === 'tcp') return `[${formatSeq(e.seq)}${formatEncap(e.udpEncap)}]`;
  return `[${e.kind} (${e.len})]`;
}

export function formatPacket(p: PacketSpec): string {
  const parts: string[] = [dirChar(p.direction)];
  if (p.ip !== undefined) parts.push(formatIpInfo(p.ip));
  if (p.proto === 'icmp') {
    parts.push('icmp', p.type);
    if (p.code !== undefined) parts.push(p.code);
    if (p.mtu !== undefined) parts.push(`mtu ${p.mtu}`);
    if (p.id !== undefined) parts.push(`id ${p.id}`);
    if (p.echoed !== undefined) parts.push(formatEchoed(p.echoed));
    return parts.join(' ');
  }
  if (p.proto === 'udp') parts.push('udp');
  if (p.srcPort !== undefined && p.dstPort !== undefined) parts.push(`${p.srcPort} > ${p.dstPort}`);
  if (p.proto === 'udp') {
    parts.push(`(${p.len})`);
    return parts.join(' ');
  }
  parts.push(p.flags.text, formatSeq(p.seq));
  if (p.ack !== undefined) parts.push(`ack ${p.ack}`);
  if (p.win !== undefined) parts.push(`win ${p.win}`);
  if (p.urg !== undefined) parts.push(`urg ${p.urg}`);
  if (p.options === 'any') parts.push('<...>');
  else if (p.options.length > 0) parts.push(`<${p.options.map(formatOptionSpec).join(',')}>`);
  return parts.join(' ') + formatEncap(p.udpEncap);
}

export function formatOptionSpec(o: TcpOptionSpec): string {
  switch (o.kind) {
    case 'nop':
    case 'eol':
    case 'sackOK':
      return o.kind;
    case 'mss':
      return `mss ${o.mss}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sack':
      return `sack ${o.blocks.map(([l, r]) => `${l}:${r}`).join(' ')}`;
    case 'timestamp':
      return `TS val ${o.val === 'any' ? '...' : o.val} ecr ${o.ecr}${o.ecrAbsolute === true ? '!' : ''}`;
    case 'md5':
      return `md5 ${o.digest}`;
    case 'fastOpen':
      return `${o.experimental ? 'FOEXP' : 'FO'}${o.cookie === '' ? '' : ` ${o.cookie}`}`;
    case 'accEcn':
      return o.text;
    case 'generic': {
      const head = o.exid !== undefined ? `exp-${o.exid.toString(16).padStart(4, '0')}` : `gen-${o.code}`;
      return o.data === '' ? head : `${head} ${o.data}`;
    }
    case 'raw':
      return o.hex;
  }
}

export function formatSyscall(s: SyscallSpec): string {
  let out = `${s.name}(${s.args.map(formatExpr).join(', ')}) = ${formatExpr(s.result)}`;
  if (s.errno !== undefined) out += ` ${s.errno.name}${s.errno.text !== undefined ? ` (${s.errno.text})` : ''}`;
  if (s.note !== undefined) out += ` (${s.note})`;
  return out;
}

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'ellipsis':
      return '...';
    case 'int':
    case 'float':
      return e.text;
    case 'word':
      return e.name;
    case 'string':
      return `"${e.value}"${e.prefix === true ? '...' : ''}`;
    case 'list':
      return `[${e.items.map(formatExpr).join(', ')}]`;
    case 'struct':
      return `{${e.items.map(formatExpr).join(', ')}}`;
    case 'or':
      return e.operands.map(formatExpr).join('|');
    case 'assign':
      return `${formatExpr(e.target)}=${formatExpr(e.value)}`;
    case 'call':
      return `${e.name}(${e.args.map(formatExpr).join(', ')})`;
  }
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A wire option in script notation (FO, FOEXP and md5 recognised among unknown kinds). */
export function formatTcpOption(o: TcpOption): string {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return o.kind;
    case 'mss':
      return `mss ${o.mss}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sackPermitted':
      return 'sackOK';
    case 'sack':
      return `sack ${o.blocks.map(([l, r]) => `${l}:${r}`).join(' ')}`;
    case 'timestamp':
      return `TS val ${o.val} ecr ${o.ecr}`;
    case 'unknown': {
      const data = toHex(o.data);
      if (o.code === 34) return data === '' ? 'FO' : `FO ${data}`;
      if (o.code === 254 && data.startsWith('f989')) return data.length === 4 ? 'FOEXP' : `FOEXP ${data.slice(4)}`;
      if (o.code === 19) return `md5 ${data}`;
      return data === '' ? `gen-${o.code}` : `gen-${o.code} ${data}`;
    }
  }
}

/**
 * An observed TCP segment in packet-line notation, e.g. `> P. 1:101(100) ack 1 win 65535 <nop>`.
 * Give the segment in script sequence space (see SeqMapper) for comparable output.
 */
export function formatTcpRepr(direction: Direction, seg: TcpRepr, opts: { asAce?: boolean } = {}): string {
  const len = seg.payload.length;
  const end = (seg.seq + len) >>> 0;
  let out = `${dirChar(direction)} ${formatFlags(seg.flags, opts.asAce === true)} ${seg.seq}:${end}(${len})`;
  if ((seg.flags & 0x10) !== 0) out += ` ack ${seg.ack}`;
  out += ` win ${seg.window}`;
  if (seg.urgent !== 0) out += ` urg ${seg.urgent}`;
  if (seg.options.length > 0) out += ` <${seg.options.map(formatTcpOption).join(',')}>`;
  return out;
}

/** A whole script, one event per line; parsing the result gives the same events. */
export function formatScript(s: Script): string {
  const lines: string[] = [];
  for (const o of s.options) lines.push(o.value === undefined ? `--${o.name}` : `--${o.name}=${o.value}`);
  if (s.initCommand !== undefined) lines.push(`\`${s.initCommand.command}\``);
  for (const ev of s.events) lines.push(formatEvent(ev));
  if (s.cleanupCommand !== undefined) lines.push(`\`${s.cleanupCommand.command}\``);
  return `${lines.join('\n')}\n`;
}
