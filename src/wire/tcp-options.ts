// TCP options (RFC 9293 §3.2): EOL, NOP, MSS; Window Scale and Timestamps (RFC 7323 §2.2, §3.2);
// SACK-Permitted and SACK (RFC 2018 §2, §3). Unknown kinds are kept with their data.
//
// Malformed options: a length byte missing, below 2, or running past the options area, or a
// known kind with the wrong length, is a BAD_OPTION error naming the option and its offset.
// parseTcpOptions() returns everything parsed before the problem together with the error (a
// known kind with a wrong length is kept as 'unknown' and parsing continues); parseTcp() fails on
// it by default, or ignores it in lenient mode.
//
// EOL: an End of Option List that starts a 32-bit word of the options area is reported as
// { kind: 'eol' }; one inside a word is taken as the padding that completes the word and is not
// reported. Either way it ends the list and the bytes after it are ignored. Emitting pads with
// zero bytes to a 32-bit boundary, so parse(emit(options)) returns the same list whenever an EOL
// in it is last and starts a word (the only layouts that differ on the wire), and
// emit(parse(x)) parses back to the same list for every x.

import type { TcpOption } from './tcp-types.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { wireError, type WireError } from './result.js';

export const TcpOptionKind = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WSCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMP: 8,
} as const;

const OPTION_NAMES: Record<number, string> = { 0: 'eol', 1: 'nop', 2: 'mss', 3: 'wscale', 4: 'sackPermitted', 5: 'sack', 8: 'timestamp' };

/** Field name used in errors: 'options.mss', 'options.kind253'. */
function optionField(kind: number): string {
  return `options.${OPTION_NAMES[kind] ?? `kind${kind}`}`;
}

export interface TcpOptionsParse {
  options: TcpOption[];
  /** The first malformation met, if any. */
  error?: WireError;
}

/** Parse the options area `buf[off .. off+len)` (never throws). */
export function parseTcpOptions(buf: Uint8Array, off: number, len: number): TcpOptionsParse {
  const options: TcpOption[] = [];
  let error: WireError | undefined;
  const end = off + len;
  let pos = off;
  while (pos < end) {
    const kind = buf[pos]!;
    if (kind === TcpOptionKind.EOL) {
      if (((pos - off) & 3) === 0) options.push({ kind: 'eol' });
      break;
    }
    if (kind === TcpOptionKind.NOP) {
      options.push({ kind: 'nop' });
      pos++;
      continue;
    }
    const field = optionField(kind);
    if (pos + 1 >= end) {
      error = wireError('BAD_OPTION', field, pos, `option kind ${kind} has no length byte`);
      break;
    }
    const olen = buf[pos + 1]!;
    if (olen < 2) {
      error = wireError('BAD_OPTION', field, pos + 1, `option kind ${kind} has length ${olen} (< 2)`);
      break;
    }
    if (pos + olen > end) {
      error = wireError('BAD_OPTION', field, pos + 1, `option kind ${kind} of length ${olen} runs past the options (${end - pos} left)`);
      break;
    }
    const known = parseKnown(kind, buf, pos, olen);
    if (known) {
      options.push(known);
    } else {
      if (kind in OPTION_NAMES && error === undefined) {
        error = wireError('BAD_OPTION', field, pos + 1, `option ${OPTION_NAMES[kind]} has invalid length ${olen}`);
      }
      options.push({ kind: 'unknown', code: kind, data: buf.subarray(pos + 2, pos + olen) });
    }
    pos += olen;
  }
  return error ? { options, error } : { options };
}

/** A known option with a valid length, else undefined (unknown kind or wrong length). */
function parseKnown(kind: number, buf: Uint8Array, pos: number, olen: number): TcpOption | undefined {
  switch (kind) {
    case TcpOptionKind.MSS:
      return olen === 4 ? { kind: 'mss', mss: u16(buf, pos + 2) } : undefined;
    case TcpOptionKind.WSCALE:
      return olen === 3 ? { kind: 'wscale', shift: buf[pos + 2]! } : undefined;
    case TcpOptionKind.SACK_PERMITTED:
      return olen === 2 ? { kind: 'sackPermitted' } : undefined;
    case TcpOptionKind.SACK: {
      if (olen < 10 || (olen - 2) % 8 !== 0) return undefined;
      const blocks: Array<[number, number]> = [];
      for (let p = pos + 2; p < pos + olen; p += 8) blocks.push([u32(buf, p), u32(buf, p + 4)]);
      return { kind: 'sack', blocks };
    }
    case TcpOptionKind.TIMESTAMP:
      return olen === 10 ? { kind: 'timestamp', val: u32(buf, pos + 2), ecr: u32(buf, pos + 6) } : undefined;
    default:
      return undefined;
  }
}

/** Encoded size of one option in bytes. */
export function tcpOptionSize(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackPermitted':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'timestamp':
      return 10;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Encoded size of the options before padding. */
export function tcpOptionsLength(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += tcpOptionSize(o);
  return n;
}

/** TCP header length in bytes for these options: 20 + options padded to 32 bits. */
export function tcpHeaderLength(options: readonly TcpOption[]): number {
  return 20 + ((tcpOptionsLength(options) + 3) & ~3);
}

/**
 * Write the options at `buf[off]` and zero padding to a 32-bit boundary; returns the padded
 * length. RangeError when they exceed 40 bytes (RFC 9293 §3.1: data offset ≤ 15 words) or the buffer.
 */
export function emitTcpOptions(options: readonly TcpOption[], buf: Uint8Array, off: number): number {
  const raw = tcpOptionsLength(options);
  const padded = (raw + 3) & ~3;
  if (padded > 40) throw new RangeError(`emitTcp: options take ${raw} bytes, at most 40 fit`);
  if (off + padded > buf.length) throw new RangeError('emitTcp: buffer too small for the options');
  let pos = off;
  for (const o of options) {
    switch (o.kind) {
      case 'eol':
        buf[pos++] = 0;
        break;
      case 'nop':
        buf[pos++] = 1;
        break;
      case 'mss':
        buf[pos] = 2;
        buf[pos + 1] = 4;
        put16(buf, pos + 2, o.mss);
        pos += 4;
        break;
      case 'wscale':
        buf[pos] = 3;
        buf[pos + 1] = 3;
        buf[pos + 2] = o.shift & 0xff;
        pos += 3;
        break;
      case 'sackPermitted':
        buf[pos] = 4;
        buf[pos + 1] = 2;
        pos += 2;
        break;
      case 'sack':
        buf[pos] = 5;
        buf[pos + 1] = 2 + 8 * o.blocks.length;
        pos += 2;
        for (const [l, r] of o.blocks) {
          put32(buf, pos, l);
          put32(buf, pos + 4, r);
          pos += 8;
        }
        break;
      case 'timestamp':
        buf[pos] = 8;
        buf[pos + 1] = 10;
        put32(buf, pos + 2, o.val);
        put32(buf, pos + 6, o.ecr);
        pos += 10;
        break;
      case 'unknown':
        buf[pos] = o.code & 0xff;
        buf[pos + 1] = 2 + o.data.length;
        buf.set(o.data, pos + 2);
        pos += 2 + o.data.length;
        break;
    }
  }
  while (pos < off + padded) buf[pos++] = 0;
  return padded;
}
